"""Cadence loading and validation: the default, overrides, and every load-time error."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cardscan.errors import ConfigError, ExitCode
from cardscan.followup.cadence import load_cadence, parse_cadence, reachable
from cardscan.followup.calendar import Calendar
from cardscan.followup.templates import check_template, lead_values, render
from cardscan.leads import Lead, PhoneNumber

MINIMAL = """
[[steps]]
key = "hello"
offset = 1
channel = "email"
summary = "Email {full_name}"
subject = "Hi {first_name}"
body = "Body"

[referral]
channel = "call"
summary = "Call {full_name}"
"""


def write(tmp_path: Path, text: str, name: str = "cad.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_default_cadence_shape() -> None:
    c = load_cadence(None)
    assert [s.key for s in c.steps] == [
        "intro-email",
        "coffee-call",
        "coffee",
        "thank-you",
        "reminder",
    ]
    assert [s.channel for s in c.steps] == ["email", "call", "meeting", "email", "email"]
    assert [s.offset for s in c.steps] == [1, 2, 5, 1, 6]
    assert [s.relative_to for s in c.steps] == [
        "met",
        "previous",
        "previous",
        "previous",
        "previous",
    ]
    assert c.referral.key == "referral" and c.referral.channel == "call"
    assert c.calendar.weekend == frozenset({6, 7})
    assert c.calendar.holidays == frozenset()
    assert c.fallbacks["first_name"] == "there"


def test_user_file_overlays_default(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        '[me]\nmy_name = "Sam Seller"\n'
        '[calendar]\nholidays = ["2024-12-25", 2024-12-26]\ntimezone = "Europe/Paris"\n',
    )
    c = load_cadence(p)
    assert len(c.steps) == 5  # steps kept from the default
    assert c.me["my_name"] == "Sam Seller"
    assert c.me["my_company"] == ""
    assert c.calendar.holidays == {dt.date(2024, 12, 25), dt.date(2024, 12, 26)}
    assert c.calendar.timezone == "Europe/Paris"
    assert c.calendar.weekend == frozenset({6, 7})  # merged key by key
    assert c.source == str(p)


def test_user_steps_replace_default_steps(tmp_path: Path) -> None:
    c = load_cadence(write(tmp_path, MINIMAL))
    assert [s.key for s in c.steps] == ["hello"]
    assert c.referral.message.summary == "Call {full_name}"
    assert c.steps[0].message.body == "Body"


def test_subject_defaults_to_summary() -> None:
    c = parse_cadence(MINIMAL)
    assert c.referral.message.subject == "Call {full_name}"
    assert c.referral.message.body == ""


@pytest.mark.parametrize(
    ("mutation", "placeholder"),
    [
        (('subject = "Hi {first_name}"', 'subject = "Hi {frist_name}"'), "{frist_name}"),
        (('body = "Body"', 'body = "Dear {name}"'), "{name}"),
        (('summary = "Email {full_name}"', 'summary = "Email {Full_Name}"'), "{Full_Name}"),
        (('summary = "Call {full_name}"', 'summary = "Call {phone}"'), "{phone}"),
        (('body = "Body"', 'body = "Dear {}"'), "{}"),
        (('body = "Body"', 'body = "Dear {0}"'), "{0}"),
        (('body = "Body"', 'body = "Dear {first_name.upper}"'), "{first_name.upper}"),
        (('body = "Body"', 'body = "Dear {lead[name]}"'), "{lead[name]}"),
    ],
)
def test_unknown_placeholder_names_file_and_field(
    tmp_path: Path, mutation: tuple[str, str], placeholder: str
) -> None:
    old, new = mutation
    assert old in MINIMAL
    p = write(tmp_path, MINIMAL.replace(old, new))
    with pytest.raises(ConfigError) as err:
        load_cadence(p)
    msg = str(err.value)
    assert str(p) in msg
    assert f"unknown placeholder {placeholder}" in msg
    assert err.value.exit_code == ExitCode.invalid_config


def test_unknown_placeholder_in_fallback_and_referral(tmp_path: Path) -> None:
    text = MINIMAL + '[referral.fallback]\nchannel = "email"\nsummary = "x"\nbody = "{nope}"\n'
    with pytest.raises(
        ConfigError, match=r"step 'referral' fallback body: unknown placeholder \{nope\}"
    ):
        load_cadence(write(tmp_path, text))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('body = "Body"', 'body = "Dear {first_name"', "malformed template"),
        ('body = "Body"', 'body = "a } b"', "malformed template"),
        ('body = "Body"', 'body = "{first_name:>10}"', "takes no format spec"),
        ('body = "Body"', 'body = "{first_name!r}"', "takes no format spec"),
        ('channel = "email"', 'channel = "fax"', "channel must be one of"),
        ("offset = 1", "offset = -1", "offset must be"),
        ("offset = 1", "offset = 1.5", "offset must be"),
        ("offset = 1", "offset = true", "offset must be"),
        ("offset = 1", 'offset = "1"', "offset must be"),
        ('key = "hello"', 'key = "Hello World"', "lower-case slug"),
        ('key = "hello"', 'key = "referral"', "reserved"),
        ("offset = 1", 'offset = 1\nrelative_to = "previous"', "must be relative_to"),
        ("offset = 1", 'offset = 1\nrelative_to = "yesterday"', "relative_to must be"),
        ("offset = 1", "offset = 1\ndelay = 3", "unknown key 'delay'"),
        ('summary = "Email {full_name}"', 'summary = ""', "summary is empty"),
        ('subject = "Hi {first_name}"', "subject = 3", "'subject' must be a string"),
    ],
)
def test_invalid_step(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in MINIMAL
    p = write(tmp_path, MINIMAL.replace(old, new, 1))
    with pytest.raises(ConfigError, match=message) as err:
        load_cadence(p)
    assert str(p) in str(err.value)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('[calendar]\ntimezone = "Mars/Olympus"\n', "unknown time zone 'Mars/Olympus'"),
        ('[calendar]\ntimezone = ""\n', "timezone must be"),
        ('[calendar]\nholidays = ["2024-13-01"]\n', "not an ISO date"),
        ('[calendar]\nholidays = ["25/12/2024"]\n', "not an ISO date"),
        ("[calendar]\nholidays = [2024-12-25T10:00:00]\n", "not a date-time"),
        ('[calendar]\nholidays = "2024-12-25"\n', "holidays must be a list"),
        ('[calendar]\nweekend = ["sat", "caturday"]\n', "unknown weekend day 'caturday'"),
        (
            '[calendar]\nweekend = ["mon","tue","wed","thu","fri","sat","sun"]\n',
            "every day is a weekend day",
        ),
        ("[calendar]\nweekends = []\n", "unknown key 'weekends'"),
        ('[me]\nmy_title = "CEO"\n', "unknown key 'my_title'"),
        ('[fallbacks]\nnickname = "pal"\n', r"unknown placeholder \{nickname\}"),
        ("[fallbacks]\nfirst_name = 3\n", "must be a string"),
        ("[extras]\nx = 1\n", "unknown key 'extras'"),
        ("[referral]\n", "invalid TOML"),  # a table defined twice
    ],
)
def test_invalid_tables(tmp_path: Path, extra: str, message: str) -> None:
    p = write(tmp_path, MINIMAL + extra)
    with pytest.raises(ConfigError, match=message) as err:
        load_cadence(p)
    assert str(p) in str(err.value)


def test_duplicate_step_keys(tmp_path: Path) -> None:
    step = MINIMAL.split("[referral]")[0]
    with pytest.raises(ConfigError, match="'hello' is used twice"):
        load_cadence(
            write(
                tmp_path,
                step + step.replace("offset = 1", "offset = 2") + "[referral]\n"
                'channel = "call"\nsummary = "x"\n',
            )
        )


def test_missing_referral_and_steps(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="at least one"):
        parse_cadence('[referral]\nchannel = "call"\nsummary = "x"\n', "x.toml")
    with pytest.raises(ConfigError, match=r"\[referral\] table is required"):
        parse_cadence(MINIMAL.split("[referral]")[0], "x.toml")


def test_steps_emptied_by_user_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="at least one"):
        load_cadence(write(tmp_path, "steps = []\n"))


def test_unreadable_and_invalid_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read cadence file"):
        load_cadence(tmp_path / "absent.toml")
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"\xff\xfe[me]")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_cadence(bad)
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_cadence(write(tmp_path, "[me\nmy_name = 1"))


def test_literal_braces_survive(tmp_path: Path) -> None:
    c = load_cadence(
        write(tmp_path, MINIMAL.replace('body = "Body"', 'body = "{{not a field}} {first_name}"'))
    )
    values = lead_values(Lead(id="x", name="Ann Lee"), met_on=None, me={}, fallbacks={})
    assert render(c.steps[0].message.body, values) == "{not a field} Ann"


def test_check_template_accepts_every_known_placeholder() -> None:
    check_template(
        "{first_name}{last_name}{full_name}{company}{title}{event}{at_event}{met_on}"
        "{my_name}{my_company}{referred_by}",
        "t",
    )


def test_lead_values_and_fallbacks() -> None:
    c = load_cadence(None)
    lead = Lead(
        id="x",
        name="Ana María de la Cruz",
        given_name="Ana María",
        family_name="de la Cruz",
        company=None,
        event="Expo 2024",
    )
    v = lead_values(lead, met_on=dt.date(2024, 5, 2), me={"my_name": "Me"}, fallbacks=c.fallbacks)
    assert v["first_name"] == "Ana María"
    assert v["last_name"] == "de la Cruz"
    assert v["company"] == "your company"
    assert v["at_event"] == " at Expo 2024"
    assert v["met_on"] == "2024-05-02"
    assert v["my_name"] == "Me"
    nameless = lead_values(Lead(id="y", name=None), met_on=None, me={}, fallbacks=c.fallbacks)
    assert nameless["first_name"] == "there"
    assert nameless["at_event"] == ""
    assert nameless["event"] == "the event"


def test_render_tidies_blank_lines() -> None:
    assert (
        render("Hi {my_name}  \n\n\n\nBye\n{my_company}\n", {"my_name": "A", "my_company": ""})
        == "Hi A\n\nBye"
    )


@pytest.mark.parametrize(
    ("lead", "channels"),
    [
        (
            Lead(
                id="a",
                name="A",
                emails=("a@x.io",),
                phones=(PhoneNumber("+14155550100", "mobile"),),
            ),
            ["email", "call", "meeting", "email", "email"],
        ),
        (
            Lead(id="b", name="B", emails=("b@x.io",)),
            ["email", "email", "meeting", "email", "email"],
        ),
        (
            Lead(id="c", name="C", phones=(PhoneNumber("+14155550100", "work"),)),
            ["call", "call", "meeting", "call", "call"],
        ),
        # a fax number is not a phone you can call
        (
            Lead(
                id="d", name="D", emails=("d@x.io",), phones=(PhoneNumber("+14155550199", "fax"),)
            ),
            ["email", "email", "meeting", "email", "email"],
        ),
        # unreachable either way: keep the cadence's channel (the card needs review)
        (Lead(id="e", name="E"), ["email", "call", "meeting", "email", "email"]),
    ],
)
def test_channel_fallback(lead: Lead, channels: list[str]) -> None:
    c = load_cadence(None)
    assert [s.message_for(lead).channel for s in c.steps] == channels


def test_reachable() -> None:
    assert reachable(Lead(id="a", name=None), "meeting")
    assert reachable(Lead(id="a", name=None), "note")
    assert not reachable(Lead(id="a", name=None), "email")


@pytest.mark.parametrize(
    ("tz", "instant", "expected"),
    [
        ("Asia/Tokyo", dt.datetime(2024, 3, 1, 23, 30, tzinfo=dt.UTC), dt.date(2024, 3, 2)),
        ("America/Los_Angeles", dt.datetime(2024, 3, 2, 5, 0, tzinfo=dt.UTC), dt.date(2024, 3, 1)),
        ("Europe/London", dt.datetime(2024, 3, 1, 23, 30, tzinfo=dt.UTC), dt.date(2024, 3, 1)),
        # a naive clock is already wall time in the calendar's zone
        ("Asia/Tokyo", dt.datetime(2024, 3, 1, 23, 30), dt.date(2024, 3, 1)),
    ],
)
def test_today_in_zone(tz: str, instant: dt.datetime, expected: dt.date) -> None:
    assert Calendar(timezone=tz).today(lambda: instant) == expected


def test_timezone_from_file_drives_today(tmp_path: Path) -> None:
    c = load_cadence(write(tmp_path, '[calendar]\ntimezone = "Pacific/Auckland"\n'))
    assert c.calendar.today(lambda: dt.datetime(2024, 3, 1, 12, 0, tzinfo=dt.UTC)) == dt.date(
        2024, 3, 2
    )


def test_custom_weekend(tmp_path: Path) -> None:
    c = load_cadence(write(tmp_path, '[calendar]\nweekend = ["Friday", "sat"]\n'))
    assert c.calendar.weekend == frozenset({5, 6})
    thursday = dt.date(2024, 3, 7)
    assert c.calendar.add_business_days(thursday, 1) == dt.date(2024, 3, 10)  # Sunday works
