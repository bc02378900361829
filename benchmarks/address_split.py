"""Score `split_address` on the address-bearing cards of cards-dev and on the text
cases that assert address parts.

    python benchmarks/address_split.py LABELS.json [--cases cases.jsonl] [--show]
        [--records RECORDS.jsonl --images IMAGES]

The labels hold each card's address as one printed string, not its parts; the truth
of each part is derived from the label by simple rules that do not use the splitter's
own choices (which number is a house number, which name is the city):

* **country**: the country of the card's numbers (the label's ``region``, else the
  region of most of its ``e164`` numbers).  Scored on the split without a hint (the
  text alone); with the hint the country is given.  An address abroad (a Vietnamese
  office on a card whose numbers are Japanese) counts as a miss.
* **postcode**: the last token of the label of the country's postcode shape
  (libaddressinput's pattern, whole token); none when no token has that shape, and
  then a postcode found is a miss too.
* **city**: the last GeoNames city (15,000+ people) of the country named in the
  label, cards without one are not scored.  ``city`` counts the split's city equal
  to it (a "-ku"/" City" suffix aside); ``locality`` counts it in the city or the
  region (Tokyo is the region of "Chiyoda-ku, Tokyo" in Japan's address format).
* **region**: the last subdivision of the country in the label (a code as a whole
  upper-case token, e.g. "TX", or a name), from the same libaddressinput data.
* **kept**: every word of the label is in one of the parts (or is the printed
  country): no text lost.

``--records`` adds the end-to-end figure: per labelled (image, card) pair, the
address the pipeline read from the photo (recorded OCR, the best-matching record as
benchmarks/scoring.py picks it), split with the region the pipeline chose, against
the same truth (``found``: an address was read at all).

Each card is scored once (its label), twice: ``hint`` (the split given the card's
country, as a scan does) and ``text`` (no hint).  The text cases are parsed with
`cardscan.extract.parse_text` first (their address is the parser's), then split with
the card's region; they assert a city (2 cases), a country (1) or a street (2).
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import phonenumbers

from cardscan.extract import parse_text
from cardscan.extract.address_split import (
    AddressParts,
    postcode_format,
    split_address,
    subdivisions,
)
from cardscan.extract.region import country_names, gazetteer_cities
from cardscan.extract.text import fold

PARTS = ("country", "postcode", "region", "city", "locality", "kept")


@dataclass
class Tally:
    right: Counter[str] = field(default_factory=Counter)
    scored: Counter[str] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)

    def add(self, part: str, ok: bool, why: str) -> None:
        self.scored[part] += 1
        self.right[part] += int(ok)
        if not ok:
            self.misses.append(f"{part}: {why}")

    def row(self, part: str) -> str:
        n = self.scored[part]
        if not n:
            return f"{part:<9} {'-':>6}  (0)"
        return f"{part:<9} {self.right[part] / n:6.3f}  ({self.right[part]}/{n})"


# ---------------------------------------------------------------- truth from a label


def card_country(card: Mapping[str, Any]) -> str | None:
    if card.get("region"):
        return str(card["region"])
    regions: Counter[str] = Counter()
    for p in card.get("phones") or ():
        if p.get("e164"):
            try:
                reg = phonenumbers.region_code_for_number(phonenumbers.parse(p["e164"], None))
            except phonenumbers.NumberParseException:
                continue
            if reg and reg != "ZZ":
                regions[reg] += 1
    return regions.most_common(1)[0][0] if regions else None


def last_postcode(text: str, cc: str) -> str:
    body = postcode_format(cc)
    if not body:
        return ""
    found = re.findall(rf"(?<![\d\-])(?<![a-z])(?:[A-Z]{{1,3}}-)?((?:{body}))(?![\w\-])", text)
    last = found[-1] if found else ""
    return last if isinstance(last, str) else last[0]


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", fold(text))


def last_city(text: str, cc: str) -> str:
    """The last city name of the label, the longest name at each word ("New York", not
    York); country names are not cities here ("Mozambique" is also a town)."""
    cities, countries = gazetteer_cities(), country_names()
    words = _words(text)
    best, i = "", 0
    while i < len(words):
        for size in (3, 2, 1):
            name = " ".join(words[i : i + size])
            if len(words[i : i + size]) == size and cc in cities.get(name, ()) \
                    and name not in countries:
                best = name
                i += size - 1
                break
        i += 1
    return best


def last_region(text: str, cc: str) -> str:
    codes, names = subdivisions(cc)
    best, at = "", -1
    for m in re.finditer(r"(?<![^\W_])[A-Z]{2,3}(?![^\W\d_])", text):
        if m.group(0) in codes and m.start() > at and m.start() > 0:
            best, at = m.group(0), m.start()
    folded = fold(text)
    for name in names:
        if len(name) < 3:
            continue
        for m in re.finditer(rf"(?<![^\W_]){re.escape(name)}(?![^\W_])", folded):
            if m.start() > at:
                best, at = text[m.start() : m.end()], m.start()
    return best


def _city_key(text: str) -> str:
    return re.sub(r"[\s\-]+(?:city|shi|ku|gu)$", "", " ".join(_words(text)))


def lost(text: str, parts: AddressParts) -> str:
    """The letters and digits of the label in no part (a printed country name, a
    postcode's label such as "CEP" or "〒" and its country prefix "D-" aside)."""
    have = Counter(c for c in fold(" ".join([parts.street, parts.city, parts.region,
                                              parts.postcode])) if c.isalnum())
    rest = fold(re.sub(r"(?i)\b(?:cep|zip|plz)\b|〒|\b[A-Z]{1,2}-(?=\d)", " ", text))
    for name in country_names():  # the printed country is the `country` code
        rest = re.sub(rf"(?<![^\W_]){re.escape(name)}(?![^\W_])", " ", rest)
    need = Counter(c for c in rest if c.isalnum())
    return "".join(sorted((need - have).elements()))


# ---------------------------------------------------------------- scoring


def score_card(tally: Tally, text: str, cc: str | None,
               split: Callable[[str], AddressParts], tag: str, read: str | None = None) -> None:
    """Score the split of `read` (the pipeline's address; default: the label itself)
    against the parts the label `text` shows."""
    parts = split(text if read is None else read)
    if read is None:
        missing = lost(text, parts)
        tally.add("kept", not missing, f"{tag} lost {missing!r}")
    if not cc:
        return
    tally.add("country", parts.country == cc, f"{tag} {parts.country} != {cc}")
    want = last_postcode(text, cc)
    got = re.sub(r"\s", "", parts.postcode)
    tally.add("postcode", got == re.sub(r"\s", "", want), f"{tag} {got!r} != {want!r}")
    if (region := last_region(text, cc)):
        tally.add("region", fold(region) in _words(parts.region)
                  or fold(region) == " ".join(_words(parts.region))[: len(fold(region))],
                  f"{tag} {parts.region!r} != {region!r}")
    if (city := last_city(text, cc)):
        tally.add("city", _city_key(parts.city) == city, f"{tag} {parts.city!r} != {city!r}")
        local = {_city_key(parts.city), _city_key(parts.region)}
        tally.add("locality", city in local, f"{tag} {city!r} not in {local}")


def score_labels(path: Path) -> dict[str, Tally]:
    cards = json.loads(path.read_text(encoding="utf-8"))["cards"]
    out = {"hint": Tally(), "text": Tally()}
    for cid, card in sorted(cards.items()):
        text = card.get("address")
        if not text or "address" in (card.get("uncertain") or ()):
            continue
        cc = card_country(card)
        score_card(out["hint"], text, cc, functools.partial(split_address, country=cc), cid)
        score_card(out["text"], text, cc, split_address, cid)
    return out


def score_records(labels_path: Path, records_path: Path, images: Path | None) -> Tally:
    """The split of the address the pipeline read (recorded OCR), given the card's
    region the pipeline chose, against each labelled card's parts."""
    from benchmarks import scoring

    labels = scoring.load_labels(labels_path)
    records = [json.loads(x) for x in records_path.read_text(encoding="utf-8").splitlines()
               if x.strip()]
    by_image, _ = scoring.group_records(records, labels, images)
    tally = Tally()
    for key, image in sorted(labels.images.items()):
        for cid in image.get("cards", []):
            card = labels.cards[cid]
            text = card.get("address")
            if not text or "address" in (card.get("uncertain") or ()):
                continue
            recs = by_image.get(key, [])
            i, _ = scoring.best_match(card, recs)
            rec = recs[i] if i is not None else {}
            read = rec.get("address") or ""
            region = rec.get("region")
            tally.add("found", bool(read), f"{key} {cid}: no address read")
            score_card(tally, text, card_country(card),
                       functools.partial(split_address, country=region), f"{key} {cid}", read)
    return tally


def score_cases(path: Path) -> Tally:
    tally = Tally()
    names = country_names()
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        exp = row.get("expected") or {}
        partial = row.get("expected_partial") or {}
        if not ({"city", "country"} & set(exp) or "address_contains" in partial):
            continue
        parsed = parse_text(row["text"])
        address = parsed.address.value if parsed.address else ""
        parts = split_address(address, parsed.region)
        if "city" in exp:
            tally.add("city", fold(parts.city) == fold(exp["city"]),
                      f"{row['id']} {parts.city!r} != {exp['city']!r}")
        if "country" in exp:
            want = names.get(fold(exp["country"]))
            tally.add("country", parts.country == want,
                      f"{row['id']} {parts.country!r} != {want!r}")
        if "address_contains" in partial:
            tally.add("street", fold(partial["address_contains"]) in fold(parts.street),
                      f"{row['id']} {partial['address_contains']!r} not in {parts.street!r}")
    return tally


def _print(title: str, tally: Tally, parts: Iterable[str], show: bool) -> None:
    print(title)
    for part in parts:
        print("  " + tally.row(part))
    if show:
        for miss in tally.misses:
            print("    miss " + miss)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("labels", type=Path)
    ap.add_argument("--cases", type=Path, help="shared text-cases cases.jsonl")
    ap.add_argument("--records", type=Path,
                    help="records of the labelled images (benchmarks/accuracy.py "
                         "--save-records): score the split of the address the pipeline read")
    ap.add_argument("--images", type=Path, help="the folder the label keys are relative to")
    ap.add_argument("--show", action="store_true", help="print each miss (local use only)")
    args = ap.parse_args(argv)
    for mode, tally in score_labels(args.labels).items():
        title = ("cards-dev labels, split given the card's country" if mode == "hint"
                 else "cards-dev labels, split from the text alone")
        _print(title, tally, PARTS, args.show)
    if args.records:
        _print("cards-dev photos, split of the address the pipeline read",
               score_records(args.labels, args.records, args.images),
               ("found", *PARTS[:-1]), args.show)
    if args.cases:
        _print("text cases (parse_text, then split)", score_cases(args.cases),
               ("city", "country", "street"), args.show)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
