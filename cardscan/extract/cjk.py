"""Titles and addresses printed in Japanese, Korean or Chinese.

These scripts print no spaces between words, so the word-based scorers of
person.py and address.py see one token per line.  Here the vocabularies
(`vocab/cjk_titles.txt`, `vocab/cjk_address.txt`) are matched inside the line,
and Unicode's script blocks (`unicode_scripts`) say which lines are CJK.  The
scorers call these first: `None` means "not a CJK line, score it as usual".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from functools import cache

from ..model import Field
from ..unicode_scripts import has_han, has_kana, is_cjk
from .text import fold, vocab_entries

MAX_TITLE_CHARS = 14  # a title line longer than this holds more than a title
_ZIP_JP = re.compile(r"〒\s*\d{3}-?\d{4}|(?<!\d)\d{3}-\d{4}(?!\d)")
_COMPANY = ("株式会社", "有限会社", "合同会社", "(株)", "㈱", "주식회사", "㈜", "(주)", "유한회사",
            "有限公司", "公司")


@cache
def _titles() -> tuple[str, ...]:
    words = {_nfc(w) for e in vocab_entries("cjk_titles.txt") for w in e.split()}
    return tuple(sorted(words, key=len, reverse=True))


@cache
def _units() -> frozenset[str]:
    return frozenset(_nfc(w) for e in vocab_entries("cjk_address.txt") for w in e.split())


def _squeezed(text: str) -> str:
    """Folded, Hangul composed again, spaces out: how a CJK line is matched."""
    return _nfc(fold(text)).replace(" ", "")


@cache
def _legal_forms() -> tuple[str, ...]:
    return tuple(_squeezed(s) for s in _COMPANY)


@cache
def _dept_endings() -> tuple[str, ...]:
    return tuple(_squeezed(e) for e in _DEPT_ENDINGS)


def _nfc(text: str) -> str:
    """Folded text with its Hangul syllables composed again (folding decomposes them)."""
    return unicodedata.normalize("NFC", text)


def cjk_share(text: str) -> float:
    """Share of the line's letters that are Han, kana or Hangul."""
    letters = [c for c in text if c.isalpha()]
    return sum(1 for c in letters if is_cjk(c)) / len(letters) if letters else 0.0


def _is_cjk_line(text: str) -> bool:
    return cjk_share(text) >= 0.5


def title_score(text: str) -> float | None:
    """None for a line that is not CJK; else how much it reads as a job title."""
    if not _is_cjk_line(text):
        return None
    t = _squeezed(text)
    if not t or len(t) > MAX_TITLE_CHARS or any(c.isdigit() for c in t):
        return 0.0
    if any(s in t for s in _legal_forms()):
        return 0.0
    covered = 0
    rest = t
    for w in _titles():
        if w in rest:
            covered += len(w) * rest.count(w)
            rest = rest.replace(w, " ")
    if not covered:
        return 0.0
    return 0.45 + 0.5 * covered / len(t)


# Units of an organisation, printed at the end of a department's name ("営業部",
# "海外事業本部", "인사팀", "市场部"): facts of the languages.  A title ends in its
# rank instead ("部長", "팀장"), so a line that holds a title is not a department.
_DEPT_ENDINGS = (
    "部", "課", "室", "局", "本部", "事業部", "センター", "グループ", "チーム", "支店", "営業所",
    "부", "팀", "실", "본부", "센터", "그룹",
    "部门", "部門", "处", "處", "科", "组", "組", "中心",
)
MAX_DEPARTMENT_CHARS = 12


def department_score(text: str) -> float | None:
    """None for a line that is not CJK; else how much it reads as a department."""
    if not _is_cjk_line(text):
        return None
    t = _squeezed(text)
    if len(t) < 2 or len(t) > MAX_DEPARTMENT_CHARS or any(c.isdigit() for c in t):
        return 0.0
    if any(s in t for s in _legal_forms()) or title_score(text):
        return 0.0
    return 0.7 if t.endswith(_dept_endings()) else 0.0


def address_score(text: str) -> float | None:
    """None for a line that is not CJK; else how much it reads as an address line:
    a postcode, administrative units after place names, house numbers."""
    if not _is_cjk_line(text):
        return None
    score = 0.0
    if _ZIP_JP.search(text):
        score += 0.8
    units = _units()
    # A unit counts after at least one other CJK character ("東京都", "강남구").
    folded = _nfc(fold(text))  # as the vocabulary is
    found = {u for u in units if re.search(rf"[^\W\d_]{re.escape(u)}", folded)}
    if found:
        score += min(0.6, 0.3 * len(found))  # two units make a place; more add nothing
    if re.search(r"\d", text) and found:
        score += 0.3
    if any(s in text for s in _COMPANY):
        score = min(score, 0.2)
    return score


def second_postcode(run: list[str], line: str) -> bool:
    """`line` starts another address: it has a Japanese postcode (〒123-4567) and
    the run of address lines before it has one already."""
    return bool(_ZIP_JP.search(line)) and any(_ZIP_JP.search(t) for t in run)


# --- Japanese names -------------------------------------------------------------------


@cache
def _surnames() -> tuple[str, ...]:
    names = {_nfc(w) for e in vocab_entries("ja_surnames.txt") for w in e.split()}
    return tuple(sorted(names, key=len, reverse=True))


def japanese_card(texts: list[str], region: str | None) -> bool:
    """Kana anywhere on the card, or a card placed in Japan."""
    return region == "JP" or any(has_kana(t) for t in texts)


def space_family_name(name: str) -> str:
    """"山田太郎" -> "山田 太郎": the space between family and given name, which
    Japanese cards print and OCR loses.  A known family name at the start decides;
    else a four-kanji name splits 2+2, the commonest shape; else it is kept."""
    if " " in name or not 3 <= len(name) <= 5 or not all(has_han(c) for c in name):
        return name
    fam = next((s for s in _surnames() if name.startswith(s) and len(name) - len(s) >= 1), None)
    if fam is None and len(name) == 4:
        fam = name[:2]
    return f"{fam} {name[len(fam):]}" if fam else name


def spaced_name(name: Field) -> Field:
    value = space_family_name(name.value)
    return name if value == name.value else replace(name, value=value)


# Characters a shop's or an organisation's name ends with in Chinese and Japanese
# (茶行, 餐廳, 眼鏡店, 八百屋, 藥局, 美容院, 企業社); the Hangul ones (식당, 마트) are words of
# vocab/company_words.txt, matched at the end of the line as well.
_ORG_ENDINGS = ("店", "行", "廳", "厅", "館", "馆", "社", "莊", "庄", "坊", "鋪", "铺", "屋", "局",
                "院")


@cache
def _org_words() -> tuple[str, ...]:
    return tuple(_nfc(w) for w in vocab_entries("company_words.txt")
                 if w and all(is_cjk(c) for c in w))


def org_ending(text: str) -> bool:
    """A CJK line of three characters or more that ends as a shop's or an
    organisation's name does."""
    if not _is_cjk_line(text):
        return False
    t = _squeezed(text).rstrip(")）")
    return len(t) >= 3 and (t.endswith(_ORG_ENDINGS) or t.endswith(_org_words()))
