"""Command line: a thin translator from arguments to library calls.

Every error is raised as a `CardscanError` carrying its exit code and mapped
to one line on stderr in `main`; `--verbose` adds tracebacks and debug logs.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .errors import CardscanError, ExitCode, Terminated
from .inputs import display_path
from .ocr.registry import engine_help
from .options import ScanOptions
from .workers import scan_wants_pool, start_early

if TYPE_CHECKING:
    from .scanjob import FileResult, Reader, ScanSummary

log = logging.getLogger("cardscan")


def _workers(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"not a number of processes: {value!r} (0 = all cores)")
    return n


def _seconds(value: str) -> float:
    try:
        n = float(value)
    except ValueError:
        n = -1.0
    if not n >= 0:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {value!r}")
    return n


def _engine(value: str) -> str:
    from .ocr.registry import check_name

    try:
        return check_name(value)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


# --- scan -----------------------------------------------------------------------


class _Progress:
    """Error lines as files fail, and a progress bar on a terminal."""

    def __init__(self, total: int, bar: bool) -> None:
        self._bar: Any = None
        if bar:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="photo", file=sys.stderr, leave=False)

    def _say(self, line: str) -> None:
        if self._bar is not None:
            self._bar.write(line, file=sys.stderr)
        else:
            print(line, file=sys.stderr)

    def __call__(self, res: FileResult) -> None:
        for rec in res.records:
            if rec.status == "error":
                self._say(f"cardscan: error: {rec.error}")
        for change in res.changes:  # what a re-scan changed (a new event, a date)
            self._say(f"cardscan: {res.source}: {change}")
        if self._bar is not None:
            self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def scan_summary_line(s: ScanSummary) -> str:
    """The one line `cardscan scan` ends with."""
    files = f"{s.files_done} of {s.files}" if s.interrupted else str(s.files)
    line = (("cardscan: interrupted; " if s.interrupted else "cardscan: ")
            + f"{_plural(s.cards, 'card')} read from {files} file{'s' if s.files != 1 else ''}"
            + f": {s.review} need review, {s.no_card} without a card, {s.failed} failed")
    if s.reused:
        line += f" ({s.reused} already read, not read again)"
    o = s.outputs
    outs = [str(p) for p in (o.csv if s.csv_written else None, o.jsonl) if p]
    if outs:
        line += f"; leads in {' and '.join(outs)}"
    if o.csv is not None and not s.csv_written:
        line += f"; nothing read, {o.csv} left as it was"
    if o.db is not None:
        line += f"; stored in {o.db}"
    return display_path(line)


def _reader(args: argparse.Namespace) -> Reader | None:
    """The Dask reader for --scheduler (imports Dask); None: this machine's pool."""
    if args.scheduler is None:
        if args.send_bytes:
            raise CardscanError("--send-bytes needs --scheduler")
        return None
    from .cluster import DaskReader

    # quiet: a lost scheduler is said in one line, not in Dask's logs and tracebacks
    return DaskReader(args.scheduler, send_bytes=args.send_bytes, quiet=not args.verbose)


def cmd_scan(args: argparse.Namespace) -> int:
    from .cli_crm import cadence_from_args, clock_from_env
    from .scanjob import ScanOutputs, run_scan

    options = ScanOptions(region=args.region, engine=args.engine, workers=args.workers,
                          debug_dir=args.debug_dir, time_limit=args.time_limit)
    csv_path = args.csv or (None if args.jsonl else Path("leads.csv"))
    outputs = ScanOutputs(csv_path, args.jsonl, None if args.no_db else args.db)
    cadence = None if args.no_db else cadence_from_args(args)
    clock = clock_from_env(cadence.calendar.timezone if cadence is not None else None)
    bar = _Progress(0, False)

    def report(res: FileResult) -> None:
        nonlocal bar
        if res.done == 1:
            bar = _Progress(res.total, sys.stderr.isatty())
        bar(res)

    try:
        summary = run_scan(args.paths, options, outputs, event=args.event, met_on=args.met_on,
                           cadence=cadence, clock=clock, progress=report, reread=args.reread,
                           reader=_reader(args))
    finally:
        bar.close()
    print(scan_summary_line(summary), file=sys.stderr)
    if summary.interrupted:
        return ExitCode.terminated if summary.terminated else ExitCode.interrupted
    return ExitCode.some_inputs_failed if summary.failed else ExitCode.ok


# --- parse ------------------------------------------------------------------------


def _parse_batch(args: argparse.Namespace) -> int:
    from .api import TextTooLong, parse_text

    name = "-" if args.batch == "-" else display_path(args.batch)
    try:
        src = (sys.stdin if args.batch == "-"
               else open(args.batch, encoding="utf-8", errors="replace"))  # noqa: SIM115
    except OSError as e:
        raise CardscanError(f"{name}: cannot read ({e.strerror or e})") from None
    failed = 0
    with src:
        for n, line in enumerate(src, 1):
            if not line.strip():
                continue
            item: Any = None
            try:
                item = json.loads(line)
                if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                    raise ValueError("expected a JSON object with \"id\" and \"text\"")
                d = {"id": item.get("id"),
                     **parse_text(item["text"], region=args.region, source=name).to_dict()}
            except ValueError as e:  # TextTooLong is one too
                failed += 1
                reason = ("not JSON" if isinstance(e, json.JSONDecodeError)
                          else e.reason if isinstance(e, TextTooLong) else str(e))
                d = {"id": item.get("id") if isinstance(item, dict) else None,
                     "line": n, "status": "error", "error": f"{name}:{n}: {reason}"}
                print(f"cardscan: error: {d['error']}", file=sys.stderr)
            print(json.dumps(d, ensure_ascii=False))
    return ExitCode.some_inputs_failed if failed else ExitCode.ok


