"""The locks install on a stranger's stock venv: pinned, hashed, closed, and read by a pinned pip."""

from __future__ import annotations

import importlib.metadata as md
import subprocess
import sys
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import check_lock  # noqa: E402

OLD_RECIPE = """\
$(STAMP): requirements/dev.lock pyproject.toml
\ttest -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
\t$(BIN)/pip install --quiet --require-hashes -r requirements/dev.lock
\t$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
"""


def test_the_repository_passes_the_lock_check():
    problems, done = check_lock.check(ROOT)
    assert problems == []
    assert any("dev.lock" in line for line in done)


def test_the_script_runs_as_a_command_and_reports_what_it_checked():
    """.ci/run calls it with the machine's python3 before any venv exists."""
    run = subprocess.run([sys.executable, "-I", str(ROOT / "scripts" / "check_lock.py")], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "requirements/pip.lock: 1 pinned" in run.stdout


def test_an_unpinned_or_unhashed_requirement_is_named_with_its_line():
    text = (
        "smart-open[http]>=5.2.1 \\\n    --hash=sha256:" + "a" * 64 + "\n"
        "weasel==1.0.1\n"
        "lxml==6.1.3 \\\n    --hash=sha256:" + "b" * 64 + "\n"
    )
    pins, problems = check_lock.parse_lock(text, "x.lock")
    assert [p.name for p in pins] == ["weasel", "lxml"]
    assert problems[0].startswith("x.lock:1: smart-open[http]>=5.2.1 is not pinned")
    assert problems[1].startswith("x.lock:3: weasel==1.0.1 has no --hash")


def test_a_lock_that_names_a_machine_index_is_refused():
    _, problems = check_lock.parse_lock("--find-links /opt/wheels\n--extra-index-url file:///opt/pypi/simple\n", "x.lock")
    assert len(problems) == 2 and all("index, folder or path" in p for p in problems)


def test_the_bootstrap_pip_must_read_extras_in_hash_mode():
    old, _ = check_lock.parse_lock("pip==23.2.1 \\\n    --hash=sha256:" + "c" * 64 + "\n", "pip.lock")
    assert "older than 23.3" in check_lock.check_pip_lock(old, "pip.lock")[0]
    two, _ = check_lock.parse_lock("pip==26.3 --hash=sha256:" + "c" * 64 + "\nsix==1.16.0 --hash=sha256:" + "d" * 64 + "\n", "pip.lock")
    assert "exactly one package" in check_lock.check_pip_lock(two, "pip.lock")[0]


def test_the_old_makefile_recipe_fails_the_check():
    """The recipe that broke on a stock venv: the bundled pip read dev.lock directly."""
    assert "first pip install must be requirements/pip.lock" in check_lock.check_makefile(OLD_RECIPE)[0]
    assert check_lock.check_makefile((ROOT / "Makefile").read_text()) == []


def _lock_pins() -> dict[str, check_lock.Pin]:
    pins, problems = check_lock.parse_lock((ROOT / "requirements" / "dev.lock").read_text(), "dev.lock")
    assert problems == []
    return {canonicalize_name(p.name): p for p in pins}


def test_the_lock_is_closed_every_dependency_is_pinned_and_satisfied():
    """Every requirement of every locked package (extras and markers applied) is pinned in the lock."""
    pins = _lock_pins()
    wanted: dict[str, set[str]] = {name: set(pin.extras) for name, pin in pins.items()}
    env = default_environment()
    problems: list[str] = []
    changed = True
    while changed:  # extras requested by dependents can pull in more requirements
        changed = False
        for name, pin in pins.items():
            try:
                dist = md.distribution(name)
            except md.PackageNotFoundError:
                problems.append(f"{name}=={pin.version} is locked but not installed")
                continue
            for spec in dist.requires or []:
                req = Requirement(spec)
                extras = [""] + sorted(wanted[name])
                if req.marker and not any(req.marker.evaluate({**env, "extra": e}) for e in extras):
                    continue
                target = canonicalize_name(req.name)
                if target not in pins:
                    problems.append(f"{name} needs {spec}, which the lock does not pin")
                    continue
                if not req.specifier.contains(pins[target].version, prereleases=True):
                    problems.append(f"{name} needs {spec}, the lock pins {pins[target].version}")
                new = set(req.extras) - wanted[target]
                if new:
                    wanted[target] |= new
                    changed = True
    assert sorted(set(problems)) == []


def test_the_venv_holds_the_locked_versions():
    pins = _lock_pins()
    drift = [f"{n}: lock {p.version}, installed {md.version(n)}" for n, p in pins.items() if md.version(n) != p.version]
    assert drift == []
