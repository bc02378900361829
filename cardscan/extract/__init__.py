"""Field extraction: one OCR page (or plain text) in, one ParsedCard out.

``parse_page`` runs ``STEPS`` in order over one working object (work.CardWork):
websites and e-mails first (an e-mail repair may need the printed website), then
the region for numbers without a country code and the phones; the text those leave
behind is cut into chunks (integer ids), where the address, the line roles (learned,
learned.py), the name, the title, the department and the company are looked for.
A picker that takes a chunk adds its id to ``claimed``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Literal

from cardscan.model import Field, Page, ParsedCard

from . import cjk, learned, letters
from . import weights as W
from .address import find_address
from .company import find_company, leftover_company
from .emails import EmailHit, scan_emails
from .layout import columns
from .person import (
    clean,
    company_marks,
    email_support,
    join_split_surname,
    name_candidates,
    native_beside,
    pick_department,
    pick_name,
    pick_title,
    romanised,
    split_name,
    title_beside_name,
    title_score,
)
from .phones import PhoneHit, order_phones, read_phones
from .text import (
    Chunk,
    Span,
    TextLine,
    alternation,
    fold,
    join_split_lines,
    known_words,
    ocr_fix,
    residue,
    respace,
    segment,
    text_lines,
    vocab_entries,
    vocab_set,
    vocab_words,
)
from .websites import WebHit, scan_websites, trim_to_domains
from .weights import LOW_CONFIDENCE
from .work import CardWork

__all__ = ["STEPS", "card_status", "parse_page", "parse_text", "prepare", "review_reasons"]

_SPLIT = re.compile(r"\s+[|•·]\s+|\s*\|\s*|\s+[–—]\s+| {3,}|\t|:\s+")


def parse_text(text: str, region: str | None = None) -> ParsedCard:
    """Parse plain text, one printed line per line."""
    return parse_page(Page.from_text(text), region)


def parse_page(page: Page, region: str | None = None) -> ParsedCard:
    work = CardWork(page, region)
    for step in STEPS:
        step(work)
    return _parsed(work)


def prepare(page: Page, region: str | None = None) -> CardWork:
    """The working object up to the line roles (for training the role model)."""
    work = CardWork(page, region)
    for step in STEPS[: STEPS.index(_roles)]:
        step(work)
    return work


# ---------------------------------------------------------------- steps


def _lines(w: CardWork) -> None:
    w.ocr = w.page.engine not in ("", "text")
    w.lines = tuple(
        TextLine(t.index, ocr_fix(t.text), t.height, t.box, t.conf)
        for t in join_split_lines(text_lines(w.page.lines))
    )


def _contacts(w: CardWork) -> None:
    """Websites, e-mails, the card's region and its phones (one step: the region
    reads the domains, the phones the region)."""
    tls, region = w.lines, w.region_hint
    webs = scan_websites(tls)
    site_domains = [x.domain for x in webs]
    emails = scan_emails(tls, site_domains)
    email_spans = [(e.field.line or 0, e.span) for e in emails]
    webs = trim_to_domains(scan_websites(tls, email_spans),
                           [e.field.value.split("@", 1)[1] for e in emails])
    email_domains = [e.field.value.split("@", 1)[1] for e in emails]
    freemail = vocab_set("freemail_domains.txt")
    card_phones = read_phones(tls, [*email_domains, *site_domains], hint=region)
    reg, phone_hits = card_phones.region, card_phones.hits
    w.emails, w.webs, w.phone_hits, w.region = list(emails), list(webs), list(phone_hits), reg
    w.org_domains = [d for d in [*email_domains, *(x.domain for x in webs)] if d not in freemail]
    w.local_parts = [e.field.value.split("@", 1)[0] for e in emails]


def _rest(w: CardWork) -> None:
    """The text contact details leave, respaced where the OCR glued words."""
    rest = _residues(w.lines, w.emails, w.webs, w.phone_hits)
    if w.ocr:
        rest = [_respace_line(tl, w.local_parts, w.org_domains) for tl in rest]
    w.rest = rest
    w.col = columns(w.lines)


def _address(w: CardWork) -> None:
    w.address = find_address(w.rest, col=w.col)


def _chunking(w: CardWork) -> None:
    taken = set(w.address.lines) if w.address else set()
    w.chunks = _chunks([tl for tl in w.rest if tl.index not in taken])


def _hand_picks(w: CardWork) -> None:
    """What the hand-weighted pickers would take, by chunk id: a feature of the
    learned model, which learns when to follow them and when not."""
    trial = replace(w, claimed=set(), roles=None)
    for step in PICKS:
        step(trial)
    out: dict[int, str] = {}
    if trial.name_cand is not None:
        out.update(dict.fromkeys(trial.name_cand.ids, "name"))
    for role, f in (("title", trial.title), ("department", trial.department),
                    ("company", trial.company)):
        if f is None or f.origin != "card":
            continue
        parts = {clean(p) for p in f.raw.split("\n")}
        for k, ch in enumerate(w.chunks):
            text = clean(ch.text)
            if k in out or not text:
                continue
            words = set(fold(text).split())
            if (ch.line == f.line and text == clean(f.raw)) or text in parts or (
                    ch.line != f.line and words <= set(fold(f.value).split())):
                out[k] = role
    w.hand = out


def _roles(w: CardWork) -> None:
    w.roles = learned.roles(w.chunks, w.local_parts, w.org_domains, len(w.lines), w.hand,
                            W.HAND_PRIOR)


def _name(w: CardWork) -> None:
    cands = name_candidates(w.chunks, w.local_parts, w.org_domains)
    name, cand = pick_name(w.chunks, cands, w.roles)
    if name is None or cand is None:
        return
    name, cand, w.native = romanised(name, cand, cands)
    w.native = w.native or native_beside(cand, cands, w.roles)
    if cjk.japanese_card([tl.text for tl in w.lines], w.region):
        name = cjk.spaced_name(name)  # "山田 太郎": family first, the space OCR lost put back
    name, cand = join_split_surname(name, cand, w.chunks, w.local_parts)
    name = letters.restore_field(name, w.region) or name
    w.given, w.family = split_name(name.value)
    w.name, w.name_cand = name, cand
    w.claimed |= set(cand.ids)
    if w.native:
        w.claimed |= {k for k, ch in enumerate(w.chunks) if ch.text.strip() == w.native}
    if cand.text != clean(cand.chunk.text):
        w.title = title_beside_name(cand)


def _title(w: CardWork) -> None:
    cand = w.name_cand
    if cand is not None and cand.text != clean(cand.chunk.text):
        ids: tuple[int, ...] = ()  # read beside the name, from the name's own chunk
    else:
        w.title, ids = pick_title(w.chunks, w.claimed, cand, w.org_domains, w.roles,
                                  w.col)
    w.claimed |= set(ids)
    if w.title is not None:
        w.claimed |= {k for k, ch in enumerate(w.chunks)
                      if ch.line == w.title.line and ch.text == w.title.raw}


def _department(w: CardWork) -> None:
    w.department, ids = pick_department(w.chunks, w.claimed)
    w.claimed |= set(ids)


def _company(w: CardWork) -> None:
    free = w.free()
    chunks = [w.chunks[k] for k in free]
    w.company = find_company(chunks, w.org_domains, col=w.col, roles=w.roles, ids=free)
    if w.company is None:
        name_h = w.name_cand.chunk.height if w.name_cand is not None else 0.0
        w.company = leftover_company(chunks, w.org_domains, known_words(), name_h)
    if w.title and w.company and _same_words(w.title.value, w.company.value):
        w.title = None  # "Marketing Partners" at marketingpartners.com is only the company
    if w.name is not None:
        w.emails = _unglue_label(w.emails, w.name.value)


Step = Callable[[CardWork], None]
PICKS: tuple[Step, ...] = (_name, _title, _department, _company)
STEPS: tuple[Step, ...] = (
    _lines, _contacts, _rest, _address, _chunking, _hand_picks, _roles, *PICKS,
)


def _parsed(w: CardWork) -> ParsedCard:
    return ParsedCard(
        name=w.name,
        given_name=w.given,
        family_name=w.family,
        title=w.title,
        company=w.company,
        department=w.department,
        address=w.address.field if w.address else None,
        emails=tuple(e.field for e in w.emails),
        phones=order_phones(h.phone for h in w.phone_hits),
        websites=tuple(x.field for x in w.webs),
        region=w.region,
        name_native=w.native,
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
    out += [f"phone not valid in its country code: {p.raw}" if "+" in p.raw
            else f"phone not valid in any likely country: {p.raw}"
            for p in parsed.phones if not p.valid and not p.local_only]
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
    known = known_words() | bits
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
            parts = segment(core, known_words(), unknown_ok=False, strong=_short_marks())
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


def _unspace(text: str) -> str:
    """'T E C H N O L O G I E S' -> 'TECHNOLOGIES' (letter-spaced logo text)."""
    toks = text.split()
    if len(toks) >= 4 and all(len(t) == 1 and t.isalpha() for t in toks):
        return "".join(toks)
    return text


def _chunks(lines: Sequence[TextLine]) -> list[Chunk]:
    out = []
    for tl in lines:
        parts = [clean(p) for p in _SPLIT.split(tl.text)]
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


# ---------------------------------------------------------------- helpers


def _same_words(a: str, b: str) -> bool:
    # Letters of any script: two CJK lines are not "the same" for having no a-z.
    return re.sub(r"[\W_]", "", fold(a)) == re.sub(r"[\W_]", "", fold(b))


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
