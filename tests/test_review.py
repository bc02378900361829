"""Review and follow-up library (cardscan.crm_review): queue, detail, edit,
approve, merge, delete/restore, notes, tags, drafts with mailto:/tel: links."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from cardscan import crm
from cardscan import crm_review as rv
from cardscan.errors import InvalidValueError, StoreError
from cardscan.followup.cadence import Cadence
from cardscan.followup.calendar import Clock
from cardscan.leads import PhoneNumber
from cardscan.model import CardRecord, Field, ParsedCard, Phone
from cardscan.profile import Profile, load_profile, profile_path, update_profile
from cardscan.store import Store
from cardscan.store.migrations import MIGRATIONS

D = dt.date


def clock_at(day: D, hour: int = 10) -> Clock:
    return lambda: dt.datetime(day.year, day.month, day.day, hour, 0)


CLOCK = clock_at(D(2024, 3, 1))  # a Friday
JPEG = b"\xff\xd8\xff\xe0fake-jpeg"


def card(
    sha: str,
    name: str | None,
    emails: tuple[tuple[str, float], ...] = (),
    phones: tuple[str, ...] = (),
    company: str | None = None,
    given: str | None = None,
) -> CardRecord:
    parsed = ParsedCard(
        name=Field(name, name, 0.95) if name else None,
        given_name=given or (name.split()[0] if name else None),
        family_name=name.split()[-1] if name else None,
        company=Field(company, company, 0.9) if company else None,
        emails=tuple(Field(e, e, c) for e, c in emails),
        phones=tuple(Phone(n, "mobile", n, 0.95) for n in phones),
    )
    return CardRecord(source=f"photos/{sha}.jpg", parsed=parsed, image_sha256=sha * 32,
                      card_jpeg=JPEG)


def imp(store: Store, rec: CardRecord, cadence: Cadence) -> str:
    r = crm.import_card(store, rec, event="Expo", met_on=None, cadence=cadence, clock=CLOCK)
    assert r.lead_id
    return r.lead_id


def test_schema_is_at_the_last_migration(store: Store) -> None:
    assert store.schema_version == MIGRATIONS[-1][0]


def test_an_uncertain_email_sends_the_lead_to_review_first(
    store: Store, cadence: Cadence
) -> None:
    sure = imp(store, card("aa", "Ann Lee", (("ann@acme.com", 0.99),)), cadence)
    weak = imp(store, card("bb", "Lukas Brandt", (("1.brandt@solar.de", 0.705),)), cadence)
    queue = rv.review_queue(store)
    assert [i.lead.id for i in queue] == [weak, sure]
    assert queue[0].reasons == ("email uncertain: 1.brandt@solar.de (0.70)",)
    assert [(f.field, f.value, f.confidence) for f in queue[0].uncertain] == [
        ("email", "1.brandt@solar.de", 0.705)
    ]
    assert queue[0].lead.review_status == "needs_review" and queue[1].reasons == ()
    assert queue[0].has_card_image and rv.card_image(store, weak) == JPEG
    assert [i.lead.id for i in rv.review_queue(store, include_new=False)] == [weak]


def test_edit_fixes_the_email_keeps_the_original_and_rerenders(
    store: Store, cadence: Cadence
) -> None:
    lid = imp(store, card("bb", "Lukas Brandt", (("1.brandt@solar.de", 0.705),)), cadence)
    with pytest.raises(InvalidValueError, match=r"e-mail address 'l\.brandt@' is not valid"):
        rv.edit_lead(store, lid, emails=["l.brandt@"], cadence=cadence, clock=CLOCK)
    assert store.get_lead(lid).emails == ("1.brandt@solar.de",)  # type: ignore[union-attr]
    edit = rv.edit_lead(store, lid, primary_email="l.brandt@solar.de", cadence=cadence,
                        clock=clock_at(D(2024, 3, 2)))
    assert edit.changed == ("emails",)
    assert edit.lead.emails == ("l.brandt@solar.de", "1.brandt@solar.de")
    edit = rv.edit_lead(store, lid, emails=["l.brandt@solar.de"], cadence=cadence,
                        clock=clock_at(D(2024, 3, 3)))
    detail = rv.lead_detail(store, lid, cadence=cadence, profile=Profile())
    email = next(f for f in detail.fields if f.field == "email")
    assert (email.value, email.origin, email.confidence, email.primary) == (
        "l.brandt@solar.de", "user", None, True)
    edits = [(h.field, h.old, h.new) for h in detail.history if h.action == "edit"]
    assert edits == [
        ("emails", "1.brandt@solar.de", "l.brandt@solar.de, 1.brandt@solar.de"),
        ("emails", "l.brandt@solar.de, 1.brandt@solar.de", "l.brandt@solar.de"),
    ]
    intro = detail.drafts[0]
    assert intro.recipient == "l.brandt@solar.de"
    assert intro.mailto is not None and intro.mailto.startswith("mailto:l.brandt@solar.de?")
    stored = store.tasks(lid)[0]
    assert stored.channel == "email"


def test_edit_name_resplits_and_greets_as_printed(store: Store, cadence: Cadence) -> None:
    lid = imp(store, card("cc", "Tomas Oliveira", (("tomas@verde.com.br", 0.99),)), cadence)
    rv.edit_lead(store, lid, name="Tomás Oliveira", phones=["+55 11 91234 5678"],
                 cadence=cadence, clock=CLOCK)
    lead = store.get_lead(lid)
    assert lead is not None and (lead.given_name, lead.family_name) == ("Tomás", "Oliveira")
    draft = rv.lead_detail(store, lid, cadence=cadence, profile=Profile()).drafts[0]
    assert draft.body.startswith("Hi Tomás,")
    with pytest.raises(InvalidValueError, match="phone number '12' is not a valid"):
        rv.edit_lead(store, lid, phones=["12"], cadence=cadence, clock=CLOCK)
    with pytest.raises(InvalidValueError, match="a lead needs a name"):
        rv.edit_lead(store, lid, name="  ", cadence=cadence, clock=CLOCK)
    # a number typed without +CC is read in the country of the lead's phone
    edit = rv.edit_lead(store, lid, phones=["(11) 3456-7890"], cadence=cadence, clock=CLOCK)
    assert edit.lead.phones == (PhoneNumber("+551134567890", "work"),)


def test_a_business_name_gets_a_neutral_greeting(store: Store, cadence: Cadence) -> None:
    lid = imp(store, card("dd", "Sunrise Bakery", (("hello@sunrise.com", 0.99),),
                          company="Sunrise Bakery"), cadence)
    draft = rv.lead_detail(store, lid, cadence=cadence, profile=Profile()).drafts[0]
    assert draft.body.startswith("Hi there,")


def test_drafts_use_the_profile_and_name_the_task(store: Store, cadence: Cadence) -> None:
    lid = imp(store, card("ee", "Ann Lee", (("ann@acme.com", 0.99),), ("+442071234567",)),
              cadence)
    me = Profile(name="Sam Doe", company="Doe & Co", email="sam@doe.co")
    detail = rv.lead_detail(store, lid, cadence=cadence, profile=me)
    intro, call = detail.drafts[0], detail.drafts[1]
    assert intro.body.endswith("Best regards,\nSam Doe\nDoe & Co\nsam@doe.co")
    url = urlsplit(intro.mailto or "")
    query = parse_qs(url.query)
    assert (url.scheme, unquote(url.path)) == ("mailto", "ann@acme.com")
    assert query["subject"] == ["Good to meet you at Expo"]
    assert query["body"] == [intro.body.replace("\n", "\r\n")]
    assert "%20" in (intro.mailto or "") and "+" not in (intro.mailto or "").split("?")[1]
    assert call.channel == "call" and call.tel == "tel:+442071234567"
    assert call.task.id in call.body and "TASK_ID" not in call.body
    assert "--outcome booked --meeting DATE" in call.body  # booking dates the coffee


def test_a_done_note_promise_fills_the_thank_you(store: Store, cadence: Cadence) -> None:
    lid = imp(store, card("ff", "Ann Lee", (("ann@acme.com", 0.99),)), cadence)
    tasks = {t.step: t for t in store.tasks(lid)}
    before = rv.render_task(store, tasks["thank-you"].id, cadence=cadence, profile=Profile())
    assert "[what you promised]" in before.body
    crm.done(store, tasks["coffee"].id, note="promised: our pricing deck", cadence=cadence,
             clock=CLOCK)
    after = rv.render_task(store, tasks["thank-you"].id, cadence=cadence, profile=Profile())
    assert "As promised, here is our pricing deck." in after.body
    assert "our pricing deck" in store.get_task(tasks["thank-you"].id).body  # type: ignore[union-attr]


def test_tel_url_for_a_number_without_area_code() -> None:
    assert rv.tel_url(PhoneNumber("+5522949484", "work", True)) == (
        "tel:22949484;phone-context=+55")


def test_approve_leaves_the_queue(store: Store, cadence: Cadence) -> None:
    lid = imp(store, card("bb", "Lukas Brandt", (("1.brandt@solar.de", 0.705),)), cadence)
    lead = rv.approve(store, lid, clock=CLOCK)
    assert lead.review_status == "approved"
    assert rv.review_queue(store) == []
    assert [h.action for h in store.history(lid)] == ["scanned", "approve"]


def test_merge_moves_contacts_and_cancels_the_other_plan(
    store: Store, cadence: Cadence
) -> None:
    keep = imp(store, card("aa", "Jane Doe", (("jane@acme.com", 0.99),), company="Acme Ltd"),
               cadence)
    other = imp(store, card("bb", "Jane Q Doe", (("jdoe@gmail.com", 0.99),),
                           ("+14155550100",), company="Acme Limited"), cadence)
    pairs = rv.duplicates(store)
    assert [(p.keep.id, p.other.id) for p in pairs] == [(keep, other)]
    assert rv.review_queue(store)[0].reasons == ("possible duplicate of Jane Doe (Acme Ltd)",)
    rv.add_note(store, other, "met at the booth", cadence=cadence, clock=CLOCK)
    merged = rv.merge_leads(store, keep, other, cadence=cadence, clock=CLOCK)
    assert merged.emails == ("jane@acme.com", "jdoe@gmail.com")
    assert merged.phones == (PhoneNumber("+14155550100", "mobile"),)
    assert set(merged.sources) == {"photos/aa.jpg", "photos/bb.jpg"}
    assert [lead.id for lead in store.leads()] == [keep]
    assert {t.status for t in store.tasks(other)} == {"skipped"}
    assert all(t.lead_id == keep for t in store.tasks())
    detail = rv.lead_detail(store, keep, cadence=cadence, profile=Profile())
    assert [n.text for n in detail.notes] == ["met at the booth"]
    assert "merge" in [h.action for h in detail.history]
    assert rv.duplicates(store) == []
    with pytest.raises(StoreError, match="was merged into lead"):
        rv.edit_lead(store, other, title="CEO", cadence=cadence, clock=CLOCK)
    # a later scan of the other card finds the kept lead
    again = crm.import_card(store, card("bb", "Jane Q Doe"), event=None, met_on=None,
                            cadence=cadence, clock=CLOCK)
    assert again.lead_id == keep and again.skipped


def test_delete_hides_and_restore_brings_back(store: Store, cadence: Cadence) -> None:
    lid = imp(store, card("aa", "Ann Lee", (("ann@acme.com", 0.99),)), cadence)
    n = len(store.tasks())
    rv.delete_lead(store, lid, clock=CLOCK)
    assert store.leads() == [] and store.tasks() == []
    assert [x.id for x in rv.deleted_leads(store)] == [lid]
    # a new card with the same address is a new lead, not merged into the deleted one
    fresh = imp(store, card("cc", "Ann Lee", (("ann@acme.com", 0.99),)), cadence)
    assert fresh != lid
    rv.restore_lead(store, lid, clock=CLOCK)
    assert {x.id for x in store.leads()} == {lid, fresh}
    assert len(store.tasks()) == 2 * n


def test_tags_and_notes(store: Store, cadence: Cadence) -> None:
    lid = imp(store, card("aa", "Ann Lee", (("ann@acme.com", 0.99),)), cadence)
    lead = rv.tag_lead(store, lid, add=["hot", "Expo 2024", "HOT"], clock=CLOCK)
    assert lead.tags == ("hot", "Expo 2024")
    lead = rv.tag_lead(store, lid, remove=["Hot"], clock=CLOCK)
    assert lead.tags == ("Expo 2024",)
    with pytest.raises(InvalidValueError, match="the note is empty"):
        rv.add_note(store, lid, "  ", cadence=cadence, clock=CLOCK)


def test_profile_round_trip_and_validation(tmp_path: Path) -> None:
    assert load_profile() == Profile()
    p = update_profile(name="Sam  Doe", email="Sam@Example.com", phone="020 7123 4567",
                       region="GB", signature="Sam\\nDoe & Co")
    assert p == Profile(name="Sam Doe", email="Sam@example.com", phone="+442071234567",
                        signature="Sam\nDoe & Co")
    assert load_profile() == p and profile_path().exists()
    with pytest.raises(InvalidValueError):
        update_profile(email="not-an-address")
    assert load_profile() == p


def test_migration_keeps_old_review_status(tmp_path: Path) -> None:
    from cardscan.store.migrations import migrate

    db = tmp_path / "old.db"
    conn = sqlite3.connect(db, isolation_level=None)
    migrate(conn, MIGRATIONS[:2])
    conn.execute("INSERT INTO leads (id, name, status, created_at, updated_at)"
                 " VALUES ('x1', 'A', 'review', ?, ?), ('x2', 'B', 'ok', ?, ?)", ["2024-03-01"] * 4)
    conn.close()
    with crm.open_store(db) as s:
        assert [(x.id, x.review_status) for x in s.leads()] == [
            ("x1", "needs_review"), ("x2", "new")]


def test_merge_carries_the_other_plan_progress(store: Store, cadence: Cadence) -> None:
    keep = imp(store, card("aa", "Jane Doe", (("jane@acme.com", 0.99),), company="Acme Ltd"),
               cadence)
    other = imp(store, card("bb", "Jane Q Doe", (("jdoe@gmail.com", 0.99),),
                           company="Acme Limited"), cadence)
    intro = next(t for t in store.tasks(other) if t.step == "intro-email")
    crm.done(store, intro.id, cadence=cadence, clock=clock_at(D(2024, 3, 4)))
    rv.merge_leads(store, keep, other, cadence=cadence, clock=clock_at(D(2024, 3, 4)))
    kept = {t.step: t for t in store.tasks(keep)}
    assert (kept["intro-email"].status, kept["intro-email"].done_on) == ("done", D(2024, 3, 4))
    assert kept["coffee-call"].due == D(2024, 3, 6)  # two business days after the real intro
    (person,) = rv.due_drafts(store, due="all", cadence=cadence, clock=CLOCK, profile=Profile())
    assert person.lead.id == keep
    assert [d.task.step for d in person.drafts] == ["coffee-call", "coffee", "thank-you",
                                                    "reminder"]


def test_an_edit_drops_the_reasons_it_made_moot(store: Store, cadence: Cadence) -> None:
    lid = imp(store, card("bb", "Lukas Brandt", (("1.brandt@solar.de", 0.705),)), cadence)
    edit = rv.edit_lead(store, lid, emails=["l.brandt@solar.de"], cadence=cadence, clock=CLOCK)
    assert edit.lead.review_reasons == ()
    assert edit.lead.review_status == "needs_review"  # until a person approves it


def test_an_edited_draft_outlives_refreshes_and_is_what_was_sent(
    store: Store, cadence: Cadence
) -> None:
    lead_id = imp(store, card("e", "Ann Lee", (("ann@lee.example", 0.99),)), cadence)
    first = min((t for t in store.tasks(lead_id) if t.channel == "email"), key=lambda t: t.seq)
    edited = rv.edit_draft(store, first.id[:8], subject="Coffee?", body="Hi Ann,\r\nCoffee?",
                           cadence=cadence, clock=CLOCK)
    assert (edited.subject, edited.body, edited.edited) == ("Coffee?", "Hi Ann,\nCoffee?", True)
    # an edit of the lead re-renders the drafts: not this one
    rv.edit_lead(store, lead_id, title="CTO", cadence=cadence, clock=CLOCK)
    assert store.get_task(first.id).body == "Hi Ann,\nCoffee?"  # exports read the stored text
    crm.done(store, first.id, cadence=cadence, clock=CLOCK)
    sent = next(d for d in rv.lead_detail(store, lead_id, cadence=cadence).drafts
                if d.task.id == first.id)
    assert (sent.subject, sent.edited) == ("Coffee?", True)
    with pytest.raises(InvalidValueError, match="is done"):
        rv.edit_draft(store, first.id, subject="x", body="y", cadence=cadence, clock=CLOCK)
    with pytest.raises(InvalidValueError, match="is done"):
        rv.reset_draft(store, first.id, cadence=cadence, clock=CLOCK)
