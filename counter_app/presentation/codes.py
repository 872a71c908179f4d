"""Code tables a clerk reads as words: 民族 (GB 3304), 性别 (GB/T 2261.1), 行政区划
(GB/T 2260, from ``counter_app.validation.regions``), 险种, 参保类型 and states.

Each ``*_name`` function returns the word for a known code. An unknown code is never
shown bare: it is named as unknown with the code beside it, so the clerk can report it.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from counter_app.validation.regions import district_name, province_name

#: GB 3304-91 民族代码: the 56 recognised nationalities, 97 for people of a group not yet
#: recognised (e.g. 穿青人, recorded under 97), 98 for Chinese citizens of foreign origin.
ETHNICITIES: Final = MappingProxyType(
    {
        "01": "汉族",
        "02": "蒙古族",
        "03": "回族",
        "04": "藏族",
        "05": "维吾尔族",
        "06": "苗族",
        "07": "彝族",
        "08": "壮族",
        "09": "布依族",
        "10": "朝鲜族",
        "11": "满族",
        "12": "侗族",
        "13": "瑶族",
        "14": "白族",
        "15": "土家族",
        "16": "哈尼族",
        "17": "哈萨克族",
        "18": "傣族",
        "19": "黎族",
        "20": "傈僳族",
        "21": "佤族",
        "22": "畲族",
        "23": "高山族",
        "24": "拉祜族",
        "25": "水族",
        "26": "东乡族",
        "27": "纳西族",
        "28": "景颇族",
        "29": "柯尔克孜族",
        "30": "土族",
        "31": "达斡尔族",
        "32": "仫佬族",
        "33": "羌族",
        "34": "布朗族",
        "35": "撒拉族",
        "36": "毛南族",
        "37": "仡佬族",
        "38": "锡伯族",
        "39": "阿昌族",
        "40": "普米族",
        "41": "塔吉克族",
        "42": "怒族",
        "43": "乌孜别克族",
        "44": "俄罗斯族",
        "45": "鄂温克族",
        "46": "德昂族",
        "47": "保安族",
        "48": "裕固族",
        "49": "京族",
        "50": "塔塔尔族",
        "51": "独龙族",
        "52": "鄂伦春族",
        "53": "赫哲族",
        "54": "门巴族",
        "55": "珞巴族",
        "56": "基诺族",
        "97": "其他未识别民族",
        "98": "外国血统中国籍人士",
    }
)

#: GB/T 2261.1-2003 人的性别代码.
GENDERS: Final = MappingProxyType({"0": "未知的性别", "1": "男", "2": "女", "9": "未说明的性别"})

INSURANCES: Final = MappingProxyType(
    {
        "pension": "养老保险",
        "medical": "医疗保险",
        "unemployment": "失业保险",
        "work_injury": "工伤保险",
        "maternity": "生育保险",
    }
)

SCHEMES: Final = MappingProxyType({"employee": "职工", "resident": "城乡居民"})

CARD_STATES: Final = MappingProxyType(
    {
        "active": "正常",
        "phone_reported_lost": "电话挂失（临时）",
        "lost": "书面挂失",
        "replacement_applied": "已申请补卡",
        "cancelled": "已注销",
    }
)

PERSONAL_STATUSES: Final = MappingProxyType(
    {"employed": "就业", "unemployed": "失业", "retired": "退休", "deceased": "死亡"}
)

#: 伤残等级 (GB/T 16180): grade 1 is the most severe.
_GRADE_WORDS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")


def _known(table: MappingProxyType[str, str], code: str | None, what: str) -> str:
    """The word for ``code``; a value already in words (not ASCII) passes through."""
    if code is None or code == "":
        return ""
    if not code.isascii():
        return code
    word = table.get(code.strip())
    return word if word is not None else f"未知{what}（代码 {code}）"


def ethnicity_name(code: str | None) -> str:
    """``"15"`` → ``"土家族"``; a name already decoded passes through."""
    padded = code.strip().zfill(2) if code and code.strip().isdigit() else code
    return _known(ETHNICITIES, padded, "民族")


def gender_name(code: str | None) -> str:
    return _known(GENDERS, code, "性别")


def insurance_name(code: str | None) -> str:
    return _known(INSURANCES, code, "险种")


def scheme_name(code: str | None) -> str:
    return _known(SCHEMES, code, "参保类型")


def card_state_name(code: str | None) -> str:
    return _known(CARD_STATES, code, "卡状态")


def personal_status_name(code: str | None) -> str:
    return _known(PERSONAL_STATUSES, code, "人员状态")


def region_name(code: str | None) -> str:
    """A GB/T 2260 code as a place: a Chongqing district by name, a province-level code
    (``xx0000``) by the province's name, any other code by its province with the code."""
    if not code:
        return ""
    code = code.strip()
    if not (len(code) == 6 and code.isdigit()):
        return code
    district = district_name(code)
    if district is not None:
        return f"重庆市{district}"
    province = province_name(code)
    if province is None:
        return f"未知地区（代码 {code}）"
    if code.endswith("0000"):
        return province
    return f"{province}（行政区划代码 {code}）"


def disability_grade_name(grade: int | None) -> str:
    """``7`` → ``"七级"``; None → ``""``."""
    if grade is None:
        return ""
    if 1 <= grade <= len(_GRADE_WORDS):
        return f"{_GRADE_WORDS[grade - 1]}级"
    return f"{grade}级"


#: 国家职业资格等级: level 1 is the highest (高级技师), level 5 the first (初级工).
QUALIFICATION_LEVELS: Final = MappingProxyType(
    {
        1: "一级（高级技师）",
        2: "二级（技师）",
        3: "三级（高级工）",
        4: "四级（中级工）",
        5: "五级（初级工）",
    }
)


def qualification_level_name(level: int | None) -> str:
    if level is None:
        return ""
    return QUALIFICATION_LEVELS.get(level, f"{level}级")
