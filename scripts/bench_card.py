#!/usr/bin/env python3
"""Card-layer figures on the real stack: pyscard → pcscd → vpcd → emulator.

Prints one JSON line per figure: ``{"name", "value", "unit", "baseline", "ratio",
"target"}``. Baselines run in the same process on the same path: a minimal echo card on the
second vpcd slot (``Virtual PCD 00 01``, port 35964) for the APDU round trip, and raw
pyscard sending the very same APDUs for the identity read. Starts its own ``pcscd -f`` when
none runs (and stops it at the end). Asserts nothing about time (docs/ARCHITECTURE.md "Tests").

    .venv/bin/python scripts/bench_card.py [--rounds 2000] [--inserts 10]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from reader.client import SocialSecurityCardClient
from reader.emulator.card import EmulatedCard
from reader.emulator.vpcd import VpcdClient
from reader.errors import CardError
from reader.identity import CardIdentity
from reader.pcsc import Context, PcscTransport, sc
from reader.pcsc_service import CardReaderService, ReaderEvent

CARD_READER, CARD_PORT = "Virtual PCD 00 00", 35963
ECHO_READER, ECHO_PORT = "Virtual PCD 00 01", 35964
READ_RECORD = bytes.fromhex("00B2072C00")  # card number, by SFI: no state changes
PROFILE: dict[str, Any] = {
    "card_number": "A00000011",
    "card_id_code": "500103D15600000512345678ABCDEF01",
    "card_type": "3",
    "spec_version": "3.00",
    "init_org": "500100000000000000000001",
    "issue_date": "2020-03-15",
    "expiry_date": "2030-03-15",
    "birth_date": "1985-06-01",
    "ssn": "500103198506010014",
    "name": "张三",
    "gender": "1",
    "ethnicity": "01",
    "birthplace": "500103",
    "pin": "123456",
    "pin_tries_max": 3,
    "pin_tries_left": 3,
    "app_state": "ok",
}


class EchoCard:
    """The least a card can do: answer ``9000`` with the command's data."""

    def atr(self) -> bytes:
        return bytes.fromhex("3B6D00000081544C968684500103123456")

    def process(self, apdu: bytes) -> bytes:
        return bytes(apdu[5:]) + b"\x90\x00" if len(apdu) > 5 else b"\x90\x00"

    def power_off(self) -> None: ...

    def power_on(self) -> None: ...

    def reset(self) -> None: ...


def emit(name: str, value: float, unit: str, baseline: float | None, target: str) -> None:
    ratio = round(value / baseline, 3) if baseline else None
    print(
        json.dumps(
            {
                "name": name,
                "value": round(value, 4),
                "unit": unit,
                "baseline": None if baseline is None else round(baseline, 4),
                "ratio": ratio,
                "target": target,
            }
        ),
        flush=True,
    )


def ms(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered) * 1000, p99 * 1000


def reader_state(name: str) -> int:
    context = Context()
    try:
        return context.status([name]).get(name, (0, b""))[0]
    finally:
        context.release()


