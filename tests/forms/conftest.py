"""Fixtures for the form tests: a test key, the machine's fonts, sample forms."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest

from forms.data import CHINA_TZ, FormKind, Holder, LossForm, Reprint, Staff
from forms.fonts import FontSet, default_fontset
from forms.specimens import specimen

TEST_KEY = bytes.fromhex("00112233445566778899aabbccddeeff0123456789abcdef")
RARE_NAME = "张𠮷䶮"  # 𠮷: CJK extension B (outside the BMP); 䶮: extension A
LONG_NAME = "阿卜杜热合曼·买买提艾力·司马义·吐尔逊江·热依木"  # 25 characters


@pytest.fixture(scope="session")
def fonts() -> FontSet:
    """The machine's fonts: a missing CJK TrueType font fails the suite, as it should."""
    return default_fontset()


@pytest.fixture()
def key() -> bytes:
    return TEST_KEY


def loss_form(**holder_changes: str) -> LossForm:
    form = specimen(FormKind.LOSS)
    assert isinstance(form, LossForm)
    holder: Holder = dataclasses.replace(form.holder, **holder_changes)
    return dataclasses.replace(form, holder=holder)


def reprint(count: int = 2, reason: str = "持卡人联遗失，申请补打") -> Reprint:
    return Reprint(
        count=count,
        reason=reason,
        reprinted_at=datetime(2024, 6, 1, 9, 30, tzinfo=CHINA_TZ),
        by=Staff("赵敏", "YB0402"),
    )
