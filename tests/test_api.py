"""The Python API: scan -> records -> DataFrame; parse_text keeps raw and normalized."""

from __future__ import annotations

import pytest
from conftest import SAMPLES

import cardscan
from cardscan.export.leads_csv import LEAD_COLUMNS
from cardscan.options import ScanOptions


def test_to_dataframe_has_the_leads_csv_columns(replay_engine):
    recs = list(cardscan.scan(SAMPLES / "12_photo_two_cards.jpg", ScanOptions(workers=1),
                              engine=replay_engine))
    df = cardscan.to_dataframe(recs)
    assert list(df.columns) == list(LEAD_COLUMNS)
    assert len(df) == 2 and list(df["card"]) == [0, 1]
    phones = [p for col in ("phone_mobile", "phone_work") for v in df[col] if v
              for p in v.split(" ; ")]
    assert phones and all(p.startswith("+") for p in phones)  # E.164, not neutralised here


def test_parse_text_keeps_raw_and_normalized():
    rec = cardscan.parse_text("Ana Ruiz\nE-mail: Ana.Ruiz@Brightlane.Example\nTel (020) 7946 0018",
                              region="GB")
    assert rec.status == "ok"
    email = rec.parsed.emails[0]
    assert email.value == "ana.ruiz@brightlane.example"
    assert email.raw == "Ana.Ruiz@Brightlane.Example"
    phone = rec.parsed.phones[0]
    assert (phone.number, phone.type) == ("+442079460018", "work")
    assert "7946 0018" in phone.raw


def test_unknown_attribute():
    with pytest.raises(AttributeError):
        _ = cardscan.nothing_here  # type: ignore[attr-defined]
