"""Scoring of card records against hand-checked labels.

Implements the rules of ``../shared/cards-dev/README.md`` ("Scoring rules") so that
every figure quoted for cardscan is comparable.  Everything here is a pure function of
labels and records (the dicts of ``CardRecord.to_dict()``); running a pipeline is the
job of ``accuracy.py``.

Decisions the README leaves open (documented here and in ``--help``):

* **phones**: a gold phone whose ``e164`` is null (number printed incomplete) is left
  out of the gold set; a card whose gold set is then empty has no phone to score.
* **uncertain**: the label's ``uncertain`` list may name fields in the singular
  (``website``); ``email``/``phone``/``website`` mean the list fields.
* **all3**: a field among name/emails/phones that is not scored for a pair (gold absent
  or uncertain) counts as satisfied; the pair still counts.
* **matching**: each gold card is matched independently with the best record of its
  image (highest sum of the scores of the fields scored for that card, ties to the
  earlier record); ``no_card``/``error`` records and images without any record score
  as an empty prediction.
* **token F1** is over token multisets (a repeated word must be predicted twice); a gold
  value that folds to nothing scores 1 only against a prediction that folds to nothing.
* **negatives**: a negative image is correct when it produced at least one record and
  every record has status ``no_card`` (an ``error`` record, or no record at all because
  the image was not run, is not a correct "no card").
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NAME = "name"
TEXT_FIELDS = ("title", "company", "department", "address")
SET_FIELDS = ("emails", "phones", "websites")
FIELDS = (NAME, *TEXT_FIELDS, *SET_FIELDS)
ALL3_FIELDS = ("name", "emails", "phones")

# Label spellings of field names in `uncertain` -> record field names.
_FIELD_ALIASES = {
    "email": "emails",
    "phone": "phones",
    "website": "websites",
    "name_latin": "name",
    "url": "websites",
    "urls": "websites",
}

_KEEP = frozenset("@.+")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*://")
_PHONE_JUNK = re.compile(r"[^\d+]")


# --------------------------------------------------------------------------- folding


def fold(text: str | None) -> str:
    """README folding: NFKD, accents dropped, casefold, every run of characters other
    than letters, digits, ``@ . +`` replaced by one space, trimmed."""
    if not text:
        return ""
    s = unicodedata.normalize("NFKD", text)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.casefold()
    # casefold can emit a combining mark (e.g. U+0130 -> i + U+0307): drop it too.
    s = "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch))
    out: list[str] = []
    gap = False
    for ch in s:
        if ch.isalnum() or ch in _KEEP:
            if gap and out:
                out.append(" ")
            out.append(ch)
            gap = False
        else:
            gap = True
    return "".join(out)


def tokens(text: str | None) -> list[str]:
    return fold(text).split()


# --------------------------------------------------------------------------- metrics


def name_score(gold: str, pred: str | None) -> float:
    return 1.0 if fold(gold) == fold(pred) else 0.0


def token_f1(gold: str, pred: str | None) -> float:
    """F1 between the folded token multisets of gold and prediction."""
    g, p = Counter(tokens(gold)), Counter(tokens(pred))
    if not g:
        return 1.0 if not p else 0.0
    common = sum((g & p).values())
    if common == 0:
        return 0.0
    precision = common / sum(p.values())
    recall = common / sum(g.values())
    return 2 * precision * recall / (precision + recall)


def set_f1(gold: Iterable[str], pred: Iterable[str]) -> float:
    """F1 between two sets (duplicates collapse)."""
    g, p = set(gold), set(pred)
    if not g and not p:
        return 1.0
    if not g or not p:
        return 0.0
    return 2 * len(g & p) / (len(g) + len(p))


def norm_email(value: str) -> str:
    return value.strip().lower()


def norm_website(value: str) -> str:
    """Lower-cased, scheme, leading ``www.`` and trailing ``/`` removed."""
    s = value.strip().lower()
    s = _SCHEME.sub("", s)
    if s.startswith("www."):
        s = s[4:]
    return s.rstrip("/")


def norm_phone(value: str) -> str:
    """E.164 compared as digits with the leading ``+`` (spacing ignored)."""
    return _PHONE_JUNK.sub("", value.strip())


# --------------------------------------------------------------------------- gold / pred


def _canon_field(name: str) -> str:
    name = name.strip().lower()
    return _FIELD_ALIASES.get(name, name)


def uncertain_fields(card: Mapping[str, Any]) -> frozenset[str]:
    return frozenset(_canon_field(f) for f in card.get("uncertain") or ())


def gold_value(card: Mapping[str, Any], fname: str) -> str | frozenset[str] | None:
    """The gold value of one field, normalized; None when the field is not scored."""
    if fname in uncertain_fields(card):
        return None
    if fname == NAME:
        v = card.get("name_latin") or card.get("name")
        return v if isinstance(v, str) and v.strip() else None
    if fname in TEXT_FIELDS:
        v = card.get(fname)
        return v if isinstance(v, str) and v.strip() else None
    items = card.get(fname) or []
    if fname == "emails":
        values = {norm_email(e) for e in items if isinstance(e, str) and e.strip()}
    elif fname == "websites":
        values = {norm_website(w) for w in items if isinstance(w, str) and w.strip()}
    elif fname == "phones":
        values = {
            norm_phone(p["e164"])
            for p in items
            if isinstance(p, Mapping) and isinstance(p.get("e164"), str) and p["e164"].strip()
        }
    else:
        raise KeyError(fname)
    return frozenset(values) if values else None


def pred_value(record: Mapping[str, Any] | None, fname: str) -> str | frozenset[str]:
    """The predicted value of one field from a record dict ('' / empty set if absent)."""
    if not record:
        return "" if fname in (NAME, *TEXT_FIELDS) else frozenset()
    if fname == NAME or fname in TEXT_FIELDS:
        v = record.get(fname)
        return v if isinstance(v, str) else ""
    items = record.get(fname) or []
    if fname == "emails":
        return frozenset(norm_email(e) for e in items if isinstance(e, str) and e.strip())
    if fname == "websites":
        return frozenset(norm_website(w) for w in items if isinstance(w, str) and w.strip())
    if fname == "phones":
        out = set()
        for p in items:
            num = p.get("number") if isinstance(p, Mapping) else p
            if isinstance(num, str) and num.strip():
                out.add(norm_phone(num))
        return frozenset(out)
    raise KeyError(fname)


def score_field(fname: str, gold: str | frozenset[str], pred: str | frozenset[str]) -> float:
    if fname == NAME:
        assert isinstance(gold, str) and isinstance(pred, str)
        return name_score(gold, pred)
    if fname in TEXT_FIELDS:
        assert isinstance(gold, str) and isinstance(pred, str)
        return token_f1(gold, pred)
    assert isinstance(gold, frozenset) and isinstance(pred, frozenset)
    return set_f1(gold, pred)


def score_card(card: Mapping[str, Any], record: Mapping[str, Any] | None) -> dict[str, float]:
    """Scores of every scored field of one gold card against one record."""
    scores: dict[str, float] = {}
    for fname in FIELDS:
        gold = gold_value(card, fname)
        if gold is None:
            continue
        scores[fname] = score_field(fname, gold, pred_value(record, fname))
    return scores


def all3(scores: Mapping[str, float]) -> bool:
    """Name, emails and phones all right; a field not scored counts as satisfied."""
    return all(scores.get(f, 1.0) == 1.0 for f in ALL3_FIELDS)


def best_match(
    card: Mapping[str, Any], records: Sequence[Mapping[str, Any]]
) -> tuple[int | None, dict[str, float]]:
    """Index of the record that scores best for ``card`` (None if there is none) and
    its field scores.  Ties go to the earlier record."""
    best_i: int | None = None
    best = score_card(card, None)
    best_sum = -1.0
    for i, rec in enumerate(records):
        s = score_card(card, rec)
        total = sum(s.values())
        if total > best_sum:
            best_i, best, best_sum = i, s, total
    return best_i, best


# --------------------------------------------------------------------------- labels


@dataclass(frozen=True)
class Labels:
    cards: Mapping[str, Mapping[str, Any]]
    images: Mapping[str, Mapping[str, Any]]  # key -> {"cards": [...], "kind": ...}
    negatives: Mapping[str, str]

    @property
    def all_images(self) -> list[str]:
        """Every labelled and negative image key, sorted."""
        return sorted({*self.images, *self.negatives})


def load_labels(path: str | Path) -> Labels:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    cards = data.get("cards") or {}
    images = data.get("images") or {}
    for key, img in images.items():
        for cid in img.get("cards", []):
            if cid not in cards:
                raise ValueError(f"{path}: image {key!r} names unknown card {cid!r}")
    return Labels(cards=cards, images=images, negatives=data.get("negatives") or {})


def image_key(source: str, images_dir: str | Path | None, keys: Iterable[str]) -> str | None:
    """Label key (path relative to the images folder) for a record's ``source``."""
    keyset = set(keys)
    src = Path(source)
    if images_dir is not None:
        try:
            rel = src.resolve().relative_to(Path(images_dir).resolve()).as_posix()
        except ValueError:
            rel = None
        if rel in keyset:
            return rel
    posix = src.as_posix()
    if posix in keyset:
        return posix
    # A run from another folder: the longest key that the source path ends with.
    hits = [k for k in keyset if posix.endswith("/" + k)]
    return max(hits, key=len) if hits else None


