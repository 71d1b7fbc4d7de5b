"""The actor dictionary: countries, IGOs, groups, people with time-bounded
roles, and generic agent nouns ("officials", "troops").

File format (JSON Lines, ``#`` comments), one object per line with a "kind":

- ``country``: code (ISO-3), name, names[], adjectives[], capitals[]
- ``igo``: code, name, aliases[]
- ``group``: name, country, sector, aliases[]
- ``person``: name, aliases[], roles[{country, sector, title, start, end}]
- ``agent``: sector, nouns[] (lowercase; combine with a nationality)

Aliases are matched case-sensitively, token for token. Files loaded later
override earlier ones alias by alias, so users can add or correct entries
without editing the package (docs/actors.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..datafiles import iter_jsonl, package_data
from ..errors import DataFileError

__all__ = ["ActorDictionary", "ActorEntry", "Role", "SECTORS", "load_actor_dictionary"]

SECTORS = frozenset(
    "GOV MIL REB OPP PTY COP JUD SPY MED EDU BUS CRM CVL LAB LEG HLH REF MOD RAD AGR ELI ENV HRI IGO NGO NGM "
    "REL SET UAF IMG".split()
)
_CODE = re.compile(r"^[A-Z0-9]{3}$")
_KINDS = ("country", "igo", "group", "person", "agent")


@dataclass(slots=True, frozen=True)
class Role:
    country: str
    sector: str
    title: str
    start: date | None
    end: date | None

    def holds_on(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(slots=True, frozen=True)
class ActorEntry:
    """What an alias stands for. ``kind`` is country, capital, adjective, igo, group or person."""

    kind: str
    name: str
    country: str
    sector: str = ""
    roles: tuple[Role, ...] = ()
    origin: str = ""  # file:line, for error messages and provenance

    def resolve(self, on: date | None) -> tuple[str, str, str]:
        """(country, sector, title) of this actor on a date; people resolve by role."""
        if not self.roles:
            return self.country, self.sector, ""
        if on is not None:
            for role in self.roles:
                if role.holds_on(on):
                    return role.country, role.sector, role.title
            # Out of office: same nationality, no official capacity.
            nearest = min(self.roles, key=lambda r: _distance(r, on))
            return nearest.country, "", ""
        latest = max(self.roles, key=lambda r: r.start or date.min)
        return latest.country, latest.sector, latest.title


def _distance(role: Role, day: date) -> int:
    if role.start and day < role.start:
        return (role.start - day).days
    if role.end and day > role.end:
        return (day - role.end).days
    return 0


MATCH_MODES = ("exact", "caseless", "prefix")


@dataclass(slots=True)
class ActorDictionary:
    aliases: dict[str, ActorEntry] = field(default_factory=dict)  # exact, case-sensitive
    caseless: dict[str, ActorEntry] = field(default_factory=dict)  # lowercased alias
    prefixes: dict[str, ActorEntry] = field(default_factory=dict)  # lowercased; last word is a prefix
    igo_codes: set[str] = field(default_factory=set)
    agents: dict[str, str] = field(default_factory=dict)  # lowercase noun phrase -> sector
    countries: dict[str, str] = field(default_factory=dict)  # code -> name
    sources: list[str] = field(default_factory=list)

    def add_file(self, path: str | Path) -> None:
        self.add_records(str(path), iter_jsonl(path))

    def add_records(self, path: str, records) -> None:
        """Add (line, object) records; ``path`` names their source in errors."""
        local: dict[tuple[str, str], str] = {}  # (match mode, alias) -> origin within this file
        for n, obj in records:
            origin = f"{path}:{n}"
            mode = obj.get("match", "exact")
            if mode not in MATCH_MODES:
                raise DataFileError(path, n, f"'match' must be one of {', '.join(MATCH_MODES)}, got {mode!r}")
            table = {"exact": self.aliases, "caseless": self.caseless, "prefix": self.prefixes}[mode]
            for alias, entry in _entries(path, n, obj, self.agents):
                key = alias if mode == "exact" else alias.lower()
                if (mode, key) in local and table[key].name != entry.name:
                    raise DataFileError(path, n, f"alias {alias!r} already used at line {local[mode, key].rsplit(':', 1)[1]}")
                local[mode, key] = origin
                table[key] = entry
            if obj.get("kind") in ("country", "igo"):
                self.countries[obj["code"]] = obj["name"]
            if obj.get("kind") == "igo":
                self.igo_codes.add(obj["code"])
        self.sources.append(path)

    def country_name(self, code: str) -> str:
        return self.countries.get(code, code)


# Loaded in this order, later files overriding earlier ones alias by alias: office holders 1980-2019,
# office holders 2015-2025 not in the other two files, then the current dictionary.
DEFAULT_FILES = ("actors_history.jsonl", "actors_officials.jsonl", "actors.jsonl")


def load_actor_dictionary(extra: Iterable[str | Path] = (), *, include_default: bool = True) -> ActorDictionary:
    """The package dictionaries, then each extra file on top of them."""
    d = ActorDictionary()
    if include_default:
        for name in DEFAULT_FILES:
            d.add_file(package_data(name))
    for path in extra:
        d.add_file(path)
    return d


# --- validation ------------------------------------------------------------------


def _entries(path: str, n: int, obj: dict, agents: dict[str, str]) -> list[tuple[str, ActorEntry]]:
    kind = obj.get("kind")
    if kind not in _KINDS:
        raise DataFileError(path, n, f"'kind' must be one of {', '.join(_KINDS)}, got {kind!r}")
    origin = f"{path}:{n}"
    out: list[tuple[str, ActorEntry]] = []
    if kind == "agent":
        sector = _sector(path, n, obj.get("sector"))
        for noun in _strings(path, n, obj, "nouns", required=True):
            agents[noun.lower()] = sector
        return out
    name = _text(path, n, obj, "name")
    if kind == "country":
        code = _code(path, n, obj.get("code"), "code")
        for alias in _strings(path, n, obj, "names", required=True):
            out.append((alias, ActorEntry("country", name, code, "", (), origin)))
        for alias in _strings(path, n, obj, "adjectives"):
            out.append((alias, ActorEntry("adjective", name, code, "", (), origin)))
        for alias in _strings(path, n, obj, "capitals"):
            out.append((alias, ActorEntry("capital", name, code, "GOV", (), origin)))
    elif kind == "igo":
        code = _code(path, n, obj.get("code"), "code")
        for alias in _strings(path, n, obj, "aliases", required=True):
            out.append((alias, ActorEntry("igo", name, code, "IGO", (), origin)))
    elif kind == "group":
        code = _code(path, n, obj.get("country"), "country")
        sector = "" if obj.get("sector") == "" else _sector(path, n, obj.get("sector"))
        for alias in _strings(path, n, obj, "aliases", required=True):
            out.append((alias, ActorEntry("group", name, code, sector, (), origin)))
    else:  # person
        roles = tuple(_role(path, n, r) for r in _list(path, n, obj, "roles", required=True))
        country = roles[0].country
        for alias in _strings(path, n, obj, "aliases", required=True):
            out.append((alias, ActorEntry("person", name, country, "", roles, origin)))
    return out


def _list(path: str, n: int, obj: dict, key: str, *, required: bool = False) -> list:
    value = obj.get(key)
    if value is None:
        if required:
            raise DataFileError(path, n, f"missing {key!r}")
        return []
    if not isinstance(value, list) or (required and not value):
        raise DataFileError(path, n, f"{key!r} must be a non-empty list")
    return value


def _strings(path: str, n: int, obj: dict, key: str, *, required: bool = False) -> list[str]:
    values = _list(path, n, obj, key, required=required)
    for v in values:
        if not isinstance(v, str) or not v.strip():
            raise DataFileError(path, n, f"{key!r} must hold non-empty strings, got {v!r}")
        if len(v.strip()) < 2:
            raise DataFileError(path, n, f"{key!r} entry {v!r} is too short: it would match almost anything")
    return [v.strip() for v in values]


def _text(path: str, n: int, obj: dict, key: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DataFileError(path, n, f"missing or empty {key!r}")
    return value.strip()


def _code(path: str, n: int, value: object, key: str) -> str:
    if not isinstance(value, str) or not _CODE.match(value):
        raise DataFileError(path, n, f"{key!r} must be a 3-character code (ISO-3 or IGO), got {value!r}")
    return value


def _sector(path: str, n: int, value: object) -> str:
    if value not in SECTORS:
        raise DataFileError(path, n, f"unknown sector {value!r}; known: {' '.join(sorted(SECTORS))}")
    return str(value)


def _role(path: str, n: int, raw: object) -> Role:
    if not isinstance(raw, dict):
        raise DataFileError(path, n, "each role must be an object")
    start, end = _date(path, n, raw.get("start")), _date(path, n, raw.get("end"))
    if start and end and end < start:
        raise DataFileError(path, n, f"role ends ({end}) before it starts ({start})")
    return Role(
        country=_code(path, n, raw.get("country"), "role country"),
        sector="" if raw.get("sector") == "" else _sector(path, n, raw.get("sector")),
        title=str(raw.get("title") or ""),
        start=start,
        end=end,
    )


def _date(path: str, n: int, value: object) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DataFileError(path, n, f"bad date {value!r} (want YYYY-MM-DD)") from None
