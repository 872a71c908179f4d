"""Administrative division codes (GB/T 2260) that the validators need.

Two tables: Chongqing's 38 current district- and county-level divisions with their 6-digit
codes (offices belong to one of them, RULES.md S2), and the province-level 2-digit prefixes
that start any citizen ID number. An ID number's region is where it was first issued, so it
need not be Chongqing, and older numbers keep codes that no longer exist (长寿县 500221,
江津市 500381, Sichuan 51xxxx before 1997): an ID's 6-digit code is checked against every
GB/T 2260 code ever in force (:func:`is_known_region_code`, data in ``gb2260_codes.py``).
"""

from __future__ import annotations

from functools import cache
from types import MappingProxyType
from typing import Final

from counter_app.validation import gb2260_codes

# Codes as in force since 武隆 became a district (2016) and 梁平 (2016), 开州 (2016),
# 潼南/荣昌 (2015), 璧山/铜梁 (2014) before it.
CHONGQING_DISTRICTS: Final[dict[str, str]] = {
    # 26 districts 区
    "500101": "万州区",
    "500102": "涪陵区",
    "500103": "渝中区",
    "500104": "大渡口区",
    "500105": "江北区",
    "500106": "沙坪坝区",
    "500107": "九龙坡区",
    "500108": "南岸区",
    "500109": "北碚区",
    "500110": "綦江区",
    "500111": "大足区",
    "500112": "渝北区",
    "500113": "巴南区",
    "500114": "黔江区",
    "500115": "长寿区",
    "500116": "江津区",
    "500117": "合川区",
    "500118": "永川区",
    "500119": "南川区",
    "500120": "璧山区",
    "500151": "铜梁区",
    "500152": "潼南区",
    "500153": "荣昌区",
    "500154": "开州区",
    "500155": "梁平区",
    "500156": "武隆区",
    # 8 counties 县
    "500229": "城口县",
    "500230": "丰都县",
    "500231": "垫江县",
    "500233": "忠县",
    "500235": "云阳县",
    "500236": "奉节县",
    "500237": "巫山县",
    "500238": "巫溪县",
    # 4 autonomous counties 自治县
    "500240": "石柱土家族自治县",
    "500241": "秀山土家族苗族自治县",
    "500242": "酉阳土家族苗族自治县",
    "500243": "彭水苗族土家族自治县",
}

CHONGQING_CITY_CODE: Final = "500000"

# Province-level prefixes (GB/T 2260), plus 83 for the residence permits of Taiwan residents
# (港澳台居民居住证 use 810000 / 820000 / 830000; 71 is Taiwan's GB/T 2260 code).
PROVINCE_PREFIXES: Final = MappingProxyType(
    {
        "11": "北京市",
        "12": "天津市",
        "13": "河北省",
        "14": "山西省",
        "15": "内蒙古自治区",
        "21": "辽宁省",
        "22": "吉林省",
        "23": "黑龙江省",
        "31": "上海市",
        "32": "江苏省",
        "33": "浙江省",
        "34": "安徽省",
        "35": "福建省",
        "36": "江西省",
        "37": "山东省",
        "41": "河南省",
        "42": "湖北省",
        "43": "湖南省",
        "44": "广东省",
        "45": "广西壮族自治区",
        "46": "海南省",
        "50": "重庆市",
        "51": "四川省",
        "52": "贵州省",
        "53": "云南省",
        "54": "西藏自治区",
        "61": "陕西省",
        "62": "甘肃省",
        "63": "青海省",
        "64": "宁夏回族自治区",
        "65": "新疆维吾尔自治区",
        "71": "台湾省",
        "81": "香港特别行政区",
        "82": "澳门特别行政区",
        "83": "台湾地区（居住证）",
    }
)


def district_name(code: str) -> str | None:
    """The name of a current Chongqing district or county, or None for any other code."""
    return CHONGQING_DISTRICTS.get(code)


def is_chongqing_district(code: str) -> bool:
    """True for one of the 38 current district/county codes (not for 500000, the city)."""
    return code in CHONGQING_DISTRICTS


def province_name(prefix: str) -> str | None:
    """The province-level division a 2-digit prefix (or any longer code) starts with."""
    return PROVINCE_PREFIXES.get(prefix[:2]) if len(prefix) >= 2 else None


@cache
def _all_codes() -> MappingProxyType[str, str]:
    lines = gb2260_codes.CODES.splitlines()
    return MappingProxyType({line[:6]: line[6:] for line in lines if line})


def region_code_name(code: str) -> str | None:
    """The (most recent) name of a GB/T 2260 code in force at any time since 1980, or None.

    Abolished codes are known: ID numbers keep the code of the place that first issued them.
    """
    return _all_codes().get(code)


def is_known_region_code(code: str) -> bool:
    """True for a 6-digit code that GB/T 2260 has listed at any time since 1980."""
    return code in _all_codes()
