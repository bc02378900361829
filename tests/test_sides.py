"""Two sides of one card in consecutive photos become one lead (cardscan.sides)."""

from __future__ import annotations

from cardscan.model import CardRecord, Field, ParsedCard, Phone
from cardscan.sides import merge_sides


def _f(v: str) -> Field:
    return Field(v, v, 0.9)


def _front(src: str, name: str = "Priya Ramanathan", company: str | None = None,
           email: str = "priya@bluefinchlabs.io", **kw) -> CardRecord:
    p = ParsedCard(name=_f(name), company=_f(company) if company else None,
                   emails=(_f(email),), phones=(Phone("+14155550172", "work", "(415) 555-0172",
                                                      0.9),))
    return CardRecord(src, 0, "ok", None, p, f"{name}\n{email}", "sha-" + src, **kw)


def _logo(src: str, text: str = "bf\nBluefinch Labs\nSince 2009", **kw) -> CardRecord:
    first = text.splitlines()[1]
    p = ParsedCard(company=_f(first))
    return CardRecord(src, 0, "review", None, p, text, "sha-" + src,
                      review=("no name found", "no email or phone found"), **kw)


def _leads(records):
    return [r for r in records if r.status in ("ok", "review")]


def test_logo_side_then_contact_side_is_one_lead():
    out = list(merge_sides([_logo("IMG_1.jpg"), _front("IMG_2.jpg")]))
    assert [(r.source, r.status) for r in out] == [("IMG_1.jpg", "no_card"), ("IMG_2.jpg", "ok")]
    lead = out[1]
    assert lead.parsed.name.value == "Priya Ramanathan"
    assert lead.parsed.company.value == "Bluefinch Labs"  # only the logo side printed it
    assert lead.extra["other_side"] == "IMG_1.jpg"
    assert out[0].extra["side_of"] == "IMG_2.jpg" and out[0].parsed is None


def test_contact_side_first_also_joins_and_keeps_its_own_company():
    out = list(merge_sides([_front("a.jpg", company="Bluefinch Labs, Inc."), _logo("b.jpg")]))
    assert [(r.source, r.status) for r in out] == [("a.jpg", "ok"), ("b.jpg", "no_card")]
    assert out[0].parsed.company.value == "Bluefinch Labs, Inc."


def test_unrelated_logo_card_next_to_a_card_stays_apart():
    recs = [_logo("a.jpg", "IB\nIronbark Freight\nHaulage"), _front("b.jpg")]
    assert list(merge_sides(recs)) == recs


def test_sides_must_be_consecutive_pictures():
    recs = [_logo("a.jpg"), _front("b.jpg", "Samuel Okafor", email="s@ironbark.com"),
            _front("c.jpg")]
    assert list(merge_sides(recs)) == recs


def test_a_photo_of_several_cards_is_never_a_side():
    two = [_front("a.jpg"), CardRecord("a.jpg", 1, "ok", None, ParsedCard(name=_f("X Y")))]
    recs = [_logo("z.jpg"), *two]
    assert list(merge_sides(recs)) == recs


def test_two_cards_with_contact_channels_are_two_leads():
    recs = [_front("a.jpg"), _front("b.jpg", "Ana Ruiz", email="ana@bluefinchlabs.io")]
    assert list(merge_sides(recs)) == recs


def test_logo_side_goes_with_the_photo_after_it_before_the_one_before():
    colleague = _front("1.jpg", "Ana Ruiz", email="ana@bluefinchlabs.io")
    recs = [colleague, _logo("2.jpg"), _front("3.jpg")]
    out = list(merge_sides(recs))
    assert out[0] is colleague and "other_side" not in out[0].extra
    assert out[1].status == "no_card" and out[1].extra["side_of"] == "3.jpg"
    assert out[2].extra["other_side"] == "2.jpg"


def test_outline_and_time_join_a_logo_side_with_no_readable_word():
    logo = _logo("a.jpg", "✦\n☼☼\n", taken_at="2026-03-14T09:26:53",
                 extra={"aspect": 1.751})
    front = _front("b.jpg", taken_at="2026-03-14T09:27:20", extra={"aspect": 1.748})
    assert len(_leads(merge_sides([logo, front]))) == 1
    later = _front("b.jpg", taken_at="2026-03-14T09:40:00", extra={"aspect": 1.748})
    assert len(_leads(merge_sides([logo, later]))) == 2
    other_shape = _front("b.jpg", taken_at="2026-03-14T09:27:20", extra={"aspect": 1.55})
    assert len(_leads(merge_sides([logo, other_shape]))) == 2


def test_closing_the_stream_early_closes_the_pipeline():
    closed = []

    def source():
        try:
            yield _front("a.jpg")
            yield _front("b.jpg", "Ana Ruiz", email="ana@x.io")
            yield _front("c.jpg", "Bo Li", email="bo@y.io")
            yield _front("d.jpg", "Cy Do", email="cy@z.io")
        finally:
            closed.append(True)

    out = merge_sides(source())
    assert next(out).source == "a.jpg"
    out.close()
    assert closed == [True]


def test_a_generic_company_word_is_no_evidence():
    logo = _logo("a.jpg", "CG\nConsulting Group\nSolutions")
    front = _front("b.jpg", company="Harbour Consulting Group", email="jo@harbourcg.com")
    assert len(_leads(merge_sides([logo, front]))) == 2
