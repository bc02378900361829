"""Score cardscan's field extraction on the shared text cases.

    .venv/bin/python benchmarks/text_cases.py ../shared/text-cases/cases.jsonl [--show]
    .venv/bin/python benchmarks/text_cases.py ../shared/text-cases/fragments.jsonl

Headline: the share of rows where every asserted name/email/phone is right.
Comparison rules (shared/text-cases/README.md): names case-insensitive; phones
by digits, allowing a missing leading country code (and, since sources print
them, a national trunk "0", an international "00"/"011" prefix, or an "xNNN"
extension, which we drop); ``null`` means the field must be absent.  "phone"
is the one non-fax number the source reports; sources disagree on which of
several, so it counts as right when it is any of our non-fax numbers (the
stricter "our first non-fax number" figure is printed too).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import phonenumbers

from cardscan.extract import parse_text
from cardscan.model import Field, ParsedCard, Phone

HEADLINE = ("name", "email", "phone")


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w@.+']+", " ", s).split())


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s)


def _is_cc(prefix: str) -> bool:
    return bool(prefix) and len(prefix) <= 3 and (
        phonenumbers.region_code_for_country_code(int(prefix)) != "ZZ"
    )


def phone_matches(expected: str, e164: str) -> bool:
    exp = re.sub(r"\s*x\s*\d+$", "", expected.strip())
    exp = _digits(re.sub(r"\(\s*0\s*\)", "", exp))  # "+44 (0) 20 ...": the trunk 0 is not dialled
    got = _digits(e164)
    if not exp:
        return False
    if exp == got:
        return True
    for e in {exp, exp[1:] if exp.startswith("0") else exp}:
        if got.endswith(e) and _is_cc(got[: len(got) - len(e)]):
            return True
    return any(exp.startswith(idd) and exp[len(idd) :] == got for idd in ("00", "011"))


def _canon_url(u: str) -> str:
    u = re.sub(r"^[a-z]+://", "", u.strip().lower())
    return re.sub(r"^www\.", "", u).rstrip("/")


@dataclass
class RowResult:
    id: str
    ok: bool
    fields: dict[str, bool]
    strict_phone: bool | None
    got: dict[str, Any]


@dataclass
class Report:
    rows: list[RowResult] = field(default_factory=list)

    @property
    def headline(self) -> float:
        scored = [r for r in self.rows if any(k in r.fields for k in HEADLINE)]
        return sum(r.ok for r in scored) / len(scored) if scored else 0.0

    def per_field(self) -> dict[str, tuple[int, int]]:
        tot: Counter[str] = Counter()
        good: Counter[str] = Counter()
        for r in self.rows:
            for k, v in r.fields.items():
                tot[k] += 1
                good[k] += int(v)
        return {k: (good[k], tot[k]) for k in sorted(tot)}


def _first_name_ok(exp: str | None, parsed: ParsedCard) -> bool:
    got = parsed.name.value if parsed.name else None
    if exp is None:
        return got is None
    return got is not None and _fold(got) == _fold(exp)


def parsed_from_record(d: dict[str, Any]) -> ParsedCard:
    """A JSON record (`cardscan parse`, the naive baseline) as a ParsedCard."""

    def f(v: str | None) -> Field | None:
        return Field(v, v, 1.0) if v else None

    return ParsedCard(
        name=f(d.get("name")), given_name=d.get("given_name"), family_name=d.get("family_name"),
        title=f(d.get("title")), company=f(d.get("company")),
        department=f(d.get("department")), address=f(d.get("address")),
        emails=tuple(Field(e, e, 1.0) for e in d.get("emails") or ()),
        phones=tuple(Phone(p["number"], p.get("type") or "other", p.get("raw", ""), 1.0)
                     for p in d.get("phones") or ()),
        websites=tuple(Field(w, w, 1.0) for w in d.get("websites") or ()),
    )


def cli_parser(rows: list[dict[str, Any]]) -> dict[str, ParsedCard]:
    """Every row through the real command, `cardscan parse --batch -`, in one call."""
    feed = "".join(json.dumps({"id": r["id"], "text": r["text"]}) + "\n" for r in rows)
    out = subprocess.run(
        [sys.executable, "-m", "cardscan", "parse", "--batch", "-"],
        input=feed, capture_output=True, text=True, check=True,
    ).stdout
    return {d["id"]: parsed_from_record(d) for d in map(json.loads, out.splitlines())}


def naive_parser(rows: list[dict[str, Any]]) -> dict[str, ParsedCard]:
    from benchmarks.naive import parse_text as naive_parse

    return {r["id"]: parsed_from_record(naive_parse(r["text"])) for r in rows}


def library_parser(rows: list[dict[str, Any]]) -> dict[str, ParsedCard]:
    return {r["id"]: parse_text(r["text"]) for r in rows}


PARSERS = {"cli": cli_parser, "library": library_parser, "naive": naive_parser}


def score_row(row: dict[str, Any], parsed: ParsedCard | None = None) -> RowResult:
    if parsed is None:
        parsed = parse_text(row["text"])
    exp = row["expected"]
    non_fax = [p for p in parsed.phones if p.type != "fax"]
    res: dict[str, bool] = {}
    strict: bool | None = None
    for key, want in exp.items():
        if key == "name":
            res[key] = _first_name_ok(want, parsed)
        elif key == "email":
            got = parsed.emails[0].value if parsed.emails else None
            res[key] = (got is None) if want is None else (got == want.strip().lower())
        elif key == "phone":
            if want is None:
                res[key] = not non_fax
            else:
                res[key] = any(phone_matches(want, p.number) for p in non_fax)
                strict = bool(non_fax) and phone_matches(want, non_fax[0].number)
        elif key in ("mobile", "fax"):
            typed = [p for p in parsed.phones if p.type == key]
            res[key] = (not typed) if want is None else any(
                phone_matches(want, p.number) for p in typed
            )
        elif key == "website":
            sites = [_canon_url(w.value) for w in parsed.websites]
            res[key] = (not sites) if want is None else _canon_url(want) in sites
        elif key in ("title", "company", "department", "address"):
            f = getattr(parsed, key)
            got = f.value if f else None
            res[key] = (got is None) if want is None else (
                got is not None and _fold(got) == _fold(want.replace("\n", ", "))
            )
        elif key == "name_first":
            res[key] = _fold(parsed.given_name or "") == _fold(want or "")
        elif key == "name_last":
            res[key] = _fold(parsed.family_name or "") == _fold(want or "")
        elif key in ("city", "country"):
            addr = parsed.address.value if parsed.address else ""
            res[key] = _fold(want) in _fold(addr)
    ok = all(res[k] for k in HEADLINE if k in res)
    found: dict[str, Any] = {
        "name": parsed.name.value if parsed.name else None,
        "title": parsed.title.value if parsed.title else None,
        "company": parsed.company.value if parsed.company else None,
        "emails": [e.value for e in parsed.emails],
        "phones": [(p.number, p.type) for p in parsed.phones],
        "websites": [w.value for w in parsed.websites],
        "address": parsed.address.value if parsed.address else None,
    }
    return RowResult(row["id"], ok, res, strict, found)


def score_file(path: str | Path, parser: str = "library") -> Report:
    with open(path, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    parsed = PARSERS[parser](rows)
    report = Report()
    report.rows.extend(score_row(r, parsed[r["id"]]) for r in rows)
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("path", nargs="+")
    ap.add_argument("--show", action="store_true", help="print the failing rows")
    ap.add_argument("--parser", choices=sorted(PARSERS), default="cli",
                    help="cli: `cardscan parse --batch` (default); library: parse_text in "
                    "this process; naive: the regex baseline of benchmarks/naive.py")
    args = ap.parse_args(argv)
    for path in args.path:
        report = score_file(path, args.parser)
        with open(path, encoding="utf-8") as fh:
            rows = {json.loads(x)["id"]: json.loads(x) for x in fh if x.strip()}
        scored = [r for r in report.rows if any(k in r.fields for k in HEADLINE)]
        strict = [r.strict_phone for r in report.rows if r.strict_phone is not None]
        print(f"{path} [{args.parser}]: {len(report.rows)} rows, "
              f"{len(scored)} with name/email/phone asserted")
        print(f"  all asserted name/email/phone right: {report.headline:.3f}")
        for k, (g, t) in report.per_field().items():
            print(f"  {k:<12} {g:>4}/{t:<4} {g / t:.3f}")
        if strict:
            print(f"  phone (first non-fax number): {sum(strict)}/{len(strict)}"
                  f" {sum(strict) / len(strict):.3f}")
        if args.show:
            for r in report.rows:
                bad = [k for k, v in r.fields.items() if not v]
                if bad:
                    exp = rows[r.id]["expected"]
                    print(f"\n--- {r.id} wrong: {', '.join(bad)}")
                    print("    text: " + rows[r.id]["text"].replace("\n", " / ")[:300])
                    print(f"    want: {json.dumps({k: exp[k] for k in bad}, ensure_ascii=False)}")
                    print(f"    got:  {json.dumps(r.got, ensure_ascii=False)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
