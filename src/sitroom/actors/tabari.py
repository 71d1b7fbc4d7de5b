"""Import TABARI / PETRARCH actor and agent dictionaries into Sitroom's format.

Researchers have years of work in these dictionaries. The formats, as
PETRARCH reads them:

actors::

    ARNOR_ [ARN]                      # '_' joins words; a trailing '_' = whole word only
    +ERIADORIAN                       # a synonym of the entry above
    ARGENTIN [ARG]                    # no trailing '_': the last word is a prefix
    ELESSAR [ARNGOV 19950101-20000101] [---GOV <19950101]   # dated codes
    ENT                               # the code may sit on the next line
        [ENT]

agents::

    !PERSON! = MAN, MEN, WOMAN, WOMEN   # a substitution set
    AMBASSADOR [~GOV]                   # '~' stands for the country's code
    ATTORNEY_GENERAL {ATTORNEYS_GENERAL} [~GOV]   # explicit plural

Comments are ``#`` to the end of a line and ``<!-- ... -->`` blocks. A CAMEO
actor code splits into a country (its first three letters, or the three after
``IGO``) and a sector (the next three, when they are a known sector). Dated
codes become roles with start and end dates, so they resolve by the event's
date like any other person.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from ..errors import DataFileError
from .dictionary import SECTORS

__all__ = ["TabariImport", "import_tabari", "split_cameo_actor_code"]

_COMMENT_BLOCK = re.compile(r"<!--.*?-->", re.S)
_CODE_BLOCK = re.compile(r"\[([^\]]*)\]")
_SUBST = re.compile(r"^(![A-Z0-9_]+!)\s*=\s*(.+)$")


@dataclass(slots=True)
class TabariImport:
    entries: list[dict] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "file:line: reason"

    def write_jsonl(self, path: str | Path) -> None:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("# Imported from TABARI/PETRARCH dictionaries by 'sitroom actors import-tabari'.\n")
            for entry in self.entries:
                fh.write(json.dumps(entry, ensure_ascii=False) + "\n")


def split_cameo_actor_code(code: str) -> tuple[str, str] | None:
    """CAMEO actor code -> (country, sector); None when no country can be read."""
    code = code.strip().upper()
    if code.startswith("IGO") and len(code) >= 6:
        return code[3:6], "IGO"
    if len(code) < 3 or code.startswith("---"):
        return None
    country = code[:3]
    if not re.fullmatch(r"[A-Z0-9]{3}", country):
        return None
    # Role codes follow in threes ("PSEHMSGOV": Hamas, government); the first known sector wins.
    chunks = (code[i : i + 3] for i in range(3, len(code) - 2, 3))
    return country, next((c for c in chunks if c in SECTORS), "")


def import_tabari(actors: str | Path | None = None, agents: str | Path | None = None) -> TabariImport:
    result = TabariImport()
    if actors is not None:
        _import_actors(Path(actors), result)
    if agents is not None:
        _import_agents(Path(agents), result)
    return result


def _clean_lines(path: Path) -> Iterator[tuple[int, str]]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise DataFileError(str(path), None, f"cannot read: {exc}") from None
    # Blank out comment blocks but keep line numbers.
    text = _COMMENT_BLOCK.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    for n, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].rstrip()
        if line.strip() and not line.lstrip().startswith("<!"):
            yield n, line


def _phrase(raw: str) -> tuple[str, bool]:
    """TABARI phrase -> (words with spaces, whole-word?)."""
    raw = raw.strip()
    exact = raw.endswith("_")
    words = [w for w in re.split(r"[_\s]+", raw) if w]
    return " ".join(words), exact


def _parse_codes(blocks: list[str], path: Path, n: int) -> list[tuple[str, date | None, date | None]]:
    codes = []
    for block in blocks:
        parts = block.split(None, 1)
        if not parts:
            continue
        code, start, end = parts[0], None, None
        rng = parts[1].replace(" ", "") if len(parts) > 1 else ""
        try:
            if rng.startswith(">"):
                start = _day(rng[1:])
            elif rng.startswith("<"):
                end = _day(rng[1:]) - timedelta(days=1)
            elif "-" in rng:
                a, b = rng.split("-", 1)
                start, end = _day(a), _day(b)
            elif rng:
                raise ValueError(rng)
        except ValueError:
            raise DataFileError(str(path), n, f"bad date range {parts[1]!r} in [{block}]") from None
        codes.append((code, start, end))
    return codes


def _day(s: str) -> date:
    """YYYYMMDD, or TABARI's YYMMDD (years below 30 are 20xx)."""
    if len(s) == 6 and s.isdigit():
        yy = int(s[:2])
        s = f"{2000 + yy if yy < 30 else 1900 + yy}{s[2:]}"
    if len(s) != 8 or not s.isdigit():
        raise ValueError(s)
    return date(int(s[:4]), int(s[4:6]), int(s[6:8]))


