"""Finding and opening input files without trusting the folder they are in.

A folder being ingested may hold things put there by others: symbolic links
to files elsewhere on the machine, links that point at each other, FIFOs and
devices. The walk here lists what a folder holds without following links out
of it (unless asked to) and without looping; :func:`check_entry` decides, for
one path, whether it may be read; :func:`open_checked` opens exactly the
regular file that was checked, never blocking on a FIFO.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..records import IngestProblem

__all__ = ["Checked", "check_entry", "is_inside", "open_checked", "real_path", "walk"]

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def real_path(path: str | os.PathLike[str]) -> str:
    """The absolute path with every symbolic link resolved (loops left as they are)."""
    return os.path.realpath(os.path.abspath(path))


def is_inside(path: str, folder: str) -> bool:
    """Whether the real path ``path`` is ``folder`` or lies under it."""
    if path == folder:
        return True
    return path.startswith(folder if folder.endswith(os.sep) else folder + os.sep)


def walk(root: Path, follow_symlinks: bool = False) -> Iterator[Path]:
    """Every entry under ``root`` that is not a folder walked into, files first, then
    subfolders, in sorted order, hidden names skipped.

    Links are listed, not followed: a link to a folder is walked into only with
    ``follow_symlinks`` and only when it leads outside ``root`` to a folder not yet
    walked (a link back inside is a duplicate; a loop is walked once). Folders that
    cannot be listed are listed themselves, so that the reader reports them.
    """
    root_real = real_path(root)
    try:
        st = os.stat(root)
    except OSError:
        return
    visited = {(st.st_dev, st.st_ino)}
    stack: list[Iterator[Path]] = [iter(_plan(root, root_real, follow_symlinks, visited))]
    while stack:
        try:
            kind_path = next(stack[-1])
        except StopIteration:
            stack.pop()
            continue
        if isinstance(kind_path, _Descend):
            stack.append(iter(_plan(kind_path.path, root_real, follow_symlinks, visited)))
        else:
            yield kind_path


@dataclass(slots=True, frozen=True)
class _Descend:
    path: Path


def _plan(folder: Path, root_real: str, follow: bool, visited: set[tuple[int, int]]) -> list[Path | _Descend]:
    """The entries of one folder: its files (and links not walked into), then its subfolders."""
    try:
        with os.scandir(folder) as it:
            entries = sorted((e for e in it if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError:
        return [folder]  # the reader reports it
    files: list[Path | _Descend] = []
    folders: list[Path | _Descend] = []
    for entry in entries:
        path = Path(folder) / entry.name
        try:
            if entry.is_symlink():
                if follow and _descend_link(path, root_real, visited):
                    folders.append(_Descend(path))
                else:
                    files.append(path)
            elif entry.is_dir(follow_symlinks=False):
                st = entry.stat(follow_symlinks=False)
                if (st.st_dev, st.st_ino) not in visited:  # a bind mount can loop too
                    visited.add((st.st_dev, st.st_ino))
                    folders.append(_Descend(path))
            else:
                files.append(path)
        except OSError:
            files.append(path)  # the reader reports it
    return files + folders


def _descend_link(path: Path, root_real: str, visited: set[tuple[int, int]]) -> bool:
    """A followed link to a folder outside the root, not yet walked: walk it (once)."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    if not stat.S_ISDIR(st.st_mode) or is_inside(real_path(path), root_real):
        return False
    key = (st.st_dev, st.st_ino)
    if key in visited:
        return False
    visited.add(key)
    return True


@dataclass(slots=True, frozen=True)
class Checked:
    """A path cleared for reading: the regular file it names, as stat saw it."""

    path: Path
    stat: os.stat_result


def check_entry(path: Path, root: Path | None, follow_symlinks: bool) -> Checked | IngestProblem:
    """May ``path`` be read? ``root`` is the folder it was found in (None: named by the
    user, who may name a link). Refuses a link out of ``root`` (E116, unless
    ``follow_symlinks``), skips a link back into it (what it points to is read under
    its own name), and refuses broken links, link loops and anything but a regular
    file (E101)."""
    where = str(path)
    try:
        lst = os.lstat(path)
    except FileNotFoundError:
        return IngestProblem(where, "E114", "no such file or directory")
    except OSError as exc:
        return IngestProblem(where, "E101", f"cannot read file: {exc.strerror or exc}")
    is_link = stat.S_ISLNK(lst.st_mode)
    if is_link:
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
    try:
        st = os.stat(path) if is_link else lst
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return IngestProblem(where, "E101", f"symbolic link loop (the link points to {target})")
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return IngestProblem(where, "E101", f"broken symbolic link: {target} does not exist")
        return IngestProblem(where, "E101", f"cannot read file: {exc.strerror or exc}")
    if root is not None and is_link:
        root_real = real_path(root)
        real = real_path(path)
        inside = is_inside(real, root_real)
        if not inside and not follow_symlinks:
            return IngestProblem(
                where, "E116",
                f"symbolic link to {real}, outside the folder being ingested ({root}); "
                "not read (--follow-symlinks reads it)",
            )  # fmt: skip
        if inside:
            what = "folder" if stat.S_ISDIR(st.st_mode) else "file"
            return IngestProblem(
                where, "E116", f"symbolic link to the {what} {real}, inside the folder being ingested "
                "and read under its own name; skipped", failure=False,
            )  # fmt: skip
        if stat.S_ISDIR(st.st_mode):  # followed, but that folder was walked already
            return IngestProblem(where, "E116", f"symbolic link to the folder {real}, already read; skipped", failure=False)
    if stat.S_ISDIR(st.st_mode) and not is_link:
        try:  # the walk lists a folder it cannot open
            with os.scandir(path):
                pass
        except OSError as exc:
            return IngestProblem(where, "E101", f"cannot read folder: {exc.strerror or exc}")
    if not stat.S_ISREG(st.st_mode):
        kind = next((name for test, name in _KINDS if test(st.st_mode)), "not a regular file")
        return IngestProblem(where, "E101", f"{kind}, not a regular file; not opened")
    return Checked(path, st)


class ChangedFile(OSError):
    """The path no longer names the file that was checked."""


def open_checked(checked: Checked) -> BinaryIO:
    """Open the checked file for reading. Never blocks (a FIFO swapped in after the
    check is refused, not waited on); raises ChangedFile if the path now names
    another file, OSError if it cannot be opened."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(checked.path, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or (st.st_dev, st.st_ino) != (checked.stat.st_dev, checked.stat.st_ino):
            raise ChangedFile(errno.ESTALE, "the file changed while it was being read")
        if getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
