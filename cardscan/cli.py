"""Command line: a thin translator from arguments to library calls.

Every error is raised as a `CardscanError` carrying its exit code and mapped
to one line on stderr in `main`; `--verbose` adds tracebacks and debug logs.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from . import __version__
from .errors import CardscanError, ConfigError, ExitCode
from .model import CardRecord
from .options import ScanOptions

log = logging.getLogger("cardscan")


def _workers(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"not a number of processes: {value!r} (0 = all cores)")
    return n


def _engine(value: str) -> str:
    if value in ("auto", "rapidocr", "tesseract") or value.startswith("replay:"):
        return value
    raise argparse.ArgumentTypeError(f"unknown engine {value!r} (auto, rapidocr, tesseract)")


# --- scan -----------------------------------------------------------------------


def _progress(records: Iterator[CardRecord], total: int, enabled: bool) -> Iterator[CardRecord]:
    if not enabled:
        yield from records
        return
    from tqdm import tqdm

    with tqdm(total=total, unit="photo", file=sys.stderr, leave=False) as bar:
        last = None
        for r in records:
            if r.source != last:
                bar.update(1)
                last = r.source
            yield r


def cmd_scan(args: argparse.Namespace) -> int:
    from .api import scan
    from .cli_crm import cadence_from_args, clock_from_env
    from .export.leads_csv import write_leads_csv
    from .load import iter_inputs

    options = ScanOptions(region=args.region, engine=args.engine, workers=args.workers,
                          debug_dir=args.debug_dir)
    sources = list(iter_inputs(args.paths))
    if not sources:
        raise CardscanError(f"no images found in {' '.join(map(str, args.paths))}")
    csv_path = args.csv or (None if args.jsonl else Path("leads.csv"))
    for out in (csv_path, args.jsonl, None if args.no_db else args.db):
        if out is not None and not Path(out).resolve().parent.is_dir():
            raise CardscanError(f"{out}: folder {Path(out).parent} does not exist")
    store = None
    if not args.no_db:
        from . import crm

        store = crm.open_store(args.db)
        cadence = cadence_from_args(args)
    clock = clock_from_env(cadence.calendar.timezone if store is not None else None)
    counts = {"ok": 0, "review": 0, "no_card": 0, "error": 0}
    interrupted = False
    done_sources: set[str] = set()
    try:
        jsonl: TextIO | None = open(args.jsonl, "w", encoding="utf-8") if args.jsonl else None  # noqa: SIM115
    except OSError as e:
        if store is not None:
            store.close()
        raise CardscanError(f"{args.jsonl}: cannot write ({e.strerror or e})") from None

    def rows() -> Iterator[dict[str, Any]]:
        nonlocal interrupted
        found = scan(sources, options)
        records = _progress(found, len(sources), sys.stderr.isatty())
        try:
            for rec in records:
                done_sources.add(rec.source)
                counts[rec.status] += 1
                if rec.status == "error":
                    print(f"cardscan: error: {rec.error}", file=sys.stderr)
                row = rec.to_dict()
                row["event"] = args.event
                if store is not None:
                    from . import crm
                    from .export.leads_csv import follow_up_fields

                    res = crm.import_card(store, rec, event=args.event, met_on=args.met_on,
                                          cadence=cadence, clock=clock)
                    if res.lead_id:
                        row.update(follow_up_fields(crm.next_action(store, res.lead_id, clock),
                                                    res.lead_id))
                        row["possible_duplicate_of"] = res.possible_duplicate_of
                    if res.review_reasons and rec.status == "ok":  # e.g. an uncertain e-mail
                        counts["ok"] -= 1
                        counts["review"] += 1
                        row["status"] = "review"
                        row["review_reasons"] = list(res.review_reasons)
                    for change in res.changes:
                        print(f"cardscan: {rec.source}: lead {res.lead_id}: {change}",
                              file=sys.stderr)
                if jsonl:
                    jsonl.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
                    jsonl.flush()
                yield row
        except KeyboardInterrupt:
            interrupted = True  # keep what was read: the files below are still written
        finally:
            found.close()  # stops the worker pool now, not when garbage-collected

    try:
        if csv_path:
            write_leads_csv(csv_path, rows())
        else:
            for _ in rows():
                pass
    except OSError as e:
        raise CardscanError(f"{csv_path}: cannot write ({e.strerror or e})") from None
    finally:
        if jsonl:
            jsonl.close()
        if store is not None:
            store.close()
    cards = counts["ok"] + counts["review"]
    files = len(done_sources) if interrupted else len(sources)
    outs = " and ".join(str(p) for p in (csv_path, args.jsonl) if p)
    print(
        ("cardscan: interrupted; " if interrupted else "cardscan: ")
        + f"{cards} card{'s' if cards != 1 else ''} read from {files} "
        f"file{'s' if files != 1 else ''}"
        + (f" of {len(sources)}" if interrupted else "")
        + f": {counts['review']} need review, "
        f"{counts['no_card']} without a card, {counts['error']} failed"
        + (f"; leads in {outs}" if outs else "")
        + (f"; stored in {args.db}" if store is not None else ""),
        file=sys.stderr,
    )
    if interrupted:
        return ExitCode.interrupted
    return ExitCode.some_inputs_failed if counts["error"] else ExitCode.ok


# --- parse ------------------------------------------------------------------------


def cmd_parse(args: argparse.Namespace) -> int:
    from .api import parse_text

    if args.batch:
        src = sys.stdin if args.batch == "-" else open(args.batch, encoding="utf-8")  # noqa: SIM115
        with src:
            for n, line in enumerate(src, 1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                    text = item["text"]
                except (json.JSONDecodeError, KeyError, TypeError):
                    raise ConfigError(
                        f"{args.batch}:{n}: expected a JSON object with \"id\" and \"text\""
                    ) from None
                d = parse_text(text, region=args.region, source=args.batch).to_dict()
                d = {"id": item.get("id"), **d}
                print(json.dumps(d, ensure_ascii=False))
        return ExitCode.ok
    if args.file in (None, "-"):
        text = sys.stdin.read()
        source = "-"
    else:
        try:
            text = Path(args.file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise CardscanError(f"{args.file}: cannot read text ({e})") from None
        source = args.file
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
    s.add_argument("--engine", type=_engine, default="auto",
                   help="auto (default: rapidocr if installed, else tesseract), rapidocr, "
                   "tesseract, or replay:FILE.jsonl (recorded OCR, for tests)")
    s.add_argument("--event", help="where you met them, e.g. 'Chamber breakfast'")
    s.add_argument("--met-on", type=_iso_date, help="meeting date YYYY-MM-DD "
                   "(default: the photo's EXIF date, else today)")
    s.add_argument("--no-db", action="store_true", help="do not store leads or plan tasks")
    s.add_argument("--debug-dir", help="write the flattened card crops here")
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="cardscan: %(levelname)s: %(message)s",
    )
    try:
        return int(args.func(args))
    except CardscanError as e:
        if args.verbose:
            log.exception("failed")
        print(f"cardscan: error: {e}", file=sys.stderr)
        return int(e.exit_code)
    except KeyboardInterrupt:
        print("cardscan: interrupted", file=sys.stderr)
        return int(ExitCode.interrupted)
    except BrokenPipeError:
        return int(ExitCode.ok)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
