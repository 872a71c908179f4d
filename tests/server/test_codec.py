"""The generic codec carries the services' plain data unchanged and builds nothing a peer
names outside the project's own data classes."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from counter_app.api.types import SupervisorApproval
from counter_app.remote.codec import CodecError, decode, encode
from counter_app.remote.protocol import ServerFault, error_envelope, error_from_envelope
from counter_app.services.errors import CardAlreadyReportedLost, ServiceError
from counter_app.services.idcheck import SessionVia
from counter_app.services.permissions import Action
from counter_app.services.sessions import HolderSession
from counter_app.validation.errors import ValidationError
from reader.pinbuffer import PinBuffer
from tests.id_documents import manual_doc


def _wire(value: object) -> object:
    return decode(json.loads(json.dumps(encode(value))))


def test_dataclasses_enums_dates_decimals_bytes_survive_the_wire() -> None:
    session = HolderSession(
        session_id=7,
        holder_id=3,
        card_id=None,
        via=SessionVia.ID_DOCUMENT,
        card_id_code=None,
        opened_at=dt.datetime(2025, 3, 10, 2, tzinfo=dt.UTC),
        staff_id=5,
        office_id=2,
        card_number="A12424866",
    )
    value = {
        "session": session,
        "doc": manual_doc("500103196803150310"),
        "money": Decimal("1234.50"),
        "day": dt.date(2025, 3, 9),
        "raw": b"\x00\xffPDF",
        "pair": (1, "二"),
        "action": Action.VIEW_RECORDS,
        "approval": SupervisorApproval(9, "YB500103-03"),
        3: None,
    }
    back = _wire(value)
    assert back == value
    assert isinstance(back["money"], Decimal) and str(back["money"]) == "1234.50"
    assert type(back["action"]) is Action and type(back["pair"]) is tuple


@pytest.mark.parametrize(
    "payload",
    [
        {"$dc": "subprocess:Popen", "f": {"args": ["true"]}},
        {"$enum": "os:environ", "v": "x"},
        {"$dc": "counter_app.services.errors:ServiceError", "f": {}},  # not a dataclass
        {"$dc": "counter_app.api.types:SupervisorApproval", "f": {"id": 1, "evil": 2}},
        {"$nope": 1},
    ],
)
def test_decoding_refuses_what_is_not_service_data(payload: dict[str, object]) -> None:
    with pytest.raises(CodecError):
        decode(payload)


def test_a_pin_buffer_is_never_encoded() -> None:
    pin = PinBuffer()
    for digit in "123456":
        pin.append(digit)
    with pytest.raises(CodecError):
        encode(pin)


def test_errors_rebuild_as_their_own_class_and_message() -> None:
    error = CardAlreadyReportedLost()
    back = error_from_envelope(json.loads(json.dumps(error_envelope(error))))
    assert type(back) is CardAlreadyReportedLost and str(back) == CardAlreadyReportedLost.message
    invalid = ValidationError("手机号码应为 11 位。", field="phone", code="phone_length")
    back = error_from_envelope(json.loads(json.dumps(error_envelope(invalid))))
    assert isinstance(back, ValidationError)
    assert back.message == "手机号码应为 11 位。"
    assert (back.field, back.code) == ("phone", "phone_length")


def test_an_unknown_error_class_keeps_the_servers_message() -> None:
    envelope = {"error": {"module": "os", "type": "system", "message": "服务器说的话"}}
    back = error_from_envelope(envelope)
    assert type(back) is ServerFault and str(back) == "服务器说的话"
    assert isinstance(back, ServiceError)


def test_a_models_column_enum_travels_as_its_plain_value() -> None:
    """An ORM row written in this transaction holds its column's enum (``LossChannel``)
    where a row read back holds the string: the workstation gets the string either way,
    and the decoder is never asked to build a class outside the service data."""
    from counter_app.models.loss import LossChannel, LossKind

    wire = json.loads(json.dumps(encode({"channel": LossChannel.PHONE, "kind": LossKind.WRITTEN})))
    assert "counter_app.models" not in json.dumps(wire)
    assert decode(wire) == {"channel": "phone", "kind": "written"}
