"""Train the line-role model (cardscan/extract/fields.crfsuite) from labelled cards.

    python benchmarks/train_fields.py [--dev LABELS.json IMAGES_DIR --engine replay:FILE]
        [--text-cases CASES.jsonl] [--no-samples] [--out MODEL] [--pages-cache FILE]
        [--exclude-source NAME ...] [--stress LABELS.json IMAGES_DIR ENGINE ...]

Each card's text is cut into chunks exactly as ``cardscan.extract.prepare`` cuts it
(contact details and the address taken out), and each chunk is labelled with the
gold field it belongs to (name, title, company, department, else other), by token
overlap after the folding of the scoring rules (benchmarks/scoring.py).  Features
(cardscan/extract/learned.py) carry no raw words, so the model file holds no text
from the cards it was trained on.

Sources:
* ``--dev``: labelled photos (cards-dev format) read through ``--engine`` (use the
  recorded OCR, ``replay:FILE``, to train in seconds); the source of an image is its
  top folder, which ``--exclude-source`` (and accuracy.py ``--loso``) leaves out;
* ``--text-cases``: card texts with the fields other parsers assert; a role the case
  does not assert is labelled from the hand-weighted pipeline's reading;
* samples/labels.json read through the recorded OCR in tests/fixtures;
* ``--stress``: a generated stress set (samples/stress.py) read through ENGINE
  (``replay:FILE`` recorded with benchmarks/record_ocr.py), source "stress".  Train
  on a seed other than the one the stress benchmark is scored on.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import scoring
from cardscan.model import Page

ROOT = Path(__file__).resolve().parents[1]
SAMPLES_REPLAY = ROOT / "tests" / "fixtures" / "samples_rapidocr.jsonl"
ROLE_FIELDS = ("name", "title", "company", "department")
PARAMS = {"c1": 0.05, "c2": 0.05, "max_iterations": 200, "feature.possible_transitions": True}


@dataclass(frozen=True)
class Example:
    source: str  # cards-dev top folder, "text-cases" or "samples"
    key: str
    xseq: list[dict[str, float]]
    yseq: list[str]


# --------------------------------------------------------------------------- labelling


def _gold_parts(card: Mapping[str, Any], role: str) -> list[list[str]]:
    """Token lists of the gold value of a role (each " / " part, and the whole)."""
    values: list[str] = []
    if role == "name":
        values = [v for v in (card.get("name"), card.get("name_latin")) if isinstance(v, str)]
    elif isinstance(card.get(role), str):
        values = [card[role]]
    out = []
    for v in values:
        out.append(scoring.tokens(v))
        out += [scoring.tokens(p) for p in v.split(" / ")]
    return [t for t in out if t]


def _overlap(chunk: list[str], gold: list[str]) -> float:
    """Share of the chunk's tokens found in the gold value (CJK compared by characters)."""
    if not chunk:
        return 0.0
    flat, gflat = "".join(chunk), "".join(gold)
    if not flat.isascii() and len(flat) >= 2 and flat in gflat:
        return 1.0
    common = sum((Counter(chunk) & Counter(gold)).values())
    return common / len(chunk)


def label_chunk(text: str, card: Mapping[str, Any], fallback: Mapping[str, str] | None) -> str:
    """The role of one chunk: the gold field most of its tokens belong to."""
    toks = scoring.tokens(text)
    names = _gold_parts(card, "name")
    if any(len(g) >= 2 and not Counter(g) - Counter(toks) for g in names):
        return "name"  # the whole name, maybe with the title beside it on one line
    best, best_share = "other", 0.0
    for role in ROLE_FIELDS:
        parts = _gold_parts(card, role)
        if not parts and fallback is not None and role in fallback:
            parts = [scoring.tokens(fallback[role])]
        share = max((_overlap(toks, p) for p in parts), default=0.0)
        if share >= 0.6 and share > best_share:
            best, best_share = role, share
    return best


def example(source: str, key: str, page: Page, card: Mapping[str, Any],
            region: str | None, unasserted: Iterable[str] = ()) -> Example | None:
    """Features and labels of one page; roles in ``unasserted`` come from the hand pipeline."""
    from cardscan.extract import learned, parse_page, prepare

    work = prepare(page, region)
    if not work.chunks:
        return None
    fallback = None
    missing = [r for r in unasserted if r in ROLE_FIELDS]
    if missing:
        with learned.use_model(None):
            parsed = parse_page(page, region)
        fallback = {r: getattr(parsed, r).value for r in missing if getattr(parsed, r)}
    xseq = learned.features(work.chunks, work.local_parts, work.org_domains, len(work.lines),
                            work.hand)
    yseq = [label_chunk(ch.text, card, fallback) for ch in work.chunks]
    return Example(source, key, xseq, yseq)


# --------------------------------------------------------------------------- sources


def text_case_examples(path: Path) -> Iterator[Example]:
    for row in (json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x):
        if row.get("kind") != "card":
            continue
        exp = row.get("expected") or {}
        card = {r: exp.get(r) for r in ROLE_FIELDS}
        unasserted = [r for r in ROLE_FIELDS if r not in exp]
        ex = example("text-cases", row["id"], Page.from_text(row["text"]), card, None, unasserted)
        if ex is not None:
            yield ex


