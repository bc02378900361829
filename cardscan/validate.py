"""Values a person types (an e-mail address, a phone number), checked with
email-validator and phonenumbers; errors say which value and why."""

from __future__ import annotations

from .errors import InvalidValueError
from .leads import PhoneNumber


def normalize_email(raw: str) -> str:
    """A syntactically valid address (no DNS lookup), or InvalidValueError."""
    from email_validator import EmailNotValidError, validate_email

    try:
        return str(validate_email(raw.strip(), check_deliverability=False).normalized)
    except EmailNotValidError as exc:
        raise InvalidValueError(f"e-mail address {raw!r} is not valid: {exc}") from None


def normalize_phone(raw: str, region: str | None = None) -> PhoneNumber:
    """E.164 and a type (mobile / work / other) for a number typed by the user;
    InvalidValueError when it is not a valid number."""
    import phonenumbers
    from phonenumbers import PhoneNumberType

    reg = region.upper() if region else None
    hint = "" if reg else " (give the country code, +CC, or a region)"
    try:
        num = phonenumbers.parse(raw, reg)
    except phonenumbers.NumberParseException:
        raise InvalidValueError(f"phone number {raw!r} is not a phone number{hint}") from None
    if not phonenumbers.is_valid_number(num):
        raise InvalidValueError(f"phone number {raw!r} is not a valid phone number{hint}")
    kind = phonenumbers.number_type(num)
    typ = {PhoneNumberType.MOBILE: "mobile", PhoneNumberType.FIXED_LINE: "work"}.get(kind, "other")
    return PhoneNumber(phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164), typ)
