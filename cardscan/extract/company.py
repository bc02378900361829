"""Company name: legal-form suffixes (Inc, Ltd, GmbH, A.Ş., 株式会社 ...),
organisation words, and agreement with the e-mail/website domain
(``asymmetrik.com`` supports "ASYMMETRIK LTD")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from cardscan.model import Box, Field

from . import weights as W
from .layout import Column, columns
from .names import name_share
from .person import (
    company_marks,
    coverage,
    department_words,
    domain_support,
    title_score,
    title_words,
)
from .text import (
    Chunk,
    Roles,
    TextLine,
    clamp,
    fold,
    known_words,
    segment,
    tokens,
    vocab_set,
    vocab_words,
)

_LABEL = re.compile(r"^(?:company|empresa|firma|société|societe|şirket|sirket)\s*[:|]\s*", re.I)


def company_score(text: str, domains: Sequence[str]) -> float:
    text = clean_company(text)
    toks = tokens(text)
    if not toks or "@" in text:
        return -1.0
    n_suffix, n_org = company_marks(text)
    dom = domain_support(text, domains)
    score = 0.8 * min(n_suffix, 1) + 0.35 * min(n_org, 2) + 0.7 * dom
    n_title = title_words(text)
    if n_title and not n_suffix:
        score -= 0.3 * n_title if n_org or dom else 0.5 * n_title
    if department_words(text) and not n_suffix:
        score -= 0.5
    digits = sum(c.isdigit() for c in text)
    if digits > 2:
        score -= 0.5
    if len(toks) > 7:
        score -= 0.3
    if (
        not n_suffix
        and not n_org
        and dom < 0.6
        and len(toks) in (2, 3)
        and toks[0] in vocab_words("given_names.txt")
    ):
        score -= 0.3
    if text.isupper() and len(toks) >= 2:
        score += 0.05
    return score


# "Since 1968", "Est. 1874": the founding year and what follows it are a tagline.
_SINCE = re.compile(
    r"\s*[(,\-]?\s*\b(?:since|est\.?|established|founded|seit|desde|depuis|dal)\s+(?:in\s+)?"
    r"\d{4}\b.*$",
    re.I,
)


def clean_company(text: str) -> str:
    text = _LABEL.sub("", text)
    cut = _SINCE.sub("", text)
    return (cut if re.search(r"[^\W\d_]", cut) else text).strip(" ,;|-")


def find_company(
    chunks: Sequence[Chunk],
    domains: Sequence[str],
    threshold: float = W.COMPANY_THRESHOLD,
    col: Column | None = None,
    roles: Roles | None = None,
    ids: Sequence[int] | None = None,
) -> Field | None:
    """The company among ``chunks``: the chunk the learned model rates most likely a
    company (``roles`` holds its probabilities by chunk id, ``ids`` the id of each
    chunk), else the best hand score; grown over the lines that continue it."""
    if roles is not None and ids is not None:
        ranked = [(roles.score("company", k), i, ch)
                  for i, (k, ch) in enumerate(zip(ids, chunks, strict=True))
                  if company_score(ch.text, domains) > -1.0]
        scored = [s for s in ranked if s[0] >= W.LEARNED_COMPANY]
    else:
        scored = [(company_score(ch.text, domains), i, ch) for i, ch in enumerate(chunks)]
        scored = [s for s in scored if s[0] >= threshold]
    if not scored:
        return None
    # Highest score; earlier line wins ties (logos and company lines come first).
    # (Learned probabilities of one company's lines differ in the third digit.)
    digits = 2 if roles is not None else 3
    score, _i, best = max(scored, key=lambda s: (round(s[0], digits), -s[1]))
    if col is None:
        col = columns([TextLine(ch.line, ch.text, ch.height, ch.box) for ch in chunks])
    text, box = _grow(chunks, best, clean_company(best.text), domains, col)
    # The same name printed twice (logo and company line): keep the fuller one.
    for _s, _j, other in scored:
        if other is not best and _letters(other.text) == _letters(best.text):
            grown, grown_box = _grow(chunks, other, clean_company(other.text), domains, col)
            if len(grown) > len(text):
                text, box, best = grown, grown_box, other
    conf = clamp(0.35 + 0.4 * score) * best.conf
    # A logo cut short by the OCR ("TRAILE" for on-trailer.com): the domain spells it.
    letters = _letters(text)
    for d in domains:
        sld = d.split(".")[0]
        flat = _letters(sld)
        cut = letters in flat and not flat.startswith(letters)
        if len(letters) >= 4 and cut and " " not in text:
            # "BIKE" for thebikeconnection.com: the domain's words, split with the
            # vocabularies and the word that was read ("THE BIKE CONNECTION").
            words = segment(flat, known_words() | {letters},
                            strong=vocab_set("connector_words.txt") | {letters})
            value = " ".join(words) if words else sld
            value = value.upper() if text.isupper() else (value.title() if words else value)
            return Field(value, best.text, round(conf * 0.8, 3), best.line, box)
    return Field(text, best.text, round(conf, 3), best.line, box)


def leftover_company(
    chunks: Sequence[Chunk], domains: Sequence[str], known: frozenset[str],
    name_height: float = 0.0,
) -> Field | None:
    """Last resort: a logo's text (`logo_line`), else the organisation part of the
    domain (origin "derived", low confidence), or with no domain, a short
    capitalised line nothing else claimed."""
    logo = logo_line(chunks, name_height)
    if logo is not None:
        return Field(clean_company(logo.text), logo.text, round(W.LOGO_COMPANY * logo.conf, 3),
                     logo.line, logo.box)
    guess = domain_company(domains, known)
    if guess:
        return Field(guess, guess, W.DERIVED_COMPANY, origin="derived")
    for ch in chunks:
        words = ch.text.split()
        capitalised = all(w[:1].isupper() or not w[:1].isalpha() for w in words)
        plain = title_score(ch.text) <= 0 and not any(c.isdigit() for c in ch.text)
        if 1 <= len(words) <= 5 and capitalised and plain:
            text = ch.text.strip(" ,;:|/-")
            return Field(text, ch.text, round(W.DERIVED_COMPANY * ch.conf, 3), ch.line, ch.box)
    return None


def logo_line(chunks: Sequence[Chunk], name_height: float) -> Chunk | None:
    """The text of a logo: the largest line nothing else claimed, printed clearly
    larger than the person's name, a few words without digits, title, department
    or address words.  Where no line carries a company's marks, the largest text on
    a card that is not the person is its organisation, in any script."""
    if not name_height:
        return None
    street = vocab_set("address_words.txt")
    fits = [
        ch for ch in chunks
        if ch.whole and ch.height >= W.LOGO_OVER_NAME * name_height
        and 1 <= len(ch.text.split()) <= 6 and "@" not in ch.text
        and not any(c.isdigit() for c in ch.text) and re.search(r"[^\W\d_]", ch.text)
        and title_score(ch.text) <= 0 and not department_words(ch.text)
        and not any(t in street for t in tokens(ch.text))
    ]
    return max(fits, key=lambda ch: ch.height) if fits else None


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text))


_CONTINUES = ("and", "und", "e", "y", "et", "of", "for")


def _same_size(a: Chunk, b: Chunk) -> bool:
    """Printed in one font size (both heights known)."""
    if not (a.height and b.height):
        return False
    return 1 / W.COMPANY_LINE_HEIGHT <= b.height / a.height <= W.COMPANY_LINE_HEIGHT


def _joins(text: str, other: Chunk, above: bool, domains: Sequence[str],
           same_size: bool = False) -> bool:
    """Whether a line printed right over/under the company line belongs to its name."""
    o = clean_company(other.text)
    words = o.split()
    if not other.whole or not words or len(words) > 5 or "@" in o:
        return False
    if any(c.isdigit() for c in o):
        return False
    if not above and (o[:1] in "&+" or words[0].lower() in _CONTINUES) and title_score(o) < 0.5:
        return True  # "Institute for Computer Sciences" / "and Telecommunications Engineering"
    mine = company_marks(text)
    n_title, (_, n_org) = title_words(o), company_marks(o)
    if above and _bare_legal(text) and n_title <= n_org and words[0][:1].isupper():
        return True  # "AVTEC SYSTEMS," over "INC.": a legal form alone names nothing
    if n_title:
        return False
    if department_words(o):
        return False
    if any(t in vocab_set("not_name_words.txt") for t in tokens(o)):
        return False
    a, b = _letters(text), _letters(o)
    if not b or b in a or a in b:
        return False  # the logo repeating the name printed under it
    if same_size and not name_share(words) >= 1.0 and (words[0][:1].isupper() or o.isupper()
                                                       or not words[0][:1].isalpha()):
        return True  # one name set in one font, broken over two lines of one column
    merged = f"{o} {text}" if above else f"{text} {o}"
    gain = coverage(merged, domains) > max(coverage(text, domains), coverage(o, domains)) + 0.1
    n_suffix, n_org = company_marks(o)
    if gain or n_org or (n_suffix and not mine[0]):
        return True
    if above:
        # The name over its legal form or its "& Logistics Ltd." continuation.
        continues = text[:1] in "&+" or text.split()[0].lower() in _CONTINUES
        short_legal = mine[0] and len(text.split()) <= 3
        if (continues or short_legal) and (words[0][:1].isupper() or o.isupper()):
            return True
        if domain_support(o, domains) >= 0.6 > domain_support(text, domains):
            return True  # "ELEMENT" over "International Forwarding & Logistics Ltd."
    return False


def _bare_legal(text: str) -> bool:
    """Only legal forms ("INC.", "Co., Ltd."): the name they belong to is elsewhere."""
    suffixes = {s.replace(".", "") for s in vocab_set("company_suffixes.txt")}
    toks = [t.replace(".", "").replace(",", "") for t in tokens(text)]
    return bool(toks) and all(t in suffixes for t in toks if t)


def _spells_more(text: str, other: Chunk) -> bool:
    a, b = _letters(text), _letters(other.text)
    o = clean_company(other.text)
    marks = company_marks(o)
    return (
        other.whole and len(a) >= 3 and a in b and a != b and bool(marks[0] or marks[1])
        and not title_words(o) and not any(c.isdigit() for c in o)
    )


def _grow(
    chunks: Sequence[Chunk], best: Chunk, text: str, domains: Sequence[str], col: Column
) -> tuple[str, Box | None]:
    """A company name printed over two or three lines of one column: "Hansa Meyer
    Global" / "Holding GmbH", "ELEMENT" / "International Forwarding" / "& Logistics
    Ltd.", "one" / "Home" / "Insurance"."""
    by_line = {ch.line: ch for ch in chunks}
    box = best.box
    top = bottom = best.line
    for above in (True, False):
        for _ in range(2):
            j = col.above.get(top) if above else col.below.get(bottom)
            other = by_line.get(j) if j is not None else None
            if other is None:
                break
            if not above and _spells_more(text, other):
                # A logo ("seas") over the full name ("SEVENSEAS LOGISTICS").
                text = clean_company(other.text)
                box = other.box if not box or not other.box else box.union(other.box)
                bottom = other.line
                continue
            edge = by_line.get(top if above else bottom, best)
            if not _joins(text, other, above, domains, _same_size(edge, other)):
                break
            o = clean_company(other.text)
            text = f"{o} {text}" if above else f"{text} {o}"
            if box and other.box:
                box = box.union(other.box)
            if above:
                top = other.line
            else:
                bottom = other.line
    return text, box


def domain_company(domains: Sequence[str], known: frozenset[str] = frozenset()) -> str | None:
    """The organisation part of a domain, as a last resort ("on-trailer.com").  With
    a vocabulary, glued words are split and capitalised ("hurricanecommerce.com" ->
    "Hurricane Commerce")."""
    for d in domains:
        sld = d.split(".")[0]
        if len(sld) < 3:
            continue
        parts: list[str] = []
        for piece in re.split(r"[-_]+", fold(sld)):
            split = segment(piece, known) if known and piece.isalpha() else None
            parts.extend(split or [piece])
        glued = len(parts) > len(re.split(r"[-_]+", sld))
        if known and glued and all(p.isalpha() for p in parts):
            return " ".join(p.capitalize() for p in parts)
        return fold(sld).upper()
    return None
