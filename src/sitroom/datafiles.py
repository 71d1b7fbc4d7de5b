"""Reading the package's knowledge files (JSON Lines with comments) with
errors that name the file and line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from .errors import DataFileError

__all__ = ["iter_jsonl", "package_data"]


def package_data(name: str) -> Path:
    """Path of a data file shipped inside the package."""
    return Path(str(resources.files("sitroom") / "data" / name))


def iter_jsonl(path: str | Path) -> Iterator[tuple[int, dict]]:
    """Yield (line number, object) for each record; ``#`` lines and blank lines are comments."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataFileError(str(p), None, "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(str(p), None, f"cannot read: {exc}") from None
    for n, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        try:
            obj = json.loads(s)
        except json.JSONDecodeError as exc:
            raise DataFileError(str(p), n, f"invalid JSON: {exc.msg} at column {exc.colno}") from None
        if not isinstance(obj, dict):
            raise DataFileError(str(p), n, "each line must be a JSON object")
        yield n, obj
