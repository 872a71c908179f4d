"""Typed errors of the resident ID card reader (IDCARD.md "Frames", SW3 table).

Each carries a Chinese message for the clerk that says what happened and what to do
(``str(err)``). Messages never contain the card's data: no name, number or photo, and no
raw driver text (a serial error's own text stays out of the message).
"""

from __future__ import annotations


class IdCardError(Exception):
    """Base of every ID card reader error. ``str(err)`` is the Chinese message for the clerk."""

    message = "读取身份证出错。请将身份证取下后重新放置；仍不行请运行“身份证阅读器诊断”。"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)


# --- the port and the frames ------------------------------------------------------------


class IdReaderNotFound(IdCardError):
    message = "未找到身份证阅读器。请检查阅读器的连接线和设置中的端口，然后运行“身份证阅读器诊断”。"


class IdReaderDisconnected(IdCardError):
    message = "身份证阅读器连接已断开。请检查连接线（或重新插拔USB）后重试。"


class IdReaderTimeout(IdCardError):
    message = "身份证阅读器没有应答。请检查阅读器电源和连接线后重试。"


class FrameError(IdCardError):
    """The reader's reply is not a well-formed frame (IDCARD.md "Frames")."""

    message = "身份证阅读器的应答有误（可能受到干扰）。请将身份证取下后重新放置再读一次。"


class FrameChecksumError(FrameError):
    message = "身份证阅读器的应答校验错误（可能受到干扰）。请将身份证取下后重新放置再读一次。"


class FrameLengthError(FrameError):
    message = "身份证阅读器的应答长度不对。请将身份证取下后重新放置再读一次；仍不行请更换阅读器。"


class FrameTruncated(FrameError):
    message = "身份证阅读器的应答不完整。请将身份证取下后重新放置再读一次；仍不行请检查连接线。"


class CardDataError(IdCardError):
    """The text block cannot be understood (unknown kind, a date that is no date)."""

    message = "身份证芯片中的信息无法识别。请将身份证取下后重新放置；仍不行请按人工录入办理。"


# --- SW3 (IDCARD.md, SW3 table) ---------------------------------------------------------


class StatusError(IdCardError):
    """A reply whose SW3 is not the one the command expects."""

    sw3 = 0x00

    def __init__(self, message: str | None = None, sw3: int | None = None) -> None:
        super().__init__(message)
        if sw3 is not None:
            self.sw3 = sw3


class NoSuchContent(StatusError):
    sw3 = 0x91
    message = "该证件中没有此项内容（例如没有最新住址）。请以证件上印制的内容为准。"


class CommandChecksumRejected(StatusError):
    sw3 = 0x10
    message = "身份证阅读器收到的命令校验错误（可能受到干扰）。请重试；仍不行请检查连接线。"


class CommandLengthRejected(StatusError):
    sw3 = 0x11
    message = "身份证阅读器收到的命令长度错误。请重试；仍不行请检查连接线和阅读器型号。"


class UnknownCommand(StatusError):
    sw3 = 0x21
    message = "身份证阅读器不支持此命令。请确认阅读器型号符合 GA 467 标准。"


class CardNotAuthorised(StatusError):
    sw3 = 0x23
    message = (
        "身份证未通过安全模块核验（可能不是真实证件）。请核对证件；不能读取时请按规定人工核验。"
    )


class CardAuthenticationFailed(StatusError):
    sw3 = 0x31
    message = "身份证认证失败。请将身份证取下后重新放置；仍不行请核对证件真伪。"


class CardReadFailed(StatusError):
    sw3 = 0x41
    message = "读取身份证失败（证件被移动或取走）。请将身份证取下后重新放置，读完前不要移动。"


class SamSelfTestFailed(StatusError):
    sw3 = 0x60
    message = "身份证阅读器的安全模块自检失败。请重新插拔阅读器；仍不行请联系维修。"


class SamNotAuthorised(StatusError):
    sw3 = 0x66
    message = "身份证阅读器的安全模块未获授权。请联系维修人员更换或授权阅读器。"


class NoIdCard(StatusError):
    sw3 = 0x80
    message = "阅读器上没有身份证。请将身份证放在阅读器上；如已放置，请取下后重新放置。"


class IdCardAlreadyRead(NoIdCard):
    """No card found (``80``) after this reader read a card: IDCARD.md — after a successful
    read the card must be taken away and placed again before find card succeeds, so a card
    still lying on the reader cannot be read again as it lies."""

    message = (
        "阅读器上没有可读取的身份证（每放置一次只能读取一次）。"
        "请将身份证拿起后重新放置，再点击“读取身份证”。"
    )


class CardSelectFailed(StatusError):
    sw3 = 0x81
    message = "选取身份证失败。请将身份证取下后重新放置。"


class UnexpectedStatus(StatusError):
    """An SW3 the table does not list."""

    message = (
        "身份证阅读器返回了未知状态。请将身份证取下后重新放置；仍不行请运行“身份证阅读器诊断”。"
    )


STATUS_ERRORS: dict[int, type[StatusError]] = {
    cls.sw3: cls
    for cls in (
        NoSuchContent,
        CommandChecksumRejected,
        CommandLengthRejected,
        UnknownCommand,
        CardNotAuthorised,
        CardAuthenticationFailed,
        CardReadFailed,
        SamSelfTestFailed,
        SamNotAuthorised,
        NoIdCard,
        CardSelectFailed,
    )
}


def status_error(sw3: int) -> StatusError:
    """The typed error for ``sw3`` (an unlisted one: :class:`UnexpectedStatus`)."""
    cls = STATUS_ERRORS.get(sw3)
    return cls() if cls is not None else UnexpectedStatus(sw3=sw3)
