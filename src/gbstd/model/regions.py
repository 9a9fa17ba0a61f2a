"""Administrative divisions (GB/T 2260) that may issue local standards (DB codes).

Only provinces are listed in full; a few prefecture cities are named so that messages read well.
Unknown city codes under a valid province are still accepted: the city list is not exhaustive on purpose.
"""

from __future__ import annotations

PROVINCES: dict[str, str] = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
    "21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
    "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省",
    "37": "山东省",
    "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区", "46": "海南省",
    "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
    "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区", "65": "新疆维吾尔自治区",
}  # fmt: skip

CITIES: dict[str, str] = {
    "4101": "郑州市", "4102": "开封市", "4103": "洛阳市", "4104": "平顶山市", "4105": "安阳市",
    "4106": "鹤壁市", "4107": "新乡市", "4108": "焦作市", "4109": "濮阳市", "4110": "许昌市",
    "4111": "漯河市", "4112": "三门峡市", "4113": "南阳市", "4114": "商丘市", "4115": "信阳市",
    "4116": "周口市", "4117": "驻马店市",
    "3201": "南京市", "3202": "无锡市", "3205": "苏州市", "3301": "杭州市", "3302": "宁波市",
    "3701": "济南市", "3702": "青岛市", "4401": "广州市", "4403": "深圳市", "5101": "成都市",
    "5107": "绵阳市", "6101": "西安市", "2111": "盘锦市", "4201": "武汉市",
}  # fmt: skip


def is_valid_region(code: str) -> bool:
    """A 2-, 4- or 6-digit division code whose first two digits are a province."""
    return code.isdigit() and len(code) in (2, 4, 6) and code[:2] in PROVINCES and (
        len(code) == 2 or code[2:4] != "00"
    )


def region_name(code: str) -> str:
    """Human name of a division code, falling back to the code itself."""
    if code in CITIES:
        return PROVINCES.get(code[:2], "") + CITIES[code]
    if code in PROVINCES:
        return PROVINCES[code]
    if code[:2] in PROVINCES:
        return f"{PROVINCES[code[:2]]}（{code}）"
    return code


def region_contains(outer: str, inner: str) -> bool:
    """True when division `inner` lies within `outer` (a city lies within its province)."""
    return inner.startswith(outer)
