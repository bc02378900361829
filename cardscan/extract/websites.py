"""Web addresses printed on the card: with or without scheme or ``www``.

A domain inside an e-mail address is not a website; neither are mailbox
providers' domains, file names (``logo.png``) or legal forms (``Movies.Inc``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from cardscan.model import Field, Line

from .text import (
    Span,
    TextLine,
    alternation,
    clamp,
    fold,
    lines_of,
    vocab_entries,
    vocab_set,
    vocab_words,
)

_URL = re.compile(
    r"(?<![\w@.\-])((?:https?://|http[:;]//)?(?:www\d?[.,])?"
    r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)+"
    r"(?:/(?:(?!www\.)[^\s@])*)?)(?![\w@\-])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class WebHit:
    field: Field
    span: Span

    @property
    def domain(self) -> str:
        return host_of(self.field.value)


def host_of(url: str) -> str:
    host = re.sub(r"^[a-z]+[:;]//", "", url.lower()).split("/", 1)[0]
    return re.sub(r"^www\d?\.", "", host)


@lru_cache(maxsize=1)
def _label_re() -> re.Pattern[str]:
    alts = alternation(vocab_entries("web_labels.txt"))
    return re.compile(rf"(?:^|(?<=\s))(?:{alts})\s*[:|]\s*$", re.IGNORECASE)


def _normalize(raw: str) -> str:
    url = raw.strip().rstrip(".,;:)!?'\"/")
    url = re.sub(r"^http[:;]//", "http://", url, flags=re.IGNORECASE)
    url = re.sub(r"^(www\d?),", r"\1.", url, flags=re.IGNORECASE)
    return url.lower()


def _acceptable(url: str, labelled: bool) -> tuple[bool, float]:
    host = host_of(url)
    parts = host.split(".")
    tld = parts[-1]
    explicit = bool(re.match(r"^(?:[a-z]+://|www\d?\.)", url))
    if not tld.isalpha() or (len(parts[-2]) < 2 and not explicit):
        return False, 0.0
    if tld in vocab_words("file_extensions.txt") and not explicit:
        return False, 0.0
    if fold(tld) in vocab_set("company_suffixes.txt") and tld not in vocab_words("tlds.txt"):
        return False, 0.0
    if host in vocab_set("freemail_domains.txt") and not explicit:
        return False, 0.0
    known = len(tld) == 2 or tld in vocab_words("tlds.txt")
    if explicit:
        return True, 0.95 if known else 0.7
    if known:
        return True, 0.9 if labelled else 0.8
    return False, 0.0


def trim_to_domains(hits: list[WebHit], domains: Sequence[str]) -> list[WebHit]:
    """'visitusatacme.com' printed as one word next to jo@acme.com: keep 'acme.com'."""
    out = []
    for h in hits:
        host = h.domain
        for d in domains:
            if host != d and host.endswith(d) and "." not in host[: -len(d)]:
                f = h.field
                h = WebHit(Field(d, f.raw, round(f.confidence * 0.9, 3), f.line, f.box), h.span)
                break
        out.append(h)
    return out


def scan_websites(
    lines: Sequence[Line] | Sequence[TextLine], skip: Sequence[tuple[int, Span]] = ()
) -> list[WebHit]:
    """Websites in reading order; `skip` holds (line, span) already taken (emails)."""
    hits: list[WebHit] = []
    seen: set[str] = set()
    for tl in lines_of(lines):
        for m in _URL.finditer(tl.text):
            a, b = m.span(1)
            if any(li == tl.index and a < sb and sa < b for li, (sa, sb) in skip):
                continue
            raw = m.group(1)
            if "@" in tl.text[max(0, a - 1) : b + 1]:
                continue
            # Mixed-case words joined by a dot ("Cooking.Inc", "Dr.Smith") are not hosts.
            host_raw = re.sub(r"^(?:https?://|www\d?[.,])", "", raw, flags=re.IGNORECASE)
            bare = not re.match(r"^(?:https?://|www)", raw, re.IGNORECASE)
            if bare and (_mixed_case(host_raw) or re.match(r"^[A-Z][a-z]*\.[a-z]{2}$", host_raw)):
                continue
            labelled = bool(_label_re().search(tl.text[:a]))
            url = _normalize(raw)
            ok, conf = _acceptable(url, labelled)
            if not ok or url in seen:
                continue
            seen.add(url)
            hits.append(WebHit(Field(url, raw, round(clamp(conf * tl.conf), 3), tl.index, tl.box),
                               (a, b)))
    return hits


def _mixed_case(host: str) -> bool:
    labels = host.split("/")[0].split(".")
    return any(p[:1].isupper() for p in labels[1:]) and not host.isupper()


def extract_websites(lines: Sequence[Line]) -> tuple[Field, ...]:
    return tuple(h.field for h in scan_websites(lines))
