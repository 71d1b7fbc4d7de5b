"""The compiled-data cache: forms of the dictionaries that are slow to build from
their sources (the actor aliases split into tokens, the gazetteer), kept on disk
so that the next process starts quickly.

Files live in ``$SITROOM_CACHE_DIR``, else ``$XDG_CACHE_HOME/sitroom``, else
``~/.cache/sitroom``; deleting the folder (or any file in it) is always safe.
Each file is plain JSON holding the cache format, the Sitroom version and a key
computed from everything the content was built from; a file whose header does
not match, or that cannot be read or parsed, is ignored and built again.
Callers check the content's shape too: the cache is data, never code. Writes go
to a temporary file renamed into place, so a reader never sees half a file, and
a cache that cannot be written (read-only home, no such folder) only means the
data is built in memory each time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path

from . import __version__

__all__ = ["cache_dir", "digest", "load", "save"]

log = logging.getLogger(__name__)

FORMAT = 1
_KEEP = 8  # files kept per kind (one per set of sources: the package's, a custom dictionary's, ...)


def cache_dir() -> Path:
    """Where the cache lives: $SITROOM_CACHE_DIR, else $XDG_CACHE_HOME/sitroom, else ~/.cache/sitroom."""
    chosen = os.environ.get("SITROOM_CACHE_DIR")
    if chosen:
        return Path(chosen).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "sitroom"


def digest(*parts: str | bytes) -> str:
    """A key over the given parts (their order and boundaries count)."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def _path(kind: str, key: str) -> Path:
    return cache_dir() / f"{kind}-{key[:24]}.json"


def load(kind: str, key: str) -> object | None:
    """The data saved under ``kind`` and ``key``, or None when there is none that
    this version of Sitroom wrote for exactly that key."""
    path = _path(kind, key)
    try:
        with open(path, "rb") as fh:
            doc = json.loads(fh.read())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:  # unreadable, not UTF-8 or not JSON: build again
        log.debug("ignoring cache file %s: %s", path, exc)
        return None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("sitroom") != __version__ or doc.get("key") != key:
        log.debug("ignoring cache file %s: built from other sources", path)
        return None
    try:
        os.utime(path)  # recently used: pruned last
    except OSError:
        pass
    return doc.get("data")


def save(kind: str, key: str, data: object) -> None:
    """Write ``data`` (JSON-serialisable) under ``kind`` and ``key``, atomically; never raises."""
    folder = cache_dir()
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({"format": FORMAT, "sitroom": __version__, "key": key, "data": data}, ensure_ascii=False)
        fd, tmp = tempfile.mkstemp(prefix=f".{kind}-", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(payload)
        os.replace(tmp, _path(kind, key))
        tmp = None
        _prune(folder, kind)
    except OSError as exc:
        log.debug("cannot write the cache in %s: %s", folder, exc)
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _prune(folder: Path, kind: str) -> None:
    """Keep the most recently used files of a kind."""
    files = []
    for p in folder.glob(f"{kind}-*.json"):
        try:
            files.append((p.stat().st_mtime, p))
        except OSError:
            continue
    for _, p in sorted(files, reverse=True)[_KEEP:]:
        try:
            p.unlink()
        except OSError:
            pass
