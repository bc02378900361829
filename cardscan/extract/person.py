"""Person fields: name (with given/family parts via nameparser), job title and
department, chosen among the text left over once contact lines are taken.

Evidence, each kept as data in cardscan/vocab: capitalised words, known given
names, the e-mail local part (``msmith``/``mike.smith`` -> "Mike Smith"),
title/department/company/street vocabularies, position next to a title line,
and with OCR boxes the text height (the name is usually the largest text that
is not the logo).
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from nameparser import HumanName
from nameparser.config import CONSTANTS

from cardscan.model import Field

from . import weights as W
from .cjk import department_score as cjk_department_score
from .cjk import org_ending as cjk_org_ending
from .cjk import title_score as cjk_title_score
from .names import name_share
from .layout import Column
from .text import CJK_CHAR, Chunk, Roles, clamp, fold, tokens, vocab_set, vocab_words

_NAME_TOKEN = re.compile(r"^[\"'(]*[^\W\d_][^\W\d_'’\-.]*(?:[\-'’.][^\W\d_]*)*[.\"')]*$")
_INITIAL = re.compile(r"^[^\W\d_]\.?(?:[^\W\d_]\.)*$")


@dataclass(frozen=True)
class NameCandidate:
    chunk: Chunk
    text: str
    score: float
    ids: tuple[int, ...] = ()  # the chunk ids (in the card's chunk list) it is read from


@lru_cache(maxsize=1)
def name_suffixes() -> frozenset[str]:
    """Post-nominal letters (phd, jr, md, ...), folded and without dots."""
    raw = set(CONSTANTS.suffix_acronyms) | set(CONSTANTS.suffix_not_acronyms)
    return frozenset(fold(s).replace(".", "") for s in raw if s.isascii()) | {"phd", "md", "llb"}


def _bare(tok: str) -> str:
    return fold(tok).strip(".,;:()\"'’&|/")


def title_words(text: str) -> int:
    vocab = vocab_set("title_words.txt")
    n = 0
    for t in tokens(text):
        if t in vocab or t.rstrip(".") in vocab:
            n += 1
    return n


def company_marks(text: str) -> tuple[int, int]:
    """(legal-form suffixes, organisation words) in a line."""
    suffixes = vocab_set("company_suffixes.txt")
    words = vocab_set("company_words.txt")
    toks = tokens(re.sub(r",(?=\S)", ", ", text))  # "Co.,Ltd." is two marks
    squashed = [t.replace(".", "").replace(",", "") for t in toks]
    n_suffix = 0
    for i, (t, s) in enumerate(zip(toks, squashed, strict=True)):
        edge = i in (0, len(toks) - 1) or (i == len(toks) - 2)
        if (t in suffixes or s in {x.replace(".", "") for x in suffixes}) and (edge or len(t) > 3):
            n_suffix += 1
    low = fold(text)
    for suf in suffixes:
        if len(suf) > 3 and not suf.isascii() and suf in low:
            n_suffix += 1
    n_words = sum(1 for t in toks if t in words)
    if not n_words and cjk_org_ending(text):
        n_words = 1  # "福記茶行", "새솔마트": no spaces, the ending says it
    return n_suffix, n_words


def department_words(text: str) -> int:
    vocab = vocab_set("department_words.txt")
    toks = tokens(text)
    n = sum(1 for t in toks if t in vocab or t.rstrip(".") in vocab)
    low = fold(text)
    n += sum(1 for d in vocab if " " in d and d in low)
    return n


# ---------------------------------------------------------------- names


def _email_parts(local_parts: Sequence[str]) -> list[list[str]]:
    out = []
    for local in local_parts:
        bits = [b for b in re.split(r"[._\-+]", fold(local)) if b]
        bits = [re.sub(r"\d+$", "", b) for b in bits]
        out.append([b for b in bits if b])
    return out


def email_support(name: str, local_parts: Sequence[str]) -> float:
    """0..1: how well an e-mail local part spells the name (msmith, mike.smith, timp)."""
    toks = [re.sub(r"[^a-z]", "", _bare(t)) for t in name.split()]
    toks = [t for t in toks if t and t not in vocab_set("honorifics.txt")]
    toks = [t for t in toks if t not in name_suffixes()] or toks
    if len(toks) < 1:
        return 0.0
    best = 0.0
    for bits in _email_parts(local_parts):
        flat = "".join(bits)
        if not flat:
            continue
        first, last = toks[0], toks[-1]
        s = 0.0
        if len(toks) >= 2 and (flat == first + last or flat == last + first):
            s = 1.0
        elif len(toks) >= 2 and len(last) >= 3 and (
            flat in (first[0] + last, last + first[0], first + last[0])
            or flat == "".join(t[0] for t in toks[:-1]) + last
            or flat == first + "".join(t[0] for t in toks[1:])
        ):
            s = 0.95
        elif len(bits) >= 2 and bits[0] == first and bits[-1] == last:
            s = 1.0
        elif len(last) >= 4 and last in flat:
            s = 0.7
        elif len(first) >= 3 and (flat == first or (bits and bits[0] == first)):
            s = 0.6
        elif (len(first) >= 4 and flat.startswith(first)) or (
            len(toks) >= 2 and flat == "".join(t[0] for t in toks)
        ):
            s = 0.5
        best = max(best, s)
    return best


def domain_support(text: str, domains: Sequence[str]) -> float:
    """0..1: how well an organisation's domain spells this line (asymmetrik.com)."""
    letters = re.sub(r"[^a-z0-9]", "", fold(text))
    if len(letters) < 3:
        return 0.0
    best = 0.0
    for d in domains:
        sld = re.sub(r"[^a-z0-9]", "", fold(d.split(".")[0]))
        if len(sld) < 3:
            continue
        first = re.sub(r"[^a-z0-9]", "", fold(text.split()[0])) if text.split() else ""
        parts = [re.sub(r"[^a-z0-9]", "", fold(t)) for t in text.split()]
        if letters == sld:
            best = max(best, 1.0)
        elif len(sld) >= 4 and (sld in letters or letters in sld):
            best = max(best, 0.8)
        elif (len(first) >= 4 and sld.startswith(first)) or any(
            len(p) >= 4 and p in sld for p in parts
        ):
            best = max(best, 0.6)
        elif len(sld) >= 4 and letters.startswith(sld[:4]):
            best = max(best, 0.4)
    return best


