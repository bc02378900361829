"""Field accuracy of cardscan on labelled card photos, optionally beside the naive baseline.

    python benchmarks/accuracy.py LABELS.json IMAGES_DIR [--engine NAME (see --help)]
        [--region CC] [--baseline | --baseline-only] [--show] [--json OUT] [--workers N]
        [--limit N] [--records FILE.jsonl] [--save-records FILE.jsonl]
        [--loso [--text-cases CASES.jsonl] [--pages-cache FILE]]

LABELS.json uses the format of ../shared/cards-dev/README.md (image keys are paths relative
to IMAGES_DIR); scoring follows that README's rules exactly (see benchmarks/scoring.py for
the few decisions it leaves open).  ``--records`` scores a JSONL file written earlier by
``cardscan scan --jsonl`` instead of running the pipeline; its ``source`` paths are matched
to label keys by their path relative to IMAGES_DIR, or by suffix.

``--loso`` (leave-one-source-out): for each source (top folder of the image keys), the
line-role model is retrained (benchmarks/train_fields.py) on everything but that
source's images (the text cases and samples/ stay in), and that source is scored with
it; the hand-weighted pickers (no model) are scored beside it.  Runs in one process;
use ``--engine replay:FILE`` so only field extraction is re-run.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import scoring
from benchmarks.scoring import Labels, Report
from cardscan.ocr.registry import check_name, engine_help


def _progress(
    label: str, total: int, records: Iterable[dict[str, Any]]
) -> Iterator[dict[str, Any]]:
    """Pass records through, counting distinct sources on stderr."""
    tty = sys.stderr.isatty()
    seen: set[str] = set()
    t0 = time.perf_counter()
    for rec in records:
        seen.add(str(rec.get("source")))
        if tty:
            print(
                f"\r{label}: {len(seen)}/{total} images, {time.perf_counter() - t0:.0f}s",
                end="",
                file=sys.stderr,
                flush=True,
            )
        yield rec
    if tty:
        print(file=sys.stderr)


def _engine_name(value: str) -> str:
    try:
        return check_name(value)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def run_pipeline(
    paths: list[str], engine: str, workers: int, region: str | None, scripts: bool = True
) -> Iterator[dict[str, Any]]:
    from cardscan import scan
    from cardscan.options import ScanOptions

    options = ScanOptions(engine=engine, workers=workers, region=region, scripts=scripts)
    for record in scan(paths, options=options):
        yield record.to_dict()


def run_naive(
    paths: list[str], workers: int, labels: Labels, keys: list[str]
) -> Iterator[dict[str, Any]]:
    from benchmarks.naive import naive_records

    regions: dict[str, str | None] = {}
    for path, key in zip(paths, keys, strict=True):
        cards = labels.images.get(key, {}).get("cards", [])
        regions[path] = next(
            (labels.cards[c].get("region") for c in cards if labels.cards[c].get("region")), None
        )
    return naive_records(paths, workers=workers, regions=regions)


def read_jsonl(path: str | Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise SystemExit(f"{path}:{n}: not JSON: {exc}") from None


def collect(
    name: str,
    produce: Callable[[], Iterable[dict[str, Any]]],
    labels: Labels,
    images_dir: Path,
    only: list[str],
    save: Path | None = None,
) -> tuple[Report, float, int]:
    """Run one system, score it; returns the report, wall seconds and record count."""
    t0 = time.perf_counter()
    records = list(_progress(name, len(only), produce()))
    seconds = time.perf_counter() - t0
    if save is not None:
        with save.open("w", encoding="utf-8") as fh:
            for rec in records:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    by_image, unmatched = scoring.group_records(records, labels, images_dir)
    if unmatched:
        print(
            f"{name}: {len(unmatched)} record(s) match no labelled image, e.g. {unmatched[0]}",
            file=sys.stderr,
        )
    return scoring.score(labels, by_image, only=only), seconds, len(records)


_TEXT_CASES = Path(__file__).resolve().parents[2] / "shared" / "text-cases" / "cases.jsonl"


def _source(key: str) -> str:
    return key.split("/", 1)[0] if "/" in key else "."


def loso(args: argparse.Namespace, labels: Labels) -> int:
    """Leave-one-source-out figures: per source and overall, learned against hand."""
    import tempfile

    from benchmarks import train_fields
    from cardscan.extract import learned

    keys = [k for k in labels.all_images if (args.images / k).is_file()]
    sources = sorted({_source(k) for k in keys})
    base: list[train_fields.Example] = []
    if args.text_cases and args.text_cases.is_file():
        base += train_fields.text_case_examples(args.text_cases)
    base += train_fields.image_examples(
        train_fields.ROOT / "samples" / "labels.json", train_fields.ROOT / "samples",
        f"replay:{train_fields.SAMPLES_REPLAY}", source_of="samples")
    base += train_fields.stress_examples(args.stress)
    dev = list(train_fields.image_examples(args.labels, args.images, args.engine,
                                           cache=args.pages_cache))

    def records(paths: list[str]) -> list[dict[str, Any]]:
        return list(run_pipeline(paths, args.engine, 1, args.region))

    all_keys = [k for k in labels.all_images]
    with learned.use_model(None):
        hand = records([str(args.images / k) for k in keys])
    learned_recs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for src in sources:
            model = Path(tmp) / f"{src}.crfsuite"
            n = train_fields.train([*base, *(e for e in dev if e.source != src)], model)
            mine = [k for k in keys if _source(k) == src]
            with learned.use_model(model):
                recs = records([str(args.images / k) for k in mine])
            learned_recs += recs
            reports = {}
            for name, rs in (("hand", hand), ("learned", recs)):
                by_image, _ = scoring.group_records(rs, labels, args.images)
                only = [k for k in all_keys if _source(k) == src]
                reports[name] = scoring.score(labels, by_image, only=only)
            print(f"\n## {src}: {len(mine)} images, model trained on {n} sequences")
            print(scoring.format_table(reports, floors=False))
    reports = {}
    for name, rs in (("hand", hand), ("learned (loso)", learned_recs)):
        by_image, _ = scoring.group_records(rs, labels, args.images)
        reports[name] = scoring.score(labels, by_image, only=all_keys)
    print(f"\n## all sources, each scored by a model trained without it ({len(keys)} images)")
    print(scoring.format_table(reports, floors=False))
    if args.json is not None:
        data = scoring.report_json(reports, labels=str(args.labels), images=str(args.images),
                                   engine=args.engine, loso=True)
        args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description="Score cardscan (and the naive baseline) on labelled card images.",
        epilog="Open decisions: gold phones with e164 null are not scored; a field not scored "
        "counts as satisfied for all3; each gold card takes the best record of its image.",
    )
    ap.add_argument("labels", type=Path, help="labels.json (cards-dev format)")
    ap.add_argument("images", type=Path, help="folder the label image keys are relative to")
    ap.add_argument("--engine", default="auto", type=_engine_name,
                    help=engine_help() + ". replay re-scores field extraction in seconds")
    ap.add_argument("--region", default=None, help="default region passed to cardscan")
    ap.add_argument("--no-scripts", action="store_true",
                    help="do not re-read Japanese/Korean/Chinese lines (cardscan/ocr/scripts.py)")
    ap.add_argument("--baseline", action="store_true", help="also run the naive baseline")
    ap.add_argument("--baseline-only", action="store_true", help="run only the naive baseline")
    ap.add_argument("--show", action="store_true", help="per-image differences")
    ap.add_argument("--json", type=Path, metavar="OUT", help="write the numbers as JSON")
    ap.add_argument("--workers", type=int, default=0, help="processes (0 = all cores)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N images (sorted)")
    ap.add_argument(
        "--records",
        type=Path,
        metavar="FILE.jsonl",
        help="score saved cardscan records instead of running the pipeline",
    )
    ap.add_argument(
        "--save-records",
        type=Path,
        metavar="FILE.jsonl",
        help="write the pipeline's records here (re-score later with --records)",
    )
    ap.add_argument(
        "--save-baseline",
        type=Path,
        metavar="FILE.jsonl",
        help="write the naive baseline's records here",
    )
    ap.add_argument("--loso", action="store_true",
                    help="leave-one-source-out: retrain the line-role model without each "
                    "source and score that source (hand weights beside it)")
    ap.add_argument("--text-cases", type=Path, default=_TEXT_CASES,
                    help="text cases the --loso models also train on")
    ap.add_argument("--stress", nargs=3, action="append", metavar=("LABELS", "IMAGES", "ENGINE"),
                    help="--loso: a generated stress set the models also train on")
    ap.add_argument("--pages-cache", type=Path, metavar="FILE.jsonl",
                    help="--loso: keep the OCR pages of each image here (outside the repo)")
    args = ap.parse_args(argv)

    labels = scoring.load_labels(args.labels)
    if args.loso:
        return loso(args, labels)
    keys = labels.all_images
    if args.limit > 0:
        keys = keys[: args.limit]
    absent = [k for k in keys if not (args.images / k).is_file()]
    if absent:
        print(
            f"warning: {len(absent)} labelled image(s) not found under {args.images}, "
            f"e.g. {absent[0]}; they score as no record",
            file=sys.stderr,
        )
    present = [k for k in keys if k not in set(absent)]
    paths = [str(args.images / k) for k in present]

    reports: dict[str, Report] = {}
    timing: dict[str, dict[str, float | int]] = {}

    def add(
        name: str, produce: Callable[[], Iterable[dict[str, Any]]], save: Path | None = None
    ) -> None:
        report, seconds, n = collect(name, produce, labels, args.images, keys, save)
        reports[name] = report
        timing[name] = {"seconds": round(seconds, 2), "images": len(paths), "records": n}

    if args.records is not None:
        records_file: Path = args.records
        if not records_file.is_file():
            print(f"error: {records_file}: no such file", file=sys.stderr)
            return 2
        add(records_file.stem, lambda: read_jsonl(records_file))
    elif not args.baseline_only:
        try:
            import cardscan

            cardscan.scan  # noqa: B018 - fail early and clearly if the API is missing
        except (ImportError, AttributeError) as exc:
            print(
                f"error: cardscan.scan is not available ({exc}); try --baseline-only",
                file=sys.stderr,
            )
            return 2
        add(
            f"cardscan[{args.engine}]",
            lambda: run_pipeline(paths, args.engine, args.workers, args.region,
                                 not args.no_scripts),
            args.save_records,
        )
    if args.baseline or args.baseline_only:
        add("naive", lambda: run_naive(paths, args.workers, labels, present), args.save_baseline)

    print(
        f"labels: {args.labels}  images: {len(paths)} ({len(labels.images)} labelled, "
        f"{len(labels.negatives)} negatives{', limit ' + str(args.limit) if args.limit else ''})"
    )
    print(scoring.format_table(reports))
    for name, t in timing.items():
        if args.records is not None and name == args.records.stem:
            continue
        per = t["seconds"] / t["images"] if t["images"] else 0.0
        print(
            f"{name}: {t['seconds']:.1f}s wall, {per:.2f}s per image "
            f"({args.workers or 'all'} workers)"
        )
    if args.show:
        for name, report in reports.items():
            diffs = scoring.format_diffs(report, labels)
            print(f"\n### {name}: fields scoring below 1\n{diffs or '(none)'}")
    if args.json is not None:
        data = scoring.report_json(
            reports,
            labels=str(args.labels),
            images=str(args.images),
            limit=args.limit,
            engine=args.engine,
            workers=args.workers,
            timing=timing,
        )
        args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
