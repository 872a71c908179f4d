"""Typed errors for everything that can go wrong between the workstation and a card.

Each error carries a Chinese message for the clerk that says what happened and what to do
next (``str(err)``), and never contains PIN digits. The status-word errors are raised by
``reader.client``; the transport errors by ``reader.pcsc`` and the emulator transports.
"""

from __future__ import annotations


class CardError(Exception):
    """Base of every card/reader error. ``str(err)`` is the Chinese message for the clerk."""

    message = "读卡出错。请重新插卡后重试。"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)


# --- transport level -------------------------------------------------------------------


class ReaderUnavailable(CardError):
    message = "读卡器不可用（未连接或读卡服务 pcscd 未运行）。请检查读卡器连接后重试。"


class NoReader(ReaderUnavailable):
    message = "未找到读卡器。请连接读卡器；如已连接，请运行“读卡诊断”。"


class NoCard(CardError):
    message = "读卡器中没有卡。请持卡人插入社保卡（照片面向下）。"


class CardRemoved(CardError):
    message = "社保卡已被拔出，操作未完成。请重新插卡后重新办理。"


class CardUnresponsive(CardError):
    message = "卡片无响应（可能插反或芯片损坏）。请重新插卡；仍不行请运行“读卡诊断”。"


class OutcomeUnknown(CardError):
    """The command went out but its answer never came back: the card may or may not have
    acted on it. Callers record the outcome as unknown and resolve it by re-reading the card;
    they never report success."""

    message = "操作结果未知：命令已发出但卡片在应答前被拔出。请重新插卡以核实卡片状态。"


# --- status words of the card (CARD.md "Password", "Authorised commands", "Other") --------


class StatusWordError(CardError):
    """The card answered with a status word other than success. ``sw`` is that word."""

    message = "卡片拒绝了该操作。请重新插卡后重试。"
    sw: int | None = None

    def __init__(self, message: str | None = None, *, sw: int | None = None) -> None:
        super().__init__(message)
        if sw is not None:
            self.sw = sw


class WrongPin(StatusWordError):
    """``63Cx``: the PIN was wrong and one try was spent (never retried by the client)."""

    def __init__(self, tries_left: int) -> None:
        self.tries_left = tries_left
        super().__init__(
            f"密码错误，还可尝试 {tries_left} 次。请持卡人重新输入；"
            "次数用完密码将被锁定，需持有效身份证件办理解锁。",
            sw=0x63C0 | (tries_left & 0x0F),
        )


class PinBlocked(StatusWordError):
    """``6983``: the retry counter is exhausted (RULES P6)."""

    message = "密码已锁定，请持有效身份证件办理解锁或重置。"
    sw = 0x6983


class ApplicationBlocked(StatusWordError):
    """``6985`` (VERIFY / CHANGE PIN) or ``6283`` (SELECT): SSSE is temporarily blocked."""

    message = (
        "社保应用已被临时锁定（卡片可能已挂失），密码操作被拒绝。"
        "请核实挂失状态，由持卡人持有效身份证件办理解除挂失后再试。"
    )
    sw = 0x6985


class ApplicationPermanentlyBlocked(StatusWordError):
    """``9303``: SSSE is permanently blocked; the card can no longer be used."""

    message = "社保应用已被永久锁定，此卡无法继续使用。请为持卡人办理补卡。"
    sw = 0x9303


class NotSocialSecurityCard(StatusWordError):
    """SELECT of the SSSE application or of its files failed (``6A82`` and similar)."""

    message = "这不是社会保障卡，或卡片数据结构不符。请确认插入的是社保卡（照片面向下）。"


class NewPinRefused(StatusWordError):
    """``6A80`` to CHANGE PIN or RELOAD PIN: the card refused the new PIN as too weak
    (``123456``, six equal digits, a straight run — CARD.md "Password", RULES P7); nothing
    changed and no try was spent. What the clerk sees when the holder typed on the reader's
    PIN pad, where the workstation never sees the new PIN."""

    message = "新密码过于简单，请持卡人重新设置。"
    sw = 0x6A80


