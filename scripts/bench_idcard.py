"""Benchmark: ID card placed → fields delivered to the service, over a real pty.

The emulator runs as its own process (``counter-admin idcard emulate``), so the client and
the reader do not share an interpreter. Each round takes the card away and places it again
(SIGUSR2 / SIGUSR1, waiting for the emulator's ``removed`` / ``placed``), then times:

- ``client``: ``IdCardClient.read_card()`` (SAM ID → find → select → read, frames,
  parsing) and ``document_from_chip`` — the fields as the service receives them;
- ``baseline``: the same four command frames written and their replies read raw with
  pyserial (no parsing, no checks) — the reader's answers and the floor any client pays;
- ``our own time``: the client thread's CPU time during the read (what the project adds
  beyond waiting for the reader's answers), beside client − baseline;
- ``frames``: encoding the commands and decoding the replies and the text block in memory
  (no I/O), and their share of our own time;
- inside/outside command-reply: the client's time split at ``transceive``.

Prints median and p99 of each. Not a test: no figure is asserted.

    .venv/bin/python scripts/bench_idcard.py [--rounds 300]
"""

from __future__ import annotations

import argparse
import json
import os
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from counter_app.services.idcheck import document_from_chip
from reader.idcard.client import (
    FIND_CARD,
    READ_TEXT_PHOTO,
    SAM_ID,
    SELECT_CARD,
    IdCardClient,
    open_reader,
)
from reader.idcard.frames import Response, command_frame, parse_response, read_frame
from reader.idcard.profile import parse_profile
from reader.idcard.textblock import parse_text

PROFILE = {
    "kind": "resident",
    "name": "王建国",
    "gender": "1",
    "nation": "01",
    "birth": "19680315",
    "address": "重庆市渝中区大坪街道300号",
    "id_number": "500103196803150310",
    "authority": "重庆市公安局渝中区分局",
    "valid_from": "20160104",
    "valid_to": "长期",
}
COMMANDS = (SAM_ID, FIND_CARD, SELECT_CARD, READ_TEXT_PHOTO)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


class Emulator:
    def __init__(self, profile_path: Path) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "counter_app.cli.main",
                "idcard",
                "emulate",
                "--profile",
                str(profile_path),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.path = self._line()

    def _line(self) -> str:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], 60)
        if not ready:
            raise SystemExit("the emulator did not answer")
        return self.proc.stdout.readline().strip()

    def replace_card(self) -> None:
        os.kill(self.proc.pid, signal.SIGUSR2)
        assert self._line() == "removed"
        os.kill(self.proc.pid, signal.SIGUSR1)
        assert self._line() == "placed"

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


class TimedClient(IdCardClient):
    """Adds up the time from each command written to its reply received."""

    reader_time = 0.0

    def transceive(
        self, cmd: tuple[int, int], data: bytes = b"", timeout: float | None = None
    ) -> Response:
        start = time.perf_counter()
        try:
            return super().transceive(cmd, data, timeout)
        finally:
            self.reader_time += time.perf_counter() - start


def run_client(emulator: Emulator, rounds: int) -> tuple[list[float], list[float], list[float]]:
    plain = open_reader(emulator.path)
    client = TimedClient(plain.port, path=plain.path, baudrate=plain.baudrate)
    client._sam_id = ""  # read the SAM ID in every round, as the baseline does
    totals, readers, cpu = [], [], []
    try:
        for _ in range(rounds):
            emulator.replace_card()
            client.reader_time = 0.0
            client._sam_id = ""
            start, start_cpu = time.perf_counter(), time.thread_time()
            card = client.read_card()
            document = document_from_chip(card)
            card.wipe()
            totals.append(time.perf_counter() - start)
            cpu.append(time.thread_time() - start_cpu)
            readers.append(client.reader_time)
            assert document.number == PROFILE["id_number"]
    finally:
        client.close()
    return totals, readers, cpu


def run_baseline(emulator: Emulator, rounds: int) -> list[float]:
    import serial

    port = serial.Serial(emulator.path, 115200, timeout=3)
    frames = [command_frame(*cmd) for cmd in COMMANDS]
    totals = []
    try:
        for _ in range(rounds):
            emulator.replace_card()
            start = time.perf_counter()
            for frame in frames:
                port.write(frame)
                head = port.read(7)
                port.read(int.from_bytes(head[5:7], "big"))
            totals.append(time.perf_counter() - start)
    finally:
        port.close()
    return totals


def run_frames(rounds: int) -> list[float]:
    """The frames' own work for one read, in memory: encode 4 commands, decode 4 replies
    (checksums, lengths) and the text block."""
    profile = parse_profile(PROFILE)
    text, photo = profile.text(), profile.photo()
    from reader.idcard.frames import response_frame

    replies = [
        response_frame(0x90, profile.sam_id),
        response_frame(0x9F, bytes(4)),
        response_frame(0x90, bytes(8)),
        response_frame(0x90, (256).to_bytes(2, "big") + (1024).to_bytes(2, "big") + text + photo),
    ]

    class Memory:
        def __init__(self, data: bytes) -> None:
            self.data, self.at = data, 0

        def read(self, size: int, timeout: float) -> bytes:
            out = self.data[self.at : self.at + size]
            self.at += len(out)
            return out

    totals = []
    for _ in range(rounds):
        start = time.perf_counter()
        for cmd, reply in zip(COMMANDS, replies, strict=True):
            command_frame(*cmd)
            response = parse_response(read_frame(Memory(reply), 1.0))
        card = parse_text(response.data[4:260], photo=response.data[260:])
        card.wipe()
        totals.append(time.perf_counter() - start)
    return totals


def show(label: str, values: list[float], note: str = "") -> None:
    print(
        f"{label:<34} median {statistics.median(values) * 1000:8.3f} ms   "
        f"p99 {pct(values, 0.99) * 1000:8.3f} ms  {note}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        profile_path = Path(folder) / "idcard.json"
        profile_path.write_text(json.dumps(PROFILE, ensure_ascii=False), encoding="utf-8")
        emulator = Emulator(profile_path)
        try:
            warm: Callable[[Emulator, int], object] = run_client
            warm(emulator, 10)
            run_baseline(emulator, 10)
            totals, readers, cpu = run_client(emulator, args.rounds)
            baseline = run_baseline(emulator, args.rounds)
        finally:
            emulator.stop()
    frames = run_frames(args.rounds)
    outside = [t - r for t, r in zip(totals, readers, strict=True)]
    ours_median = statistics.median(totals) - statistics.median(baseline)
    print(f"ID card read over a pty, {args.rounds} rounds (card replaced before each)")
    show("client: placed → fields delivered", totals)
    show("baseline: raw pyserial, same frames", baseline, "(the reader's answers)")
    print(f"{'client − baseline (medians)':<34} median {ours_median * 1000:8.3f} ms")
    show("our own time (client CPU time)", cpu, "target ≤ 300 ms")
    show(
        "  frames (encode+decode, memory)",
        frames,
        f"{statistics.median(frames) / max(statistics.median(cpu), 1e-9):.0%} "
        "of our own time (medians)",
    )
    show("  client outside command/reply", outside, "(text block, IdDocument)")
    show("  client inside command/reply", readers, "(I/O + frame reading)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