def coverage(text: str, domains: Sequence[str]) -> float:
    """Share of a domain's name spelt by the words of the text ("one Home
    Insurance" spells all of oneinsurance.com, "Compass" half of compass-freight)."""
    best = 0.0
    for d in domains:
        sld = _alnum(d.split(".")[0])
        if len(sld) < 4:
            continue
        covered = [False] * len(sld)
        for w in text.split():
            lw = _alnum(w)
            at = sld.find(lw) if len(lw) >= 3 else -1
            if at >= 0:
                covered[at : at + len(lw)] = [True] * len(lw)
        best = max(best, sum(covered) / len(sld))
    return best


def _alnum(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text))


def strip_noise(text: str) -> str:
    """Drop social handles and a glued "Name:" label."""
    text = re.sub(r"(?:^|\s)[/@][\w.\-]+", " ", text)
    text = re.sub(r"^(?:name|nome|nombre|nom|isim|ad soyad)\s*[:|]\s*", "", text, flags=re.I)
    return re.sub(r"\s+", " ", text).strip(" ,;|-")


def _split_name_suffix(text: str) -> tuple[str, str]:
    """'Xiaohua Hu, PhD.' -> ('Xiaohua Hu', ', PhD.') when all after the comma are suffixes."""
    if "," in text:
        head, tail = text.split(",", 1)
        tail_toks = [t for t in re.split(r"[\s,]+", tail) if t]
        if tail_toks and all(_bare(t).replace(".", "") in name_suffixes() for t in tail_toks):
            return head.strip(), "," + tail
    return text, ""


def is_cjk_name(text: str) -> bool:
    compact = text.replace(" ", "")
    return 2 <= len(compact) <= 5 and all(CJK_CHAR.match(c) for c in compact)


