"""Render fictional Japanese, Korean and Traditional Chinese cards, and photos
with text but no business card, in the cards-dev label format.

    python benchmarks/script_cards.py OUT [--per-script 6] [--seed 7]
    python benchmarks/accuracy.py OUT/labels.json OUT/images --engine rapidocr

Everything drawn is invented: names are combined from short lists of common
family and given names, companies and streets are made up, numbers are
fictional.  Needs Debian's fonts-noto-cjk (Noto Sans/Serif CJK).  The output is
for measuring only; nothing it writes belongs in the repository.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

NOTO = Path("/usr/share/fonts/opentype/noto")
# Face index inside Noto's CJK collections: JP, KR, SC, TC, HK.
FACE = {"ja": 0, "ko": 1, "zh-Hant": 3}
CARD_W, CARD_H = 1456, 880  # 91 x 55 mm at 16 px/mm (the Japanese card size)

FAMILY = {
    "ja": ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤"],
    "ko": ["김", "이", "박", "최", "정", "강", "조", "윤"],
    "zh-Hant": ["陳", "林", "黃", "張", "李", "王", "吳", "劉"],
}
GIVEN = {
    "ja": ["太郎", "花子", "健一", "美咲", "大輔", "直樹", "由美", "翔太", "恵子", "誠"],
    "ko": ["민준", "서연", "지훈", "수빈", "현우", "지은", "성민", "예린"],
    "zh-Hant": ["志明", "淑芬", "家豪", "怡君", "冠宇", "雅婷", "建宏", "美玲"],
}
ROMAN = {  # romanised readings of the lists above, same order
    "ja": (["Sato", "Suzuki", "Takahashi", "Tanaka", "Ito", "Watanabe", "Yamamoto",
            "Nakamura", "Kobayashi", "Kato"],
           ["Taro", "Hanako", "Kenichi", "Misaki", "Daisuke", "Naoki", "Yumi", "Shota",
            "Keiko", "Makoto"]),
    "ko": (["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon"],
           ["Minjun", "Seoyeon", "Jihoon", "Subin", "Hyunwoo", "Jieun", "Sungmin", "Yerin"]),
    "zh-Hant": (["Chen", "Lin", "Huang", "Chang", "Lee", "Wang", "Wu", "Liu"],
                ["Chih-Ming", "Shu-Fen", "Chia-Hao", "Yi-Chun", "Kuan-Yu", "Ya-Ting",
                 "Chien-Hung", "Mei-Ling"]),
}
TITLES = {
    "ja": ["代表取締役社長", "営業部長", "課長", "主任", "取締役", "係長"],
    "ko": ["대표이사", "영업부장", "과장", "팀장", "이사", "대리"],
    "zh-Hant": ["總經理", "業務經理", "副總經理", "專案經理", "董事長", "協理"],
}
COMPANY = {
    "ja": ["株式会社{}", "{}株式会社", "{}工業株式会社", "有限会社{}"],
    "ko": ["주식회사 {}", "{} 주식회사", "(주){}"],
    "zh-Hant": ["{}股份有限公司", "{}科技股份有限公司", "{}有限公司"],
}
COMPANY_STEM = {
    "ja": ["さくら商事", "ミナト電機", "青葉システム", "北斗物流", "ひかり設計"],
    "ko": ["한빛테크", "누리소프트", "바다물류", "새봄전자", "푸른디자인"],
    "zh-Hant": ["鼎新", "宏遠", "聯華", "瑞昇", "永豐"],
}
ADDRESS = {
    "ja": ["〒{z3}-{z4} 東京都千代田区丸の内{a}丁目{b}-{c}",
           "〒{z3}-{z4} 大阪府大阪市北区梅田{a}-{b}-{c}",
           "〒{z3}-{z4} 愛知県名古屋市中区栄{a}-{b}-{c}",
           "〒{z3}-{z4} 福岡県福岡市博多区博多駅前{a}-{b}-{c}"],
    "ko": ["서울특별시 강남구 테헤란로 {n}", "부산광역시 해운대구 센텀중앙로 {n}",
           "경기도 성남시 분당구 판교역로 {n}"],
    "zh-Hant": ["台北市信義區信義路五段{n}號", "新北市板橋區文化路一段{n}號",
                "台中市西屯區台灣大道三段{n}號"],
}
PHONE = {  # printed form, e164; fictional subscriber digits
    "ja": ("03-{a4}-{b4}", "+813{a4}{b4}"),
    "ko": ("02-{a4}-{b4}", "+822{a4}{b4}"),
    "zh-Hant": ("(02) {a4}-{b4}", "+8862{a4}{b4}"),
}
MOBILE = {
    "ja": ("090-{a4}-{b4}", "+8190{a4}{b4}"),
    "ko": ("010-{a4}-{b4}", "+8210{a4}{b4}"),
    "zh-Hant": ("0912-{a3}-{b3}", "+886912{a3}{b3}"),
}
TLD = {"ja": "co.jp", "ko": "co.kr", "zh-Hant": "com.tw"}
LABEL = {"ja": ("TEL", "携帯"), "ko": ("TEL", "휴대폰"), "zh-Hant": ("電話", "手機")}


@dataclass
class Card:
    lang: str
    name: str
    name_latin: str
    title: str
    company: str
    address: str
    email: str
    website: str
    phones: list[tuple[str, str, str]]  # type, printed, e164


def make_card(lang: str, rnd: random.Random) -> Card:
    fi, gi = rnd.randrange(len(FAMILY[lang])), rnd.randrange(len(GIVEN[lang]))
    fam, giv = FAMILY[lang][fi], GIVEN[lang][gi]
    rfam, rgiv = ROMAN[lang][0][fi], ROMAN[lang][1][gi]
    name = f"{fam} {giv}" if lang != "ko" else f"{fam}{giv}"
    stem_i = rnd.randrange(len(COMPANY_STEM[lang]))
    company = rnd.choice(COMPANY[lang]).format(COMPANY_STEM[lang][stem_i])
    dom = f"{['sakura', 'minato', 'aoba', 'hokuto', 'hikari', 'nuri', 'hanbit'][stem_i]}"
    dom = f"{dom}-{rnd.randrange(10, 99)}.{TLD[lang]}"
    d = {k: str(rnd.randrange(10 ** (n - 1), 10 ** n)) for k, n in
         (("a4", 4), ("b4", 4), ("a3", 3), ("b3", 3), ("z3", 3), ("z4", 4))}
    d.update(a=str(rnd.randrange(1, 9)), b=str(rnd.randrange(1, 20)), c=str(rnd.randrange(1, 30)),
             n=str(rnd.randrange(1, 400)))
    phones = [("work", PHONE[lang][0].format(**d), PHONE[lang][1].format(**d))]
    d2 = {k: str(rnd.randrange(10 ** (n - 1), 10 ** n)) for k, n in
          (("a4", 4), ("b4", 4), ("a3", 3), ("b3", 3))}
    phones.append(("mobile", MOBILE[lang][0].format(**d2), MOBILE[lang][1].format(**d2)))
    return Card(lang, name, f"{rgiv} {rfam}" if lang == "ja" else f"{rfam} {rgiv}",
                rnd.choice(TITLES[lang]), company, rnd.choice(ADDRESS[lang]).format(**d),
                f"{rgiv.lower().replace('-', '')}.{rfam.lower()}@{dom}", f"www.{dom}", phones)


def _font(lang: str, size: int, bold: bool = False, serif: bool = False) -> Any:
    kind = "Serif" if serif else "Sans"
    name = f"Noto{kind}CJK-{'Bold' if bold else 'Regular'}.ttc"
    return ImageFont.truetype(str(NOTO / name), size, index=FACE[lang])


def render_card(card: Card, rnd: random.Random) -> Image.Image:
    img = Image.new("RGB", (CARD_W, CARD_H), (250, 249, 246))
    dr = ImageDraw.Draw(img)
    serif = rnd.random() < 0.3
    ink = (30, 30, 40)
    x = 90
    dr.text((x, 70), card.company, font=_font(card.lang, 52, True, serif), fill=(20, 50, 120))
    dr.text((x, 200), card.title, font=_font(card.lang, 38, False, serif), fill=ink)
    dr.text((x, 255), card.name, font=_font(card.lang, 92, True, serif), fill=ink)
    dr.text((x, 375), card.name_latin, font=_font(card.lang, 36, False, serif), fill=ink)
    small = _font(card.lang, 34, False, serif)
    y = 520
    tel, mob = LABEL[card.lang]
    rows = [card.address, f"{tel} {card.phones[0][1]}", f"{mob} {card.phones[1][1]}",
            f"E-mail {card.email}", card.website]
    for row in rows:
        dr.text((x, y), row, font=small, fill=ink)
        y += 64
    return img


def photo(card_img: Image.Image, rnd: random.Random) -> Image.Image:
    """The card on a desk, a little turned, slightly blurred, with sensor noise."""
    desk = Image.new("RGB", (2000, 1500), tuple(rnd.randrange(60, 120) for _ in range(3)))
    ang = rnd.uniform(-4, 4)
    c = card_img.rotate(ang, expand=True, resample=Image.BICUBIC)
    m = Image.new("L", card_img.size, 255).rotate(ang, expand=True)
    desk.paste(c, ((2000 - c.width) // 2, (1500 - c.height) // 2), m)
    arr = np.asarray(desk.filter(ImageFilter.GaussianBlur(0.8))).astype(np.float32)
    arr += np.random.default_rng(rnd.randrange(1 << 30)).normal(0, 5, arr.shape)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


# --- photos with text and no business card ----------------------------------------

_LATIN = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
_LATIN_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def _f(size: int, bold: bool = False) -> Any:
    return ImageFont.truetype(_LATIN_BOLD if bold else _LATIN, size)


def trading_card(rnd: random.Random) -> Image.Image:
    """A game card: a character's name, stats and flavour text on a portrait card."""
    w, h = 630, 880  # 63 x 88 mm
    img = Image.new("RGB", (w, h), (200, 170, 60))
    dr = ImageDraw.Draw(img)
    hero = rnd.choice(["Ember Warden", "Mossback Golem", "Captain Vexa", "Frost Lynx"])
    dr.text((30, 25), hero, font=_f(40, True), fill=(20, 20, 20))
    dr.text((w - 130, 25), f"HP {rnd.randrange(40, 200)}", font=_f(34, True), fill=(150, 0, 0))
    dr.rectangle((30, 90, w - 30, 460), fill=(90, 120, 160))
    dr.text((30, 480), f"Level {rnd.randrange(1, 9)} Beast - Forest", font=_f(26), fill=(0, 0, 0))
    y = 530
    for atk in (f"Quick Strike  {rnd.randrange(10, 60)}", f"Stone Shield  {rnd.randrange(10, 90)}"):
        dr.text((40, y), atk, font=_f(32, True), fill=(0, 0, 0))
        y += 60
    dr.text((40, y + 20), "Once per turn, draw a card\nwhen this creature attacks.", font=_f(24),
            fill=(40, 40, 40))
    dr.text((40, h - 60), f"ATK {rnd.randrange(1000, 3000)} / DEF {rnd.randrange(500, 2500)}"
            f"   {rnd.randrange(1, 200)}/250", font=_f(22), fill=(0, 0, 0))
    return img


