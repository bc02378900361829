"""The follow-up cadence as data: a built-in default, overridable by a TOML file.

Everything is validated when the file loads (unknown keys, channels,
offsets, time zone, template placeholders) so a bad cadence is one clear
ConfigError naming the file, never a surprise in a sent email.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import ConfigError
from ..leads import OUTCOMES, STAGES, Channel, Lead
from .calendar import DEFAULT_AT, WEEKDAY_NAMES, Calendar, parse_time, supported_country
from .templates import PLACEHOLDERS, check_template

RelativeTo = Literal["met", "previous", "before-meeting"]
CHANNELS: tuple[Channel, ...] = ("email", "call", "meeting", "note")
REFERRAL_KEY = "referral"
# A branch rule for a plain `done` (no outcome) of a step.
DONE_KEY = "done"
# `cancel = "rest"`: every pending step of the lead.
CANCEL_REST = "rest"
# A step planned more than once for a lead (a thank-you per introduction) is
# stored as "key:qualifier"; the qualifier is the id of the lead it is about.
QUALIFIER_SEP = ":"
_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_DEFAULT_NAME = "default_cadence.toml"


@dataclass(frozen=True)
class Message:
    """How one step is carried out: a channel and its texts (templates)."""

    channel: Channel
    summary: str
    subject: str
    body: str


@dataclass(frozen=True)
class Step:
    key: str
    offset: int  # business days after the anchor
    relative_to: RelativeTo
    message: Message
    fallback: Message | None = None  # used when the lead lacks the message's channel

    @property
    def channel(self) -> Channel:
        return self.message.channel

    def message_for(self, lead: Lead) -> Message:
        """The step's message, or its fallback when the lead cannot be reached."""
        fb = self.fallback
        if (
            fb is not None
            and not reachable(lead, self.message.channel)
            and reachable(lead, fb.channel)
        ):
            return fb
        return self.message


def reachable(lead: Lead, channel: Channel) -> bool:
    if channel == "email":
        return bool(lead.emails)
    if channel == "call":
        return lead.phone() is not None  # fax is not a phone you can call
    return True


@dataclass(frozen=True)
class Branch:
    """What recording `outcome` on a step does to the lead's plan (cadence data)."""

    outcome: str  # one of OUTCOMES, or DONE_KEY for a plain done
    stage: str | None = None  # the lead's stage after it
    meeting: str | None = None  # step dated on the meeting date given with the outcome
    add: tuple[str, ...] = ()  # extra steps planned after it
    insert: tuple[str, ...] = ()  # extra steps put between it and the steps that followed
    cancel: tuple[str, ...] = ()  # steps cancelled; (CANCEL_REST,) = every pending step
    close: str | None = None  # the lead is closed, with this reason
    referrer: tuple[str, ...] = ()  # extra steps planned for the person who referred the lead


@dataclass(frozen=True)
class Cadence:
    steps: tuple[Step, ...]
    referral: Step
    calendar: Calendar = field(default_factory=Calendar)
    me: Mapping[str, str] = field(default_factory=dict)
    fallbacks: Mapping[str, str] = field(default_factory=dict)
    source: str = "<built-in>"
    extra: tuple[Step, ...] = ()  # steps only an outcome (or a referral) plans
    branches: Mapping[str, Mapping[str, Branch]] = field(default_factory=dict)
    on_referral: tuple[str, ...] = ()  # extra steps for the referrer when a referral is recorded

    def step(self, key: str) -> Step | None:
        key = base_key(key)
        for s in (*self.steps, *self.extra):
            if s.key == key:
                return s
        return self.referral if key == REFERRAL_KEY else None

    def branch(self, step_key: str, outcome: str) -> Branch | None:
        return self.branches.get(base_key(step_key), {}).get(outcome)

    def outcomes(self, step_key: str) -> tuple[str, ...]:
        """The outcomes a step accepts, in the order of OUTCOMES."""
        rules = self.branches.get(base_key(step_key), {})
        return tuple(o for o in OUTCOMES if o in rules)


def base_key(step_key: str) -> str:
    """The cadence step of a stored task step ("thank-intro:<lead>" -> "thank-intro")."""
    return step_key.split(QUALIFIER_SEP, 1)[0]


def qualifier(step_key: str) -> str:
    """The lead id a qualified task step is about ("" for a plain step)."""
    return step_key.split(QUALIFIER_SEP, 1)[1] if QUALIFIER_SEP in step_key else ""