def group_records(
    records: Iterable[Mapping[str, Any]], labels: Labels, images_dir: str | Path | None
) -> tuple[dict[str, list[Mapping[str, Any]]], list[str]]:
    """Records by label key, and the sources that match no labelled image."""
    keys = labels.all_images
    by_image: dict[str, list[Mapping[str, Any]]] = {}
    unmatched: list[str] = []
    for rec in records:
        src = str(rec.get("source", ""))
        key = image_key(src, images_dir, keys)
        if key is None:
            unmatched.append(src)
        else:
            by_image.setdefault(key, []).append(rec)
    return by_image, unmatched


# --------------------------------------------------------------------------- report


@dataclass(frozen=True)
class Pair:
    image: str
    card_id: str
    kind: str
    scores: Mapping[str, float]
    record: Mapping[str, Any] | None  # the matched record, None if nothing matched

    @property
    def all3(self) -> bool:
        return all3(self.scores)


@dataclass(frozen=True)
class Report:
    pairs: tuple[Pair, ...]
    negatives: Mapping[str, bool]  # image -> correctly reported no card
    missing: tuple[str, ...] = ()  # labelled images with no record at all
    fields: tuple[str, ...] = FIELDS
    extra: Mapping[str, Any] = field(default_factory=dict)

    def field_stats(self, fname: str) -> tuple[float | None, int]:
        vals = [p.scores[fname] for p in self.pairs if fname in p.scores]
        return (sum(vals) / len(vals) if vals else None), len(vals)

    @property
    def all3(self) -> float | None:
        if not self.pairs:
            return None
        return sum(p.all3 for p in self.pairs) / len(self.pairs)

    @property
    def negatives_correct(self) -> int:
        return sum(self.negatives.values())

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {"fields": {}}
        for f in self.fields:
            mean, n = self.field_stats(f)
            out["fields"][f] = {"mean": None if mean is None else round(mean, 4), "n": n}
        a3 = self.all3
        out["all3"] = None if a3 is None else round(a3, 4)
        out["all3_count"] = sum(p.all3 for p in self.pairs)
        out["pairs"] = len(self.pairs)
        out["negatives_correct"] = self.negatives_correct
        out["negatives_total"] = len(self.negatives)
        out["images_without_record"] = len(self.missing)
        kinds: dict[str, list[Pair]] = {}
        for p in self.pairs:
            kinds.setdefault(p.kind, []).append(p)
        out["all3_by_kind"] = {
            k: {"all3": round(sum(p.all3 for p in ps) / len(ps), 4), "pairs": len(ps)}
            for k, ps in sorted(kinds.items())
        }
        out.update(self.extra)
        return out