def ride_ticket(rnd: random.Random) -> Image.Image:
    w, h = 1100, 420
    img = Image.new("RGB", (w, h), (240, 90, 110))
    dr = ImageDraw.Draw(img)
    dr.text((40, 30), rnd.choice(["STARLIGHT FUNFAIR", "GRAND CARNIVAL", "PIER PARK"]),
            font=_f(64, True), fill=(255, 255, 255))
    dr.text((40, 130), "ADMIT ONE  -  ALL RIDES", font=_f(44, True), fill=(255, 240, 200))
    dr.text((40, 210), f"Valid {rnd.randrange(1, 28)} June only. Not transferable.", font=_f(30),
            fill=(255, 255, 255))
    dr.text((40, 270), f"No. {rnd.randrange(100000, 999999)}   Price 12.50", font=_f(30),
            fill=(255, 255, 255))
    dr.text((40, 330), "Keep this ticket until you leave the park", font=_f(26),
            fill=(255, 255, 255))
    return img


def prose_page(rnd: random.Random) -> Image.Image:
    w, h = 1240, 1754  # A5-ish page
    img = Image.new("RGB", (w, h), (245, 242, 232))
    dr = ImageDraw.Draw(img)
    prose = ("the river was slow that year and the boats came late to the harbour while "
             "everyone in town waited for news of the long winter that had kept them all "
             "indoors reading old letters by the window")
    words = prose.split()
    y = 120
    dr.text((120, 60), f"Chapter {rnd.randrange(2, 30)}", font=_f(44, True), fill=(0, 0, 0))
    while y < h - 150:
        line = " ".join(rnd.choice(words) for _ in range(9)).capitalize()
        dr.text((120, y + 60), line, font=_f(34), fill=(20, 20, 20))
        y += 56
    dr.text((w // 2 - 20, h - 90), str(rnd.randrange(10, 300)), font=_f(30), fill=(0, 0, 0))
    return img


def poster(rnd: random.Random) -> Image.Image:
    w, h = 1000, 1400
    img = Image.new("RGB", (w, h), (20, 30, 70))
    dr = ImageDraw.Draw(img)
    dr.text((60, 100), "SUMMER", font=_f(150, True), fill=(255, 200, 0))
    dr.text((60, 280), "JAZZ NIGHT", font=_f(110, True), fill=(255, 255, 255))
    white = (255, 255, 255)
    dr.text((60, 500), f"Saturday {rnd.randrange(1, 28)} July  8 pm", font=_f(50), fill=white)
    dr.text((60, 600), "Riverside Hall - Free entry", font=_f(50), fill=(255, 255, 255))
    dr.text((60, 700), "Live music, food trucks and more", font=_f(40), fill=(200, 200, 255))
    return img


NEGATIVES = {"trading_card": trading_card, "ride_ticket": ride_ticket,
             "prose_page": prose_page, "poster": poster}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--per-script", type=int, default=6)
    ap.add_argument("--negatives", type=int, default=2, help="photos of each negative kind")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args(argv)
    if not NOTO.is_dir():
        print(f"{NOTO}: fonts-noto-cjk is not installed", file=sys.stderr)
        return 2
    rnd = random.Random(a.seed)
    (a.out / "images").mkdir(parents=True, exist_ok=True)
    cards: dict[str, Any] = {}
    images: dict[str, Any] = {}
    negatives: dict[str, str] = {}
    for lang in FACE:
        for i in range(a.per_script):
            c = make_card(lang, rnd)
            cid = f"{lang}_{i}"
            img = render_card(c, rnd)
            kind = "scan" if i % 2 == 0 else "photo"
            if kind == "photo":
                img = photo(img, rnd)
            key = f"{cid}.jpg"
            img.save(a.out / "images" / key, quality=90)
            cards[cid] = {
                "name": c.name, "name_latin": c.name_latin, "title": c.title,
                "company": c.company, "department": None, "emails": [c.email],
                "phones": [{"type": t, "number": n, "e164": e} for t, n, e in c.phones],
                "websites": [c.website], "address": c.address, "lang": lang,
                "region": None, "quality": None, "uncertain": [], "note": "synthetic",
            }
            images[key] = {"cards": [cid], "kind": kind}
    for kind, draw in NEGATIVES.items():
        for i in range(a.negatives):
            key = f"neg_{kind}_{i}.jpg"
            img = draw(rnd)
            if i % 2:
                img = photo(img, rnd)
            img.save(a.out / "images" / key, quality=90)
            negatives[key] = kind.replace("_", " ")
    (a.out / "labels.json").write_text(json.dumps(
        {"version": 1, "cards": cards, "images": images, "negatives": negatives},
        ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(images)} cards and {len(negatives)} negatives in {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