def name_score(text: str, local_parts: Sequence[str], domains: Sequence[str]) -> float:
    """Plausibility (can be negative) that `text` is a person's name as printed."""
    if not text or any(c.isdigit() for c in text) or "@" in text:
        return -1.0
    if is_cjk_name(text):
        suffix, org = company_marks(text)
        # Below a Latin-script name: gold and CRMs want the romanised name when printed.
        return -1.0 if suffix or org or title_words(text) or department_words(text) else 0.3
    head, suffix_part = _split_name_suffix(text)
    if "," in head or "&" in head or ":" in head:
        return -1.0
    toks = head.split()
    honor = vocab_set("honorifics.txt")
    particles = vocab_set("name_particles.txt")
    core = [t for t in toks if _bare(t) not in honor or t == toks[-1]]
    while len(core) > 2 and _bare(core[-1]).replace(".", "") in name_suffixes():
        core = core[:-1]
    if not 2 <= len(core) <= 5:
        return -1.0
    if not all(_NAME_TOKEN.match(t) for t in core):
        return -1.0
    letters = [c for c in head if c.isalpha()]
    if sum(1 for c in letters if c.isascii()) < len(letters) * 0.5 and not all(
        unicodedata.category(c).startswith("L") for c in letters
    ):
        return -1.0
    if all(len(_bare(t).replace(".", "")) <= 1 for t in core):
        return -1.0
    score = 0.45
    for t in core:
        b = _bare(t)
        first_letter = next((c for c in t if c.isalpha()), "")
        if b in particles:
            continue
        if not first_letter.isupper():
            score -= 0.6 if t is core[0] else 0.45
    if len(core) == 2 and _INITIAL.match(core[0].strip("\"'")) and len(_bare(core[0])) <= 2:
        score -= 0.2  # "J. Smith" is a name, but weak
    given = vocab_words("given_names.txt")
    first_is_given = _bare(core[0]) in given
    if first_is_given:
        score += 0.3
    # How many of its words people are called (name data of many countries); a
    # bonus only: a name nobody listed is not held against it.
    score += W.NAME_DATA * name_share([t for t in core if _bare(t) not in particles])
    n_title = title_words(head)
    if n_title:
        score -= (0.25 if first_is_given else 0.55) * n_title
    n_suffix, n_org = company_marks(head)
    score -= 1.0 * n_suffix + (0.3 if first_is_given else 0.6) * n_org
    score -= 0.6 * department_words(head)
    street = vocab_set("address_words.txt") - vocab_set("surname_like_street_words.txt")
    if any(_bare(t) in street for t in core):
        score -= 0.5
    stop = vocab_set("not_name_words.txt")
    score -= 0.8 * sum(1 for t in core if _bare(t) in stop)
    # An address named after a shop ("balajielectronics@gmail.com") spells the
    # shop, not a person: no support for a line with organisation marks.
    support = 0.0 if n_suffix or n_org else email_support(head, local_parts)
    score += 0.6 * support
    d = domain_support(head, domains)
    if d >= 0.6 and support < 0.6:
        score -= 0.4 * d
    if len(core) > 4:
        score -= 0.2
    if suffix_part:
        score += 0.05
    return score


def _title_split(text: str) -> tuple[str, str] | None:
    """'Damla Recber Project Assistant Specialist' -> (name, title)."""
    toks = text.split()
    vocab = vocab_set("title_words.txt")
    for i in range(2, len(toks)):
        if i == len(toks) - 1 and _bare(toks[i]).replace(".", "") in name_suffixes():
            break
        if _bare(toks[i]) in vocab and _bare(toks[i - 1]) not in vocab:
            head = toks[:i]
            # Leading lower-case logo noise ("hayata ig NAME SURNAME Title").
            while head and head[0][:1].islower() and len(head) > 2:
                head = head[1:]
            name, title = " ".join(head), " ".join(toks[i:])
            if title_words(name) == 0 and department_words(title) == 0:
                return name, title
    return None


def _single_word(ch: Chunk) -> bool:
    w = ch.text.strip()
    return " " not in w and len(w) >= 2 and w.isalpha() and w[:1].isupper()