def load_cadence(path: str | Path | None = None) -> Cadence:
    """The built-in cadence, with `path`'s tables laid over it when given.

    `[[steps]]` and `[referral]` replace the built-in ones; `[calendar]`,
    `[me]` and `[fallbacks]` are merged key by key.
    """
    default = _read_default()
    if path is None:
        return parse_cadence(default, _DEFAULT_NAME)
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read cadence file ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{p}: cadence file is not UTF-8 text") from None
    user = _parse_toml(text, str(p))
    base = _parse_toml(default, _DEFAULT_NAME)
    return _build(_overlay(base, user), str(p))


def parse_cadence(text: str, source: str = "<string>") -> Cadence:
    """A complete cadence from TOML text (no overlay on the default)."""
    return _build(_parse_toml(text, source), source)


def _read_default() -> str:
    return resources.files(__package__).joinpath(_DEFAULT_NAME).read_text(encoding="utf-8")


def _parse_toml(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: invalid TOML: {exc}") from None


_BRANCH_TABLES = ("extra_steps", "branches", "on_referral")


def _overlay(base: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    if "steps" in user and not any(k in user for k in _BRANCH_TABLES):
        # Steps of one's own: the built-in branches name steps that may be gone.
        for key in _BRANCH_TABLES:
            out.pop(key, None)
    for key, value in user.items():
        if key in ("calendar", "me", "fallbacks") and isinstance(value, dict):
            out[key] = {**base.get(key, {}), **value}
        else:
            out[key] = value
    return out


_TOP_KEYS = {"steps", "referral", "calendar", "me", "fallbacks", *_BRANCH_TABLES}
_STEP_KEYS = {"key", "offset", "relative_to", "channel", "summary", "subject", "body", "fallback"}
_MESSAGE_KEYS = {"channel", "summary", "subject", "body"}


def _unknown(table: Mapping[str, Any], allowed: set[str], where: str) -> None:
    extra = sorted(set(table) - allowed)
    if extra:
        known = ", ".join(sorted(allowed))
        raise ConfigError(f"{where}: unknown key {extra[0]!r} (allowed: {known})")


def _table(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a table")
    return value


def _text(table: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = table.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise ConfigError(f"{where}: '{key}' must be a string")
    check_template(value, f"{where} {key}")
    return value.strip("\n")


def _message(table: Mapping[str, Any], where: str) -> Message:
    channel = table.get("channel")
    if channel not in CHANNELS:
        raise ConfigError(f"{where}: channel must be one of {', '.join(CHANNELS)}, not {channel!r}")
    summary = _text(table, "summary", where)
    if not summary.strip():
        raise ConfigError(f"{where}: summary is empty")
    return Message(
        channel=cast(Channel, channel),
        summary=summary,
        subject=_text(table, "subject", where, required=False) or summary,
        body=_text(table, "body", where, required=False),
    )


def _step(
    raw: Any, source: str, where: str, *, referral: bool = False, extra: bool = False
) -> Step:
    table = _table(raw, where)
    allowed = _STEP_KEYS - {"key", "offset", "relative_to"} if referral else _STEP_KEYS
    _unknown(table, allowed, where)
    key = REFERRAL_KEY if referral else table.get("key")
    if not isinstance(key, str) or not _KEY_RE.match(key):
        raise ConfigError(f"{where}: 'key' must be a lower-case slug like \"intro-email\"")
    where = f"{source}: step '{key}'"
    offset = table.get("offset", 0)
    if isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset <= 365:
        raise ConfigError(f"{where}: offset must be a whole number of business days, 0..365")
    relative_to = table.get("relative_to", "previous" if extra else "met")
    allowed_rel = ("previous", "before-meeting") if extra else ("met", "previous")
    if relative_to not in allowed_rel:
        raise ConfigError(
            f"{where}: relative_to must be " + " or ".join(f'"{r}"' for r in allowed_rel)
        )
    message = _message(table, where)
    fallback = None
    if "fallback" in table:
        fb = _table(table["fallback"], f"{where} fallback")
        _unknown(fb, _MESSAGE_KEYS, f"{where} fallback")
        fallback = _message(fb, f"{where} fallback")
    return Step(key, offset, cast(RelativeTo, relative_to), message, fallback)


def _calendar(raw: Any, source: str) -> Calendar:
    where = f"{source}: [calendar]"
    table = _table(raw, where)
    _unknown(table, {"weekend", "holidays", "timezone", "country", "time"}, where)
    weekend_raw = table.get("weekend", ["sat", "sun"])
    if not isinstance(weekend_raw, list):
        raise ConfigError(f"{where}: weekend must be a list of day names")
    weekend: set[int] = set()
    for day in weekend_raw:
        num = WEEKDAY_NAMES.get(str(day).strip().lower())
        if num is None:
            raise ConfigError(f"{where}: unknown weekend day {day!r} (use mon..sun)")
        weekend.add(num)
    if len(weekend) == 7:
        raise ConfigError(f"{where}: every day is a weekend day; nothing could be scheduled")
    holidays_raw = table.get("holidays", [])
    if not isinstance(holidays_raw, list):
        raise ConfigError(f"{where}: holidays must be a list of ISO dates")
    holidays: set[dt.date] = set()
    for item in holidays_raw:
        holidays.add(_iso_date(item, where))
    tz = table.get("timezone")
    if tz is not None:
        if not isinstance(tz, str) or not tz.strip():
            raise ConfigError(f'{where}: timezone must be an IANA name like "Europe/Paris"')
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"{where}: unknown time zone {tz!r}") from None
    return Calendar(frozenset(weekend), frozenset(holidays), tz,
                    _country(table.get("country"), where), _time(table.get("time"), where))


def _country(value: Any, where: str) -> str | None:
    if value is None or value == "":
        return None
    code = supported_country(value) if isinstance(value, str) else None
    if code is None:
        raise ConfigError(
            f"{where}: country {value!r} is not an ISO 3166 code the holidays package knows "
            '(e.g. "ES", "GB", "US")'
        )
    return code


def _time(value: Any, where: str) -> dt.time:
    # TOML's bare local times arrive as time objects; quoted ones as strings.
    if value is None:
        return DEFAULT_AT
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, str):
        try:
            return parse_time(value)
        except ValueError:
            pass
    raise ConfigError(f'{where}: time {value!r} is not a time of day like "09:00"')


def _iso_date(item: Any, where: str) -> dt.date:
    # TOML's bare dates arrive as date objects; quoted ones as strings.
    if isinstance(item, dt.datetime):
        raise ConfigError(f"{where}: holiday {item} must be a date, not a date-time")
    if isinstance(item, dt.date):
        return item
    if isinstance(item, str):
        try:
            return dt.date.fromisoformat(item.strip())
        except ValueError:
            pass
    raise ConfigError(f"{where}: holiday {item!r} is not an ISO date (YYYY-MM-DD)")


def _strings(raw: Any, where: str, allowed: set[str] | None) -> dict[str, str]:
    table = _table(raw, where)
    if allowed is not None:
        _unknown(table, allowed, where)
    out: dict[str, str] = {}
    for key, value in table.items():
        if not isinstance(value, str):
            raise ConfigError(f"{where}: '{key}' must be a string")
        if allowed is None and key not in PLACEHOLDERS:
            raise ConfigError(f"{where}: unknown placeholder {{{key}}}")
        # Fallback texts are inserted verbatim; braces in them are literal text.
        out[key] = value
    return out


def _build(data: dict[str, Any], source: str) -> Cadence:
    _unknown(data, _TOP_KEYS, source)
    steps_raw = data.get("steps")
    if not isinstance(steps_raw, list) or not steps_raw:
        raise ConfigError(f"{source}: at least one [[steps]] table is required")
    steps = tuple(_step(raw, source, f"{source}: steps[{i}]") for i, raw in enumerate(steps_raw))
    seen: set[str] = set()
    for s in steps:
        if s.key in seen or s.key == REFERRAL_KEY:
            raise ConfigError(f"{source}: step key '{s.key}' is used twice or reserved")
        seen.add(s.key)
    if steps[0].relative_to == "previous":
        raise ConfigError(
            f"{source}: step '{steps[0].key}' is first, so it must be relative_to \"met\""
        )
    if "referral" not in data:
        raise ConfigError(f"{source}: a [referral] table is required")
    referral = _step(data["referral"], source, f"{source}: [referral]", referral=True)
    extra = _extra_steps(data.get("extra_steps", []), source, seen)
    branches = _branches(data.get("branches", {}), source, steps, extra)
    on_referral = _on_referral(data.get("on_referral", {}), source, extra)
    me = _strings(data.get("me", {}), f"{source}: [me]", {"my_name", "my_company"})
    fallbacks = _strings(data.get("fallbacks", {}), f"{source}: [fallbacks]", None)
    calendar = _calendar(data.get("calendar", {}), source)
    return Cadence(steps, referral, calendar, me, fallbacks, source, extra, branches, on_referral)


def _extra_steps(raw: Any, source: str, taken: set[str]) -> tuple[Step, ...]:
    if not isinstance(raw, list):
        raise ConfigError(f"{source}: extra_steps must be [[extra_steps]] tables")
    out = tuple(
        _step(r, source, f"{source}: extra_steps[{i}]", extra=True) for i, r in enumerate(raw)
    )
    seen = set(taken)
    for s in out:
        if s.key in seen or s.key == REFERRAL_KEY:
            raise ConfigError(f"{source}: step key '{s.key}' is used twice or reserved")
        seen.add(s.key)
    return out


_BRANCH_KEYS = {"stage", "meeting", "add", "insert", "cancel", "close", "referrer"}


def _keys(table: Mapping[str, Any], key: str, where: str, known: set[str]) -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: '{key}' must be a list of step keys")
    for v in value:
        if v not in known:
            raise ConfigError(
                f"{where}: '{key}' names step {v!r}, which is not one of {', '.join(sorted(known))}"
            )
    return tuple(value)


def _branches(
    raw: Any, source: str, steps: tuple[Step, ...], extra: tuple[Step, ...]
) -> dict[str, dict[str, Branch]]:
    table = _table(raw, f"{source}: [branches]")
    planned = {s.key for s in steps} | {REFERRAL_KEY}
    extras = {s.key: s for s in extra}
    every = planned | set(extras)
    out: dict[str, dict[str, Branch]] = {}
    for step_key, rules in table.items():
        where = f"{source}: [branches.{step_key}]"
        if step_key not in every:
            raise ConfigError(f"{where}: no step is called {step_key!r}")
        out[step_key] = {}
        for outcome, rule in _table(rules, where).items():
            w = f"{source}: [branches.{step_key}] {outcome}"
            if outcome not in (*OUTCOMES, DONE_KEY):
                raise ConfigError(
                    f"{w}: unknown outcome (known: {', '.join((*OUTCOMES, DONE_KEY))})"
                )
            out[step_key][outcome] = _branch(outcome, _table(rule, w), w, planned, extras)
    return out


def _branch(
    outcome: str, rule: Mapping[str, Any], where: str, planned: set[str],
    extras: Mapping[str, Step],
) -> Branch:
    _unknown(rule, _BRANCH_KEYS, where)
    stage = rule.get("stage")
    if stage is not None and stage not in STAGES:
        raise ConfigError(f"{where}: stage must be one of {', '.join(STAGES)}, not {stage!r}")
    close = rule.get("close")
    if close is not None and (not isinstance(close, str) or not close.strip()):
        raise ConfigError(f"{where}: 'close' must be the reason, as a non-empty string")
    meeting = rule.get("meeting")
    if meeting is not None and meeting not in planned | set(extras):
        raise ConfigError(f"{where}: 'meeting' names no step ({meeting!r})")
    if meeting is not None and outcome == DONE_KEY:
        raise ConfigError(f"{where}: a plain done cannot book a meeting; use an outcome")
    cancel_raw = rule.get("cancel", [])
    cancel = (
        (CANCEL_REST,) if cancel_raw == CANCEL_REST
        else _keys(rule, "cancel", where, planned | set(extras))
    )
    add = _keys(rule, "add", where, set(extras))
    for key in add:
        if extras[key].relative_to == "before-meeting" and meeting is None:
            raise ConfigError(
                f"{where}: step {key!r} is dated before a meeting this rule does not book"
            )
    return Branch(
        outcome=outcome,
        stage=stage,
        meeting=meeting,
        add=add,
        insert=_keys(rule, "insert", where, set(extras)),
        cancel=cancel,
        close=close.strip() if isinstance(close, str) else None,
        referrer=_keys(rule, "referrer", where, set(extras)),
    )


def _on_referral(raw: Any, source: str, extra: tuple[Step, ...]) -> tuple[str, ...]:
    where = f"{source}: [on_referral]"
    table = _table(raw, where)
    _unknown(table, {"referrer"}, where)
    return _keys(table, "referrer", where, {s.key for s in extra})