def score(
    labels: Labels,
    records_by_image: Mapping[str, Sequence[Mapping[str, Any]]],
    only: Iterable[str] | None = None,
) -> Report:
    """Score records (grouped by label key) against the labels.

    ``only`` restricts scoring to those image keys (e.g. a ``--limit`` run)."""
    wanted = set(only) if only is not None else None
    pairs: list[Pair] = []
    missing: list[str] = []
    for key in sorted(labels.images):
        if wanted is not None and key not in wanted:
            continue
        img = labels.images[key]
        recs = records_by_image.get(key, [])
        if not recs:
            missing.append(key)
        for cid in img.get("cards", []):
            i, scores = best_match(labels.cards[cid], recs)
            pairs.append(
                Pair(key, cid, str(img.get("kind", "")), scores, None if i is None else recs[i])
            )
    negatives: dict[str, bool] = {}
    for key in sorted(labels.negatives):
        if wanted is not None and key not in wanted:
            continue
        recs = records_by_image.get(key, [])
        if not recs:
            missing.append(key)
        negatives[key] = bool(recs) and all(r.get("status") == "no_card" for r in recs)
    return Report(tuple(pairs), negatives, tuple(missing))


# --------------------------------------------------------------------------- output

FLOORS = {
    "emails": 0.95,
    "phones": 0.93,
    "websites": 0.90,
    "name": 0.90,
    "title": 0.80,
    "company": 0.80,
    "address": 0.75,
    "all3": 0.80,
}


