"""vCard export parsed back with vobject and compared field by field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import vobject
from export_fixtures import ANA, LEADS, NO_COMPANY, NO_EMAIL, NO_NAME, NOW, REFERRED, TASKS, TRICKY
from hypothesis import given, settings
from hypothesis import strategies as st

from cardscan.export import write_export
from cardscan.export.common import address_parts, clean_text, contact_lines, country_name
from cardscan.export.vcf import build_vcard, vcards
from cardscan.leads import Lead, PhoneNumber


def export(tmp_path: Path, name: str = "c.vcf") -> tuple[bytes, dict[str, Any]]:
    out = tmp_path / name
    assert write_export("vcf", LEADS, TASKS, out, now=NOW) == [out]
    raw = out.read_bytes()
    cards = list(vobject.readComponents(raw.decode("utf-8")))
    return raw, {c.uid.value: c for c in cards}


def params(prop: Any) -> list[str]:
    return [p.upper() for p in prop.params.get("TYPE", [])]


def test_one_vcard_3_per_lead_with_uid(tmp_path: Path) -> None:
    raw, cards = export(tmp_path)
    assert raw.count(b"BEGIN:VCARD\r\n") == len(LEADS)
    assert raw.count(b"VERSION:3.0\r\n") == len(LEADS)
    assert set(cards) == {x.id for x in LEADS}
    for card in cards.values():
        assert card.version.value == "3.0"
        assert card.fn.value
        assert hasattr(card, "n")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))


def test_ana_field_by_field(tmp_path: Path) -> None:
    _, cards = export(tmp_path)
    c = cards[ANA.id]
    assert c.fn.value == "Ana Ruiz"
    assert (c.n.value.family, c.n.value.given) == ("Ruiz", "Ana")
    assert c.org.value == ["Brightlane, S.L.; R&D", "Sales"]
    assert c.title.value == "Head of Sales, EMEA"
    emails = [(e.value, params(e)) for e in c.email_list]
    assert emails == [
        ("ana@brightlane.example", ["INTERNET", "WORK", "PREF"]),
        ("ana.ruiz@example.org", ["INTERNET", "WORK"]),
    ]
    tels = [(t.value, params(t)) for t in c.tel_list]
    assert tels == [
        ("+34600111222", ["CELL"]),
        ("+34911222333", ["WORK", "VOICE"]),
        ("+34911222334", ["WORK", "VOICE"]),
        ("+34911222399", ["WORK", "FAX"]),
        ("+34911222000", ["VOICE"]),
    ]
    assert [u.value for u in c.url_list] == [
        "https://brightlane.example",
        "https://blog.brightlane.example/ana",
    ]
    adr = c.adr.value
    assert (adr.street, adr.city, adr.code) == ("Calle Mayor 1, 2ºB", "Madrid", "28013")
    assert (adr.region, adr.country) == ("", "Spain")
    assert params(c.adr) == ["WORK"]
    assert c.note.value == (
        "Met at Chamber breakfast on 2024-05-03. "
        "Next: Call Ana Ruiz (Brightlane, S.L.; R&D): invite for coffee (due 2024-05-08). "
        "cardscan lead lead-ana"
    )
    assert c.categories.value == ["cardscan", "Chamber breakfast"]
    assert c.rev.value == "2024-05-06T17:30:00Z"


def test_leads_missing_company_email_phone_or_name(tmp_path: Path) -> None:
    _, cards = export(tmp_path)
    pat = cards[NO_COMPANY.id]
    assert not hasattr(pat, "org")
    assert [t.value for t in pat.tel_list] == ["+447700900123"]
    sam = cards[NO_EMAIL.id]
    assert not hasattr(sam, "email")
    assert sam.fn.value == "Sam"
    assert (sam.n.value.family, sam.n.value.given) == ("", "Sam")
    acme = cards[NO_NAME.id]
    assert acme.fn.value == "Acme Widgets Ltd"
    assert acme.x_abshowas.value == "COMPANY"
    assert (acme.n.value.family, acme.n.value.given) == ("", "")
    mary = cards[REFERRED.id]
    assert "Referred by Ana Ruiz" in mary.note.value


@pytest.mark.parametrize("lead", TRICKY, ids=lambda x: repr(x.name)[:20])
def test_tricky_names_survive(tmp_path: Path, lead: Lead) -> None:
    _, cards = export(tmp_path)
    c = cards[lead.id]
    assert c.fn.value == lead.name
    assert c.org.value == [lead.name]
    assert c.title.value == lead.name
    n = c.n.value
    parts = (n.prefix, n.given, n.additional, n.family, n.suffix)
    # Every word of the name is in exactly one part of N (newlines and the ";"
    # before a suffix are separators, not name).
    assert " ".join(x for x in parts if x) == " ".join((lead.name or "").replace(";", "").split())


def test_event_with_separators_stays_one_category() -> None:
    lead = Lead(id="e", name="E", event="Expo, Madrid; day 2")
    text = build_vcard(lead, now=NOW).serialize()
    (card,) = vobject.readComponents(text)
    assert card.categories.value == ["cardscan", "Expo, Madrid; day 2"]


def test_same_clock_same_bytes_and_stable_uids(tmp_path: Path) -> None:
    raw1, cards1 = export(tmp_path, "a.vcf")
    raw2, _ = export(tmp_path, "b.vcf")
    assert raw1 == raw2
    later = vcards(LEADS, TASKS, now=NOW + dt.timedelta(days=1))
    assert {c.uid.value for c in vobject.readComponents(later)} == set(cards1)


text_st = st.text(max_size=40)


@settings(max_examples=150, deadline=None)
@given(name=text_st, company=text_st, title=text_st, address=st.text(max_size=80), event=text_st)
def test_any_text_survives_the_vcard_round_trip(
    name: str, company: str, title: str, address: str, event: str
) -> None:
    lead = Lead(
        id="prop",
        name=name,
        company=company,
        title=title,
        address=address,
        event=event,
        met_on=dt.date(2024, 5, 3),
        phones=(PhoneNumber("+34600111222", "mobile"),),
    )
    (card,) = vobject.readComponents(build_vcard(lead, now=NOW).serialize())
    if clean_text(company).strip():
        assert card.org.value == [clean_text(company).strip()]
    if clean_text(title).strip():
        assert card.title.value == clean_text(title).strip()
    if clean_text(address).strip():
        parts = address_parts(lead)
        adr = card.adr.value
        assert (adr.street, adr.city, adr.region, adr.code) == (
            parts.street, parts.city, parts.region, parts.postcode)
        assert adr.country == country_name(parts.country)
    if clean_text(name).strip():
        assert card.fn.value == clean_text(name).strip()
    if clean_text(event).strip():
        assert f"Met at {clean_text(event).strip()} on 2024-05-03" in card.note.value
        assert card.categories.value == ["cardscan", clean_text(event).strip()]
    assert card.uid.value == "prop"


def test_number_without_area_code_is_exported_as_printed() -> None:
    # "+5522941111" cannot be dialled from anywhere; the local digits can, in town.
    lead = Lead(id="s", name="Loja Sol", phones=(
        PhoneNumber("+5522941111", "work", local_only=True),
        PhoneNumber("+551122941111", "work"),
    ))
    (card,) = vobject.readComponents(build_vcard(lead, now=NOW).serialize())
    assert [t.value for t in card.contents["tel"]] == ["22941111", "+551122941111"]
    # Calendar event bodies (contact_lines) say why the number is short.
    assert "Work: 22941111 (no area code on the card)" in contact_lines(lead)