def wait(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for the PC/SC stack")
        time.sleep(0.005)


def present(name: str) -> bool:
    return bool(reader_state(name) & sc.SCARD_STATE_PRESENT)


def ensure_pcscd() -> subprocess.Popen[bytes] | None:
    try:
        Context().release()
        return None
    except CardError:
        pass
    binary = shutil.which("pcscd") or "/usr/sbin/pcscd"
    proc = subprocess.Popen(
        [binary, "-f"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )

    def up() -> bool:
        try:
            Context().release()
            return True
        except CardError:
            return False

    wait(up)
    return proc


def raw_round_trips(reader: str, apdu: bytes, rounds: int) -> list[float]:
    """pyscard's scard layer, nothing of ours on the host side."""
    _, context = sc.SCardEstablishContext(sc.SCARD_SCOPE_USER)
    _, handle, protocol = sc.SCardConnect(
        context, reader, sc.SCARD_SHARE_SHARED, sc.SCARD_PROTOCOL_T0 | sc.SCARD_PROTOCOL_T1
    )
    command = list(apdu)
    out = []
    for _ in range(rounds):
        start = time.perf_counter()
        sc.SCardTransmit(handle, protocol, command)
        out.append(time.perf_counter() - start)
    sc.SCardDisconnect(handle, sc.SCARD_LEAVE_CARD)
    sc.SCardReleaseContext(context)
    return out


def bench_round_trip(rounds: int) -> None:
    card = raw_round_trips(CARD_READER, READ_RECORD, rounds)
    echo = raw_round_trips(ECHO_READER, READ_RECORD, rounds)
    (card_med, card_p99), (echo_med, echo_p99) = ms(card), ms(echo)
    emit("apdu_round_trip_median", card_med, "ms", echo_med, "<= 1 ms")
    emit("apdu_round_trip_p99", card_p99, "ms", echo_p99, "")


def bench_identity(rounds: int, blocks: int = 5) -> None:
    """Our client over ``PcscTransport`` against raw pyscard sending the same APDUs in one
    transaction. Alternating blocks, each on its own single connection: two handles open
    on one card make pcscd switch between them and blur both figures."""
    apdus: list[bytes] = []

    def trace(line: str) -> None:
        if line.startswith("> "):
            apdus.append(bytes.fromhex(line[2:]))

    with PcscTransport.open(CARD_READER) as transport:
        SocialSecurityCardClient(transport, apdu_trace=trace).read_identity()
    emit("identity_read_apdus", len(apdus), "APDUs", None, "<= 20")
    commands = [list(a) for a in apdus]
    ours: list[float] = []
    raw: list[float] = []
    per_block = max(1, rounds // blocks)
    for _ in range(blocks):
        with PcscTransport.open(CARD_READER) as transport:
            client = SocialSecurityCardClient(transport)
            for _ in range(per_block):
                start = time.perf_counter()
                client.read_identity()
                ours.append(time.perf_counter() - start)
        _, context = sc.SCardEstablishContext(sc.SCARD_SCOPE_USER)
        _, handle, protocol = sc.SCardConnect(
            context, CARD_READER, sc.SCARD_SHARE_SHARED, sc.SCARD_PROTOCOL_T0 | sc.SCARD_PROTOCOL_T1
        )
        for _ in range(per_block):
            start = time.perf_counter()
            sc.SCardBeginTransaction(handle)
            for command in commands:
                sc.SCardTransmit(handle, protocol, command)
            sc.SCardEndTransaction(handle, sc.SCARD_LEAVE_CARD)
            raw.append(time.perf_counter() - start)
        sc.SCardDisconnect(handle, sc.SCARD_LEAVE_CARD)
        sc.SCardReleaseContext(context)
    emit("identity_read_time_median", ms(ours)[0], "ms", ms(raw)[0], "ratio <= 1.5")


def bench_insert(client: VpcdClient, inserts: int) -> None:
    """Card inserted (emulator connects) → identity in the listener's hands."""
    marks: dict[str, float] = {}
    done = threading.Event()
    service = CardReaderService(CARD_READER)

    def delivered(future: Future[CardIdentity]) -> None:
        if future.exception() is None:
            marks["identity"] = time.perf_counter()
            done.set()

    def on_event(event: ReaderEvent) -> None:
        if event.kind == "card_inserted" and event.reader == CARD_READER:
            marks["event"] = time.perf_counter()
            service.submit(lambda t: SocialSecurityCardClient(t).read_identity()).add_done_callback(
                delivered
            )

    service.add_listener(on_event)
    total, after_event = [], []
    with service:
        wait(lambda: done.is_set())  # the initial scan's card
        for _ in range(inserts):
            client.remove()
            wait(lambda: not present(CARD_READER))
            # pcscd polls vpcd every 400 ms; insert at a random phase of that poll
            time.sleep(client.min_out_time + random.uniform(0, 0.4))
            done.clear()
            inserted = time.perf_counter()
            client.insert()
            if not done.wait(10):
                raise SystemExit("no identity after insertion")
            total.append(marks["identity"] - inserted)
            after_event.append(marks["identity"] - marks["event"])
    emit("insert_to_identity_median", ms(total)[0], "ms", None, "<= 100 ms")
    emit("insert_to_identity_max", max(total) * 1000, "ms", None, "")
    # Our share: from pcscd reporting the card to the identity in the listener's hands.
    emit("pcsc_event_to_identity_median", ms(after_event)[0], "ms", None, "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--identity-rounds", type=int, default=200)
    parser.add_argument("--inserts", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="500 round trips, 50 reads, 4 inserts")
    parser.add_argument("--full", action="store_true", help="the defaults")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.identity_rounds, args.inserts = 500, 50, 4
    pcscd = ensure_pcscd()
    card = VpcdClient(EmulatedCard.from_profile(PROFILE), port=CARD_PORT)
    echo = VpcdClient(EchoCard(), port=ECHO_PORT)
    try:
        card.start()
        echo.start()
        wait(lambda: present(CARD_READER) and present(ECHO_READER))
        bench_round_trip(args.rounds)
        bench_identity(args.identity_rounds)
        bench_insert(card, args.inserts)
    finally:
        card.stop()
        echo.stop()
        if pcscd is not None:
            pcscd.send_signal(signal.SIGTERM)
            pcscd.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
