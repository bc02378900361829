"""E-mail addresses: found with a permissive scan, confirmed by email-validator
(syntax only, never DNS).  OCR repairs (spaces inside the address, glued labels,
a lost ``@`` or ``.``, O/0 l/1 rn/m confusions in the domain) are kept only when
the validator accepts the result and, where the card prints a website, when the
repaired domain agrees with it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

from cardscan.model import Field, Line

from .text import Span, TextLine, alternation, clamp, fold, lines_of, vocab_entries

log = logging.getLogger(__name__)

_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\-\u00c0-\uffff]"
_DOMAIN = r"[A-Za-z0-9\-\u00c0-\uffff]+(?:\.[A-Za-z0-9\-\u00c0-\uffff]+)+"
# An address as printed; the look-behind keeps "a@b@c" from yielding "b@c".
_STRICT = re.compile(rf"(?<![\w.+'@-]){_LOCAL}+@{_DOMAIN}(?![\w@])")
_LOCAL_TOKEN = re.compile(r"^[a-z0-9._%+\-']+$")
_DOMAIN_TOKEN = re.compile(r"^[A-Za-z0-9.\-]+$")
_AT_LIKE = re.compile(r"(?<=[\w.])\s?(?:[©®]|\(at\)|\[at\])\s?(?=[\w])", re.IGNORECASE)
# Common TLDs, used to put back a lost dot ("acmecom" -> "acme.com").
_TLDS = ("com", "net", "org", "edu", "gov", "info", "biz", "co.uk", "com.br", "co.jp", "com.tr")


@dataclass(frozen=True)
class EmailHit:
    field: Field
    span: Span


@lru_cache(maxsize=1)
def _label_re() -> re.Pattern[str]:
    alts = alternation(lab for lab in vocab_entries("email_labels.txt") if len(lab) > 1)
    return re.compile(rf"^(?:{alts})\s*[:.|\-]?\s*", re.IGNORECASE)


def valid_email(address: str) -> str | None:
    """The address as the validator normalises it (lower case), or None when it is not one."""
    local, _, domain = address.rpartition("@")
    # RFC 5321 limits, which the validator leaves to the mail server.
    if len(local) > 64 or len(address) > 254 or any(len(p) > 63 for p in domain.split(".")):
        return None
    try:
        info = validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return None
    return str(info.normalized).lower()


def _confusion_key(domain: str) -> str:
    """Domain with OCR look-alikes collapsed, to compare with a printed website."""
    d = domain.lower().replace("rn", "m").replace("vv", "w")
    return d.translate(str.maketrans("01i|5", "ollls"))


def _strip_label(local: str) -> tuple[str, bool]:
    """Remove an e-mail label glued in front of the local part ("Email:jo", "E.wendy")."""
    m = _label_re().match(local)
    if m and m.end() < len(local):
        label = local[: m.end()]
        rest = local[m.end() :]
        sep = label[-1] in ":.|-" or label.endswith(" ")
        # "Emailjohn": only a capitalised label followed by a lower-case address.
        if sep or (label[:1].isupper() and rest[:1].islower()):
            return rest, True
    if len(local) > 2 and local[0] in "Ee" and local[1] in ":." and local[2:3].isalnum():
        return local[2:], True
    return local, False


def _repair_local(local: str, site_domains: Sequence[str]) -> tuple[str, bool]:
    """A long local part one letter short of the card's web name is that name
    with a letter lost (``dwcarpentry@...`` beside ``www.dfwcarpentry.com``);
    the printed website has it right.  Only drops are repaired: an extra letter
    (``jsmith`` beside ``smith.com``) is how addresses are made."""
    low = local.lower()
    if len(low) < 6:
        return local, False
    for site in site_domains:
        name = site.split(".")[0]
        if len(name) == len(low) + 1 and any(
            name[:i] + name[i + 1:] == low for i in range(len(name))
        ):
            return name, True
    return local, False


def _repair_domain(domain: str, site_domains: Sequence[str]) -> tuple[str, bool]:
    """Return (domain, agrees_with_site) after OCR repairs a website confirms."""
    low = domain.lower()
    for site in site_domains:
        if low == site or low.endswith("." + site):
            return low, True
    for site in site_domains:
        if len(site) == len(low) and sum(a != b for a, b in zip(site, low, strict=True)) == 1:
            return site, True  # one letter misread, the printed website has it right
    flat = low.replace(".", "")
    for site in site_domains:
        bare = site.replace(".", "")
        first_ok = low.split(".")[0] == site.split(".")[0]
        if first_ok and len(bare) == len(flat) and sum(
            a != b for a, b in zip(bare, flat, strict=True)
        ) == 1:
            return site, True  # "ubemo.camz" for ubemo.co.mz: a dot lost and a letter misread
    key = _confusion_key(low)
    for site in site_domains:
        if key == _confusion_key(site) or key.replace(".", "") == _confusion_key(site).replace(
            ".", ""
        ):
            return site, True
    # Digits in the top-level domain are always OCR errors ("acme.c0m").
    head, _, tld = low.rpartition(".")
    if head and any(c.isdigit() for c in tld):
        tld = tld.translate(str.maketrans("015", "ols"))
        low = f"{head}.{tld}"
    return low, False


def _candidates(text: str) -> list[tuple[str, str, Span, float]]:
    """(raw, address, span, prior confidence) for every plausible address on a line."""
    out: list[tuple[str, str, Span, float]] = []
    text = _AT_LIKE.sub("@", text) if "@" not in text else text
    taken: list[Span] = []
    for m in _STRICT.finditer(text):
        out.append((m.group(0), m.group(0), m.span(), 0.95))
        taken.append(m.span())
    # Spaces inside the address ("c.m.well @something.org", "jo@ acme. com").
    for at in (i for i, c in enumerate(text) if c == "@"):
        if any(a <= at < b for a, b in taken):
            continue
        if text.count("@", max(0, at - 1), at + 2) > 1:
            continue
        got = _spaced(text, at)
        if got:
            out.append((text[got[1][0] : got[1][1]], got[0], got[1], 0.7))
    return out


def _spaced(text: str, at: int) -> tuple[str, Span] | None:
    labels = set(vocab_entries("email_labels.txt"))
    left = [(m.group(0), m.start()) for m in re.finditer(r"\S+", text[:at])]
    local_parts: list[str] = []
    start = at
    for tok, pos in reversed(left):
        if not local_parts and re.search(r"[:|]", tok):
            # "E-mail:justo @acme.com": the label is glued to the first piece.
            cut = max(tok.rfind(":"), tok.rfind("|")) + 1
            tok, pos = tok[cut:], pos + cut
            if not tok:
                break
        if "@" in tok or not _LOCAL_TOKEN.match(tok) or fold(tok) in labels:
            break
        local_parts.insert(0, tok)
        start = pos
        if len("".join(local_parts)) > 64:
            return None
    if not local_parts:
        return None
    domain = ""
    end = at + 1
    for m in re.finditer(r"\S+", text[at + 1 :]):
        tok = m.group(0)
        if not _DOMAIN_TOKEN.match(tok.rstrip(".,;")):
            break
        joinable = not domain or domain.endswith(".") or tok.startswith(".") or "." not in domain
        if not joinable:
            break
        domain += tok
        end = at + 1 + m.end()
    domain = domain.rstrip(".,;")
    if not domain:
        return None
    return f"{''.join(local_parts)}@{domain}", (start, end)


def _lost_at(text: str, site_domains: Sequence[str]) -> list[tuple[str, str, Span, float]]:
    """'jsmithacme.com' next to a printed www.acme.com: the '@' was lost."""
    out: list[tuple[str, str, Span, float]] = []
    for m in re.finditer(r"[A-Za-z0-9._%+\-]+", text):
        tok = m.group(0).lower()
        for site in site_domains:
            if tok.endswith(site) and len(tok) > len(site) + 1 and not tok.startswith("www."):
                local = tok[: -len(site)].rstrip(".")
                if local and _LOCAL_TOKEN.match(local):
                    out.append((m.group(0), f"{local}@{site}", m.span(), 0.6))
    return out


def _lost_dot(domain: str) -> str | None:
    if "." in domain:
        return None
    for tld in _TLDS:
        flat = tld.replace(".", "")
        if domain.lower().endswith(flat) and len(domain) > len(flat) + 1:
            return f"{domain[: -len(flat)]}.{tld}"
    return None


def scan_emails(
    lines: Sequence[Line] | Sequence[TextLine], site_domains: Sequence[str] = ()
) -> list[EmailHit]:
    """Every distinct address on the card, in reading order."""
    hits: list[EmailHit] = []
    seen: set[str] = set()
    for tl in lines_of(lines):
        cands = _candidates(tl.text)
        if not cands and "@" not in tl.text and site_domains:
            cands = _lost_at(tl.text, site_domains)
        for raw, cand, span, prior in cands:
            value, conf = _confirm(cand, site_domains, prior)
            if value is None or value in seen:
                continue
            seen.add(value)
            hits.append(
                EmailHit(Field(value, raw, round(clamp(conf * tl.conf), 3), tl.index, tl.box), span)
            )
    return hits


def _confirm(raw: str, site_domains: Sequence[str], prior: float) -> tuple[str | None, float]:
    address = raw.strip().strip(".,;:!?)(<>[]\"'")
    if address.count("@") != 1:
        return None, 0.0
    local, domain = address.split("@")
    # "a@acme.comIwww.acme.com": a website glued to the address after a "|".
    domain = re.split(r"(?<=\.[A-Za-z]{2})[Il|1]?www\.|(?<=\.[A-Za-z]{3})[Il|1]?www\.", domain)[0]
    local, relabelled = _strip_label(local)
    local = local.lstrip(".-")
    fixed, agrees = _repair_domain(domain, site_domains)
    local, relettered = _repair_local(local, site_domains)
    conf = prior - (0.1 if relabelled else 0.0) - (0.1 if relettered else 0.0)
    if fixed.lower() != domain.lower():
        conf -= 0.15
    value = valid_email(f"{local}@{fixed}")
    if value is None:
        dotted = _lost_dot(fixed)
        if dotted:
            value = valid_email(f"{local}@{dotted}")
            agrees = dotted in site_domains
            conf -= 0.2
    if value is None:
        return None, 0.0
    if agrees:
        conf += 0.05
    elif site_domains and conf < 0.9:
        conf -= 0.1
    return value, conf


def extract_emails(lines: Sequence[Line], site_domains: Sequence[str] = ()) -> tuple[Field, ...]:
    return tuple(h.field for h in scan_emails(lines, site_domains))
