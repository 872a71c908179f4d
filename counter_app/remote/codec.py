"""A generic JSON codec for the services' plain data: dataclasses, enums, dates and times,
``Decimal``, ``bytes``, tuples, sets and mappings — what the typed service interface passes
and returns.

Plain JSON values (``None``, ``bool``, ``int``, ``float``, ``str``, lists) pass as they are;
everything else becomes a one-key tagged object (``{"$dc": …}``, ``{"$dec": "12.30"}`` …).
Decoding a dataclass or an enum names its class as ``module:QualName``; only classes from
the project's own data modules (:data:`ALLOWED_PREFIXES`) that really are dataclasses or
enums are built — the codec never imports or calls anything else a peer names.

Values that must not travel are refused by their type (``PinBuffer``, a card client):
:class:`CodecError`.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import enum
import importlib
import uuid
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from counter_app.services.errors import ServiceError

#: Modules whose dataclasses and enums may be decoded.
ALLOWED_PREFIXES = (
    "counter_app.services.",
    "counter_app.api.",
    "counter_app.remote.",
    "forms.",
    "reports.",
    "reader.identity",
)


class CodecError(ValueError):
    """A value that cannot be encoded, or a payload that cannot be decoded."""


#: Fields that never leave the server, whatever dataclass holds them (the form-signing key
#: a ``WrittenLossResult`` carries for drawing its PDF): sent as their default.
REDACTED_FIELDS = frozenset({"form_key"})


def _field_value(value: Any, field: dataclasses.Field[Any]) -> Any:
    if field.name in REDACTED_FIELDS:
        if field.default is not dataclasses.MISSING:
            return encode(field.default)
        return None
    return encode(getattr(value, field.name))


def encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        if isinstance(value, enum.Enum):  # StrEnum / IntEnum are str / int too
            if not _allowed(type(value)):
                # A model's column enum (``LossChannel``) in a field of plain values, as an
                # ORM row holds it after a write: sent as the value a read would give.
                return value.value
            return _encode_enum(value)
        return value
    if isinstance(value, enum.Enum):
        return _encode_enum(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        _check_allowed(type(value))
        fields = {f.name: _field_value(value, f) for f in dataclasses.fields(value)}
        return {"$dc": _name(type(value)), "f": fields}
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$time": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"$td": [value.days, value.seconds, value.microseconds]}
    if isinstance(value, Decimal):
        return {"$dec": str(value)}
    if isinstance(value, bytes):
        return {"$b": base64.b64encode(value).decode("ascii")}
    if isinstance(value, uuid.UUID):
        return {"$uuid": str(value)}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, tuple):
        return {"$tuple": [encode(v) for v in value]}
    if isinstance(value, set | frozenset):
        return {"$set": [encode(v) for v in value], "frozen": isinstance(value, frozenset)}
    if isinstance(value, Mapping):
        return {"$map": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, ServiceError):  # a refusal held as data (LiftChecklist.refusal)
        _check_allowed(type(value))
        return {"$err": _name(type(value)), "m": str(value)}
    raise CodecError(f"cannot send a {type(value).__module__}.{type(value).__qualname__}")


def _encode_enum(value: enum.Enum) -> Any:
    _check_allowed(type(value))
    return {"$enum": _name(type(value)), "v": encode(value.value)}


def _name(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def _allowed(cls: type) -> bool:
    module = cls.__module__
    return any(module == p.rstrip(".") or module.startswith(p) for p in ALLOWED_PREFIXES)


def _check_allowed(cls: type) -> None:
    module = cls.__module__
    if not _allowed(cls):
        raise CodecError(f"type {module}.{cls.__qualname__} is not part of the service data")


def _resolve(name: str) -> type:
    module_name, _, qualname = str(name).partition(":")
    if not any(module_name.startswith(p) or module_name == p.rstrip(".") for p in ALLOWED_PREFIXES):
        raise CodecError(f"type {name} is not part of the service data")
    try:
        obj: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as exc:
        raise CodecError(f"unknown type {name}") from exc
    if not isinstance(obj, type):
        raise CodecError(f"{name} is not a class")
    return obj


_SCALAR_TAGS = {
    "$dt": dt.datetime.fromisoformat,
    "$date": dt.date.fromisoformat,
    "$time": dt.time.fromisoformat,
    "$uuid": uuid.UUID,
}


def decode(data: Any) -> Any:
    if data is None or isinstance(data, bool | int | float | str):
        return data
    if isinstance(data, list):
        return [decode(v) for v in data]
    if not isinstance(data, dict):
        raise CodecError(f"unexpected JSON value {type(data).__name__}")
    try:
        return _decode_tagged(data)
    except CodecError:
        raise
    except (ValueError, TypeError, KeyError, InvalidOperation) as exc:
        raise CodecError(f"malformed value: {exc}") from exc


def _decode_tagged(data: dict[str, Any]) -> Any:
    if "$dc" in data:
        cls = _resolve(data["$dc"])
        if not dataclasses.is_dataclass(cls):
            raise CodecError(f"{data['$dc']} is not a dataclass")
        values = {k: decode(v) for k, v in dict(data["f"]).items()}
        fields = {f.name: f for f in dataclasses.fields(cls)}
        unknown = set(values) - set(fields)
        if unknown:
            raise CodecError(f"unknown fields {sorted(unknown)} for {data['$dc']}")
        obj = cls(**{k: v for k, v in values.items() if fields[k].init})
        for key, value in values.items():
            if not fields[key].init:
                object.__setattr__(obj, key, value)
        return obj
    if "$enum" in data:
        cls = _resolve(data["$enum"])
        if not issubclass(cls, enum.Enum):
            raise CodecError(f"{data['$enum']} is not an enum")
        return cls(decode(data["v"]))
    for tag, parse in _SCALAR_TAGS.items():
        if tag in data:
            return parse(str(data[tag]))
    if "$td" in data:
        days, seconds, micro = (int(x) for x in data["$td"])
        return dt.timedelta(days=days, seconds=seconds, microseconds=micro)
    if "$dec" in data:
        return Decimal(str(data["$dec"]))
    if "$b" in data:
        return base64.b64decode(str(data["$b"]), validate=True)
    if "$tuple" in data:
        return tuple(decode(v) for v in data["$tuple"])
    if "$set" in data:
        items = [decode(v) for v in data["$set"]]
        return frozenset(items) if data.get("frozen") else set(items)
    if "$map" in data:
        return {decode(k): decode(v) for k, v in data["$map"]}
    if "$err" in data:
        cls = _resolve(data["$err"])
        if not issubclass(cls, ServiceError):
            raise CodecError(f"{data['$err']} is not a service error")
        error = cls.__new__(cls)
        ServiceError.__init__(error, str(data["m"]))
        return error
    raise CodecError(f"unknown tagged value {sorted(data)[:3]}")
