"""Files cardscan writes: checked before the run, written atomically, never
over something they must not replace.

`check_outputs` refuses (one line, exit 2) an output path that is an input of
the same run, the lead database, the same path as another output, a folder, a
device or a named pipe, a link to nothing, or an existing file that is not a
previous output of the same kind (a photo, a SQLite database, a PDF...).  An
existing output is replaced through a symbolic link (the link stays a link).

`atomic_open` writes a temporary sibling and renames it over the target on
success, so an interrupted or failed write leaves the previous file as it was
and no temporary file behind; `JsonlAppender` appends one flushed line per
record to a JSONL output and never writes the same record twice.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

from .errors import OutputError, OutputRefused
from .inputs import display_path

OutputKind = Literal["csv", "jsonl", "ics", "vcf", "db", "png"]
# What cardscan writes into the PNG charts it makes (a tEXt chunk before the image
# data), so a chart may be replaced by a newer one and a photo never is.
PNG_MARK = "cardscan report"

# File signatures of things an output must never replace (first bytes).
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF"),
    (b"SQLite format 3\x00", "a SQLite database"),
    (b"PK\x03\x04", "a ZIP archive or office document"),
    (b"\x1f\x8b", "a gzip archive"),
)
_RIFF_WEBP = (b"RIFF", b"WEBP")
_HEIF_BRANDS = (b"heic", b"heix", b"mif1", b"msf1", b"avif")
_SNIFF = 4096

_KIND_NAMES = {"csv": "CSV", "jsonl": "JSONL", "ics": "calendar", "vcf": "vCard", "db": "database",
               "png": "chart"}


@dataclass(frozen=True)
class Output:
    """One file a command will write: the flag that named it, its kind, its path."""

    flag: str  # e.g. "--csv", for messages
    kind: OutputKind
    path: Path


def _what_binary(head: bytes) -> str | None:
    for magic, what in _SIGNATURES:
        if head.startswith(magic):
            return what
    if head[:4] == _RIFF_WEBP[0] and head[8:12] == _RIFF_WEBP[1]:
        return "a WebP image"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "a HEIF/AVIF image"
    if b"\x00" in head:
        return "a binary file"
    return None


def _looks_like(kind: OutputKind, head: bytes) -> str | None:
    """None when `head` (a file's first bytes) can be a previous `kind` output,
    else what the file looks like instead."""
    binary = _what_binary(head)
    if kind == "db":
        return None if binary in (None, "a SQLite database") else binary
    if kind == "png":
        ours = binary == "a PNG image" and PNG_MARK.encode() in head
        return None if ours else (binary or "text")
    if binary:
        return binary
    cut = head if len(head) < _SNIFF else head[: head.rfind(b"\n") + 1] or head[:-4]
    try:
        text = cut.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "not UTF-8 text"
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    if not first:
        return None
    ok = {
        "csv": "," in first,
        "jsonl": first.startswith("{"),
        "ics": first.upper() == "BEGIN:VCALENDAR",
        "vcf": first.upper() == "BEGIN:VCARD",
    }[kind]
    return None if ok else "text of another kind"


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def _check_one(out: Output) -> None:
    p = out.path
    name = display_path(str(p))
    if os.path.islink(p) and not Path(os.path.realpath(p)).parent.is_dir():
        raise OutputRefused(f"{name}: a link to nothing; refusing to write {out.flag} through it")
    folder = Path(os.path.realpath(p)).parent if os.path.islink(p) else p.absolute().parent
    if not folder.is_dir():
        raise OutputRefused(f"{name}: folder {display_path(str(p.parent))} does not exist")
    try:
        st = os.stat(p)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise OutputRefused(f"{name}: cannot use as {out.flag} ({e.strerror or e})") from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        what = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file"
        raise OutputRefused(f"{name}: {what}; refusing to write {out.flag} there")
    if st is not None and st.st_size:
        try:
            with open(p, "rb") as fh:
                head = fh.read(_SNIFF)
        except OSError as e:
            raise OutputError(f"{name}: cannot read ({e.strerror or e})") from None
        seems = _looks_like(out.kind, head)
        if seems:
            raise OutputRefused(
                f"{name}: exists and is not a {_KIND_NAMES[out.kind]} cardscan wrote "
                f"({seems}); refusing to overwrite it with {out.flag}"
            )
    if not os.access(folder, os.W_OK) or (st is not None and not os.access(p, os.W_OK)):
        raise OutputError(f"{name}: cannot write (permission denied or read-only)")


def check_outputs(
    outputs: Sequence[Output],
    *,
    inputs: Iterable[str] = (),
    database: Path | None = None,
) -> None:
    """Refuse, before anything is read or written, outputs that would destroy
    something (see the module doc).  Raises OutputRefused / OutputError."""
    taken: dict[str, Output] = {}
    ids: dict[tuple[int, int], Output] = {}
    db_real = os.path.realpath(database) if database is not None else None
    db_id = _identity(database) if database is not None else None
    for out in outputs:
        real = os.path.realpath(out.path)
        ident = _identity(out.path)
        other = taken.get(real) or (ids.get(ident) if ident else None)
        if other is not None:
            raise OutputRefused(
                f"{display_path(str(out.path))}: given for both {other.flag} and {out.flag}; "
                "each output needs its own file"
            )
        taken[real] = out
        if ident:
            ids[ident] = out
        if out.kind != "db" and (real == db_real or (ident is not None and ident == db_id)):
            raise OutputRefused(
                f"{display_path(str(out.path))}: is the lead database; "
                f"refusing to overwrite it with {out.flag}"
            )
    by_real = {os.path.realpath(o.path): o for o in outputs}
    by_id = {i: o for o in outputs if (i := _identity(o.path))}
    for src in inputs:
        if len(src) >= 4096:
            continue
        hit = by_real.get(os.path.realpath(src)) or by_id.get(_identity(Path(src)) or (-1, -1))
        if hit is not None:
            raise OutputRefused(
                f"{display_path(str(hit.path))}: is an input of this scan; "
                f"refusing to overwrite it with {hit.flag}"
            )
    for out in outputs:
        _check_one(out)


def write_target(path: Path) -> Path:
    """Where writing `path` lands: a link's target (the link stays), else `path`."""
    return Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)


