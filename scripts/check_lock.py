"""Check that a stranger's stock venv can install Sitroom from the locks.

Run by `.ci/run` before `make test` (with the machine's own python3, so the
standard library only) and by tests/test_lock.py. It fails, naming the file
and line, when:

- a requirement in requirements/*.lock is not pinned with `==` or carries no
  sha256 hash (pip's hash mode refuses the whole install then);
- a lock names an index, a find-links folder or a local path (a machine's
  set-up, not the project's);
- requirements/pip.lock is not exactly one hash-pinned pip new enough to read
  requirements/dev.lock: pip before 23.3 rejects a hashed lock in which one
  package asks for another with extras ("smart-open[http]", "lxml[html_clean]"),
  whether the lock strips the extras or not;
- the Makefile does not install requirements/pip.lock, with --no-deps, before
  anything else goes through pip (the venv's bundled pip only ever reads that
  one-line file).

`python3 scripts/check_lock.py` exits 0 and prints what it checked, or 1 and
one line per problem.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The first pip that installs a hashed lock whose packages request extras.
MIN_PIP = (23, 3)

_REQ = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:\[(?P<extras>[^\]]*)\])?(?P<rest>.*)$")
_PIN = re.compile(r"^==(?P<version>[A-Za-z0-9.+!_-]+)$")
_HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}")
_FORBIDDEN = ("--index-url", "--extra-index-url", "--find-links", "-f ", "-i ", "--trusted-host", "-e ", "file:")


@dataclass(frozen=True)
class Pin:
    name: str
    extras: tuple[str, ...]
    version: str
    hashes: int
    line: int


def parse_lock(text: str, label: str) -> tuple[list[Pin], list[str]]:
    """The pinned requirements of a pip-compile lock, and its problems."""
    pins: list[Pin] = []
    problems: list[str] = []
    # Join backslash continuations, remembering the first line of each entry.
    entries: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line.strip():
            if current:
                entries.append((start, " ".join(current)))
                current = []
            continue
        if not current:
            start = number
        continued = line.endswith("\\")
        current.append(line.rstrip("\\").strip())
        if not continued:
            entries.append((start, " ".join(current)))
            current = []
    if current:
        entries.append((start, " ".join(current)))

    for number, entry in entries:
        where = f"{label}:{number}"
        if any(entry.startswith(flag) or f" {flag}" in f" {entry}" for flag in _FORBIDDEN):
            problems.append(f"{where}: names an index, folder or path ({entry[:60]}); locks must not")
            continue
        head, _, tail = entry.partition(" ")
        match = _REQ.match(head)
        if not match:
            problems.append(f"{where}: cannot read requirement {head!r}")
            continue
        pin = _PIN.match(match["rest"])
        if not pin:
            problems.append(f"{where}: {head} is not pinned with == (hash mode refuses it)")
            continue
        hashes = len(_HASH.findall(tail))
        if hashes == 0:
            problems.append(f"{where}: {head} has no --hash=sha256 (hash mode refuses it)")
        extras = tuple(e.strip() for e in (match["extras"] or "").split(",") if e.strip())
        pins.append(Pin(match["name"].lower().replace("_", "-"), extras, pin["version"], hashes, number))
    return pins, problems


def _version_tuple(version: str) -> tuple[int, ...]:
    parts = []
    for piece in version.split("."):
        digits = re.match(r"\d+", piece)
        if not digits:
            break
        parts.append(int(digits.group()))
    return tuple(parts)


def check_pip_lock(pins: list[Pin], label: str) -> list[str]:
    if len(pins) != 1 or pins[0].name != "pip" or pins[0].extras:
        names = ", ".join(p.name for p in pins) or "nothing"
        return [f"{label}: must pin exactly one package, pip (it pins {names})"]
    if _version_tuple(pins[0].version) < MIN_PIP:
        want = ".".join(map(str, MIN_PIP))
        return [f"{label}:{pins[0].line}: pip=={pins[0].version} is older than {want} and cannot read a hashed lock with extras"]
    return []


def check_makefile(text: str, label: str = "Makefile") -> list[str]:
    """The install recipe's first pip call must install requirements/pip.lock, --no-deps."""
    calls = [(n, line) for n, line in enumerate(text.splitlines(), 1) if re.search(r"\bpip install\b", line)]
    installs = [(n, line) for n, line in calls if "pip-tools" not in line and "$(VENV)-lock" not in line]
    if not installs:
        return [f"{label}: no pip install found"]
    number, first = installs[0]
    problems = []
    if "requirements/pip.lock" not in first:
        problems.append(f"{label}:{number}: the first pip install must be requirements/pip.lock (the bundled pip cannot read dev.lock)")
    elif "--no-deps" not in first or "--require-hashes" not in first:
        problems.append(f"{label}:{number}: install requirements/pip.lock with --require-hashes --no-deps")
    return problems


def check(root: Path = ROOT) -> tuple[list[str], list[str]]:
    """(problems, what was checked)."""
    problems: list[str] = []
    done: list[str] = []
    locks = sorted((root / "requirements").glob("*.lock"))
    if not locks:
        return [f"{root / 'requirements'}: no *.lock files"], done
    for lock in locks:
        label = str(lock.relative_to(root))
        pins, found = parse_lock(lock.read_text(encoding="utf-8"), label)
        problems += found
        if lock.name == "pip.lock":
            problems += check_pip_lock(pins, label)
        done.append(f"{label}: {len(pins)} pinned, hashed requirements")
    if not (root / "requirements" / "pip.lock").exists():
        problems.append("requirements/pip.lock: missing (the installer must be pinned)")
    problems += check_makefile((root / "Makefile").read_text(encoding="utf-8"))
    done.append("Makefile: installs the pinned pip first, then the lock through it")
    return problems, done


def main() -> int:
    problems, done = check()
    for line in done:
        print(f"ok  {line}")
    for line in problems:
        print(f"FAIL {line}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
