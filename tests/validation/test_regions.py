"""Chongqing's divisions and the province prefixes."""

from __future__ import annotations

from counter_app.validation import (
    CHONGQING_DISTRICTS,
    PROVINCE_PREFIXES,
    district_name,
    is_chongqing_district,
    province_name,
)


def test_38_divisions_26_districts_8_counties_4_autonomous_counties() -> None:
    names = list(CHONGQING_DISTRICTS.values())
    assert len(CHONGQING_DISTRICTS) == 38 == len(set(names))
    autonomous = [n for n in names if n.endswith("自治县")]
    counties = [n for n in names if n.endswith("县") and not n.endswith("自治县")]
    districts = [n for n in names if n.endswith("区")]
    assert (len(districts), len(counties), len(autonomous)) == (26, 8, 4)
    assert all(code.startswith("5001") for code, n in CHONGQING_DISTRICTS.items() if n in districts)
    assert all(
        code.startswith("5002") for code, n in CHONGQING_DISTRICTS.items() if n not in districts
    )


def test_current_codes() -> None:
    assert district_name("500101") == "万州区"
    assert district_name("500103") == "渝中区"
    assert district_name("500156") == "武隆区"
    assert district_name("500155") == "梁平区"
    assert district_name("500154") == "开州区"
    assert district_name("500233") == "忠县"
    assert district_name("500243") == "彭水苗族土家族自治县"


def test_not_current_districts() -> None:
    for code in ("500000", "500221", "500232", "500381", "500100", "510100", ""):
        assert not is_chongqing_district(code)
        assert district_name(code) is None
    assert is_chongqing_district("500110")


def test_province_prefixes() -> None:
    assert province_name("50") == "重庆市"
    assert province_name("500103") == "重庆市"
    assert province_name("11") == "北京市"
    for prefix in ("71", "81", "82", "65"):
        assert prefix in PROVINCE_PREFIXES
    for prefix in ("10", "16", "20", "24", "66", "70", "99", "5"):
        assert province_name(prefix) is None
    assert len(PROVINCE_PREFIXES) == 35