def name_candidates(
    chunks: Sequence[Chunk], local_parts: Sequence[str], domains: Sequence[str]
) -> list[NameCandidate]:
    out = []
    for k, ch in enumerate(chunks):
        text = strip_noise(ch.text)
        out.append(NameCandidate(ch, text, name_score(text, local_parts, domains), (k,)))
        # "Name, Title" on one line.
        if "," in text:
            head = text.split(",", 1)[0].strip()
            if head != _split_name_suffix(text)[0]:
                out.append(
                    NameCandidate(ch, head, name_score(head, local_parts, domains) - 0.05, (k,))
                )
        # Given name and family name printed on two lines ("Wataru" / "Aoto").
        nxt = chunks[k + 1] if k + 1 < len(chunks) else None
        if nxt is not None and nxt.line == ch.line + 1 and _single_word(ch) and _single_word(nxt):
            similar = not (ch.height and nxt.height) or (
                max(ch.height, nxt.height) / min(ch.height, nxt.height) < 1.4
            )
            if similar:
                joined = f"{ch.text.strip()} {nxt.text.strip()}"
                box = ch.box.union(nxt.box) if ch.box and nxt.box else ch.box
                pair = Chunk(ch.line, joined, ch.height, box, min(ch.conf, nxt.conf))
                s = name_score(joined, local_parts, domains)
                out.append(NameCandidate(pair, joined, s, (k, k + 1)))
        if len(text.split()) >= 4:
            split = _title_split(text)
            if split:
                s = name_score(split[0], local_parts, domains) - 0.05
                out.append(NameCandidate(ch, split[0], s, (k,)))
    return out


def split_name(name: str) -> tuple[str | None, str | None]:
    """(given, family) for a printed name."""
    compact = name.replace(" ", "")
    if is_cjk_name(name):
        parts = name.split()
        if len(parts) == 2:
            return parts[1], parts[0]
        return compact[1:], compact[:1]
    hn = HumanName(name)
    given = hn.first or None
    family = hn.last or None
    if given and not family and hn.middle:
        family = hn.middle.split()[-1]
    return given, family


def name_field(cand: NameCandidate, conf: float) -> Field:
    ch = cand.chunk
    return Field(cand.text, ch.text, round(clamp(conf * ch.conf), 3), ch.line, ch.box)


# ---------------------------------------------------------------- titles


_ORDINAL = re.compile(r"\d{1,2}(?:st|nd|rd|th|º|ª|e|er|ème)(?![^\W\d_])", re.I)


def title_score(text: str) -> float:
    if (cjk := cjk_title_score(text)) is not None:  # no spaces between words: see cjk.py
        return cjk
    # Digits say "not a title", except in ordinals ("5th - 6th Grade Teacher").
    if not text or "@" in text or any(c.isdigit() for c in _ORDINAL.sub("", text)):
        return 0.0
    toks = tokens(text)
    if not toks or len(toks) > 9:
        return 0.0
    n = title_words(text)
    if n == 0:
        return 0.0
    n_suffix, n_org = company_marks(text)
    if n_suffix:
        return 0.0
    score = 0.4 + 0.5 * n / len(toks) - 0.15 * n_org
    if department_words(text) and n <= 1:
        score -= 0.3
    return score


def department_score(text: str) -> float:
    if not text or "@" in text or any(c.isdigit() for c in text):
        return 0.0
    in_cjk = cjk_department_score(text)
    if in_cjk is not None:
        return in_cjk
    n = department_words(text)
    if not n:
        return 0.0
    n_suffix, _ = company_marks(text)
    return 0.0 if n_suffix else 0.5 + 0.2 * n


# ---------------------------------------------------------------- pickers


def clean(text: str) -> str:
    return text.strip(" ,;:|/-")


def _height_bonus(chunks: Sequence[Chunk]) -> dict[int, float]:
    heights = [ch.height for ch in chunks if ch.height]
    if len(heights) < 3:
        return {}
    med = statistics.median(heights)
    lo, hi = W.HEIGHT_RANGE
    return {k: clamp((ch.height / med - 1.0) * W.HEIGHT_WEIGHT, lo, hi)
            for k, ch in enumerate(chunks) if ch.height}


