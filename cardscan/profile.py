"""The sender profile: who the drafts are from (name, company, email, phone, signature).

Kept as TOML in the user's config folder (`platformdirs.user_config_dir("cardscan")`,
e.g. ~/.config/cardscan/profile.toml on Linux); the environment variable
CARDSCAN_CONFIG_DIR names another folder (tests, several identities).  Set it
with `cardscan profile --name ... --email ...`.  Drafts are rendered from it
when they are shown, so a profile set after a scan changes every draft.

When the profile has no name or company, the cadence file's `[me]` table
(`my_name`, `my_company`) is used instead: the older way, kept as a fallback.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from .errors import ConfigError

CONFIG_ENV = "CARDSCAN_CONFIG_DIR"
PROFILE_FILE = "profile.toml"


@dataclass(frozen=True)
class Profile:
    name: str = ""
    company: str = ""
    email: str = ""
    phone: str = ""  # E.164 when set through `update_profile`
    signature: str = ""  # free text; default: name, company, phone, email on lines
    # ISO 3166 alpha-2: whose public holidays are not business days (see
    # cardscan.followup.calendar), unless the cadence file's [calendar] sets one.
    country: str = ""

    def sign_off(self) -> str:
        """The signature under a draft: the one given, else the profile's lines."""
        if self.signature.strip():
            return self.signature.strip()
        return "\n".join(x for x in (self.name, self.company, self.phone, self.email) if x)

    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))


FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Profile))


def config_dir() -> Path:
    override = os.environ.get(CONFIG_ENV, "").strip()
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir("cardscan", appauthor=False))


def profile_path() -> Path:
    return config_dir() / PROFILE_FILE


def load_profile(path: str | Path | None = None) -> Profile:
    """The saved profile, or an empty one when none was saved yet."""
    p = Path(path) if path else profile_path()
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Profile()
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read the sender profile ({exc.strerror or exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p}: invalid TOML in the sender profile: {exc}") from None
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise ConfigError(f"{p}: unknown key {unknown[0]!r} (allowed: {', '.join(FIELDS)})")
    bad = [k for k, v in data.items() if not isinstance(v, str)]
    if bad:
        raise ConfigError(f"{p}: {bad[0]!r} must be a string")
    return Profile(**data)


def _country(text: str) -> str:
    from .followup.calendar import supported_country

    code = supported_country(text)
    if code is None:
        raise ConfigError(
            f"country {text!r}: not an ISO 3166 code the holidays package knows (e.g. ES, GB, US)"
        )
    return code


def save_profile(profile: Profile, path: str | Path | None = None) -> Path:
    """Write the profile (atomically: a temporary file renamed over the old one)."""
    p = Path(path) if path else profile_path()
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        # JSON string escapes are valid TOML basic strings.
        body = "".join(
            f"{f} = {json.dumps(getattr(profile, f), ensure_ascii=False)}\n" for f in FIELDS
        )
        tmp = p.with_name(p.name + ".tmp")
        tmp.write_text("# cardscan sender profile (cardscan profile --help)\n" + body, "utf-8")
        os.replace(tmp, p)
    except OSError as exc:
        raise ConfigError(f"{p}: cannot write the sender profile ({exc.strerror or exc})") from None
    return p


def update_profile(
    *,
    name: str | None = None,
    company: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    signature: str | None = None,
    country: str | None = None,
    region: str | None = None,
    path: str | Path | None = None,
) -> Profile:
    """Change the given fields ("" clears one), validate, save, return the result.
    The e-mail is checked with email-validator, the phone with phonenumbers."""
    from .validate import normalize_email, normalize_phone

    current = load_profile(path)
    changes: dict[str, str] = {}
    if name is not None:
        changes["name"] = " ".join(name.split())
    if company is not None:
        changes["company"] = " ".join(company.split())
    if email is not None:
        changes["email"] = normalize_email(email) if email.strip() else ""
    if phone is not None:
        changes["phone"] = normalize_phone(phone, region).number if phone.strip() else ""
    if signature is not None:
        changes["signature"] = signature.replace("\\n", "\n").strip()
    if country is not None:
        changes["country"] = _country(country) if country.strip() else ""
    updated = replace(current, **changes)
    save_profile(updated, path)
    return updated
