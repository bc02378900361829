"""Which files a scan reads, and the checks made before any byte is read.

`find_inputs` expands the paths a user gave into one `InputFile` per file:
folders are walked recursively in sorted order (image suffixes only, hidden
entries skipped); a file named explicitly is always an input, whatever its
suffix.  Every input gets an answer: anything that cannot or must not be
opened (a missing path, a named pipe, a device or a link to one, a file over
the size cap, a path over the system's limit, a folder that cannot be listed)
becomes an `InputFile` carrying a one-line `error`, and the batch goes on.
The checks use `stat` only: a FIFO is never opened (opening one blocks), and a
1 GB file is refused without reading it.

Paths keep the operating system's bytes (non-UTF-8 names arrive as
surrogate escapes, `os.fsdecode`); `display_path` turns them into text that
can be printed, stored and exported (``caf\\xe9.png``).
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

# A photo or a scanned page is a few MB; a multi-page 600 dpi scan some tens.
MAX_FILE_BYTES = 200_000_000
_HASH_CHUNK = 1 << 20

_KINDS = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


def display_path(text: str) -> str:
    """`text` (a path or a message holding one) printable and storable as UTF-8:
    bytes that are not UTF-8 appear as ``\\xe9`` escapes."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


@dataclass(frozen=True)
class InputFile:
    path: str  # as the OS knows it (may hold surrogate escapes); open this
    error: str | None = None  # why it is not read (one line, names the file)
    size: int = 0

    @property
    def source(self) -> str:
        """The name records, messages, the store and exports use."""
        return display_path(self.path)


def _reason(e: OSError) -> str:
    if e.errno == errno.ENAMETOOLONG:
        return "path too long for the system"
    if e.errno == errno.ENOENT:
        return "no such file"
    if e.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if e.errno == errno.ELOOP:
        return "too many levels of symbolic links"
    return e.strerror or str(e)


def check_file(path: str, max_bytes: int = MAX_FILE_BYTES) -> InputFile:
    """An `InputFile` for one path, decided from `stat` alone (links followed)."""
    name = display_path(path)
    try:
        st = os.stat(path)
    except OSError as e:
        if e.errno == errno.ENOENT and os.path.islink(path):
            return InputFile(path, f"{name}: broken link (its target does not exist)")
        return InputFile(path, f"{name}: {_reason(e)}")
    except ValueError:  # an embedded NUL
        return InputFile(path, f"{name}: not a valid path")
    for test, what in _KINDS:
        if test(st.st_mode):
            link = " (through a link)" if os.path.islink(path) else ""
            return InputFile(path, f"{name}: not a regular file: {what}{link}; not read")
    if st.st_size > max_bytes:
        return InputFile(
            path,
            f"{name}: file too large ({st.st_size / 1e6:.0f} MB, limit {max_bytes / 1e6:.0f} MB)",
            st.st_size,
        )
    if not os.access(path, os.R_OK):
        return InputFile(path, f"{name}: cannot read (permission denied)", st.st_size)
    return InputFile(path, None, st.st_size)


def _hidden(name: str) -> bool:
    return name.startswith(".")


def _walk(top: str, max_bytes: int) -> Iterator[InputFile]:
    """Image files under `top` (suffixes: `load.IMAGE_SUFFIXES`, what the loader
    decodes), sorted, depth first; folders that cannot be listed give an error
    entry each instead of vanishing."""
    from .load import IMAGE_SUFFIXES

    try:
        with os.scandir(top) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as e:
        yield InputFile(top, f"{display_path(top)}: cannot list folder ({_reason(e)})")
        return
    for entry in entries:
        if _hidden(entry.name):
            continue
        path = os.path.join(top, entry.name)
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk(path, max_bytes)
        elif os.path.splitext(entry.name)[1].lower() in IMAGE_SUFFIXES:
            yield check_file(path, max_bytes)


def find_inputs(paths: Iterable[str | Path], max_bytes: int = MAX_FILE_BYTES) -> list[InputFile]:
    """Every input of a scan, each once (by path), in the order given."""
    out: list[InputFile] = []
    seen: set[str] = set()
    for p in paths:
        path = os.fspath(p)
        try:
            is_dir = os.path.isdir(path)
        except ValueError:
            is_dir = False
        found = _walk(path, max_bytes) if is_dir else iter([check_file(path, max_bytes)])
        for f in found:
            key = os.path.normpath(os.path.abspath(f.path)) if len(f.path) < 4096 else f.path
            if key not in seen:
                seen.add(key)
                out.append(f)
    return out


def file_sha256(path: str) -> str:
    """SHA-256 of a file's bytes, read in chunks (the store's identity for a photo)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_HASH_CHUNK):
            h.update(chunk)
    return h.hexdigest()
