"""The catalogues' 拼音码 are what a clerk types from the name he reads (RULES Q6: the
药品目录 and 诊疗项目 are published for lookup): Latin letters and digits in a name are
kept whole — a trial typed CTPS for "CT平扫" and found nothing (its code read CPS)."""

from __future__ import annotations

import re

from counter_app.demo.catalogue import drug_rows, initials, treatment_rows


def test_Q6_latin_letters_and_digits_stay_whole_in_the_pinyin_code() -> None:
    assert initials("CT平扫") == "CTPS"
    assert initials("CT增强扫描") == "CTZQSM"
    assert initials("维生素B12片") == "WSSB12P"
    assert initials("阿莫西林") == "AMXL"


def test_Q6_every_catalogue_code_keeps_the_latin_runs_of_its_name() -> None:
    names = [(r[2], r[6]) for r in drug_rows()] + [(r[2], r[7]) for r in treatment_rows()]
    latin = [(n, code) for n, code in names if re.search(r"[A-Za-z0-9]", str(n))]
    assert len(latin) >= 5
    for name, code in latin:
        for run in re.findall(r"[A-Za-z0-9]+", str(name)):
            assert run.upper() in str(code), (name, code)
