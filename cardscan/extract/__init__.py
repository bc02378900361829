"""Field extraction: one OCR page (or plain text) in, one ParsedCard out.

Order matters: websites and e-mails are found first (an e-mail repair may need
the printed website), then the region for numbers without a country code, then
phones; the text those leave behind is where the address, the name, the title,
the department and the company are looked for.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from functools import lru_cache
from typing import Literal

from cardscan.model import Field, Page, ParsedCard

from .address import find_address
from .company import coverage, domain_company, find_company
from .emails import EmailHit, scan_emails
from .layout import columns
from .person import (
    NameCandidate,
    company_marks,
    department_score,
    email_support,
    is_cjk_name,
    name_candidates,
    name_field,
    split_name,
    title_score,
)
from .phones import DEFAULT_REGION, PhoneHit, card_region, order_phones, scan_phones
from .text import (
    Chunk,
    Span,
    TextLine,
    alternation,
    clamp,
    fold,
    ocr_fix,
    residue,
    respace,
    segment,
    text_lines,
    vocab_entries,
    vocab_set,
    vocab_toml,
    vocab_words,
)
from .websites import WebHit, scan_websites, trim_to_domains

__all__ = ["card_status", "parse_page", "parse_text", "review_reasons"]

NAME_THRESHOLD = 0.3
LOW_CONFIDENCE = 0.4
HEIGHT_WEIGHT = 0.8  # name score per unit of (text height / median height - 1)
_SPLIT = re.compile(r"\s+[|•·]\s+|\s*\|\s*|\s+[–—]\s+| {3,}|\t|:\s+")


def parse_text(text: str, region: str | None = None) -> ParsedCard:
    """Parse plain text, one printed line per line."""
    return parse_page(Page.from_text(text), region)


def parse_page(page: Page, region: str | None = None) -> ParsedCard:
    ocr = page.engine not in ("", "text")
    tls = tuple(
        TextLine(t.index, ocr_fix(t.text), t.height, t.box, t.conf) for t in text_lines(page.lines)
    )
    webs = scan_websites(tls)
    site_domains = [w.domain for w in webs]
    emails = scan_emails(tls, site_domains)
    email_spans = [(e.field.line or 0, e.span) for e in emails]
    webs = trim_to_domains(scan_websites(tls, email_spans),
                           [e.field.value.split("@", 1)[1] for e in emails])
    email_domains = [e.field.value.split("@", 1)[1] for e in emails]
    freemail = set(vocab_entries("freemail_domains.txt"))
    org_domains = [d for d in [*email_domains, *(w.domain for w in webs)] if d not in freemail]
    found = region or card_region(tls, [*email_domains, *site_domains])
    reg = (found or DEFAULT_REGION).upper()
    phone_hits = scan_phones(tls, reg, local_ok=found is not None)

    local_parts = [e.field.value.split("@", 1)[0] for e in emails]
    rest = _residues(tls, emails, webs, phone_hits)
    if ocr:
        rest = [_respace_line(tl, local_parts, org_domains) for tl in rest]
    col = columns(tls)
    addr = find_address(rest, col=col)
    addr_lines = set(addr.lines) if addr else set()
    chunks = _chunks([tl for tl in rest if tl.index not in addr_lines])

    cands = name_candidates(chunks, local_parts, org_domains)
    name, cand = _pick_name(chunks, cands)
    native = None
    if name is not None and cand is not None:
        name, cand, native = _romanised(name, cand, cands)
    given = family = None
    if name is not None and cand is not None:
        name, cand = _join_split_surname(name, cand, chunks, local_parts)
        given, family = split_name(name.value)
    used = {id(cand.chunk)} if cand else set()
    used |= {id(ch) for ch in chunks if native and ch.text.strip() == native}
    if cand and cand.text != _clean(cand.chunk.text):
        # Name and title printed on one line: the rest of the line is the title.
        whole = _clean(cand.chunk.text)
        at = whole.find(cand.text)
        title_text = whole[at + len(cand.text) :].strip(" ,|-") if at >= 0 else ""
        if title_score(title_text) <= 0:
            # "Eric Rothenberg, Owner, License #M45678": the first part that reads as a title.
            title_text = next((p.strip() for p in title_text.split(",") if title_score(p) > 0), "")
        title = _title_field(cand.chunk, title_text) if title_text else None
    else:
        title = _pick_title(chunks, used, cand, org_domains)
    if title is not None:
        used |= {id(ch) for ch in chunks if ch.line == title.line and ch.text == title.raw}
    dept = _pick_department(chunks, used)
    if dept is not None:
        parts = dept.raw.split("\n")
        used |= {id(ch) for ch in chunks if ch.text in parts}
    company = find_company([ch for ch in chunks if id(ch) not in used], org_domains, col=col)
    if company is None:
        company = _leftover_company([ch for ch in chunks if id(ch) not in used], org_domains)
    if title and company and _same_words(title.value, company.value):
        title = None  # "Marketing Partners" at marketingpartners.com is only the company
    if name is not None:
        emails = _unglue_label(emails, name.value)

    return ParsedCard(
        name=name,
        given_name=given,
        family_name=family,
        title=title,
        company=company,
        department=dept,
        address=addr.field if addr else None,
        emails=tuple(e.field for e in emails),
        phones=order_phones(h.phone for h in phone_hits),
        websites=tuple(w.field for w in webs),
        region=reg,
        name_native=native,
    )


def review_reasons(parsed: ParsedCard) -> tuple[str, ...]:
    """Why a person should look at this card before following up: the name, or
    every contact channel, missing or weak; a phone printed without its area code."""
    out = []
    if parsed.name is None:
        out.append("no name found")
    elif parsed.name.confidence < LOW_CONFIDENCE:
        out.append("name uncertain")
    local = [p for p in parsed.phones if p.local_only]
    channels = [e.confidence for e in parsed.emails]
    channels += [p.confidence for p in parsed.phones if not p.local_only]
    if not channels and not local:
        out.append("no email or phone found")
    elif channels and not any(c >= LOW_CONFIDENCE for c in channels):
        out.append("email and phone uncertain")
    out += [f"phone without area code: {p.raw}" for p in local]
    return tuple(out)


def card_status(parsed: ParsedCard) -> Literal["ok", "review"]:
    """"review" when there is any `review_reasons`."""
    return "review" if review_reasons(parsed) else "ok"


# ---------------------------------------------------------------- residues


@lru_cache(maxsize=1)
def _label_pattern() -> re.Pattern[str]:
    alts = alternation([*vocab_entries("email_labels.txt"), *vocab_entries("web_labels.txt")])
    return re.compile(rf"(?<![^\W_])(?:{alts})\s*[:|]", re.IGNORECASE)


def _residues(
    tls: Sequence[TextLine],
    emails: Sequence[EmailHit],
    webs: Sequence[WebHit],
    phones: Sequence[PhoneHit],
) -> list[TextLine]:
    spans: dict[int, list[Span]] = {}
    for e in emails:
        spans.setdefault(e.field.line or 0, []).append(e.span)
    for w in webs:
        spans.setdefault(w.field.line or 0, []).append(w.span)
    for p in phones:
        spans.setdefault(p.phone.line or 0, []).append(p.span)
        if p.label:
            spans.setdefault(p.phone.line or 0, []).append(p.label)
    out = []
    labels = _label_pattern()
    from .phones import _labels as phone_labels  # same vocabulary the phone scan used

    handles = _handle_pattern()
    for tl in tls:
        text = tl.text
        if handles.match(fold(text)):
            continue
        taken = spans.get(tl.index, [])
        if taken:
            text = residue(tl.text, taken)
            text = labels.sub(" ", text)
            # Label words left without their number ("Tel:", "(C)", "Phone Number").
            left = phone_labels(text)
            rest = residue(text, [s for s, _ in left])
            if not re.sub(r"[\W_]", "", rest):
                text = ""
        text = text.strip(" ,;:|/-–()")
        if re.sub(r"[\W_]", "", text):
            out.append(TextLine(tl.index, text, tl.height, tl.box, tl.conf))
    return out


@lru_cache(maxsize=1)
def _handle_pattern() -> re.Pattern[str]:
    alts = alternation(vocab_entries("handle_labels.txt"))
    return re.compile(rf"^\W*(?:{alts})\s*[:：|]", re.IGNORECASE)


@lru_cache(maxsize=1)
def _known_words() -> frozenset[str]:
    names = [
        "title_words.txt", "company_words.txt", "department_words.txt", "address_words.txt",
        "company_suffixes.txt",
    ]
    out: set[str] = set(vocab_words("given_names.txt"))
    for n in names:
        out |= {w for w in vocab_words(n) if len(w) >= 2 and w.isalpha()}
    out |= {fold(k) for k in vocab_toml("countries.toml")["names"] if " " not in k}
    return frozenset(out | {"of", "and", "the", "for", "de", "commerce", "freight", "express"})


@lru_cache(maxsize=1)
def _short_marks() -> frozenset[str]:
    """Connectors ("of", "and"), three-letter titles and legal forms ("CEO", "LTD"):
    evidence inside a glued word made only of known words, where three-letter names
    and address words ("ANN", "SHI") are not."""
    return vocab_set("connector_words.txt") | frozenset(
        w for f in ("title_words.txt", "company_suffixes.txt")
        for w in vocab_words(f) if len(w) == 3 and w.isascii() and w.isalpha()
    )


def _respace_line(
    tl: TextLine, local_parts: Sequence[str], domains: Sequence[str] = ()
) -> TextLine:
    """OCR output without spaces: restore them, and split glued capitals with the
    vocabularies and the e-mail local parts as the dictionary."""
    slds = {re.sub(r"[^a-z0-9]", "", fold(d.split(".")[0])) for d in domains}
    text = respace(tl.text, slds)
    text = _unglue_suffix(text)
    bits: set[str] = set()
    for lp in local_parts:
        pieces = [b for b in re.split(r"[._\-+\d]+", fold(lp)) if len(b) >= 3]
        if len(pieces) == 1 and len(pieces[0]) >= 5:
            # "vijayc" spells "vijay" + initial, "jsmith" initial + "smith".
            bits |= {pieces[0][:-1], pieces[0][1:]}
        else:
            bits |= set(pieces)
    known = _known_words() | bits
    toks = []
    for tok in text.split(" "):
        core = tok.strip(",.;:")
        parts: list[str] | None = None
        if fold(core) in {fold(d.split(".")[0]) for d in domains}:
            pass  # the brand as its domain spells it ("CARGOBASE"): keep it whole
        elif len(core) >= 7 and core.isalpha() and (core.isupper() or core.islower()):
            # Known words only first, where short connectors and titles count;
            # then with one unknown piece, where only the e-mail's pieces do.
            parts = (segment(core, known, unknown_ok=False, strong=bits | _short_marks())
                     or segment(core, known, strong=bits))
        elif len(core) >= 12 and core.isalpha() and core[1:].islower():
            # "Directorofoperations": only when every piece is a known word.
            parts = segment(core, _known_words(), unknown_ok=False, strong=_short_marks())
        toks.append(tok.replace(core, " ".join(parts)) if parts else tok)
    return TextLine(tl.index, " ".join(toks), tl.height, tl.box, tl.conf)


@lru_cache(maxsize=1)
def _dotted_suffixes() -> tuple[str, ...]:
    """Legal forms written with inner dots ("A.Ş.", "S.A.", "B.V."), longest first."""
    dotted = [s for s in vocab_entries("company_suffixes.txt") if s.count(".") >= 2]
    return tuple(sorted(dotted, key=len, reverse=True))


def _unglue_suffix(text: str) -> str:
    """'TASIMACILIKA.S.' -> 'TASIMACILIK A.S.': a dotted legal form glued to the
    word before it (at least three letters, so "S.A.S." stays whole)."""
    out = []
    for tok in text.split(" "):
        low = fold(tok)
        for suf in _dotted_suffixes():
            for tail in (suf, suf.rstrip(".")):
                head = tok[: len(tok) - len(tail)]
                if low.endswith(tail) and len(re.sub(r"[^\w]", "", head)) >= 3:
                    tok = f"{head} {tok[len(head):]}"
                    break
            else:
                continue
            break
        out.append(tok)
    return " ".join(out)


def _clean(text: str) -> str:
    return text.strip(" ,;:|/-")


def _unspace(text: str) -> str:
    """'T E C H N O L O G I E S' -> 'TECHNOLOGIES' (letter-spaced logo text)."""
    toks = text.split()
    if len(toks) >= 4 and all(len(t) == 1 and t.isalpha() for t in toks):
        return "".join(toks)
    return text


def _chunks(lines: Sequence[TextLine]) -> list[Chunk]:
    out = []
    for tl in lines:
        parts = [_clean(p) for p in _SPLIT.split(tl.text)]
        parts = [p for p in parts if p and re.search(r"[^\W\d_]", p)]
        parts = [q for p in parts for q in _title_company_split(p)]
        for p in parts:
            out.append(Chunk(tl.index, _unspace(p), tl.height, tl.box, tl.conf, len(parts) == 1))
    return out


def _title_company_split(text: str) -> list[str]:
    """'Grade Teacher, Oakridge Elementary School': a title and the organisation
    it is held at, on one line."""
    if ", " not in text:
        return [text]
    head, tail = text.split(", ", 1)
    n_suffix, n_org = company_marks(tail)
    if title_score(head) >= 0.5 and (n_suffix or n_org) and title_score(tail) <= 0:
        return [head, tail]
    return [text]


# ---------------------------------------------------------------- choosing


def _height_bonus(chunks: Sequence[Chunk]) -> dict[int, float]:
    heights = [ch.height for ch in chunks if ch.height]
    if len(heights) < 3:
        return {}
    med = statistics.median(heights)
    return {id(ch): clamp((ch.height / med - 1.0) * HEIGHT_WEIGHT, -0.3, 0.45)
            for ch in chunks if ch.height}


def _pick_name(
    chunks: Sequence[Chunk], cands: Sequence[NameCandidate]
) -> tuple[Field | None, NameCandidate | None]:
    if not cands:
        return None, None
    heights = _height_bonus(chunks)
    titles = {ch.line for ch in chunks if title_score(ch.text) >= 0.5}
    n = max(ch.line for ch in chunks) + 1
    ranked: list[tuple[float, NameCandidate]] = []
    for c in cands:
        if c.score < NAME_THRESHOLD - 0.2:
            continue
        s = c.score + heights.get(id(c.chunk), 0.0)
        near_title = c.chunk.line - 1 in titles or c.chunk.line + 1 in titles
        if near_title and c.chunk.line not in titles:
            s += 0.15
        s += 0.05 * (1 - c.chunk.line / n)
        ranked.append((s, c))
    if not ranked:
        return None, None
    s, best = max(ranked, key=lambda r: r[0])
    if s < NAME_THRESHOLD:
        return None, None
    return name_field(best, clamp(0.3 + 0.5 * s)), best


def _same_words(a: str, b: str) -> bool:
    # Letters of any script: two CJK lines are not "the same" for having no a-z.
    return re.sub(r"[\W_]", "", fold(a)) == re.sub(r"[\W_]", "", fold(b))


def _romanised(
    name: Field, cand: NameCandidate, cands: Sequence[NameCandidate]
) -> tuple[Field, NameCandidate, str | None]:
    """A name in kanji/hangul picked by layout, with a romanised name on the line
    beside it: the romanised form is `name` (what the user's address book, CSV and
    e-mail greeting can use) and the native form is returned beside it.  Only from
    that side: a short CJK line beside a Latin name is as often a title, a company
    or a city (営業部長, 上海) as the name, and no vocabulary here tells them apart."""
    if not is_cjk_name(cand.text):
        return name, cand, None
    near = [c for c in cands if abs(c.chunk.line - cand.chunk.line) == 1]
    latin = [
        c for c in near
        if c.score >= NAME_THRESHOLD + 0.1 and not is_cjk_name(c.text)
        and 2 <= len(c.text.split()) <= 4
    ]
    if not latin:
        return name, cand, None
    best = max(latin, key=lambda c: c.score)
    return name_field(best, name.confidence), best, name.value


def _join_split_surname(
    name: Field, cand: NameCandidate, chunks: Sequence[Chunk], local_parts: Sequence[str]
) -> tuple[Field, NameCandidate]:
    """Given names on one line and the surname on a line nearby, as the e-mail spells."""
    if email_support(name.value, local_parts) >= 0.9:
        return name, cand
    for ch in chunks:
        word = ch.text.strip()
        if ch is cand.chunk or " " in word or abs(ch.line - cand.chunk.line) > 2:
            continue
        if not word[:1].isupper() or len(word) < 3:
            continue
        joined = f"{name.value} {word}"
        if email_support(joined, local_parts) >= 0.9:
            new = NameCandidate(cand.chunk, joined, cand.score)
            return Field(joined, f"{name.raw}\n{ch.text}", name.confidence, name.line,
                         name.box), new
    return name, cand


def _leftover_company(chunks: Sequence[Chunk], domains: Sequence[str]) -> Field | None:
    """Last resort: the organisation part of the domain, or with no domain, a short
    capitalised line nothing else claimed."""
    guess = domain_company(domains, _known_words())
    if guess:
        return Field(guess, guess, 0.3, origin="derived")
    for ch in chunks:
        words = ch.text.split()
        capitalised = all(w[:1].isupper() or not w[:1].isalpha() for w in words)
        plain = title_score(ch.text) <= 0 and not any(c.isdigit() for c in ch.text)
        if 1 <= len(words) <= 5 and capitalised and plain:
            return Field(_clean(ch.text), ch.text, round(0.3 * ch.conf, 3), ch.line, ch.box)
    return None


def _unglue_label(emails: Sequence[EmailHit], name: str) -> list[EmailHit]:
    """'Eh.cizmeci@...' under 'HAKKI ÇIZMECI': an 'E' label glued to the address,
    confirmed by the name the local part then spells."""
    out = []
    for e in emails:
        local, domain = e.field.value.split("@", 1)
        raw_local = e.field.raw.split("@", 1)[0]
        if raw_local[:1] == "E" and len(local) > 3:
            alt = local[1:]
            if email_support(name, [alt]) >= 0.9 > email_support(name, [local]):
                fixed = Field(f"{alt}@{domain}", e.field.raw, e.field.confidence * 0.9,
                              e.field.line, e.field.box)
                e = EmailHit(fixed, e.span)
        out.append(e)
    return out


def _title_field(ch: Chunk, text: str, score: float = 0.6) -> Field:
    return Field(text, ch.text, round(clamp(0.3 + 0.6 * score) * ch.conf, 3), ch.line, ch.box)


def _pick_title(
    chunks: Sequence[Chunk], used: set[int], cand: NameCandidate | None,
    domains: Sequence[str] = (),
) -> Field | None:
    best: tuple[float, Chunk] | None = None
    rivals = sum(1 for ch in chunks if id(ch) not in used and title_score(ch.text) > 0)
    for ch in chunks:
        if id(ch) in used:
            continue
        s = title_score(ch.text)
        if s <= 0:
            continue
        if rivals > 1 and coverage(ch.text, domains) >= 0.8:
            s -= 0.25  # "Brightwater Talent" at brightwatertalent.co.uk is the company
        if cand and abs(ch.line - cand.chunk.line) == 1:
            s += 0.2
        elif cand and ch.line == cand.chunk.line:
            s += 0.1
        if best is None or s > best[0]:
            best = (s, ch)
    if best is None or best[0] < 0.45:
        return None
    s, ch = best
    text = _clean(ch.text)
    # A title printed over two lines, or in two languages one under the other.
    for other in chunks:
        if id(other) in used or other is ch or abs(other.line - ch.line) != 1:
            continue
        if cand and other.line == cand.chunk.line:
            continue
        if title_score(other.text) >= 0.5 and department_score(other.text) == 0:
            first, second = (other, ch) if other.line < ch.line else (ch, other)
            text = f"{_clean(first.text)} / {_clean(second.text)}"
            used.add(id(other))
            break
    return _title_field(ch, text, s)


def _pick_department(chunks: Sequence[Chunk], used: set[int]) -> Field | None:
    best: tuple[float, Chunk] | None = None
    for ch in chunks:
        if id(ch) in used:
            continue
        s = department_score(ch.text)
        if s > 0 and (best is None or s > best[0]):
            best = (s, ch)
    if best is None:
        return None
    s, ch = best
    # Section / department / division printed one per line: keep them all, in order.
    group = [ch]
    for step in (-1, 1):
        line = ch.line
        while True:
            nxt = next((c for c in chunks if c.line == line + step and id(c) not in used), None)
            if nxt is None or department_score(nxt.text) <= 0:
                break
            group.append(nxt)
            line += step
    group.sort(key=lambda c: c.line)
    text = " / ".join(_clean(c.text) for c in group)
    return Field(text, "\n".join(c.text for c in group),
                 round(clamp(0.3 + 0.5 * s) * ch.conf, 3), ch.line, ch.box)