class BadMac(StatusWordError):
    """``6988``: the card rejected the MAC of an authorised command; nothing changed."""

    message = (
        "卡片拒绝了授权校验码（MAC 错误），卡片未作任何改动。"
        "本机配置的发卡机构密钥可能不正确，请联系系统管理员。"
    )
    sw = 0x6988


class NoChallenge(StatusWordError):
    """``6984``: an authorised command arrived without a fresh GET CHALLENGE."""

    message = "卡片随机数已失效，操作未执行。请重新办理；多次出现请运行“读卡诊断”。"
    sw = 0x6984


class SecurityNotSatisfied(StatusWordError):
    """``6982``: the card requires a verified PIN or an authorisation first."""

    message = "卡片安全状态不满足，操作未执行。请先由持卡人输入密码后重试。"
    sw = 0x6982


class RecordNotFound(StatusWordError):
    """``6A83``: a record the client needs is not on the card."""

    message = "卡片中缺少所需的数据记录。请将此卡交卡管中心检测。"
    sw = 0x6A83


class WrongLength(StatusWordError):
    """``6700``: the card rejected a command's length."""

    message = "卡片拒绝了命令长度（6700）。请重新插卡后重试；仍不行请运行“读卡诊断”。"
    sw = 0x6700


class UnexpectedStatus(StatusWordError):
    """Any status word without a more specific meaning here."""

    def __init__(self, sw: int) -> None:
        super().__init__(
            f"卡片返回了未预期的状态码 {sw:04X}，操作未完成。请重新插卡后重试；"
            "仍不行请运行“读卡诊断”并记下状态码。",
            sw=sw,
        )


class MalformedResponse(CardError):
    """The card's answer does not have the shape CARD.md describes."""

    message = "卡片返回的数据格式不正确，无法识别。请重新插卡；仍不行请将此卡交卡管中心检测。"


class CardChanged(CardError):
    """The card in the reader is not the card the operation was started with."""

    message = "读卡器中的卡与刚才读取的卡不是同一张，操作未执行。请重新读卡后再办理。"


# --- PIN pad (PC/SC part 10 status words) ---------------------------------------------


class PinEntryTimeout(StatusWordError):
    """``6400``: the holder did not finish typing in time."""

    message = "密码输入超时。请持卡人重新输入。"
    sw = 0x6400


class PinEntryCancelled(StatusWordError):
    """``6401``: the holder pressed cancel."""

    message = "持卡人取消了密码输入，操作未执行。"
    sw = 0x6401


class PinMismatch(StatusWordError):
    """``6402``: the two entries of the new PIN differ (RULES P7); nothing changed."""

    message = "两次输入的新密码不一致，密码未修改。请持卡人重新输入。"
    sw = 0x6402


class PinLengthInvalid(StatusWordError):
    """``6403`` from a PIN pad, or a PIN buffer of the wrong length (RULES P1)."""

    message = "密码位数不正确（社保卡密码为 6 位数字）。请持卡人重新输入。"
    sw = 0x6403


class PinPadUnavailable(CardError):
    """The reader has no PIN pad for the requested operation."""

    message = "读卡器没有可用的密码键盘。请使用屏幕密码键盘，或更换带密码键盘的读卡器。"


# --- keys ------------------------------------------------------------------------------


class KeySourceError(CardError):
    """The issuer's card keys could not be loaded or may not be used here."""

    message = "发卡机构密钥配置有误，无法办理重置密码、解锁等授权业务。请联系系统管理员。"


class KeySourceNotImplemented(KeySourceError):
    """The configured key source (PSAM/HSM) has no implementation yet."""

    message = (
        "密钥源 PSAM/HSM 尚未实现，无法办理重置密码、解锁等授权业务。"
        "请联系系统管理员改用已支持的密钥源。"
    )
