"""Why "the card is not read": a technician's check of the whole chain, with a verdict in
plain Chinese and what to do about it.

Checks in order, stopping at the first break: the PC/SC service (pcscd / WinSCard), the
readers, a card in the chosen reader, its ATR (is it a social security card? CARD.md
"Transport"), the SSSE application (SELECT, CARD.md "Files"), the reader's PIN pad (PC/SC
part 10) and the APDU round-trip time. Sends nothing that changes the card: SELECT only —
no VERIFY, so no PIN try is ever spent.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

from reader.errors import CardError, CardUnresponsive, NoCard, NoReader
from reader.pcsc import Context, PcscTransport

#: CARD.md ATR: ``3B 6D 00 00`` + historical bytes starting ``00 81 54 4C 96 86 84``.
SSC_ATR_PREFIX = bytes.fromhex("3B6D00000081544C968684")
SSC_ATR_LENGTH = 17
SELECT_SSSE = bytes.fromhex("00A404000F7378312E73682EC9E7BBE1B1A3D5CF")
SELECT_MF = bytes.fromhex("00A40000023F00")
RTT_ROUNDS = 20
SLOW_RTT_MS = 50.0


@dataclass
class Diagnosis:
    """What ``diagnose`` found. ``ok`` is True when the card can be read; ``verdict`` and
    ``advice`` are for the technician (Chinese)."""

    service_ok: bool = False
    readers: list[str] = field(default_factory=list)
    reader: str | None = None
    card_present: bool = False
    atr: bytes | None = None
    looks_like_ssc: bool = False
    app_status: str = ""  # "ok", "blocked", "permanently_blocked", "missing", ""
    pinpad_features: list[int] | None = None  # PC/SC part 10 tags; None: not checked
    rtt_ms_median: float | None = None
    rtt_ms_max: float | None = None
    ok: bool = False
    verdict: str = ""
    advice: list[str] = field(default_factory=list)
    error: str = ""

    def lines(self) -> list[str]:
        """A readable report, one line each."""
        yes = {True: "正常", False: "异常"}
        out = [f"读卡服务 (pcscd/PC/SC)：{yes[self.service_ok]}"]
        out.append("读卡器：" + ("、".join(self.readers) if self.readers else "无"))
        if self.reader:
            out.append(f"检查的读卡器：{self.reader}")
        if self.atr is not None:
            kind = "社保卡" if self.looks_like_ssc else "不像社保卡"
            out.append(f"ATR：{self.atr.hex(' ').upper()}（{kind}）")
        if self.app_status:
            out.append(f"社保应用：{_APP_TEXT.get(self.app_status, self.app_status)}")
        if self.pinpad_features is not None:
            pad = "有（安全密码输入）" if 0x06 in self.pinpad_features else "无"
            out.append(f"读卡器密码键盘：{pad}")
        if self.rtt_ms_median is not None:
            out.append(
                f"指令往返时间：中位数 {self.rtt_ms_median:.2f} ms，最大 "
                f"{self.rtt_ms_max or 0:.2f} ms"
            )
        out.append(f"结论：{self.verdict}")
        out.extend(f"  - {line}" for line in self.advice)
        return out


_APP_TEXT = {
    "ok": "正常",
    "blocked": "已临时锁定（挂失）",
    "permanently_blocked": "已永久锁定",
    "missing": "未找到",
}


def looks_like_ssc(atr: bytes) -> bool:
    return len(atr) == SSC_ATR_LENGTH and atr.startswith(SSC_ATR_PREFIX)


def diagnose(reader_name: str | None = None) -> Diagnosis:
    """Check the chain and say what is wrong. Never raises for card or reader trouble."""
    d = Diagnosis()
    try:
        context = Context()
    except CardError as exc:
        d.error = str(exc)
        return _verdict(
            d,
            "读卡服务未运行，任何读卡器都无法使用。",
            [
                "Linux：以管理员身份启动读卡服务（sudo systemctl start pcscd，或 pcscd）。",
                "Windows：在“服务”中启动“Smart Card”（智能卡）服务。",
                "仍不行：重启电脑后再运行本诊断。",
            ],
        )
    d.service_ok = True
    try:
        return _check_readers(d, context, reader_name)
    finally:
        context.release()


def _check_readers(d: Diagnosis, context: Context, reader_name: str | None) -> Diagnosis:
    try:
        d.readers = context.readers()
        d.reader = context.choose_reader(reader_name)
    except NoReader as exc:
        d.error = str(exc)
        if not d.readers:
            return _verdict(
                d,
                "没有检测到读卡器。",
                [
                    "检查读卡器 USB 线是否插好，换一个 USB 口再试。",
                    "确认已安装读卡器驱动（Linux 一般为 libccid）。",
                    "插好后等待几秒，再运行本诊断。",
                ],
            )
        return _verdict(
            d,
            f"没有名为“{reader_name}”的读卡器。",
            ["在设置中把读卡器名称改为上面列出的名称之一，或留空（自动选择插了卡的读卡器）。"],
        )
    except NoCard:
        d.reader = reader_name or (d.readers[0] if d.readers else None)
        return _no_card(d)
    except CardError as exc:
        d.error = str(exc)
        return _verdict(d, "无法查询读卡器状态。", [str(exc)])
    try:
        transport = PcscTransport(context, d.reader)
    except NoCard:
        return _no_card(d)
    except CardUnresponsive as exc:
        d.card_present = True
        d.error = str(exc)
        return _verdict(
            d,
            "检测到有卡，但卡片不应答。",
            [
                "卡可能插反或芯片脏污：取出卡，擦拭芯片后按正确方向重插。",
                "换一张正常的社保卡试读：能读则原卡芯片损坏，请为持卡人办理补换卡。",
            ],
        )
    except CardError as exc:
        d.error = str(exc)
        return _verdict(d, "无法连接卡片。", [str(exc)])
    try:
        return _check_card(d, transport)
    except CardError as exc:
        d.error = str(exc)
        return _verdict(d, "检查过程中卡片通信中断。", [str(exc), "请重新插卡后再运行本诊断。"])
    finally:
        transport.close()


def _no_card(d: Diagnosis) -> Diagnosis:
    return _verdict(
        d,
        "读卡器正常，但读卡器中没有检测到卡。",
        [
            "请持卡人把社保卡插到底（芯片朝向读卡器内，照片面向下）。",
            "若卡已插好：取出卡，擦拭芯片后重插；换一张卡试试读卡器是否正常。",
        ],
    )


def _check_card(d: Diagnosis, transport: PcscTransport) -> Diagnosis:
    d.card_present = True
    d.atr = transport.atr()
    d.looks_like_ssc = looks_like_ssc(d.atr)
    d.pinpad_features = _pinpad_features(transport)
    times = []
    with transport.transaction():
        for _ in range(RTT_ROUNDS):
            start = time.perf_counter()
            transport.transmit(SELECT_MF)
            times.append((time.perf_counter() - start) * 1000)
        sw = _sw(transport.transmit(SELECT_SSSE))
    d.rtt_ms_median = statistics.median(times)
    d.rtt_ms_max = max(times)
    d.app_status = {0x9000: "ok", 0x6283: "blocked", 0x9303: "permanently_blocked"}.get(
        sw, "ok" if sw >> 8 == 0x61 else "missing"
    )
    if d.app_status == "missing":
        return _verdict(
            d,
            "卡片能读，但不是社会保障卡（找不到社保应用）。"
            if not d.looks_like_ssc
            else "卡片像社保卡，但找不到社保应用。",
            [
                "请确认插入的是社会保障卡而不是银行卡、医保电子凭证打印卡等。",
                f"卡片应答状态码 {sw:04X}；若确为社保卡，请交卡管中心检测。",
            ],
        )
    if d.app_status == "permanently_blocked":
        return _verdict(
            d, "读卡正常；此卡的社保应用已被永久锁定，无法继续使用。", ["请为持卡人办理补换卡。"]
        )
    advice = []
    if d.app_status == "blocked":
        advice.append("此卡社保应用已临时锁定（通常因挂失），需办理解除挂失后才能使用密码业务。")
    if not d.looks_like_ssc:
        advice.append("卡片 ATR 与社保卡规范不同（可能是其他批次的卡），读卡不受影响。")
    if d.rtt_ms_median is not None and d.rtt_ms_median > SLOW_RTT_MS:
        advice.append("读卡器响应偏慢：换一个 USB 口（不要用 USB 集线器），或更换读卡器。")
    d.ok = True
    return _verdict(
        d,
        "读卡器和社保卡均正常。",
        advice or ["若业务程序仍读不到卡：检查设置中的读卡器名称，重启工作站程序后再试。"],
    )


def _pinpad_features(transport: PcscTransport) -> list[int] | None:
    try:
        from reader.pinpad import CM_IOCTL_GET_FEATURE_REQUEST, parse_features
    except ImportError:
        return None
    try:
        reply = transport.control(CM_IOCTL_GET_FEATURE_REQUEST, b"")
    except (NotImplementedError, CardError):
        return []
    return sorted(parse_features(reply))


def _sw(response: bytes) -> int:
    return (response[-2] << 8) | response[-1] if len(response) >= 2 else 0


def _verdict(d: Diagnosis, verdict: str, advice: list[str]) -> Diagnosis:
    d.verdict = verdict
    d.advice = advice
    return d