class _Capture:
    """An engine wrapper keeping every page it returned."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.name, self.pages = inner, inner.name, []

    def read(self, rgb: Any) -> Page:
        page = self.inner.read(rgb)
        self.pages.append(page)
        return page


def image_pages(keys: Sequence[str], images: Path, engine: str,
                cache: Path | None = None) -> dict[str, list[Page]]:
    """The pages the engine returns for each image during a scan (cached by key)."""
    from cardscan.ocr import get_engine, page_from_dict, page_to_dict
    from cardscan.options import ScanOptions
    from cardscan.pipeline import process_file

    got: dict[str, list[Page]] = {}
    if cache is not None and cache.is_file():
        for line in cache.read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            if d.get("engine") == engine:
                got[d["key"]] = [page_from_dict(p) for p in d["pages"]]
    todo = [k for k in keys if k not in got and (images / k).is_file()]
    if todo:
        cap = _Capture(get_engine(engine))
        options = ScanOptions(engine=engine, workers=1)
        for k in todo:
            cap.pages = []
            process_file(str(images / k), options, cap)
            got[k] = list(cap.pages)
            if cache is not None:
                with cache.open("a", encoding="utf-8") as fh:
                    rec = {"engine": engine, "key": k, "pages": [page_to_dict(p) for p in got[k]]}
                    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return got


def _emails_in(page: Page) -> str:
    return scoring.fold(page.text)


def image_examples(labels_path: Path, images: Path, engine: str, source_of: str | None = None,
                   cache: Path | None = None) -> Iterator[Example]:
    """One example per (image, gold card): the page of the image that reads it best."""
    labels = scoring.load_labels(labels_path)
    pages = image_pages(labels.all_images, images, engine, cache)
    for key in labels.all_images:
        cards = labels.images.get(key, {}).get("cards", [])
        for cid in cards:
            card = labels.cards[cid]
            best: tuple[int, Example] | None = None
            for page in pages.get(key, []):
                ex = example(source_of or key.split("/", 1)[0], key, page, card,
                             card.get("region"), scoring.uncertain_fields(card))
                if ex is None:
                    continue
                hits = sum(1 for y in ex.yseq if y != "other")
                if best is None or hits > best[0]:
                    best = (hits, ex)
            if best is not None and best[0] > 0:
                yield best[1]


# --------------------------------------------------------------------------- training


def train(examples: Iterable[Example], out: Path, params: Mapping[str, Any] = PARAMS) -> int:
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    n = 0
    for ex in examples:
        trainer.append(ex.xseq, ex.yseq)
        n += 1
    trainer.set_params(dict(params))
    trainer.train(str(out))
    return n


def collect(args: argparse.Namespace) -> list[Example]:
    out: list[Example] = []
    if args.text_cases:
        out += text_case_examples(args.text_cases)
    if not args.no_samples:
        out += image_examples(ROOT / "samples" / "labels.json", ROOT / "samples",
                              f"replay:{SAMPLES_REPLAY}", source_of="samples")
    if args.dev:
        labels, images = args.dev
        out += image_examples(Path(labels), Path(images), args.engine, cache=args.pages_cache)
    out += stress_examples(args.stress, args.pages_cache)
    return out


def stress_examples(sets: Sequence[Sequence[str]] | None,
                    cache: Path | None = None) -> list[Example]:
    """Examples of generated stress sets, each (labels.json, images folder, engine);
    pages kept in ``cache`` (keyed by image and engine) are read from there."""
    out: list[Example] = []
    for labels, images, engine in sets or ():
        out += image_examples(Path(labels), Path(images), engine, source_of="stress",
                              cache=cache)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", nargs=2, metavar=("LABELS", "IMAGES"))
    ap.add_argument("--engine", default="auto", help="engine for --dev (replay:FILE is fast)")
    ap.add_argument("--text-cases", type=Path)
    ap.add_argument("--no-samples", action="store_true")
    ap.add_argument("--exclude-source", action="append", default=[])
    ap.add_argument("--stress", nargs=3, action="append", metavar=("LABELS", "IMAGES", "ENGINE"),
                    help="a generated stress set to train on too (repeatable)")
    ap.add_argument("--pages-cache", type=Path, help="keep the --dev pages here (outside the repo)")
    ap.add_argument("--out", type=Path, default=ROOT / "cardscan" / "extract" / "fields.crfsuite")
    args = ap.parse_args(argv)
    exs = [e for e in collect(args) if e.source not in set(args.exclude_source)]
    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp) / "m.crfsuite"
        n = train(exs, model)
        args.out.write_bytes(model.read_bytes())
    roles = Counter(y for e in exs for y in e.yseq)
    sources = Counter(e.source for e in exs)
    print(f"{n} sequences {dict(sources)}; chunk roles {dict(roles)} -> {args.out} "
          f"({args.out.stat().st_size} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