def cmd_parse(args: argparse.Namespace) -> int:
    from .api import MAX_TEXT_CHARS, parse_text

    if args.batch:
        return _parse_batch(args)
    if args.file in (None, "-"):
        text = sys.stdin.read(MAX_TEXT_CHARS + 1)
        source = "-"
    else:
        source = display_path(args.file)
        try:
            with open(args.file, encoding="utf-8") as fh:
                text = fh.read(MAX_TEXT_CHARS + 1)
        except (OSError, UnicodeDecodeError, ValueError) as e:
            reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
            raise CardscanError(f"{source}: cannot read text ({reason})") from None
    print(json.dumps(parse_text(text, region=args.region, source=source).to_dict(),
                     ensure_ascii=False, indent=2))
    return ExitCode.ok


# --- parser ---------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="cardscan",
        description="Turn photos of business cards into leads with a follow-up plan.",
    )
    p.add_argument("--version", action="version", version=f"cardscan {__version__}")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logs and tracebacks")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    from .cli_crm import _iso_date, _region, cadence_parent, db_parent, register

    parents = [db_parent(), cadence_parent()]

    s = sub.add_parser("scan", parents=parents, help="read card photos into leads",
                       description="Read photos/scans of business cards into leads.")
    s.add_argument("paths", nargs="+", metavar="PATH", help="image files or folders")
    s.add_argument("--csv", type=Path, help="leads CSV to write (default: leads.csv)")
    s.add_argument("--jsonl", type=Path, help="also write one JSON record per card")
    s.add_argument("--region", type=_region, help="country for numbers without +CC (e.g. US)")
    s.add_argument("--workers", type=_workers, default=0, help="processes (default: all cores)")
    s.add_argument("--engine", type=_engine, default="auto", help=engine_help())
    s.add_argument("--event", help="where you met them, e.g. 'Chamber breakfast'")
    s.add_argument("--met-on", type=_iso_date, help="meeting date YYYY-MM-DD "
                   "(default: the photo's EXIF date, else today)")
    s.add_argument("--no-db", action="store_true", help="do not store leads or plan tasks")
    s.add_argument("--debug-dir", help="write the flattened card crops here")
    s.add_argument("--time-limit", type=_seconds, default=ScanOptions.time_limit,
                   metavar="SECONDS", help="give up on one file after this long "
                   f"(default: {ScanOptions.time_limit:g}; 0 = no limit)")
    s.add_argument("--reread", action="store_true",
                   help="read photos already in the database again (new --region, new release)")
    s.add_argument("--scheduler", metavar="ADDRESS",
                   help="read the photos on a Dask cluster (pip install 'cardscan[dask]'): "
                   "tcp://HOST:8786 of a running `dask scheduler`, or 'local' for a "
                   "LocalCluster of --workers processes here; this process alone writes "
                   "the database and the outputs")
    s.add_argument("--send-bytes", action="store_true",
                   help="with --scheduler: send each photo's bytes to the workers. Without "
                   "it, workers read PATH themselves when they see the same file at its "
                   "absolute path (a shared folder); when one cannot, the bytes are sent")
    s.set_defaults(func=cmd_scan)

    pa = sub.add_parser("parse", help="parse card text into a JSON record")
    pa.add_argument("file", nargs="?", help="text file, one printed line per line (- = stdin)")
    pa.add_argument("--batch", metavar="IN.jsonl", help='JSONL of {"id", "text"} (- = stdin)')
    pa.add_argument("--region", type=_region)
    pa.set_defaults(func=cmd_parse)

    register(sub)
    from .cli_review import register as register_review
    from .web.cli import register as register_web

    register_review(sub, db_parent(), cadence_parent())
    register_web(sub)
    return p


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM behaves like Ctrl-C: stop reading, keep and write what was read."""
    raise Terminated


def main(argv: Sequence[str] | None = None) -> int:
    if scan_wants_pool(sys.argv[1:] if argv is None else argv):
        start_early()  # the workers' fork server gets ready while the parser is built
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="cardscan: %(levelname)s: %(message)s",
    )
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return int(args.func(args))
    except CardscanError as e:
        if args.verbose:
            log.exception("failed")
        print(f"cardscan: error: {display_path(str(e))}", file=sys.stderr)
        return int(e.exit_code)
    except KeyboardInterrupt as e:
        print("cardscan: interrupted", file=sys.stderr)
        return int(ExitCode.terminated if isinstance(e, Terminated) else ExitCode.interrupted)
    except BrokenPipeError:
        return int(ExitCode.ok)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