def _role_p(roles: Roles, role: str, ids: Sequence[int]) -> float:
    return sum(roles.p(role, i) for i in ids) / len(ids) if ids else 0.0


def _role_s(roles: Roles, role: str, ids: Sequence[int]) -> float:
    return sum(roles.score(role, i) for i in ids) / len(ids) if ids else 0.0


def pick_name(
    chunks: Sequence[Chunk], cands: Sequence[NameCandidate], roles: Roles | None = None
) -> tuple[Field | None, NameCandidate | None]:
    """The name: by the learned role probability when there is a model (the hand
    candidate score only breaks ties between readings of one chunk), else by the
    hand-weighted score."""
    if not cands:
        return None, None
    if roles is not None:
        learned = [
            (_role_s(roles, "name", c.ids) + W.HAND_TIEBREAK * clamp(c.score, -1, 1), c)
            for c in cands if c.score > W.NAME_SHAPE_FLOOR and c.ids
        ]
        if not learned:
            return None, None
        s, best = max(learned, key=lambda r: r[0])
        if _role_s(roles, "name", best.ids) < W.LEARNED_NAME:
            return None, None
        return name_field(best, clamp(0.3 + 0.6 * _role_p(roles, "name", best.ids))), best
    heights = _height_bonus(chunks)
    titles = {ch.line for ch in chunks if title_score(ch.text) >= 0.5}
    n = max(ch.line for ch in chunks) + 1
    ranked: list[tuple[float, NameCandidate]] = []
    for c in cands:
        if c.score < W.NAME_THRESHOLD - 0.2:
            continue
        s = c.score + (heights.get(c.ids[0], 0.0) if c.ids else 0.0)
        near_title = c.chunk.line - 1 in titles or c.chunk.line + 1 in titles
        if near_title and c.chunk.line not in titles:
            s += W.NEAR_TITLE
        s += W.EARLY_LINE * (1 - c.chunk.line / n)
        ranked.append((s, c))
    if not ranked:
        return None, None
    s, best = max(ranked, key=lambda r: r[0])
    if s < W.NAME_THRESHOLD:
        return None, None
    return name_field(best, clamp(0.3 + 0.5 * s)), best


def romanised(
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
        if c.score >= W.NAME_THRESHOLD + 0.1 and not is_cjk_name(c.text)
        and 2 <= len(c.text.split()) <= 4
    ]
    if not latin:
        return name, cand, None
    best = max(latin, key=lambda c: c.score)
    return name_field(best, name.confidence), best, name.value


def native_beside(
    cand: NameCandidate, cands: Sequence[NameCandidate], roles: Roles | None
) -> str | None:
    """A Latin name chosen by the learned roles, with a kanji/hangul name the model
    also reads as the name on the line beside it: that is the native form."""
    if roles is None or is_cjk_name(cand.text):
        return None
    near = [c for c in cands if abs(c.chunk.line - cand.chunk.line) == 1
            and is_cjk_name(c.text) and c.ids and _role_s(roles, "name", c.ids) >= 0.5]
    return max(near, key=lambda c: _role_s(roles, "name", c.ids)).text if near else None


def join_split_surname(
    name: Field, cand: NameCandidate, chunks: Sequence[Chunk], local_parts: Sequence[str]
) -> tuple[Field, NameCandidate]:
    """Given names on one line and the surname on a line nearby, as the e-mail spells."""
    if email_support(name.value, local_parts) >= 0.9:
        return name, cand
    for k, ch in enumerate(chunks):
        word = ch.text.strip()
        if k in cand.ids or " " in word or abs(ch.line - cand.chunk.line) > 2:
            continue
        if not word[:1].isupper() or len(word) < 3:
            continue
        joined = f"{name.value} {word}"
        if email_support(joined, local_parts) >= 0.9:
            new = NameCandidate(cand.chunk, joined, cand.score, (*cand.ids, k))
            return Field(joined, f"{name.raw}\n{ch.text}", name.confidence, name.line,
                         name.box), new
    return name, cand


def title_field(ch: Chunk, text: str, score: float = 0.6) -> Field:
    return Field(text, ch.text, round(clamp(0.3 + 0.6 * score) * ch.conf, 3), ch.line, ch.box)