def _fmt(mean: float | None, n: int | None = None) -> str:
    s = "  -  " if mean is None else f"{mean:.3f}"
    return s if n is None else f"{s} ({n})"


def format_table(reports: Mapping[str, Report], floors: bool = True) -> str:
    """Side-by-side table: one column per system, mean (n) per field, then all3."""
    names = list(reports)
    width = max(14, *(len(n) + 2 for n in names))
    head = f"{'field':<12}" + "".join(f"{n:>{width}}" for n in names)
    if floors:
        head += f"{'floor':>8}"
    lines = [head, "-" * len(head)]
    for f in FIELDS:
        row = f"{f:<12}"
        for n in names:
            row += f"{_fmt(*reports[n].field_stats(f)):>{width}}"
        if floors:
            row += f"{FLOORS[f]:>8.2f}" if f in FLOORS else f"{'':>8}"
        lines.append(row)
    lines.append("-" * len(head))
    row = f"{'all3':<12}"
    for n in names:
        r = reports[n]
        row += f"{_fmt(r.all3, sum(p.all3 for p in r.pairs)):>{width}}"
    if floors:
        row += f"{FLOORS['all3']:>8.2f}"
    lines.append(row)
    lines.append(f"{'pairs':<12}" + "".join(f"{len(reports[n].pairs):>{width}}" for n in names))
    neg = [f"{reports[n].negatives_correct}/{len(reports[n].negatives)}" for n in names]
    lines.append(f"{'negatives':<12}" + "".join(f"{v:>{width}}" for v in neg))
    kinds = sorted({p.kind for n in names for p in reports[n].pairs})
    for k in kinds:
        row = f"{'all3 ' + k:<12}"
        for n in names:
            ps = [p for p in reports[n].pairs if p.kind == k]
            mean = sum(p.all3 for p in ps) / len(ps) if ps else None
            row += f"{_fmt(mean, len(ps)):>{width}}"
        lines.append(row)
    missing = [len(reports[n].missing) for n in names]
    if any(missing):
        lines.append(f"{'no record':<12}" + "".join(f"{m:>{width}}" for m in missing))
    return "\n".join(lines)


def _show_value(fname: str, value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, frozenset):
        return "{" + ", ".join(sorted(value)) + "}" if value else "{}"
    return repr(value)


def format_diffs(report: Report, labels: Labels) -> str:
    """Per image: gold vs predicted for every field scoring below 1, and negatives
    that produced a card."""
    out: list[str] = []
    for p in report.pairs:
        bad = [f for f in FIELDS if f in p.scores and p.scores[f] < 1.0]
        if not bad:
            continue
        card = labels.cards[p.card_id]
        status = p.record.get("status") if p.record else "no record"
        err = p.record.get("error") if p.record else None
        out.append(
            f"== {p.image} [{p.kind}] card {p.card_id} status={status}"
            + (f" error={err}" if err else "")
        )
        for f in bad:
            gold = gold_value(card, f)
            pred = pred_value(p.record, f)
            out.append(f"   {f:<10} {p.scores[f]:.2f}  gold={_show_value(f, gold)}")
            out.append(f"   {'':<10}       pred={_show_value(f, pred or None)}")
    for key, ok in report.negatives.items():
        if not ok:
            out.append(f"== {key} [negative] produced a card: {labels.negatives[key]}")
    return "\n".join(out)


def report_json(reports: Mapping[str, Report], **meta: Any) -> dict[str, Any]:
    """The numbers (no card text) of each system, plus per-pair field scores."""
    return {
        **meta,
        "floors": FLOORS,
        "systems": {
            name: {
                **r.summary(),
                "per_pair": [
                    {
                        "image": p.image,
                        "card": p.card_id,
                        "kind": p.kind,
                        "scores": {k: round(v, 4) for k, v in p.scores.items()},
                        "all3": p.all3,
                    }
                    for p in r.pairs
                ],
                "negatives": dict(r.negatives),
                "missing": list(r.missing),
            }
            for name, r in reports.items()
        },
    }
