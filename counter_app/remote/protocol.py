"""What the workstation and ``counter-server`` agree on: paths, headers, the error envelope,
and the errors that exist only because there is a network between them.

A call is ``POST /v1/call/<method>`` with ``{"args": [...], "kwargs": {...}}`` (codec
values); the answer is ``{"result": value}`` or, for any refusal, an error envelope
``{"error": {"module", "type", "message", "attrs"}}`` that the client turns back into the
same ``ServiceError`` subclass with the same Chinese message.
"""

from __future__ import annotations

import importlib
from typing import Any

from counter_app.remote.codec import CodecError, decode, encode
from counter_app.services.errors import DatabaseUnavailable, ServiceError
from counter_app.validation.errors import ValidationError

#: What a refusal is, on either side: a service's error or an input validator's.
Refusal = ServiceError | ValidationError

API_PREFIX = "/v1"
CALL_PATH = API_PREFIX + "/call/{method}"
LOGIN_PATH = API_PREFIX + "/login"
KEYS_PATH = API_PREFIX + "/keys/mac"
HEALTH_PATH = "/health"
#: The server's renewed session token, when the old one is past half its life.
RENEWED_TOKEN_HEADER = "x-counter-token"
#: The version of what travels between a workstation and the server: the interface's calls
#: and the plain data they pass and return. Sent with every request; the server refuses a
#: different one before doing anything (``WireVersionMismatch``). Bump it whenever that
#: shape changes — ``tests/server/test_wire_version.py`` fails until it is bumped.
WIRE_VERSION = 4
WIRE_VERSION_HEADER = "x-counter-wire"


class ServerUnreachable(DatabaseUnavailable):
    """The network or the server is down: like a lost database, nothing is known to be
    saved, and what the clerk typed stays in the dialog."""

    reason = "network_unavailable"
    outage = "无法连接业务服务器（网络中断或服务器无响应）"
    message = f"{outage}，本次操作可能未完成。请检查网络连接后重试；已填写的内容仍保留。"


class WorkstationRefused(ServiceError):
    """No client certificate, an unknown one, or a revoked one."""

    reason = "workstation_refused"
    message = "业务服务器拒绝了本工作站（工作站证书无效或已被吊销）。请联系系统管理员。"


class ServerFault(ServiceError):
    """The server failed in a way that is not a business refusal (details in its log)."""

    reason = "server_fault"
    message = "业务服务器处理出错，本次操作未完成。请重试；如仍失败请联系系统管理员。"


class AnswerNotUnderstood(ServiceError):
    """The server answered with something this workstation cannot read (a field or class
    it does not know): the server runs a newer (or older) release than the workstation."""

    reason = "answer_not_understood"
    message = (
        "本工作站无法识别业务服务器的答复（工作站与业务服务器的程序版本不一致）。"
        "请联系系统管理员更新本工作站程序。"
    )


class WireVersionMismatch(ServiceError):
    """The workstation runs a release that speaks another version of the interface than the
    server (``WIRE_VERSION``): refused at login and on every call, before any work, instead
    of a business step done whose answer the workstation then cannot read."""

    reason = "wire_version_mismatch"
    message = (
        "本工作站程序与业务服务器的版本不一致，不能办理业务。请联系系统管理员更新本工作站程序。"
    )

    def __init__(self, workstation: str | None = None) -> None:
        # ``workstation`` is what a peer sent: shown only when it is a plain version number.
        plain = workstation is not None and workstation.isascii() and workstation.isdigit()
        sent = workstation[:6] if plain and workstation else "未知"
        super().__init__(
            f"本工作站程序（接口版本 {sent}）与业务服务器"
            f"（接口版本 {WIRE_VERSION}）不一致，不能办理业务。请联系系统管理员更新本工作站程序。"
        )


class NotAvailableRemotely(ServiceError):
    """A call the city tier does not carry yet (see docs/ARCHITECTURE.md)."""

    reason = "not_available_remotely"
    message = "此项业务暂不能经业务服务器办理。请联系系统管理员。"


class KeyTicketRefused(ServiceError):
    reason = "key_ticket_refused"
    message = (
        "业务服务器未授权本次卡片密钥运算（授权已过期、与本卡或本工作站不符）。请重新办理该业务。"
    )


class KeysUnavailable(ServiceError):
    reason = "keys_unavailable"
    message = "业务服务器未配置发卡机构密钥，不能办理密码重置、解锁或解除挂失。请联系系统管理员。"


#: HTTP status per error class; everything else is 422 (a business refusal).
def status_for(error: Refusal) -> int:
    from counter_app.services.errors import StaffSessionEnded

    if isinstance(error, WorkstationRefused):
        return 403
    if isinstance(error, StaffSessionEnded):
        return 401
    if isinstance(error, ServerFault):
        return 500
    if isinstance(error, WireVersionMismatch):
        return 409
    return 422


def error_envelope(error: Refusal) -> dict[str, Any]:
    if isinstance(error, ValidationError):
        return {
            "error": {
                "module": ValidationError.__module__,
                "type": "ValidationError",
                "message": error.message,
                "field": error.field,
                "code": error.code,
            }
        }
    attrs: dict[str, Any] = {}
    for key, value in vars(error).items():
        if key.startswith("_"):
            continue
        try:
            attrs[key] = encode(value)
        except CodecError:
            continue
    cls = type(error)
    return {
        "error": {
            "module": cls.__module__,
            "type": cls.__qualname__,
            "message": str(error),
            "attrs": attrs,
        }
    }


def error_from_envelope(body: Any) -> Refusal:
    """The same ``ServiceError`` subclass (or ``ValidationError``) with the same message;
    ``ServerFault`` when the class is unknown here (an older workstation) — its message is
    still the server's."""
    info = body.get("error") if isinstance(body, dict) else None
    if not isinstance(info, dict):
        return ServerFault()
    message = str(info.get("message") or ServerFault.message)
    if info.get("type") == "ValidationError" and info.get("module") == ValidationError.__module__:
        return ValidationError(
            message, field=str(info.get("field", "")), code=str(info.get("code", ""))
        )
    cls: Any = None
    module = str(info.get("module", ""))
    if module.startswith("counter_app."):
        try:
            cls = getattr(importlib.import_module(module), str(info.get("type", "")), None)
        except ImportError:
            cls = None
    error: ServiceError
    if not (isinstance(cls, type) and issubclass(cls, ServiceError)):
        error = ServerFault(message)
    else:
        error = cls.__new__(cls)
        ServiceError.__init__(error, message)
    for key, value in dict(info.get("attrs") or {}).items():
        try:
            setattr(error, str(key), decode(value))
        except (CodecError, AttributeError):
            continue
    return error
