"""A stress set nobody tunes on: N synthetic business cards in 15 locales.

    python samples/stress.py --out DIR --n 500 --seed 7     # DIR/labels.json + DIR/*.jpg|png
    python benchmarks/stress.py DIR                          # score cardscan on it

Fictional people and companies in pt-BR, es, de, fr, it, tr, vi, ja, zh, ko, ar, en, en-IN
(Indian), ms (Malaysian) and zh-TW (Traditional Chinese, Taiwan), in
varied layouts (left, right, centered, two-column), fonts and colour schemes (white on
dark, a dark panel, a coloured band), with local numbers printed without a country code
(the region must come from the card: city, postcode, language, domain), numbers with +CC,
several typed numbers labelled in the card's language, numbers without their area code,
companies only in a stylised logo or split over two lines, two-line titles, departments,
shop cards (the shop's name printed largest, the owner's name small, often a free-mail
address named after the shop);
shown as phone photos (rotation, perspective, noise), flat scans and app crops.

Card i draws from its own random stream (seed, i), so `--n 5` gives the first five cards
of `--n 500`.  Output is deterministic for the same seed, fonts and library versions.
Ground truth is in the schema of ../shared/cards-dev/labels.json, so
`benchmarks/accuracy.py DIR/labels.json DIR` scores it unchanged; each image entry also
carries `lang`, `layout`, `scheme`, `company_style` and `covers` for per-group reports.

Numbers: phonenumbers' example number for the region and type with the last digits
varied, kept only when phonenumbers calls it valid (US/CA keep 555-01xx).  Domains are
invented, or under the reserved `.example` TLD.  The images are never committed.
Needs the fonts in samples/README.md; a language whose fonts (or, for Arabic, Pillow's
libraqm shaping) are missing is skipped with a warning, never drawn as broken text.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import random
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cv2
import numpy as np
import phonenumbers
from PIL import Image, ImageDraw, ImageFont, features

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate as gen  # samples/ is not a package

PNF = phonenumbers.PhoneNumberFormat
PNT = phonenumbers.PhoneNumberType
RGB = tuple[int, int, int]

# Fonts only this generator needs: key -> (file, Debian package).
STRESS_FONTS: dict[str, tuple[str, str]] = {
    "ipaex-mincho": ("ipaexm.ttf", "fonts-ipaexfont-mincho"),
    "wqy-microhei": ("wqy-microhei.ttc", "fonts-wqy-microhei"),
    "droid-fallback": ("DroidSansFallbackFull.ttf", "fonts-droid-fallback"),
    "amiri": ("Amiri-Regular.ttf", "fonts-hosny-amiri"),
    "amiri-bold": ("Amiri-Bold.ttf", "fonts-hosny-amiri"),
    "kacst-one": ("KacstOne.ttf", "fonts-kacst-one"),
    "kacst-one-bold": ("KacstOne-Bold.ttf", "fonts-kacst-one"),
}
gen.register_fonts(STRESS_FONTS)

LATIN_FONTS = (
    ("dejavu-sans-bold", "dejavu-sans"), ("dejavu-serif-bold", "dejavu-serif"),
    ("liberation-sans-bold", "liberation-sans"), ("liberation-serif-bold", "liberation-serif"),
    ("nimbus-sans-bold", "nimbus-sans"), ("nimbus-narrow-bold", "nimbus-narrow"),
    ("urw-gothic-demi", "urw-gothic"), ("c059-bold", "c059"), ("p052-bold", "p052"),
    ("bookman-demi", "bookman"),
)
# (bold, regular) pairs per script; the Latin text on such cards uses the same font.
SCRIPT_FONTS: dict[str, tuple[tuple[str, str], ...]] = {
    "ja": (("ipaex-gothic", "ipaex-gothic"), ("ipaex-mincho", "ipaex-mincho"),
           ("ipaex-gothic", "ipaex-mincho")),
    "zh": (("wqy-microhei", "wqy-microhei"), ("droid-fallback", "droid-fallback")),
    "ko": (("wqy-microhei", "wqy-microhei"), ("droid-fallback", "droid-fallback")),
    "ar": (("amiri-bold", "amiri"), ("kacst-one-bold", "kacst-one")),
}
LAYOUTS = ("left", "right", "centered", "two_column")
SCHEMES = ("light", "light", "light", "dark", "dark", "panel")
KINDS = ("photo",) * 7 + ("scan",) * 2 + ("crop",)
LANGS = ("pt-BR", "es", "de", "fr", "it", "tr", "vi", "ja", "zh", "ko", "ar", "en", "en-IN",
         "ms", "zh-TW")


# --------------------------------------------------------------------------- locales


@dataclass(frozen=True)
class Town:
    region: str  # ISO country
    city: str
    postcode: str  # pattern: # = digit
    lines: tuple[str, ...]  # address lines; {street} {no} {city} {pc} {district}


@dataclass(frozen=True)
class Locale:
    tag: str
    lang: str  # the label's `lang`
    script: str  # latin | ja | zh | ko | ar
    given: tuple[str, ...]
    family: tuple[str, ...]
    titles: tuple[str, ...]  # " / " = printed over two lines
    departments: tuple[str, ...]
    stems: tuple[str, ...]  # company name cores
    forms: tuple[str, ...]  # "{s}" patterns with the legal form
    streets: tuple[str, ...]
    districts: tuple[str, ...]
    towns: tuple[Town, ...]
    mobile: tuple[str, ...]  # phone labels as printed
    work: tuple[str, ...]
    fax: tuple[str, ...]
    family_first: bool = False
    latin_given: tuple[str, ...] = ()  # romanised, index-aligned with given/family
    latin_family: tuple[str, ...] = ()
    latin_stems: tuple[str, ...] = ()  # romanised company cores for domains
    # Shop cards: the shop's name printed largest, the owner's name small.
    shop_share: float = 0.08  # share of this locale's cards that are shop cards
    shop_forms: tuple[str, ...] = ()  # "{s}" patterns of shop names (else `forms`)
    shop_titles: tuple[str, ...] = ()  # what an owner prints under the name (else `titles`)
    freemail_share: float = 0.0  # shop cards with a free-mail address named after the shop


L = Locale
T = Town
LOCALES: dict[str, Locale] = {
    "pt-BR": L(
        "pt-BR", "pt", "latin",
        ("Ana", "Bruno", "Carla", "Diego", "Fernanda", "Gustavo", "Juliana", "Marcelo",
         "Patrícia", "Rafael", "Tatiane", "Vinícius"),
        ("Almeida", "Barbosa", "Cardoso", "Ferreira", "Gonçalves", "Lima", "Moreira",
         "Nascimento", "Ribeiro", "Souza", "Teixeira", "Vieira"),
        ("Gerente Comercial", "Diretor de Operações", "Analista de Sistemas",
         "Coordenadora de Projetos", "Consultor de Vendas", "Proprietário",
         "Gerente de Desenvolvimento / de Novos Negócios", "Engenheira de Produção"),
        ("Departamento Comercial", "Suprimentos", "Tecnologia da Informação", "Exportação"),
        ("Ipê Amarelo", "Serra Azul", "Horizonte", "Vale Verde", "Litoral", "Aroeira",
         "Jacarandá", "Maré Alta"),
        ("{s} Comércio Ltda.", "{s} Distribuidora", "{s} Tecnologia S.A.", "Grupo {s}",
         "{s} Materiais de Construção", "{s} Auto Peças"),
        ("Rua das Acácias", "Av. Brigadeiro Faria", "Rua Dom Pedro II", "Av. Santos Dumont",
         "Rua Sete de Setembro", "Travessa do Comércio"),
        ("Centro", "Jd. América", "Vila Nova", "Santana", "Boa Vista"),
        (T("BR", "São Paulo", "0####-###", ("{street}, {no} - {district}", "{city} - SP, {pc}")),
         T("BR", "São Paulo", "0####-###", ("{street}, {no} - {district}", "{city}")),
         T("BR", "Campinas", "13###-###", ("{street}, {no}", "CEP {pc} - {city}/SP")),
         T("BR", "Belo Horizonte", "30###-###", ("{street}, {no} - {district}",
                                                  "{city} - MG")),
         T("BR", "Curitiba", "80###-###", ("{street}, {no} - {city} - PR",))),
        ("Cel.:", "Celular", "WhatsApp", "Cel"), ("Tel.:", "Fone:", "Tel", "Fixo"), ("Fax:",),
        shop_share=0.3,
        shop_forms=("{s} Auto Peças", "Padaria {s}", "Mercadinho {s}", "Lanchonete {s}",
                    "{s} Materiais de Construção", "Ótica {s}"),
        shop_titles=("Proprietário", "Proprietária", "Gerente", "Sócio-Proprietário"),
        freemail_share=0.4,
    ),
    "es": L(
        "es", "es", "latin",
        ("Alejandro", "Beatriz", "Carmen", "Daniel", "Elena", "Javier", "Lucía", "Miguel",
         "Pilar", "Sergio", "Valeria", "Andrés"),
        ("García", "Martínez", "Rodríguez", "Sánchez", "Romero", "Navarro", "Torres",
         "Domínguez", "Vázquez", "Ortega", "Castillo", "Morales"),
        ("Director Comercial", "Jefa de Proyectos", "Responsable de Compras",
         "Ingeniero de Ventas", "Gerente General", "Directora de Marketing / y Comunicación",
         "Asesor Financiero"),
        ("Departamento de Ventas", "Recursos Humanos", "Área Técnica", "Logística"),
        ("Brisa del Sur", "Alameda", "Sierra Nevada", "Mar Abierto", "Olivar", "Puerta Real"),
        ("{s} S.L.", "{s} S.A.", "Grupo {s}", "{s} Soluciones S.L.", "{s} Consultores",
         "{s} S.A. de C.V."),
        ("Calle Mayor", "Av. de la Constitución", "Calle del Prado", "Paseo de Gracia",
         "Calle Reforma", "Av. Insurgentes Sur"),
        ("Centro", "Colonia Roma", "Chamberí", "Eixample"),
        (T("ES", "Madrid", "280##", ("{street}, {no}", "{pc} {city}")),
         T("ES", "Barcelona", "080##", ("{street}, {no}, 2º", "{pc} {city}")),
         T("ES", "Sevilla", "410##", ("{street} {no}", "{pc} {city}, España")),
         T("MX", "Ciudad de México", "06###", ("{street} {no}, {district}",
                                               "C.P. {pc}, {city}")),
         T("MX", "Guadalajara", "44###", ("{street} {no}", "{city}, Jal., C.P. {pc}"))),
        ("Móvil", "Cel.", "Celular", "M."), ("Tel.", "Teléfono", "Oficina", "T."), ("Fax",),
    ),
    "de": L(
        "de", "de", "latin",
        ("Anna", "Christian", "Frank", "Julia", "Katrin", "Markus", "Petra", "Sebastian",
         "Stefanie", "Thomas", "Ulrike", "Jürgen"),
        ("Bauer", "Fischer", "Hoffmann", "Krüger", "Lehmann", "Meyer", "Richter", "Schäfer",
         "Schulz", "Wagner", "Zimmermann", "Köhler"),
        ("Geschäftsführer", "Leiterin Einkauf", "Vertriebsingenieur", "Projektleiter",
         "Prokuristin", "Technischer Leiter / Qualitätssicherung", "Key Account Managerin"),
        ("Abteilung Vertrieb", "Personalwesen", "Forschung & Entwicklung", "Kundendienst"),
        ("Lindenhof", "Bergmann", "Nordstern", "Falkenrath", "Eichenwald", "Sonnberg"),
        ("{s} GmbH", "{s} GmbH & Co. KG", "{s} AG", "{s} Maschinenbau GmbH",
         "{s} Steuerberatung", "{s} Elektrotechnik GmbH"),
        ("Hauptstraße", "Bahnhofstraße", "Industriestraße", "Am Marktplatz", "Lindenallee",
         "Gartenweg"),
        ("",),
        (T("DE", "Hamburg", "22###", ("{street} {no}", "{pc} {city}")),
         T("DE", "Köln", "50###", ("{street} {no}", "{pc} {city}")),
         T("DE", "Leipzig", "04###", ("{street} {no}", "D-{pc} {city}")),
         T("AT", "Wien", "1###", ("{street} {no}", "{pc} {city}")),
         T("AT", "Graz", "80##", ("{street} {no}", "A-{pc} {city}, Österreich"))),
        ("Mobil", "Handy", "M"), ("Tel.", "Telefon", "T"), ("Fax", "F"),
    ),
    "fr": L(
        "fr", "fr", "latin",
        ("Camille", "Julien", "Sophie", "Nicolas", "Élodie", "Mathieu", "Claire", "Antoine",
         "Hélène", "Thierry", "Amélie", "François"),
        ("Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Laurent", "Girard", "Rousseau",
         "Fontaine", "Chevalier", "Mercier", "Garnier"),
        ("Directeur Commercial", "Chef de Projet", "Responsable des Achats",
         "Ingénieure Commerciale", "Gérant", "Chargée de Communication / et des Relations Presse",
         "Expert-Comptable"),
        ("Service Client", "Direction Technique", "Ressources Humaines", "Pôle Export"),
        ("Clairefontaine", "Beaulieu", "Les Tilleuls", "Rivage", "Montclair", "Belle Rive"),
        ("{s} SARL", "{s} SAS", "{s} S.A.", "Groupe {s}", "Atelier {s}", "{s} Conseil"),
        ("rue de la République", "avenue Jean Jaurès", "boulevard Victor Hugo",
         "rue des Lilas", "place du Marché", "quai de la Loire"),
        ("",),
        (T("FR", "Lyon", "6900#", ("{no}, {street}", "{pc} {city}")),
         T("FR", "Paris", "750##", ("{no} {street}", "{pc} {city}")),
         T("FR", "Nantes", "440##", ("{no}, {street}", "{pc} {city}, France")),
         T("FR", "Bordeaux", "330##", ("{no} {street}", "{pc} {city} Cedex"))),
        ("Mobile", "Portable", "Port.", "M."), ("Tél.", "Tél", "Bureau", "Standard"), ("Fax",),
    ),
    "it": L(
        "it", "it", "latin",
        ("Alessandro", "Chiara", "Davide", "Francesca", "Giorgio", "Laura", "Matteo",
         "Paola", "Riccardo", "Silvia", "Stefano", "Valentina"),
        ("Rossi", "Bianchi", "Colombo", "Ferrari", "Esposito", "Ricci", "Marino", "Greco",
         "Bruno", "Gallo", "Conti", "De Luca"),
        ("Direttore Commerciale", "Responsabile Acquisti", "Project Manager",
         "Amministratore Delegato", "Ingegnere di Processo", "Titolare",
         "Responsabile Marketing / e Sviluppo Prodotto"),
        ("Ufficio Tecnico", "Amministrazione", "Ufficio Vendite", "Logistica"),
        ("Aurora", "Vallebella", "Castelverde", "Riva del Sole", "Monteblu", "Girasole"),
        ("{s} S.r.l.", "{s} S.p.A.", "{s} & Figli S.n.c.", "Studio {s}", "{s} Impianti S.r.l."),
        ("Via Roma", "Corso Garibaldi", "Via Giuseppe Verdi", "Viale Europa", "Piazza Duomo",
         "Via dell'Industria"),
        ("",),
        (T("IT", "Milano", "201##", ("{street}, {no}", "{pc} {city} (MI)")),
         T("IT", "Torino", "101##", ("{street} {no}", "{pc} {city}")),
         T("IT", "Bologna", "401##", ("{street}, {no}", "{pc} {city} BO")),
         T("IT", "Firenze", "501##", ("{street}, {no} - {pc} {city}",))),
        ("Cell.", "Cellulare", "Mob."), ("Tel.", "Telefono", "Uff."), ("Fax",),
    ),
    "tr": L(
        "tr", "tr", "latin",
        ("Ahmet", "Ayşe", "Burak", "Elif", "Emre", "Gökhan", "Hülya", "Kerem", "Merve",
         "Özlem", "Serkan", "Zeynep"),
        ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Öztürk", "Aydın", "Arslan",
         "Doğan", "Kılıç", "Aslan"),
        ("Genel Müdür", "Satış Müdürü", "Proje Yöneticisi", "Satın Alma Uzmanı",
         "Yazılım Mühendisi", "İş Geliştirme / Müdür Yardımcısı", "Muhasebe Şefi"),
        ("Satış Departmanı", "İnsan Kaynakları", "Ar-Ge Merkezi", "Dış Ticaret"),
        ("Anadolu", "Yeşilvadi", "Boğaziçi", "Akdeniz", "Kardelen", "Güneşli"),
        ("{s} Ltd. Şti.", "{s} A.Ş.", "{s} Mühendislik A.Ş.", "{s} Tekstil San. ve Tic.",
         "{s} Lojistik Ltd. Şti."),
        ("Atatürk Cad.", "İstiklal Cad.", "Cumhuriyet Mah.", "Gazi Bulvarı", "Barbaros Sok."),
        ("Kadıköy", "Çankaya", "Konak", "Nilüfer"),
        (T("TR", "İstanbul", "34###", ("{street} No: {no}", "{pc} {district} / {city}")),
         T("TR", "Ankara", "06###", ("{street} No:{no} {district}", "{pc} {city}")),
         T("TR", "İzmir", "35###", ("{street} No: {no}", "{district} {pc} {city}")),
         T("TR", "Bursa", "16###", ("{street} No: {no} {district} / {city}",))),
        ("Cep", "GSM", "Mobil"), ("Tel", "Telefon", "T"), ("Faks", "Fax", "F"),
    ),
    "vi": L(
        "vi", "vi", "latin",
        ("An", "Bình", "Dũng", "Hạnh", "Hương", "Khoa", "Linh", "Minh", "Phương", "Quân",
         "Thảo", "Tuấn"),
        ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ",
         "Hồ", "Ngô"),
        ("Giám đốc", "Trưởng phòng Kinh doanh", "Kỹ sư Phần mềm", "Phó Giám đốc",
         "Chuyên viên Tư vấn", "Trưởng phòng / Xuất nhập khẩu", "Kế toán trưởng"),
        ("Phòng Kinh doanh", "Phòng Kỹ thuật", "Phòng Nhân sự", "Phòng Kế hoạch"),
        ("Sao Mai", "Hoa Sen", "Bình Minh", "Trường Sơn", "Thái Dương", "Phú Gia"),
        ("Công ty TNHH {s}", "Công ty Cổ phần {s}", "{s} Co., Ltd.", "Tập đoàn {s}"),
        ("Đường Lê Lợi", "Đường Nguyễn Huệ", "Đường Trần Hưng Đạo", "Phố Huế",
         "Đường Hai Bà Trưng"),
        ("Phường Bến Nghé", "Phường 6", "Quận Hoàn Kiếm", "Phường Thạch Thang"),
        (T("VN", "TP. Hồ Chí Minh", "70####", ("{no} {street}, {district}", "Quận 1, {city}")),
         T("VN", "Hà Nội", "10####", ("Số {no} {street}", "{district}, {city}")),
         T("VN", "Đà Nẵng", "55####", ("{no} {street}, {district}, {city}",))),
        ("DĐ", "Di động", "Mobile", "HP"), ("ĐT", "Điện thoại", "Tel"), ("Fax",),
        family_first=True,
    ),
    "ja": L(
        "ja", "ja", "ja",
        ("健太", "美咲", "翔", "陽子", "大輔", "由美", "拓也", "恵", "直樹", "彩"),
        ("佐藤", "鈴木", "田中", "渡辺", "伊藤", "山本", "中村", "小林", "加藤", "吉田"),
        ("部長", "課長", "主任", "代表取締役社長", "営業担当", "システムエンジニア",
         "マネージャー", "取締役 / 営業本部長"),
        ("営業部", "技術部", "総務部", "海外事業部", "開発本部 第二開発部"),
        ("あおぞら", "ミドリ", "さくら", "ひかり", "アサヒ", "やまと"),
        ("株式会社{s}", "{s}株式会社", "株式会社{s}商事", "{s}工業株式会社", "有限会社{s}"),
        ("1-2-3", "2-15-8", "3-4-12", "4-7-1", "5-10-20"),
        ("", "", "ミドリビル3F", "第二ビル8階"),
        (T("JP", "東京都", "〒###-####", ("{pc} {city}港区芝{street}", "{district}")),
         T("JP", "大阪府", "〒5##-####", ("{pc}", "{city}大阪市北区梅田{street}")),
         T("JP", "神奈川県", "〒2##-####", ("{pc} {city}横浜市西区{street}", "{district}")),
         T("JP", "愛知県", "〒4##-####", ("{pc} {city}名古屋市中区栄{street}",))),
        ("携帯", "Mobile", "M"), ("TEL", "Tel", "電話"), ("FAX", "Fax"),
        family_first=True,
        latin_given=("Kenta", "Misaki", "Sho", "Yoko", "Daisuke", "Yumi", "Takuya", "Megumi",
                     "Naoki", "Aya"),
        latin_family=("Sato", "Suzuki", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura",
                      "Kobayashi", "Kato", "Yoshida"),
        latin_stems=("aozora", "midori", "sakura", "hikari", "asahi", "yamato"),
    ),
    "zh": L(
        "zh", "zh", "zh",
        ("伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "俊杰", "晓明"),
        ("王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"),
        ("总经理", "销售经理", "技术总监", "项目经理", "市场部主管", "高级工程师",
         "副总经理 / 兼财务总监"),
        ("销售部", "技术部", "市场部", "国际业务部"),
        ("青禾", "华兴", "金桥", "远航", "恒信", "天成"),
        ("上海{s}科技有限公司", "{s}贸易有限公司", "深圳市{s}电子有限公司", "北京{s}咨询有限公司",
         "{s}集团"),
        ("世纪大道", "中山路", "解放路", "人民路", "科技园南路"),
        ("", "大厦12层", "B座501室"),
        (T("CN", "上海市", "200###", ("{city}浦东新区{street}{no}号", "{district}")),
         T("CN", "北京市", "100###", ("{city}海淀区{street}{no}号", "邮编：{pc}")),
         T("CN", "深圳市", "518###", ("广东省{city}南山区{street}{no}号{district}",)),
         T("TW", "台北市", "1##", ("{pc} {city}信義區{street}{no}號", "{district}"))),
        ("手机", "Mobile", "M"), ("电话", "Tel", "T"), ("传真", "Fax"),
        family_first=True,
        shop_share=0.25,
        shop_forms=("{s}餐厅", "{s}便利店", "{s}五金店", "{s}茶庄", "{s}眼镜店"),
        shop_titles=("店长", "老板", "经理", "负责人"),
        latin_given=("Wei", "Fang", "Na", "Min", "Jing", "Lei", "Yang", "Yan", "Junjie",
                     "Xiaoming"),
        latin_family=("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu",
                      "Zhou"),
        latin_stems=("qinghe", "huaxing", "jinqiao", "yuanhang", "hengxin", "tiancheng"),
    ),
    "ko": L(
        "ko", "ko", "ko",
        ("민준", "서연", "지훈", "수빈", "현우", "지은", "동현", "하은", "성민", "유진"),
        ("김", "이", "박", "최", "정", "강", "조", "윤", "장", "임"),
        ("대표이사", "영업팀장", "과장", "책임연구원", "부장", "선임 매니저",
         "해외영업본부 / 본부장"),
        ("영업팀", "기술연구소", "경영지원팀", "마케팅팀"),
        ("한빛", "새솔", "푸른바다", "다온", "미래로", "늘봄"),
        ("(주){s}", "{s} 주식회사", "주식회사 {s}테크", "{s}산업(주)", "{s}소프트"),
        ("테헤란로", "세종대로", "해운대로", "판교역로", "중앙대로"),
        ("", "5층", "한빛빌딩 12층"),
        (T("KR", "서울특별시", "06###", ("{city} 강남구 {street} {no}", "{district}")),
         T("KR", "부산광역시", "48###", ("({pc}) {city} 해운대구 {street} {no}",)),
         T("KR", "경기도", "13###", ("{city} 성남시 분당구 {street} {no}", "{district}"))),
        ("휴대폰", "H.P", "M", "Mobile"), ("전화", "Tel", "T"), ("팩스", "Fax", "F"),
        family_first=True,
        shop_share=0.25,
        shop_forms=("{s} 식당", "{s}마트", "{s} 부동산", "{s} 카페", "{s} 안경원"),
        shop_titles=("대표", "사장", "점장", "실장"),
        latin_given=("Minjun", "Seoyeon", "Jihoon", "Subin", "Hyunwoo", "Jieun", "Donghyun",
                     "Haeun", "Sungmin", "Yujin"),
        latin_family=("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang",
                      "Lim"),
        latin_stems=("hanbit", "saesol", "pureunbada", "daon", "miraero", "neulbom"),
    ),
    "ar": L(
        "ar", "ar", "ar",
        ("محمد", "أحمد", "فاطمة", "خالد", "مريم", "عمر", "نورة", "يوسف", "ليلى", "سعيد"),
        ("العلي", "الحسن", "المنصوري", "الشامي", "القحطاني", "الزهراني", "النجار", "الخطيب",
         "السيد", "الحربي"),
        ("المدير العام", "مدير المبيعات", "مهندس مشاريع", "مديرة التسويق", "محاسب",
         "مدير تطوير الأعمال / والشراكات"),
        ("إدارة المبيعات", "الموارد البشرية", "قسم المشاريع", "الشؤون المالية"),
        ("النخيل", "الواحة", "الأفق", "الريان", "السدرة", "اللؤلؤة"),
        ("شركة {s} للتجارة", "مجموعة {s}", "{s} للمقاولات", "مؤسسة {s}", "شركة {s} المحدودة"),
        ("شارع الشيخ زايد", "شارع الملك فهد", "طريق الكورنيش", "شارع التحرير"),
        ("", "برج الأفق، الطابق ٧"),
        (T("AE", "دبي", "", ("{street}، {district}", "{city}، الإمارات العربية المتحدة")),
         T("SA", "الرياض", "#####", ("{street}، {city} {pc}", "المملكة العربية السعودية")),
         T("EG", "القاهرة", "11###", ("{no} {street}، {city}", "مصر"))),
        ("جوال", "موبايل", "Mobile"), ("هاتف", "Tel", "ت"), ("فاكس", "Fax"),
        latin_given=("Mohammed", "Ahmed", "Fatima", "Khaled", "Maryam", "Omar", "Noura",
                     "Youssef", "Laila", "Saeed"),
        latin_family=("Al Ali", "Al Hassan", "Al Mansouri", "Al Shami", "Al Qahtani",
                      "Al Zahrani", "Al Najjar", "Al Khatib", "El Sayed", "Al Harbi"),
        latin_stems=("alnakheel", "alwaha", "alofoq", "alrayan", "alsidra", "allulu"),
    ),
    "en": L(
        "en", "en", "latin",
        ("Emily", "James", "Olivia", "Daniel", "Priya", "Michael", "Sarah", "Arjun",
         "Hannah", "Thomas", "Grace", "Liam"),
        ("Thompson", "Walker", "Harris", "Mitchell", "Sharma", "Clarke", "Bennett", "Iyer",
         "Foster", "Hughes", "Reid", "Patel"),
        ("Sales Director", "Senior Account Manager", "Chief Technology Officer",
         "Project Coordinator", "Managing Partner", "Proprietor",
         "Head of Partnerships / EMEA and APAC", "Operations Manager"),
        ("Business Development", "Customer Success", "Research & Development", "Procurement"),
        ("Blue Harbour", "Redwood", "Silverline", "Northgate", "Kestrel", "Copperfield"),
        ("{s} Ltd", "{s} Inc.", "{s} Pty Ltd", "{s} Consulting", "{s} Traders",
         "{s} Pvt. Ltd."),
        ("High Street", "Market Road", "Station Road", "Main Street", "MG Road", "King Street"),
        ("Suite 4", "Unit 12", "Level 3", "2nd Floor"),
        (T("US", "Portland, OR", "972##", ("{no} {street}, {district}", "{city} {pc}")),
         T("US", "Austin, TX", "787##", ("{no} {street}", "{city} {pc}")),
         T("GB", "Leeds", "LS# #AB", ("{district}, {no} {street}", "{city} {pc}")),
         T("IN", "Pune", "411###", ("{no}, {street}", "{city} - {pc}")),
         T("IN", "Ahmedabad", "380###", ("{no}, {street}, {district}", "{city} - {pc}")),
         T("AU", "Brisbane QLD", "40##", ("{district}, {no} {street}", "{city} {pc}"))),
        ("Mobile", "M", "Cell", "Mob."), ("Tel", "T", "Office", "Direct", "Ph."), ("Fax", "F"),
        shop_forms=("{s} Bakery", "{s} Hardware", "{s} Auto Repair", "{s} Florist"),
        shop_titles=("Owner", "Proprietor", "Manager"),
    ),
    "en-IN": L(
        "en-IN", "en", "latin",
        ("Rakesh", "Suresh", "Amit", "Priya", "Sunita", "Vikram", "Anil", "Kavita", "Manoj",
         "Deepak", "Pooja", "Ramesh", "Hitesh", "Jignesh"),
        ("Patel", "Shah", "Sharma", "Verma", "Gupta", "Mehta", "Desai", "Joshi", "Agarwal",
         "Reddy", "Nair", "Kumar", "Jain", "Thakkar"),
        ("Proprietor", "Managing Director", "Partner", "Sales Manager", "Director"),
        ("Sales", "Accounts", "Marketing"),
        ("Navrang", "Krishna", "Laxmi", "Balaji", "Om Sai", "Shiv Shakti", "Ambika",
         "Jay Ambe", "Mahavir", "Ganesh", "Sagar", "Shubh"),
        ("{s} Pvt. Ltd.", "{s} Enterprises", "{s} Industries", "{s} Exports"),
        ("Relief Road", "C.G. Road", "Station Road", "M.G. Road", "Ashram Road", "Nehru Bazaar",
         "Gandhi Chowk", "Ring Road"),
        ("Navrangpura", "Opp. Bus Stand", "Near Clock Tower", "Ellisbridge", "Maninagar",
         "Shop No. 4"),
        (T("IN", "Ahmedabad", "380###", ("{no}, {street}, {district}", "{city} - {pc}")),
         T("IN", "Surat", "395###", ("{district}, {street}", "{city}, Gujarat {pc}")),
         T("IN", "Jaipur", "302###", ("{no}, {street}", "{city} - {pc} (Raj.)")),
         T("IN", "Pune", "411###", ("{no}, {street}, {district}", "{city} {pc}")),
         T("IN", "Hyderabad", "500###", ("{no}, {street}", "{city} - {pc}")),
         T("IN", "Mumbai", "400###", ("{district}, {no} {street}", "{city} - {pc}"))),
        ("Mob.", "M:", "Mobile", "Cell"), ("Ph.", "Tel", "Off."), ("Fax",),
        shop_share=0.65,
        shop_forms=("{s} Textiles", "{s} Jewellers", "{s} Electronics", "{s} Sweets",
                    "{s} Mobile Point", "{s} Traders", "{s} Hardware", "{s} Medical Stores",
                    "Shree {s} Provision Stores", "{s} Saree Centre", "{s} Tailors"),
        shop_titles=("Proprietor", "Prop.", "Owner", "Partner", "Manager"),
        freemail_share=0.6,
    ),
    "ms": L(
        "ms", "ms", "latin",
        ("Ahmad", "Siti", "Muhammad", "Nurul", "Azman", "Faridah", "Hafiz", "Zulkifli",
         "Aminah", "Rosli", "Norazlina", "Kamal"),
        ("Ismail", "Yusof", "Rahman", "Hassan", "Abdullah", "Ibrahim", "Othman", "Salleh",
         "Hamid", "Ahmad", "Razak", "Aziz"),
        ("Pengurus", "Pengarah Urusan", "Eksekutif Jualan", "Pengurus Besar", "Manager"),
        ("Bahagian Jualan", "Khidmat Pelanggan", "Kewangan"),
        ("Seri Murni", "Maju Jaya", "Bintang Timur", "Sinar Harapan", "Cahaya Baru",
         "Mutiara", "Permata", "Setia"),
        ("{s} Sdn. Bhd.", "{s} Enterprise", "{s} Trading", "{s} Holdings Sdn Bhd"),
        ("Jalan Ampang", "Jalan Tun Razak", "Lorong Bunga Raya", "Jalan Besar",
         "Jalan Sultan Ismail", "Jalan Bukit Bintang"),
        ("Taman Melati", "Taman Sri Rampai", "Bandar Baru", ""),
        (T("MY", "Kuala Lumpur", "5####", ("No. {no}, {street}", "{district}",
                                           "{pc} {city}")),
         T("MY", "Johor Bahru", "8####", ("No. {no}, {street}", "{pc} {city}, Johor")),
         T("MY", "Shah Alam", "40###", ("{no}, {street}, {district}", "{pc} {city}, Selangor")),
         T("MY", "George Town", "10###", ("{no}, {street}", "{pc} {city}, Pulau Pinang"))),
        ("H/P", "Tel. Bimbit", "HP", "Mobile"), ("Tel", "Pejabat", "T"), ("Faks", "Fax"),
        shop_share=0.5,
        shop_forms=("Kedai Runcit {s}", "Restoran {s}", "Perniagaan {s}", "Bengkel {s}",
                    "Kedai Makan {s}", "{s} Hardware", "Kedai Emas {s}"),
        shop_titles=("Pemilik", "Pengurus", "Proprietor", "Tauke"),
        freemail_share=0.5,
    ),
    "zh-TW": L(
        "zh-TW", "zh", "zh",
        ("志明", "淑芬", "俊傑", "雅婷", "家豪", "怡君", "建宏", "美玲", "宗翰", "佳穎"),
        ("陳", "林", "黃", "張", "李", "王", "吳", "劉", "蔡", "楊"),
        ("總經理", "業務經理", "專案經理", "技術總監", "副總經理", "行銷主任"),
        ("業務部", "研發部", "行銷部"),
        ("永和", "福記", "大同", "金興", "新光", "順發"),
        ("{s}股份有限公司", "{s}科技有限公司", "{s}企業有限公司", "{s}國際貿易有限公司"),
        ("忠孝東路四段", "中山北路二段", "民生東路三段", "復興南路一段", "中正路"),
        ("", "3樓", "5樓之2"),
        (T("TW", "台北市", "1##", ("{pc} {city}大安區{street}{no}號", "{district}")),
         T("TW", "台中市", "4##", ("{pc} {city}西屯區{street}{no}號",)),
         T("TW", "高雄市", "8##", ("{pc} {city}苓雅區{street}{no}號{district}",))),
        ("手機", "行動", "Mobile", "M"), ("電話", "Tel", "T"), ("傳真", "Fax"),
        family_first=True,
        latin_given=("Chih-Ming", "Shu-Fen", "Chun-Chieh", "Ya-Ting", "Chia-Hao", "Yi-Chun",
                     "Chien-Hung", "Mei-Ling", "Tsung-Han", "Chia-Ying"),
        latin_family=("Chen", "Lin", "Huang", "Chang", "Lee", "Wang", "Wu", "Liu", "Tsai",
                      "Yang"),
        latin_stems=("yungho", "fuchi", "tatung", "chinhsing", "shinkong", "shunfa"),
        shop_share=0.4,
        shop_forms=("{s}茶行", "{s}餐廳", "{s}商行", "{s}眼鏡行", "{s}企業社", "{s}麵包店"),
        shop_titles=("負責人", "店長", "老闆", "經理"),
    ),
}
# National domain endings a card from that country may use.
REGION_TLDS: dict[str, tuple[str, ...]] = {
    "BR": (".com.br",), "ES": (".es",), "MX": (".com.mx", ".mx"), "DE": (".de",),
    "AT": (".at", ".co.at"), "FR": (".fr",), "IT": (".it",), "TR": (".com.tr",),
    "VN": (".vn", ".com.vn"), "JP": (".co.jp", ".jp"), "CN": (".cn", ".com.cn"),
    "TW": (".com.tw", ".tw"), "KR": (".co.kr", ".kr"), "AE": (".ae",), "SA": (".sa", ".com.sa"),
    "EG": (".com.eg",), "US": (".com", ".us"), "GB": (".co.uk",), "IN": (".in", ".co.in"),
    "AU": (".com.au",), "MY": (".com.my", ".my"),
}
FREEMAIL = ("gmail.com", "yahoo.com", "hotmail.com", "rediffmail.com", "outlook.com")


# --------------------------------------------------------------------------- card data


@dataclass(frozen=True)
class Phone:
    label: str | None
    number: str  # as printed
    type: str | None
    e164: str | None  # None when printed without its area code


@dataclass(frozen=True)
class StressCard:
    id: str
    locale: str
    region: str
    name: str  # as printed, native script
    name_latin: str | None  # printed romanised name (non-Latin cards), else None
    title_lines: tuple[str, ...]
    company_lines: tuple[str, ...]
    department: str | None
    address: tuple[str, ...]
    emails: tuple[str, ...]
    phones: tuple[Phone, ...]
    websites: tuple[str, ...]
    layout: str
    scheme: str  # light | dark (white on dark) | panel (contacts on a dark panel)
    company_style: str  # line | two_lines | logo | logo_band | shop
    fonts: tuple[str, str]  # bold, regular
    logo_font: str
    colours: tuple[RGB, RGB, RGB, RGB]  # bg, fg, muted, accent
    phone_join: str | None
    covers: tuple[str, ...]

    @property
    def lang(self) -> str:
        return LOCALES[self.locale].lang


def _digits(rng: random.Random, pattern: str) -> str:
    return "".join(str(rng.randrange(10)) if ch == "#" else ch for ch in pattern)


def _fold_ascii(text: str) -> str:
    s = unicodedata.normalize("NFKD", text.replace("ı", "i").replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in s if ch.isascii() and (ch.isalnum() or ch in " -")).lower()


def make_number(rng: random.Random, region: str, kind: str) -> phonenumbers.PhoneNumber:
    """An example number of phonenumbers for (region, kind) with its last digits varied,
    kept only when phonenumbers still calls it valid."""
    ptype = PNT.MOBILE if kind == "mobile" else PNT.FIXED_LINE
    base = phonenumbers.example_number_for_type(region, ptype)
    if base is None:
        base = phonenumbers.example_number(region)
    nsn = phonenumbers.national_significant_number(base)
    keep = len(nsn) - (2 if region in ("US", "CA") else 4)
    for _ in range(30):
        cand = nsn[:keep] + "".join(str(rng.randrange(10)) for _ in range(len(nsn) - keep))
        num = phonenumbers.parse("+" + str(base.country_code) + cand)
        if phonenumbers.is_valid_number(num) and phonenumbers.region_code_for_number(num) == region:
            return num
    return base


def print_number(rng: random.Random, num: phonenumbers.PhoneNumber, intl: bool) -> str:
    """The number as a card prints it: the library's national or international format,
    sometimes with dots or spaces for its separators."""
    text = phonenumbers.format_number(num, PNF.INTERNATIONAL if intl else PNF.NATIONAL)
    style = rng.random()
    if style < 0.15 and "-" in text:
        text = text.replace("-", " ")
    elif style < 0.25 and not any(ch in text for ch in "()"):
        text = text.replace("-", ".").replace(" ", ".").replace("+.", "+")
        text = text.replace(".", " ", 1) if intl else text
    return text


def _local_part(rng: random.Random, given: str, family: str) -> str:
    g, f = _fold_ascii(given).replace(" ", ""), _fold_ascii(family).replace(" ", "")
    g, f = g.replace("-", ""), f.replace("-", "")
    return rng.choice((f"{g}.{f}", f"{g[0]}.{f}", f"{g}{f[0]}", g, f"{g[0]}{f}", "info",
                       "contact", f"{g}_{f}"))


def _company(rng: random.Random, loc: Locale, forms: Sequence[str] = ()) -> tuple[str, str]:
    """(company as printed, romanised core for its domain)."""
    i = rng.randrange(len(loc.stems))
    name = rng.choice(forms or loc.forms).format(s=loc.stems[i])
    core = loc.latin_stems[i] if loc.latin_stems else _fold_ascii(loc.stems[i])
    return name, core.replace(" ", "").replace("'", "")


def _split_two(text: str) -> tuple[str, ...]:
    """Break a company name over two lines at the word boundary nearest its middle."""
    words = text.split(" ")
    if len(words) < 2:
        return (text,)
    cut = min(range(1, len(words)), key=lambda k: abs(len(" ".join(words[:k])) - len(text) / 2))
    return (" ".join(words[:cut]), " ".join(words[cut:]))


def _address(rng: random.Random, loc: Locale, town: Town) -> tuple[str, ...]:
    fill = {
        "street": rng.choice(loc.streets),
        "no": str(rng.randrange(2, 2400)) if loc.script != "ja" else "",
        "city": town.city,
        "pc": _digits(rng, town.postcode).replace("AB", rng.choice(("AB", "DF", "QT", "NX"))),
        "district": rng.choice(loc.districts),
    }
    if loc.script == "ar":
        fill["no"] = str(rng.randrange(2, 400))
    lines = [ln.format(**fill).strip(" ,") for ln in town.lines]
    return tuple(ln for ln in lines if ln)


def _colours(rng: random.Random, scheme: str) -> tuple[RGB, RGB, RGB, RGB]:
    hue = rng.random()
    acc = tuple(int(c) for c in cv2.cvtColor(
        np.uint8([[[hue * 179, 200, rng.randrange(110, 190)]]]), cv2.COLOR_HSV2RGB)[0, 0])
    accent: RGB = (acc[0], acc[1], acc[2])
    if scheme == "dark":
        bg: RGB = rng.choice(((18, 24, 38), (28, 28, 30), (12, 52, 48), (70, 16, 24)))
        light = tuple(min(255, c + 110) for c in accent)
        return bg, (245, 245, 240), (200, 204, 212), (light[0], light[1], light[2])
    bg = rng.choice(((250, 249, 246), (255, 255, 255), (246, 242, 232), (240, 244, 246)))
    return bg, (28, 28, 32), (92, 94, 102), accent


def make_card(index: int, seed: int) -> StressCard:
    """Card `index` of the set: its own random stream, so prefixes of the set agree."""
    rng = random.Random(f"cardscan-stress:{seed}:{index}")
    tag = LANGS[index % len(LANGS)]
    loc = LOCALES[tag]
    town = rng.choice(loc.towns)
    region = town.region
    covers: list[str] = []
    gi = rng.randrange(len(loc.given))
    fi = rng.randrange(len(loc.family))
    given, family = loc.given[gi], loc.family[fi]
    if loc.script in ("ja", "ko"):
        name = f"{family} {given}" if rng.random() < 0.7 or loc.script == "ja" else family + given
    elif loc.script == "zh":
        name = family + given
    elif loc.family_first:
        name = f"{family} {given}"
    else:
        name = f"{given} {family}"
    lat_g = loc.latin_given[gi] if loc.latin_given else given
    lat_f = loc.latin_family[fi] if loc.latin_family else family
    name_latin = None
    if loc.script != "latin" and rng.random() < 0.6:
        name_latin = f"{lat_f.upper()} {lat_g}" if rng.random() < 0.3 else f"{lat_g} {lat_f}"
        covers.append("romanised-name")
    if loc.family_first:
        covers.append("family-name-first")
    shop = rng.random() < loc.shop_share
    title = rng.choice((loc.shop_titles or loc.titles) if shop else loc.titles)
    title_lines = tuple(title.split(" / "))
    if len(title_lines) > 1:
        covers.append("two-line-title")
    department = rng.choice(loc.departments) if rng.random() < 0.3 else None
    if department:
        covers.append("department")
    company, core = _company(rng, loc, loc.shop_forms if shop else ())
    company_style = rng.choice(("line", "line", "two_lines", "logo", "logo_band"))
    if shop:
        company_style = "shop"
        covers.append("shop-card")
    if company_style == "two_lines" and len(company.split(" ")) < 2:
        company_style = "line"
    company_lines = _split_two(company) if company_style == "two_lines" else (company,)
    if company_style == "logo":
        company_lines = (company.upper() if loc.script == "latin" else company,)
    if company_style not in ("line", "shop"):
        covers.append({"two_lines": "two-line-company", "logo": "company-only-in-logo",
                       "logo_band": "company-on-band"}[company_style])
    address = _address(rng, loc, town) if rng.random() < 0.85 else ()
    tld = rng.choice(REGION_TLDS[region])
    if rng.random() < 0.12:
        tld = ".example"
        covers.append("example-domain")
    elif rng.random() < 0.15:
        tld = ".com"
    domain = core.replace("-", "") + tld
    emails = [f"{_local_part(rng, lat_g, lat_f)}@{domain}"]
    freemail = shop and rng.random() < loc.freemail_share
    if freemail:  # a shop's free-mail address, named after the shop
        tld = ".com"
        domain = rng.choice(FREEMAIL)
        shop_word = _fold_ascii(company).replace(" ", "").replace("-", "")
        emails = [f"{shop_word}{rng.choice(('', '', '1', '.' + _fold_ascii(lat_g)))}@{domain}"]
        covers.append("freemail")
    if rng.random() < 0.12 and not freemail:
        emails.append(f"{rng.choice(('info', 'sales', 'office', 'contato', 'kontakt'))}@{domain}")
    websites = (rng.choice(("www.", "www.", "")) + domain,) if rng.random() < 0.75 else ()
    if freemail:
        websites = ()
    # Phones: local format unless the card prints +CC; a local card needs a clue to its
    # country (address or national domain) or its numbers cannot be placed.
    clue = bool(address) or tld not in (".com", ".example")
    intl = rng.random() < 0.4 or not clue
    covers.append("intl-numbers" if intl else "local-numbers")
    kinds = ["mobile"]
    if rng.random() < 0.7:
        kinds.insert(rng.randrange(2), "work")
    if rng.random() < 0.25:
        kinds.append("fax")
    phones: list[Phone] = []
    labelled = rng.random() < 0.85
    for kind in kinds:
        num = make_number(rng, region, "mobile" if kind == "mobile" else "fixed")
        labels = {"mobile": loc.mobile, "work": loc.work, "fax": loc.fax}[kind]
        label = rng.choice(labels) if labelled or kind == "fax" else None
        e164 = phonenumbers.format_number(num, PNF.E164)
        phones.append(Phone(label, print_number(rng, num, intl), kind if label else None, e164))
    if region == "BR" and not intl and rng.random() < 0.3:
        num = make_number(rng, "BR", "fixed")
        nsn = phonenumbers.national_significant_number(num)[2:]
        local = f"{nsn[:4]}-{nsn[4:]}"
        phones.append(Phone(None, local, None, None))
        covers.append("no-area-code")
    if len(phones) > 1 and not labelled:
        covers.append("unlabelled-numbers")
    if len(phones) > 1:
        covers.append("several-numbers")
    phone_join = rng.choice(("  ·  ", "   ", "  |  ")) if len(phones) > 1 and rng.random() < 0.2 \
        else None
    scheme = rng.choice(SCHEMES)
    layout = rng.choice(LAYOUTS)
    if shop:  # the shop's name across the card, the owner and contacts under it
        scheme = "light" if scheme == "panel" else scheme
        layout = rng.choice(("left", "centered", "right")) if layout == "two_column" else layout
    if scheme == "panel":
        layout = "two_column"
    if loc.script == "ar" and layout in ("left", "right"):
        layout = "right"  # Arabic cards set from the right
    fonts = rng.choice(SCRIPT_FONTS.get(loc.script) or LATIN_FONTS)
    logo_font = fonts[0] if loc.script != "latin" else rng.choice(LATIN_FONTS)[0]
    return StressCard(
        id=f"stress_{index:04d}", locale=tag, region=region, name=name, name_latin=name_latin,
        title_lines=title_lines, company_lines=company_lines, department=department,
        address=address, emails=tuple(emails), phones=tuple(phones), websites=websites,
        layout=layout, scheme=scheme, company_style=company_style, fonts=fonts,
        logo_font=logo_font, colours=_colours(rng, scheme), phone_join=phone_join,
        covers=tuple(covers),
    )


def card_label(c: StressCard) -> dict[str, object]:
    """The card in the cards-dev labels schema."""
    national = any(not p.number.startswith("+") for p in c.phones)
    return {
        "name": c.name,
        "name_latin": c.name_latin,
        "title": " / ".join(c.title_lines),
        "company": " / ".join(c.company_lines),
        "department": c.department,
        "emails": list(c.emails),
        "phones": [{"type": p.type, "number": p.number, "e164": p.e164} for p in c.phones],
        "websites": list(c.websites),
        "address": ", ".join(c.address) or None,
        "lang": c.lang,
        "region": c.region if national else None,
        "quality": "good",
        "uncertain": [],
        "note": f"synthetic stress card ({c.locale}, {c.layout}, {c.scheme}, {c.company_style})",
    }


# --------------------------------------------------------------------------- drawing

Row = tuple[str, str, float, RGB]
MIN_FIT = 0.6  # a block may shrink to 60%; below that the card is redrawn differently


class DoesNotFit(Exception):
    """The random choices give a card whose text cannot be set; draw other choices."""


def _fit(cv: gen.Canvas, rows: Sequence[Row], x: float, top: float, bottom: float,
         max_w: float, align: str = "l", valign: str = "top", lead: float = 1.3) -> None:
    if not rows:
        return
    f = 1.0
    while True:
        wide = max(cv.width(t, k, pt * f) for t, k, pt, _ in rows)
        height = sum(pt * f * gen.PT_MM * lead for _, _, pt, _ in rows)
        height -= rows[-1][2] * f * gen.PT_MM * (lead - 0.72)
        if wide <= max_w and height <= bottom - top:
            break
        f -= 0.03
        if f < MIN_FIT:
            raise DoesNotFit(rows[0][0])
    y = {"top": top, "bottom": bottom - height, "center": (top + bottom - height) / 2}[valign]
    for t, k, pt, fill in rows:
        cv.text(x, y + pt * f * gen.PT_MM * 0.72, t, k, pt * f, fill, align)
        y += pt * f * gen.PT_MM * lead


def _spaced(text: str, script: str) -> str:
    """Logo lettering: Latin capitals spaced out, other scripts as they are."""
    if script != "latin" or len(text) > 18:
        return text
    return " ".join(text) if len(text) <= 9 else text


def _logo(cv: gen.Canvas, c: StressCard, x: float, top: float, bottom: float, max_w: float,
          align: str) -> None:
    """The company as a stylised logo: big, letter-spaced, in the accent colour, with a
    mark beside it."""
    script = LOCALES[c.locale].script
    text = _spaced(c.company_lines[0], script)
    _fit(cv, [(text, c.logo_font, 15.0, c.colours[3])], x, top, bottom, max_w, align, "center")


def _identity(c: StressCard, size: float) -> list[Row]:
    bold, reg = c.fonts
    _bg, fg, muted, _accent = c.colours
    rows: list[Row] = [(c.name, bold, size, fg)]
    if c.name_latin:
        rows.append((c.name_latin, reg, size * 0.55, fg))
    rows += [(t, reg, size * 0.56, muted) for t in c.title_lines]
    if c.department:
        rows.append((c.department, reg, size * 0.5, muted))
    return rows


def _contacts(c: StressCard, fill: RGB, muted: RGB) -> list[Row]:
    reg = c.fonts[1]
    parts = [f"{p.label} {p.number}" if p.label else p.number for p in c.phones]
    lines = [c.phone_join.join(parts)] if c.phone_join else parts
    rows: list[Row] = [(t, reg, 7.2, fill) for t in lines]
    rows += [(e, reg, 7.2, fill) for e in c.emails]
    rows += [(w, reg, 7.2, fill) for w in c.websites]
    rows += [(a, reg, 6.6, muted) for a in c.address]
    return rows


def _company_rows(c: StressCard) -> list[Row]:
    return [(t, c.fonts[0], 9.5, c.colours[3]) for t in c.company_lines]


def _shop(cv: gen.Canvas, c: StressCard, w: float, h: float, m: float) -> None:
    """A shop's card: the shop's name is the largest text, the owner's name small,
    near the title and the contact lines."""
    al, x = {"left": ("l", m), "right": ("r", w - m)}.get(c.layout, ("m", w / 2))
    name_font = c.logo_font if LOCALES[c.locale].script == "latin" else c.fonts[0]
    top = m - 1.5
    _fit(cv, [(c.company_lines[0], name_font, 17.0, c.colours[3])], x, top, top + 10.5,
         w - 2 * m, al, "center")
    top += 11.5
    ident = _identity(c, 9.0)
    contacts = _contacts(c, c.colours[1], c.colours[2])
    mid = max(top + 9, h * 0.5)
    _fit(cv, ident, x, top, mid, w - 2 * m, al, "center")
    _fit(cv, contacts, x, mid + 1, h - m + 1.5, w - 2 * m, al, "bottom", 1.24)
    try:
        cv.check_overlaps()
    except AssertionError as exc:
        raise DoesNotFit(str(exc)) from None


def render(c: StressCard) -> Image.Image:
    """The flat card face at generate.PX_PER_MM."""
    w, h = (88.9, 50.8) if int(c.id[-4:]) % 3 else (85.0, 55.0)
    bg, fg, muted, accent = c.colours
    cv = gen.Canvas(w, h, bg)
    m = 5.5
    head_top, head_bottom = m - 1, m + 10
    if c.company_style == "logo_band":
        cv.rect(0, 0, w, 14.5, accent)
        band_text = bg if c.scheme != "dark" else (20, 20, 24)
        rows = [(t, c.logo_font, 11.0, band_text) for t in c.company_lines]
        al, x = {"left": ("l", m), "right": ("r", w - m)}.get(c.layout, ("m", w / 2))
        _fit(cv, rows, x, 2.0, 12.5, w - 2 * m, al, "center")
        head_top, head_bottom = 15.5, 15.5
    if c.company_style == "shop":
        _shop(cv, c, w, h, m)
        return cv.img
    ident = _identity(c, 13.0)
    contacts = _contacts(c, fg, muted)
    company: list[Row] = [] if c.company_style == "logo_band" else _company_rows(c)
    if c.layout == "two_column":
        split = w * 0.46
        if c.scheme == "panel":
            cv.rect(split, 0, w, h, (24, 36, 58))
            contacts = _contacts(c, (246, 246, 242), (196, 206, 220))
        else:
            cv.rect(split, head_bottom + 1, split + 0.3, h - m - 1, accent)
        if c.company_style == "logo":
            _logo(cv, c, m, head_top, head_top + 12, split - m - 2, "l")
        elif company:
            _fit(cv, company, m, head_top, head_top + 11, split - m - 2, valign="center")
        _fit(cv, ident, m, max(head_top + 13, h * 0.42), h - m, split - m - 2, valign="bottom")
        _fit(cv, contacts, split + 3.5, max(head_top, m), h - m, w - split - 3.5 - m,
             valign="center", lead=1.36)
    else:
        al, x = {"left": ("l", m), "right": ("r", w - m), "centered": ("m", w / 2)}[c.layout]
        top = head_top
        if c.company_style == "logo":
            _logo(cv, c, x, top, top + 12, w - 2 * m, al)
            top += 12.5
        elif company:
            _fit(cv, company, x, top, top + 4.5 * len(company), w - 2 * m, al, "top")
            top += 4.5 * len(company) + 0.8
        mid = max(top + 14, h * 0.52)
        _fit(cv, ident, x, top, mid, w - 2 * m, al, "center")
        _fit(cv, contacts, x, mid + 1, h - m + 1.5, w - 2 * m, al, "bottom", 1.24)
    try:
        cv.check_overlaps()
    except AssertionError as exc:
        raise DoesNotFit(str(exc)) from None
    return cv.img


# --------------------------------------------------------------------------- photos


@dataclass(frozen=True)
class Shot:
    kind: str  # photo | scan | crop
    rotate: int  # photo turned clockwise by this much
    desk: str
    width: float  # card width / frame width
    angle: float
    tilt: float
    blur: float
    noise: float
    quality: int


def make_shot(index: int, seed: int) -> Shot:
    rng = random.Random(f"cardscan-stress-shot:{seed}:{index}")
    kind = rng.choice(KINDS)
    rotate = rng.choice((0,) * 7 + (90, 180, 270)) if kind == "photo" else 0
    return Shot(
        kind=kind, rotate=rotate,
        desk=rng.choice(("oak", "walnut", "fabric", "felt", "white", "slate")),
        width=rng.uniform(0.6, 0.85), angle=rng.uniform(-12, 12), tilt=rng.uniform(0.0, 0.14),
        blur=rng.uniform(0.4, 1.4), noise=rng.uniform(1.0, 7.0),
        quality=rng.choice((70, 80, 85, 90)),
    )


PHOTO_W, PHOTO_H = 1200, 1600


def compose(face: Image.Image, shot: Shot, rng: np.random.Generator) -> np.ndarray:
    """Float32 RGB image of the card as a phone photo, a flat scan or an app crop."""
    arr: np.ndarray = np.asarray(face, np.float32)
    if shot.kind == "scan":
        s = 300 / 25.4 / gen.PX_PER_MM
        arr = cv2.resize(arr, (round(arr.shape[1] * s), round(arr.shape[0] * s)),
                         interpolation=cv2.INTER_AREA)
        arr = cv2.GaussianBlur(arr, (0, 0), 0.5)
        return np.clip(arr + rng.standard_normal(arr.shape[:2])[..., None] * 1.5, 0, 255)
    if shot.kind == "crop":
        w = 900
        arr = cv2.resize(arr, (w, round(arr.shape[0] * w / arr.shape[1])),
                         interpolation=cv2.INTER_AREA)
        arr = gen._paper(arr, rng)
        h = arr.shape[0]
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        light = 0.97 - 0.10 * (xx / w) - 0.06 * (yy / h) ** 2
        arr = cv2.GaussianBlur(arr * light[..., None], (0, 0), shot.blur)
        return np.clip(arr + rng.standard_normal((h, w))[..., None] * shot.noise * 0.5, 0, 255)
    h, w = PHOTO_H, PHOTO_W
    img = gen.make_desk(shot.desk, rng, h, w)
    tw = round(shot.width * w)
    face_a = cv2.resize(arr, (tw, round(arr.shape[0] * tw / arr.shape[1])),
                        interpolation=cv2.INTER_AREA)
    face_a = gen._paper(face_a, rng)
    fh, fw = face_a.shape[:2]
    t = shot.tilt
    pts = np.array([[-fw / 2 * (1 - t), -fh / 2], [fw / 2 * (1 - t), -fh / 2],
                    [fw / 2 * (1 + t / 2), fh / 2], [-fw / 2 * (1 + t / 2), fh / 2]], np.float32)
    pts += rng.normal(0, 0.012 * fw, pts.shape).astype(np.float32)
    a = math.radians(-shot.angle)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]], np.float32)
    pts = pts @ rot.T + np.array([w * 0.5, h * 0.48], np.float32)
    src = np.array([[0, 0], [fw, 0], [fw, fh], [0, fh]], np.float32)
    mtx = cv2.getPerspectiveTransform(src, pts)
    warped = cv2.warpPerspective(face_a, mtx, (w, h), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.ones((fh, fw), np.float32), mtx, (w, h))
    shadow = cv2.GaussianBlur(np.roll(mask, (8, 6), axis=(0, 1)), (0, 0), 12)
    img *= 1 - 0.3 * shadow[..., None]
    img = img * (1 - mask[..., None]) + warped * mask[..., None]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    r2 = ((xx - w * 0.48) / w) ** 2 + ((yy - h * 0.45) / h) ** 2
    gx, gy = rng.uniform(-0.08, 0.08, 2)
    light = 1 - 0.2 * r2 * 2.2 + gx * (xx / w - 0.5) + gy * (yy / h - 0.5)
    img = img * light[..., None] * np.array([1.0, 0.985, 0.95], np.float32)
    img = cv2.GaussianBlur(img, (0, 0), shot.blur)
    noise = rng.standard_normal((h, w)).astype(np.float32)[..., None] * shot.noise
    return np.clip(img + noise, 0, 255)


def encode(arr: np.ndarray, shot: Shot) -> tuple[bytes, str]:
    out = np.round(arr).astype(np.uint8)
    if shot.rotate:
        out = np.rot90(out, k=-shot.rotate // 90)
    img = Image.fromarray(np.ascontiguousarray(out), "RGB")
    buf = io.BytesIO()
    if shot.kind == "scan" and shot.quality >= 90:
        img.save(buf, "PNG")
        return buf.getvalue(), ".png"
    img.save(buf, "JPEG", quality=shot.quality, subsampling=2)
    return buf.getvalue(), ".jpg"


# --------------------------------------------------------------------------- the set


@cache
def _has_glyphs(key: str, text: str) -> bool:
    """Whether the font draws every character of text (not its .notdef box)."""
    font = ImageFont.truetype(str(gen.font_path(key)), 40)

    def ink(ch: str) -> bytes:
        img = Image.new("L", (80, 80))
        ImageDraw.Draw(img).text((10, 10), ch, font=font, fill=255)
        return img.tobytes()

    notdef = ink("\U0010fffd")
    return all(ink(ch) != notdef for ch in set(text) if not ch.isspace())


def available_languages() -> tuple[list[str], list[str]]:
    """(languages that can be drawn, reasons others cannot)."""
    ok, why = [], []
    for tag in LANGS:
        script = LOCALES[tag].script
        keys = {k for pair in SCRIPT_FONTS.get(script, LATIN_FONTS) for k in pair}
        try:
            for k in sorted(keys):
                gen.font_path(k)
        except gen.FontMissingError as exc:
            why.append(f"{tag}: {exc}")
            continue
        if script == "ar" and not features.check("raqm"):
            why.append(f"{tag}: Pillow has no libraqm, Arabic would not be shaped")
            continue
        ok.append(tag)
    return ok, why


def card_text(c: StressCard) -> str:
    parts = [c.name, c.name_latin or "", *c.title_lines, *c.company_lines, c.department or "",
             *c.address, *c.emails, *c.websites, *(p.label or "" for p in c.phones),
             *(p.number for p in c.phones)]
    return "".join(parts)


def build(index: int, seed: int) -> tuple[StressCard, Image.Image]:
    """Card `index` and its face; redraws the random choices when the text does not fit
    or a font lacks a glyph."""
    for attempt in range(20):
        c = make_card(index, seed * 1000 + attempt if attempt else seed)
        c = StressCard(**{**c.__dict__, "id": f"stress_{index:04d}"})
        bold_text = c.name + "".join(c.company_lines)
        logo_text = "".join(c.company_lines) if c.company_style.startswith(("logo", "shop")) \
            else ""
        if not (_has_glyphs(c.fonts[1], card_text(c)) and _has_glyphs(c.fonts[0], bold_text)
                and _has_glyphs(c.logo_font, logo_text)):
            continue
        try:
            return c, render(c)
        except DoesNotFit:
            continue
    raise RuntimeError(f"card {index}: no layout fits after 20 tries")


def image_entry(c: StressCard, shot: Shot) -> dict[str, object]:
    covers = [*c.covers, shot.kind, c.layout, c.scheme]
    if shot.rotate:
        covers.append(f"rotation-{shot.rotate}")
    return {
        "cards": [c.id],
        "kind": shot.kind,
        "lang": c.locale,
        "layout": c.layout,
        "scheme": c.scheme,
        "company_style": c.company_style,
        "covers": covers,
        "upright_rotation": (360 - shot.rotate) % 360,
    }


def generate(out: Path, n: int, seed: int, langs: Sequence[str] | None = None,
             images: bool = True) -> dict[str, object]:
    """Write n cards (their images unless images=False) and labels.json to out; returns
    the labels.  Cards of languages not in langs are left out (their index is kept)."""
    allowed = set(langs) if langs is not None else set(LANGS)
    cards: dict[str, object] = {}
    entries: dict[str, object] = {}
    out.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        if LANGS[i % len(LANGS)] not in allowed:
            continue
        c, face = build(i, seed)
        shot = make_shot(i, seed)
        arr = compose(face, shot, np.random.default_rng([seed, i]))
        data, ext = encode(arr, shot)
        name = f"{c.id}_{c.locale}_{c.layout}{ext}"
        if images:
            (out / name).write_bytes(data)
        cards[c.id] = card_label(c)
        entries[name] = image_entry(c, shot)
    labels = {"version": 1, "cards": cards, "images": entries, "negatives": {}}
    text = json.dumps(labels, indent=1, ensure_ascii=False) + "\n"
    (out / "labels.json").write_text(text, encoding="utf-8")
    return labels


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--out", type=Path, required=True, help="folder for the images and labels")
    ap.add_argument("--n", type=int, default=500, help="number of cards (default 500)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--lang", action="append", choices=LANGS, help="only these (repeatable)")
    args = ap.parse_args(argv)
    if gen.missing_fonts():
        print("missing fonts: apt-get install " + " ".join(gen.missing_fonts()), file=sys.stderr)
        return 2
    ok, why = available_languages()
    for reason in why:
        print(f"warning: skipping {reason}", file=sys.stderr)
    langs = [t for t in ok if not args.lang or t in args.lang]
    labels = generate(args.out, args.n, args.seed, langs)
    print(f"{len(labels['images'])} cards -> {args.out}", file=sys.stderr)  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