def title_beside_name(cand: NameCandidate) -> Field | None:
    """Name and title printed on one line: the rest of the line is the title."""
    whole = clean(cand.chunk.text)
    at = whole.find(cand.text)
    text = whole[at + len(cand.text) :].strip(" ,|-") if at >= 0 else ""
    if title_score(text) <= 0:
        # "Eric Rothenberg, Owner, License #M45678": the first part that reads as a title.
        text = next((p.strip() for p in text.split(",") if title_score(p) > 0), "")
    return title_field(cand.chunk, text) if text else None


def pick_title(
    chunks: Sequence[Chunk], claimed: set[int], cand: NameCandidate | None,
    domains: Sequence[str] = (), roles: Roles | None = None, col: Column | None = None,
) -> tuple[Field | None, tuple[int, ...]]:
    """The job title and the chunk ids it was read from: by its words, else (with
    ``col``) by where it is printed, right under the name (`title_under_name`)."""
    title, ids = _pick_title(chunks, claimed, cand, domains, roles)
    if title is None and cand is not None and col is not None:
        title, ids = title_under_name(chunks, claimed, cand, domains, col)
    return title, ids


def _pick_title(
    chunks: Sequence[Chunk], claimed: set[int], cand: NameCandidate | None,
    domains: Sequence[str] = (), roles: Roles | None = None,
) -> tuple[Field | None, tuple[int, ...]]:
    best: tuple[float, int] | None = None
    free = [k for k in range(len(chunks)) if k not in claimed]
    rivals = sum(1 for k in free if title_score(chunks[k].text) > 0)
    for k in free:
        ch = chunks[k]
        hand = title_score(ch.text)
        if roles is not None:
            p = roles.score("title", k)
            if hand <= 0 and (p < 0.5 or department_score(ch.text) > 0):
                continue
            s = p + W.HAND_TIEBREAK * hand
            if s < W.LEARNED_TITLE:
                continue
        else:
            s = hand
            if s <= 0:
                continue
            if rivals > 1 and coverage(ch.text, domains) >= 0.8:
                s -= W.TITLE_IS_DOMAIN  # "Brightwater Talent" at brightwatertalent.co.uk
            if cand and abs(ch.line - cand.chunk.line) == 1:
                s += W.TITLE_NEXT_TO_NAME
            elif cand and ch.line == cand.chunk.line:
                s += W.TITLE_ON_NAME_LINE
        if best is None or s > best[0]:
            best = (s, k)
    if best is None or (roles is None and best[0] < W.TITLE_THRESHOLD):
        return None, ()
    s, k = best
    ch = chunks[k]
    text = clean(ch.text)
    ids: tuple[int, ...] = (k,)
    # A title printed over two lines, or in two languages one under the other.
    for j in free:
        other = chunks[j]
        if j == k or abs(other.line - ch.line) != 1:
            continue
        if cand and other.line == cand.chunk.line:
            continue
        if other.line == ch.line + 1 and continues_title(ch, other):
            text, ids = f"{text} / {clean(other.text)}", (k, j)
            break
        if roles is not None and roles.score("title", j) < 0.5:
            continue
        n_title, (_, n_org) = title_words(other.text), company_marks(other.text)
        if n_org >= n_title or other.text.rstrip().endswith(","):
            continue  # "AVTEC SYSTEMS," (over "INC.") is the company
        if title_score(other.text) >= 0.5 and department_score(other.text) == 0:
            first, second = (other, ch) if other.line < ch.line else (ch, other)
            text = f"{clean(first.text)} / {clean(second.text)}"
            ids = (k, j)
            break
    return title_field(ch, text, min(s, 1.0) if roles is None else title_score(ch.text) or 0.6), ids


