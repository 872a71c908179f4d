"""The QR verification code: a genuine payload verifies; any single change is refused."""

from __future__ import annotations

import string
from datetime import datetime

import pytest

from forms.data import CHINA_TZ, FormKind
from forms.specimens import specimen
from forms.verification import (
    DEMO_FORM_KEY,
    FormNotGenuine,
    make_payload,
    payload_for,
    verify_payload,
)

ISSUED = datetime(2024, 5, 6, 10, 15, 7, tzinfo=CHINA_TZ)


def _payload(key: bytes) -> str:
    return make_payload(
        key,
        serial="GS-500103-20240506-000123",
        kind=FormKind.LOSS,
        card_number="C50012345",
        office_code="500103-YB",
        issued_at=ISSUED,
    )


def test_payload_shape(key: bytes) -> None:
    parts = _payload(key).split("|")
    assert parts[:6] == [
        "CQSSC1",
        "GS-500103-20240506-000123",
        "loss",
        "C50012345",
        "500103-YB",
        "2024-05-06T10:15:07+08:00",
    ]
    assert len(parts[6]) == 10


def test_genuine_payload_verifies(key: bytes) -> None:
    verified = verify_payload(_payload(key), key)
    assert verified.serial == "GS-500103-20240506-000123"
    assert verified.kind is FormKind.LOSS
    assert verified.card_number == "C50012345"
    assert verified.office_code == "500103-YB"
    assert verified.issued_at == ISSUED
    assert "表单真实有效" in verified.describe() and "C50012345" in verified.describe()


def test_any_single_character_change_is_refused(key: bytes) -> None:
    payload = _payload(key)
    alphabet = string.ascii_uppercase + string.digits + "-|:+"
    for i, ch in enumerate(payload):
        replacement = next(c for c in alphabet if c != ch)
        tampered = payload[:i] + replacement + payload[i + 1 :]
        with pytest.raises(FormNotGenuine):
            verify_payload(tampered, key)
        with pytest.raises(FormNotGenuine):
            verify_payload(payload[:i] + payload[i + 1 :], key)  # one character dropped


def test_other_key_is_refused(key: bytes) -> None:
    with pytest.raises(FormNotGenuine, match="校验码不符"):
        verify_payload(_payload(key), DEMO_FORM_KEY)


def test_garbage_is_refused_with_a_chinese_message(key: bytes) -> None:
    with pytest.raises(FormNotGenuine, match="不是本系统表单"):
        verify_payload("https://example.com/", key)


def test_fields_with_separator_are_refused(key: bytes) -> None:
    with pytest.raises(ValueError):
        make_payload(
            key, serial="A|B", kind=FormKind.LOSS, card_number="", office_code="X", issued_at=ISSUED
        )


def test_short_key_is_refused() -> None:
    with pytest.raises(ValueError):
        _payload(b"short")


@pytest.mark.parametrize("kind", list(FormKind))
def test_every_form_has_a_verifiable_payload(kind: FormKind, key: bytes) -> None:
    form = specimen(kind)
    verified = verify_payload(payload_for(form, key), key)
    assert verified.kind is kind
    assert verified.serial == form.header.serial
