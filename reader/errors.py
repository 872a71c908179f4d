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