@dataclass(slots=True)
class _Record:
    line: int
    name: str
    exact: bool
    synonyms: list[str] = field(default_factory=list)
    codes: list[tuple[str, date | None, date | None]] = field(default_factory=list)


def _import_actors(path: Path, result: TabariImport) -> None:
    seen: dict[str, str] = {}  # alias (lowercase) -> where it was first defined
    record: _Record | None = None
    for n, line in _clean_lines(path):
        stripped = line.strip()
        blocks = _CODE_BLOCK.findall(stripped)
        rest = _CODE_BLOCK.sub(" ", stripped).strip()
        if stripped.startswith("+"):
            if record is None:
                result.skipped.append(f"{path}:{n}: synonym with no entry above it")
            else:
                record.synonyms.append(_phrase(rest[1:])[0])
            continue
        if not rest and blocks:  # a code line belonging to the record above
            if record is None:
                result.skipped.append(f"{path}:{n}: code with no entry above it")
            else:
                record.codes += _parse_codes(blocks, path, n)
            continue
        _finish(record, path, result, seen)
        name, exact = _phrase(rest)
        record = _Record(n, name, exact, codes=_parse_codes(blocks, path, n))
    _finish(record, path, result, seen)


def _finish(record: _Record | None, path: Path, result: TabariImport, seen: dict[str, str]) -> None:
    if record is None:
        return
    where = f"{path}:{record.line}"
    if not record.codes:
        result.skipped.append(f"{where}: {record.name!r} has no code")
        return
    if len(record.name) < 2:
        result.skipped.append(f"{where}: name {record.name!r} too short")
        return
    aliases = []
    for alias in dict.fromkeys(a for a in [record.name, *record.synonyms] if len(a) >= 2):
        if alias.lower() in seen:  # PETRARCH keeps the first definition of a phrase
            result.skipped.append(f"{where}: {alias!r} already defined at {seen[alias.lower()]}")
            continue
        seen[alias.lower()] = where
        aliases.append(alias)
    if not aliases:
        return
    display = record.name.title()
    if not any(start or end for _, start, end in record.codes):
        split = split_cameo_actor_code(record.codes[0][0])
        if split is None:
            result.skipped.append(f"{where}: code {record.codes[0][0]!r} has no country")
            return
        entry = {"kind": "group", "name": display, "country": split[0], "sector": split[1], "aliases": aliases}
    else:
        roles = []
        for code, start, end in record.codes:
            split = split_cameo_actor_code(code)
            if split is not None:
                roles.append({"country": split[0], "sector": split[1], "title": "", "start": _iso(start), "end": _iso(end)})
        if not roles:
            result.skipped.append(f"{where}: no dated code of {record.name!r} has a country")
            return
        entry = {"kind": "person", "name": display, "aliases": aliases, "roles": roles}
    # A trailing '_' asks for whole words; otherwise the last word is a prefix.
    entry["match"] = "caseless" if record.exact else "prefix"
    result.entries.append(entry)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _import_agents(path: Path, result: TabariImport) -> None:
    substitutions: dict[str, list[str]] = {}
    by_sector: dict[str, list[str]] = {}
    for n, line in _clean_lines(path):
        where = f"{path}:{n}"
        stripped = line.strip()
        m = _SUBST.match(stripped)
        if m:
            substitutions[m.group(1)] = [w.strip() for w in m.group(2).split(",") if w.strip()]
            continue
        blocks = _CODE_BLOCK.findall(stripped)
        if not blocks:
            result.skipped.append(f"{where}: agent line without a [code]")
            continue
        code = blocks[0].strip().replace("~", "")
        sector = code[:3].upper()
        if sector not in SECTORS:
            result.skipped.append(f"{where}: agent code {blocks[0]!r} is not a known sector")
            continue
        head = _CODE_BLOCK.sub(" ", stripped)
        plural_match = re.search(r"\{([^}]*)\}", head)
        head = re.sub(r"\{[^}]*\}", " ", head).strip()
        forms = [head]
        if plural_match and plural_match.group(1).strip():
            forms.append(plural_match.group(1).strip())
        for form in forms:
            for expanded in _expand(form, substitutions):
                noun, _ = _phrase(expanded)
                if len(noun) >= 2:
                    by_sector.setdefault(sector, []).append(noun.lower())
    for sector, nouns in by_sector.items():
        result.entries.append({"kind": "agent", "sector": sector, "nouns": sorted(set(nouns))})


def _expand(form: str, substitutions: dict[str, list[str]]) -> list[str]:
    for marker, words in substitutions.items():
        if marker in form:
            return [x for w in words for x in _expand(form.replace(marker, w, 1), substitutions)]
    return [form]
