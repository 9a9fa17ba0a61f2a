"""Administrative divisions (GB/T 2260) that may issue local standards (DB codes).

Provinces are listed here; every prefecture-level division (地级: 市, 州, 盟, 地区) comes from the data file
``gb2260_prefectures.tsv`` beside this module, which states its source and edition. Codes not in it (a
newer division, a county) keep their province's name with the code, and are still accepted.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources

PROVINCES: dict[str, str] = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
    "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省",
    "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区", "46": "海南省",
    "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
    "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区", "65": "新疆维吾尔自治区",
}  # fmt: skip

PREFECTURES_FILE = "gb2260_prefectures.tsv"

# A division code as a record, project or plan writes it: 2, 4 or 6 ASCII digits. [0-9], not \d: pydantic's
# engine takes \d for any Unicode digit (a region ４１), JSON Schema's (ECMA-262) for ASCII only, and ４１ then
# matched no `review --region 41` and no DB41 code.
REGION_PATTERN = r"^[0-9]{2}([0-9]{2}){0,2}$"


def _load_prefectures() -> dict[str, str]:
    """4-digit code → name, from the shipped data file (``#`` lines are its provenance)."""
    text = resources.files("gbstd.model").joinpath(PREFECTURES_FILE).read_text(encoding="utf-8")
    found: dict[str, str] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            code, name = line.split("\t")
            found[code.strip()] = name.strip()
    return found


CITIES: dict[str, str] = _load_prefectures()


def is_valid_region(code: str) -> bool:
    """A 2-, 4- or 6-digit division code whose first two digits are a province."""
    # isascii: str.isdigit takes ４１ and ٤١ too, which no code of GB/T 2260 holds
    return code.isascii() and code.isdigit() and len(code) in (2, 4, 6) and code[:2] in PROVINCES and (
        len(code) == 2 or code[2:4] != "00"
    )


def unpadded(code: str) -> str:
    """A division code without the trailing 00 pairs GB/T 2260's six-digit form pads it with (410300 → 4103,
    410000 → 41): the catalog holds a city as 4103 and its counties as 4103xx."""
    while len(code) > 2 and code.endswith("00") and code.isascii() and code.isdigit():
        code = code[:-2]
    return code


def region_name(code: str) -> str:
    """Human name of a division code: 河南省洛阳市 for 4103; a county code keeps its city's name with the
    code (河南省洛阳市（410305）), an unknown one its province's (山西省（1499）); else the code itself."""
    if code in CITIES:
        return PROVINCES.get(code[:2], "") + CITIES[code]
    if code in PROVINCES:
        return PROVINCES[code]
    if code[:4] in CITIES:
        return f"{PROVINCES.get(code[:2], '')}{CITIES[code[:4]]}（{code}）"
    if code[:2] in PROVINCES:
        return f"{PROVINCES[code[:2]]}（{code}）"
    return code


def region_choices(codes: Iterable[str]) -> list[tuple[str, str]]:
    """The provinces and prefecture-level cities the given division codes lie in, as (code, name) sorted by
    code, so that a province comes just before its cities: what a region filter offers."""
    found: set[str] = set()
    for code in codes:
        if code[:2] in PROVINCES:
            found.add(code[:2])
        if len(code) >= 4 and code[:4] in CITIES:
            found.add(code[:4])
    return [(code, PROVINCES[code] if len(code) == 2 else CITIES[code]) for code in sorted(found)]


def region_contains(outer: str, inner: str) -> bool:
    """True when division `inner` lies within `outer` (a city lies within its province)."""
    return inner.startswith(outer)