def _io_error(path: Path, e: OSError) -> OutputError:
    reason = "disk full" if e.errno == errno.ENOSPC else (e.strerror or str(e))
    return OutputError(f"{display_path(str(path))}: cannot write ({reason})")


@contextlib.contextmanager
def atomic_open(
    path: Path, *, encoding: str = "utf-8", newline: str | None = "", binary: bool = False
) -> Iterator[IO[Any]]:
    """Write to a temporary sibling and rename it over `path` on success, so an
    interrupted or failed write never leaves a half-written file nor a
    temporary one behind.  A symbolic link is written through (the link stays);
    a device, pipe or folder is never replaced.  I/O failures raise OutputError."""
    path = Path(path)
    target = write_target(path)
    if target.exists() and not target.is_file():
        raise OutputRefused(
            f"{display_path(str(path))}: not a regular file; refusing to replace it")
    tmp: str | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        opened = (
            os.fdopen(fd, "wb") if binary
            else os.fdopen(fd, "w", encoding=encoding, newline=newline)
        )
        with opened as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp makes the file private (0600); an export is an ordinary document.
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
        os.chmod(tmp, mode)
        os.replace(tmp, target)
        tmp = None
    except OSError as e:
        raise _io_error(path, e) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def record_key(row: Mapping[str, Any]) -> tuple[Any, ...]:
    """What makes a JSONL record the same record: the file, its bytes, the card,
    and for an error the error itself."""
    return (row.get("source"), row.get("image_sha256"), row.get("card"), row.get("error"))


class JsonlAppender:
    """A JSONL output appended one flushed line at a time.

    Records already in the file (same `record_key`) are not written again, so a
    rerun after a crash completes the file instead of duplicating it.  A last
    line cut short by a crash is removed before appending.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.seen: set[tuple[Any, ...]] = set()
        try:
            self._repair_and_index()
            self._fh: IO[str] = open(self.path, "a", encoding="utf-8")  # noqa: SIM115
        except OSError as e:
            raise _io_error(self.path, e) from None

    def _repair_and_index(self) -> None:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return
        end = data.rfind(b"\n") + 1
        if end != len(data):  # a line the previous run never finished
            with open(self.path, "r+b") as fh:
                fh.truncate(end)
        for line in data[:end].splitlines():
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if isinstance(row, dict):
                self.seen.add(record_key(row))

    def write(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Append the rows not already in the file; flush; return how many."""
        n = 0
        try:
            for row in rows:
                key = record_key(row)
                if key in self.seen:
                    continue
                self._fh.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
                self.seen.add(key)
                n += 1
            self._fh.flush()
        except OSError as e:
            raise _io_error(self.path, e) from None
        return n

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._fh.close()