def title_under_name(
    chunks: Sequence[Chunk], claimed: set[int], cand: NameCandidate, domains: Sequence[str],
    col: Column,
) -> tuple[Field | None, tuple[int, ...]]:
    """A title in words no vocabulary knows ("Proprietor", "Atendimento", "Giám đốc"):
    the line printed right under the name, in the same column and a smaller font,
    with no digits and nothing of a company, a department, an address or a person's
    name about it.  Low confidence: only where it is printed says it is a title."""
    name_chunks = [chunks[k] for k in cand.ids if 0 <= k < len(chunks)] or [cand.chunk]
    last = max(name_chunks, key=lambda ch: ch.line)
    below = col.below.get(last.line)
    if below is None or not last.height:
        return None, ()
    at = [k for k, ch in enumerate(chunks) if ch.line == below]
    if len(at) != 1 or at[0] in claimed:
        return None, ()
    k = at[0]
    ch = chunks[k]
    text = clean(ch.text)
    if not ch.whole or not ch.height or ch.height > W.UNDER_NAME_SMALLER * last.height:
        return None, ()
    if not _title_shaped(text, domains):
        return None, ()
    if is_cjk_name(text) and not is_cjk_name(cand.text):
        return None, ()  # the name again, in kanji or hangul under its romanised form
    ids: tuple[int, ...] = (k,)
    nxt = [j for j, o in enumerate(chunks) if o.line == ch.line + 1 and j not in claimed]
    if len(nxt) == 1 and continues_title(ch, chunks[nxt[0]]):
        text, ids = f"{text} / {clean(chunks[nxt[0]].text)}", (k, nxt[0])
    return title_field(ch, text, W.UNDER_NAME_TITLE), ids


def continues_title(title: Chunk, other: Chunk) -> bool:
    """The line under a title that cannot stand alone and goes on with it: it opens
    with a joining word or in lower case ("Directora de Marketing" / "y Comunicación",
    "Gerente de Desenvolvimento" / "de Novos Negócios"), in the title's font size."""
    text = clean(other.text)
    words = text.split()
    if not other.whole or not words or not (text[:1].islower() or text[:1] in "&+"):
        return False
    if title.height and other.height and not (
            1 / W.TITLE_LINE_HEIGHT <= other.height / title.height <= W.TITLE_LINE_HEIGHT):
        return False
    joining = _bare(words[0]) in vocab_set("joining_words.txt") or text[:1] in "&+"
    return joining and len(words) <= W.UNDER_NAME_WORDS and not any(
        c.isdigit() for c in text) and "@" not in text and not any(company_marks(text))


def _title_shaped(text: str, domains: Sequence[str]) -> bool:
    """A short line of words that reads as nothing else on a card."""
    words = text.split()
    if not 1 <= len(words) <= W.UNDER_NAME_WORDS or "@" in text:
        return False
    if any(c.isdigit() for c in text) or not re.search(r"[^\W\d_]", text):
        return False
    if any(company_marks(text)) or department_words(text):
        return False
    if domain_support(text, domains) >= 0.6 or coverage(text, domains) >= 0.5:
        return False  # the organisation, as its domain spells it
    if len(words) >= 2 and name_share(words) >= 1.0:
        return False  # the name again, romanised
    street = vocab_set("address_words.txt")
    return not any(_bare(t) in street for t in words)


def pick_department(
    chunks: Sequence[Chunk], claimed: set[int]
) -> tuple[Field | None, tuple[int, ...]]:
    best: tuple[float, int] | None = None
    for k, ch in enumerate(chunks):
        if k in claimed:
            continue
        s = department_score(ch.text)
        if s > 0 and (best is None or s > best[0]):
            best = (s, k)
    if best is None:
        return None, ()
    s, k = best
    ch = chunks[k]
    # Section / department / division printed one per line: keep them all, in order.
    group = [k]
    for step in (-1, 1):
        line = ch.line
        while True:
            nxt = next((j for j, c in enumerate(chunks)
                        if c.line == line + step and j not in claimed), None)
            if nxt is None or department_score(chunks[nxt].text) <= 0:
                break
            group.append(nxt)
            line += step
    group.sort(key=lambda j: chunks[j].line)
    text = " / ".join(clean(chunks[j].text) for j in group)
    return Field(text, "\n".join(chunks[j].text for j in group),
                 round(clamp(0.3 + 0.5 * s) * ch.conf, 3), ch.line, ch.box), tuple(group)
