"""Paths: the bundled folders, which files are open workspaces, and safe atomic outputs.

An editable install sees the bundled folders (widgets/, seeds/, notebooks/) at the repository
root; a wheel carries them inside the package as ``workbench/_bundled/<name>`` (see
pyproject's force-include).

Outputs (reports, exports, notebooks, copies) are written to a temporary file beside the
target and renamed over it, and never onto a workspace: not one this process has open, not
its ``-wal`` / ``-shm`` / ``-journal`` files, and not any other SQLite database.
"""
from __future__ import annotations

import errno
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import WorkbenchError

__all__ = ["bundled", "SIDECARS", "SQLITE_MAGIC", "absolute", "is_sqlite_file", "register_workspace",
           "unregister_workspace", "open_workspaces", "check_output", "atomic_write", "staged_file", "os_problem"]

_PACKAGE = Path(__file__).resolve().parent
SIDECARS = ("-wal", "-shm", "-journal")
SQLITE_MAGIC = b"SQLite format 3\x00"
_OPEN: Counter[Path] = Counter()


def bundled(name: str) -> Path:
    """Return the directory of a bundled folder.

    Args:
        name: "widgets", "seeds" or "notebooks".
    Returns:
        The existing directory.
    Raises:
        FileNotFoundError: if neither layout holds it.
    """
    for candidate in (_PACKAGE / "_bundled" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled folder {name!r} is missing from the installation")


def absolute(path: str | os.PathLike[str]) -> Path:
    """The absolute, symlink-resolved form of a path (the file need not exist).

    An absolute path also keeps SQLite from reading a name such as ``file:x`` as a URI.
    """
    return Path(os.path.abspath(os.fspath(path))).resolve()


def is_sqlite_file(path: Path) -> bool:
    """Whether the file starts with SQLite's header (unreadable or missing files: no)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def register_workspace(path: Path) -> None:
    """Note that this process has the workspace file ``path`` open (outputs must avoid it)."""
    _OPEN[absolute(path)] += 1


def unregister_workspace(path: Path) -> None:
    """Note that one opening of ``path`` was closed."""
    key = absolute(path)
    _OPEN[key] -= 1
    if _OPEN[key] <= 0:
        del _OPEN[key]


def open_workspaces() -> list[Path]:
    """The workspace files this process has open."""
    return list(_OPEN)


def check_output(path: str | os.PathLike[str]) -> Path:
    """Refuse an output path that would overwrite a workspace or another SQLite database.

    Args:
        path: where an output (report, export, notebook, copy) is to be written.
    Returns:
        The path, absolute.
    Raises:
        WorkbenchError: it is an open workspace, one of its -wal/-shm/-journal files, a
            directory, or an existing SQLite database.
    """
    target = absolute(path)
    shown = os.fspath(path)
    if target.is_dir():
        raise WorkbenchError(f"{shown}: is a directory; name an output file")
    for workspace in _OPEN:
        for suffix in ("", *SIDECARS):
            candidate = Path(f"{workspace}{suffix}")
            if target == candidate or _same_file(target, candidate):
                what = "the workspace" if not suffix else f"the {suffix[1:]} file of the workspace"
                raise WorkbenchError(f"{shown}: is {what} {workspace}; choose another output path")
    if is_sqlite_file(target):
        raise WorkbenchError(f"{shown}: is a SQLite database (perhaps a workspace); refusing to overwrite it")
    for suffix in SIDECARS:
        if target.name.endswith(suffix) and is_sqlite_file(target.with_name(target.name[: -len(suffix)])):
            raise WorkbenchError(f"{shown}: is the {suffix[1:]} file of a SQLite database (perhaps a workspace); "
                                 "refusing to overwrite it")
    return target


def atomic_write(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write an output whole or not at all: a temporary file beside it, fsync, rename.

    Args:
        path: the output file (checked with ``check_output``; parent folders are created).
        data: the content; text is written as UTF-8.
    Returns:
        The path as given.
    Raises:
        WorkbenchError: a refused path, or the write failed (one line naming the path and
            the reason: no space left, read-only file system, permission denied...). No
            temporary file is left behind.
    """
    check_output(path)
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        with staged_file(target) as tmp, open(tmp, "wb") as handle:
            handle.write(payload)
    except OSError as exc:
        raise WorkbenchError(f"{path}: cannot write ({os_problem(exc)})") from None
    return target


@contextmanager
def staged_file(target: Path, *, overwrite: bool = True, suffix: str = ".tmp") -> Iterator[str]:
    """Build a file under a temporary name beside ``target``, then give it the name whole.

    The one way the workbench puts a file in place (outputs, workspace copies, new
    workspaces): a reader never sees a half-written file, and a failure leaves nothing behind.

    Args:
        target: the file's final path (parent folders are created).
        overwrite: True to rename over an existing ``target``; False to link the file into
            place only if ``target`` does not exist (``FileExistsError`` otherwise, and
            ``target`` is left alone).
        suffix: the temporary name's suffix.

    Yields:
        The temporary path, an empty file, for the block to fill. When the block ends
        normally the file is fsynced and moved into place.

    Raises:
        OSError: the file could not be made, synced or moved (``FileExistsError`` as above).
        The temporary file, and any SQLite ``-wal``/``-shm``/``-journal`` beside it, is
        removed whatever happens.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    os.close(fd)
    try:
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp, target)
        else:
            _link_into_place(tmp, target)
    finally:
        _remove_quietly(tmp)


def _link_into_place(tmp: str, target: Path) -> None:
    """Give the finished file ``tmp`` the name ``target`` unless that name exists.

    Raises:
        FileExistsError: ``target`` exists (it is left alone).
    """
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise
    except OSError:  # a filesystem without hard links
        if target.exists():
            raise FileExistsError(str(target)) from None
        os.replace(tmp, target)


def _remove_quietly(path: str) -> None:
    """Remove a file and its SQLite sidecars, if there."""
    for name in (path, *(path + suffix for suffix in SIDECARS)):
        try:
            os.unlink(name)
        except OSError:
            pass


def os_problem(exc: OSError) -> str:
    """A short, plain reason for an operating-system error."""
    reasons = {errno.ENOSPC: "no space left on device", errno.EDQUOT: "disk quota exceeded",
               errno.EROFS: "read-only file system", errno.EACCES: "permission denied",
               errno.EPERM: "permission denied", errno.ENOENT: "no such file or directory",
               errno.EISDIR: "is a directory", errno.ENOTDIR: "a parent is not a directory",
               errno.EIO: "input/output error"}
    return reasons.get(exc.errno or 0, exc.strerror or str(exc))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
