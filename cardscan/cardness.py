"""Is what we read a business card?  A photo of a trading card, a ride ticket, a
poster or a book page has text, often a name, but nobody to follow up.

A card needs evidence that generalizes, not words from cards seen:

* a contact channel that validates: an e-mail address (the extractor keeps only
  addresses `email-validator` accepts), a web address whose top-level domain
  exists, a phone number printed with its country code that `phonenumbers`
  calls valid; a number printed without one (valid in the region inferred, or
  local-only by the numbering plan's lengths) counts only beside a name or a
  company: digits on a game card can validate too;
* or, without one, a name or a company (the logo side, or a card whose contact
  lines did not read) on an outline of a business card's proportions (the frame
  itself when no outline was found: an app crop, a scan): ISO/IEC 7810 ID-1
  85.60 x 53.98 mm (1.586), US 3.5 x 2 in (1.75), Japan 91 x 55 mm (1.655),
  Europe 85 x 55 mm (1.545).
"""

from __future__ import annotations

from .model import ParsedCard, Phone

MIN_LINES_FOR_CARD = 2  # a photo whose OCR finds fewer text lines holds no card

# Long side / short side of the card sizes in use, and how far a photographed
# outline may stray from them (perspective, a rounded corner, a loose crop).
CARD_ASPECTS = (85.60 / 53.98, 3.5 / 2.0, 91 / 55, 85 / 55)
ASPECT_TOLERANCE = 0.08


def card_shaped(aspect: float | None) -> bool:
    """An outline with a business card's proportions (either way up)."""
    if not aspect or aspect <= 0:
        return False
    a = max(aspect, 1 / aspect)
    return min(CARD_ASPECTS) - ASPECT_TOLERANCE <= a <= max(CARD_ASPECTS) + ASPECT_TOLERANCE


def _valid_phone(p: Phone) -> bool:
    import phonenumbers

    if p.local_only:  # the extractor kept it because its length is a local one
        return True
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(p.number, None))
    except phonenumbers.NumberParseException:
        return False


def _international(p: Phone) -> bool:
    """Printed with its country code: a number that validates as printed, not
    digits that happen to validate under a region we inferred ("DEF 60641/250")."""
    return p.raw.lstrip(" (").startswith(("+", "00")) and _valid_phone(p)


def _real_tld(url: str) -> bool:
    from .extract.text import vocab_words
    from .extract.websites import host_of

    tld = host_of(url).rsplit(".", 1)[-1]
    return tld.isalpha() and (len(tld) == 2 or tld in vocab_words("tlds.txt"))


def has_channel(p: ParsedCard) -> bool:
    """At least one way to reach someone that validates."""
    return bool(p.emails) or any(_valid_phone(ph) for ph in p.phones) or any(
        _real_tld(w.value) for w in p.websites)


def _strong_channel(p: ParsedCard) -> bool:
    """A channel that alone makes a card: an e-mail, a web address, a number with
    its country code."""
    return bool(p.emails) or any(_international(ph) for ph in p.phones) or any(
        _real_tld(w.value) for w in p.websites)


def is_card(p: ParsedCard, lines: int, aspect: float | None) -> bool:
    """`aspect`: width/height of the outline the text was read in (None: unknown)."""
    if lines < MIN_LINES_FOR_CARD:
        return False
    if _strong_channel(p):
        return True
    named = (p.name or p.company) is not None
    # A national number alone may be digits of anything (a game card's stats, on a
    # panel of card proportions): it needs a name or a company beside it.
    if has_channel(p) and named:
        return True
    return named and card_shaped(aspect)
