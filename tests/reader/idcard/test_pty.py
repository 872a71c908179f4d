"""Integration through a real pseudo-terminal: pyserial ↔ termios ↔ the emulator
(IDCARD.md "Transport"), in-process and as ``counter-admin idcard emulate``."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import serial

from reader.idcard import errors as e
from reader.idcard.card import CardKind
from reader.idcard.client import IdCardClient, open_reader
from reader.idcard.discovery import find_reader
from reader.idcard.emulator import PtyIdReader
from reader.idcard.frames import HEADER, command_frame, read_frame, response_frame
from reader.idcard.photo import DemoDecoder

from .idkit import FOREIGN_I, FOREIGN_Y, HMT, RESIDENT, profile


@pytest.fixture
def emulator() -> Iterator[PtyIdReader]:
    with PtyIdReader(profile(RESIDENT)) as emu:
        yield emu


@pytest.fixture
def client(emulator: PtyIdReader) -> Iterator[IdCardClient]:
    c = open_reader(emulator.path)
    yield c
    c.close()


@pytest.mark.parametrize(
    "data", [RESIDENT, HMT, FOREIGN_I, FOREIGN_Y], ids=["resident", "hmt", "foreign-I", "foreign-Y"]
)
def test_all_three_kinds_over_the_pty(data: dict[str, Any]) -> None:
    with PtyIdReader(profile(data)) as emu:
        c = open_reader(emu.path)
        try:
            card = c.read_card()
        finally:
            c.close()
    assert card.kind is CardKind(data["kind"])
    assert card.id_number == data["id_number"]
    assert card.sam_id == "05.01-20101008-0000012345-1234567890"
    portrait = DemoDecoder().decode(card.photo)  # the demo decoder knows the pattern
    assert len(portrait.rgb) == portrait.width * portrait.height * 3
    card.wipe()


def test_card_must_be_lifted_before_the_next_read(
    emulator: PtyIdReader, client: IdCardClient
) -> None:
    # IDCARD.md: after a successful read find card answers 80 until the card is replaced
    assert client.read_card().name == "张伟"
    with pytest.raises(e.NoIdCard):
        client.read_card()
    emulator.remove()
    emulator.place()
    assert client.read_card().name == "张伟"


def test_no_card_on_the_reader(emulator: PtyIdReader, client: IdCardClient) -> None:
    emulator.remove()
    with pytest.raises(e.NoIdCard) as err:
        client.read_card()
    assert "放在阅读器上" in str(err.value)


def test_card_taken_away_mid_read(emulator: PtyIdReader, client: IdCardClient) -> None:
    emulator.reader.read_delay = 2.5  # inside the 3 s a read may take
    client.find_card()
    client.select_card()
    outcome: list[BaseException | object] = []

    def read() -> None:
        try:
            outcome.append(client.read_blocks())
        except BaseException as exc:  # handed to the test thread
            outcome.append(exc)

    worker = threading.Thread(target=read)
    worker.start()
    assert emulator.reader.reading.wait(5)
    emulator.remove()
    worker.join(10)
    assert isinstance(outcome[0], e.CardReadFailed)
    assert "取下后重新放置" in str(outcome[0])


def test_waiting_for_the_card_to_be_placed(emulator: PtyIdReader, client: IdCardClient) -> None:
    emulator.remove()
    before = emulator.reader.commands

    def place_after_some_polls() -> None:
        while emulator.reader.commands < before + 6:  # three find-card polls and their SAM
            threading.Event().wait(0.01)
        emulator.place()

    helper = threading.Thread(target=place_after_some_polls)
    helper.start()
    card = client.read_when_placed(polls=1000, interval=0.01)
    helper.join(10)
    assert card.name == "张伟"
    with pytest.raises(e.NoIdCard):  # read once: the next wait ends without a card
        client.read_when_placed(polls=3, interval=0.01)
    with pytest.raises(e.NoIdCard):  # a clerk's cancel stops the wait
        client.read_when_placed(polls=1000, interval=0.01, stop=lambda: True)


def test_another_card_placed_gives_its_data(emulator: PtyIdReader, client: IdCardClient) -> None:
    emulator.place(profile(HMT))
    assert client.read_card().kind is CardKind.HMT


def test_sam_self_test_failed(emulator: PtyIdReader, client: IdCardClient) -> None:
    emulator.reader.sam_status = 0x60
    with pytest.raises(e.SamSelfTestFailed):
        client.sam_status()


def _raw(path: str) -> serial.Serial:
    return serial.Serial(path, 115200, timeout=1)


def _reply(port: serial.Serial) -> bytes:
    class Source:
        def read(self, size: int, timeout: float) -> bytes:
            port.timeout = timeout
            return bytes(port.read(size))

    body = read_frame(Source(), 1.0)
    return HEADER + (len(body) + 1).to_bytes(2, "big") + body + b"?"


def test_emulator_answers_byte_exact(emulator: PtyIdReader) -> None:
    with _raw(emulator.path) as port:
        bad = bytearray(command_frame(0x20, 0x01))
        bad[-1] ^= 0xFF
        port.write(bytes(bad))
        assert _reply(port)[:-1] == response_frame(0x10)[:-1]  # checksum error: 10
        port.write(command_frame(0x55, 0x01))
        assert _reply(port)[:-1] == response_frame(0x21)[:-1]  # unknown command: 21
        port.write(command_frame(0x20, 0x01, b"\x00"))
        assert _reply(port)[:-1] == response_frame(0x11)[:-1]  # length error: 11
        port.write(command_frame(0x20, 0x01))
        assert _reply(port)[:-1] == response_frame(0x9F, bytes(4))[:-1]


def test_discovery_scans_to_the_port_that_answers(emulator: PtyIdReader, tmp_path: Path) -> None:
    c = find_reader(candidates=[str(tmp_path / "ttyUSB9"), emulator.path])
    try:
        assert c.path == emulator.path
        assert c.sam_id() == "05.01-20101008-0000012345-1234567890"
    finally:
        c.close()


def test_configured_port_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(e.IdReaderNotFound):
        find_reader(str(tmp_path / "ttyUSB9"))


# --- the emulator as a process (counter-admin idcard emulate) ------------------------------


def _write_profile(tmp_path: Path, data: dict[str, Any], name: str = "card.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def emulate(tmp_path: Path) -> Iterator[Any]:
    procs: list[subprocess.Popen[str]] = []

    def start(*extra: str) -> tuple[subprocess.Popen[str], str]:
        card = _write_profile(tmp_path, RESIDENT)
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "counter_app.cli.main",
                "idcard",
                "emulate",
                "--profile",
                str(card),
                *extra,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        procs.append(proc)
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        assert ready, "the emulator printed no path"
        path = proc.stdout.readline().strip()
        assert path.startswith("/dev/")
        return proc, path

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait()


def _until(check: Any, tries: int = 200) -> Any:
    """Retry ``check`` until it stops raising the 'no card' error (signals and the control
    file are seen by the emulator a moment later); bounded by count."""
    last: Exception | None = None
    for _ in range(tries):
        try:
            return check()
        except (e.NoIdCard, AssertionError) as exc:
            last = exc
            threading.Event().wait(0.05)
    raise AssertionError(f"never happened: {last!r}")


def test_emulator_killed_mid_session(emulate: Any) -> None:
    proc, path = emulate()
    c = open_reader(path)
    try:
        assert c.read_card().id_number == RESIDENT["id_number"]
        proc.kill()
        proc.wait()
        with pytest.raises((e.IdReaderDisconnected, e.IdReaderTimeout)) as err:
            c.find_card()
        assert "请" in str(err.value)
    finally:
        c.close()


def test_emulator_killed_mid_read(emulate: Any) -> None:
    proc, path = emulate("--read-delay", "2.5")
    c = open_reader(path)
    outcome: list[BaseException | object] = []
    try:
        c.find_card()
        c.select_card()

        def read() -> None:
            try:
                outcome.append(c.read_blocks())
            except BaseException as exc:  # handed to the test thread
                outcome.append(exc)

        worker = threading.Thread(target=read)
        worker.start()
        threading.Event().wait(0.5)  # the read command is on its way or being answered
        proc.kill()
        proc.wait()
        worker.join(10)
        assert not worker.is_alive()  # no hang
        assert isinstance(outcome[0], (e.IdReaderDisconnected, e.IdReaderTimeout, e.FrameTruncated))
    finally:
        c.close()


def _line(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], 60)
    assert ready, "the emulator confirmed nothing"
    return proc.stdout.readline().strip()


def test_signals_place_and_take_away(emulate: Any) -> None:
    proc, path = emulate("--absent")
    c = open_reader(path)
    try:
        with pytest.raises(e.NoIdCard):
            c.find_card()
        os.kill(proc.pid, signal.SIGUSR1)  # place
        assert _line(proc) == "placed"
        assert c.read_card().name == "张伟"
        with pytest.raises(e.NoIdCard):  # read once: must be taken away first
            c.find_card()
        os.kill(proc.pid, signal.SIGUSR2)  # take away
        assert _line(proc) == "removed"
        with pytest.raises(e.NoIdCard):
            c.find_card()
        os.kill(proc.pid, signal.SIGUSR1)  # and place again: readable once more
        assert _line(proc) == "placed"
        assert c.read_card().name == "张伟"
    finally:
        c.close()


def test_control_file_places_another_card(emulate: Any, tmp_path: Path) -> None:
    control = tmp_path / "control"
    control.write_text("remove", encoding="utf-8")
    other = _write_profile(tmp_path, HMT, "hmt.json")
    _, path = emulate("--control", str(control))
    c = open_reader(path)
    try:

        def absent() -> None:
            try:
                c.find_card()
            except e.NoIdCard:
                return
            raise AssertionError("card still there")

        _until(absent)
        control.write_text(f"place {other}", encoding="utf-8")
        assert _until(c.read_card).kind is CardKind.HMT
    finally:
        c.close()


def test_cli_read_json_keys(emulator: PtyIdReader) -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "counter_app.cli.main",
            "idcard",
            "read",
            "--port",
            emulator.path,
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert list(data) == [
        "kind",
        "name",
        "gender",
        "nation",
        "birth",
        "address",
        "id_number",
        "authority",
        "valid_from",
        "valid_to",
        "pass_number",
        "issue_count",
        "english_name",
        "nationality",
        "sam_id",
    ]
    assert data["kind"] == "resident" and data["birth"] == "1968-03-15"
    assert data["valid_to"] == "2036-01-04"


def test_cli_read_no_card_is_a_chinese_error(emulator: PtyIdReader) -> None:
    emulator.remove()
    out = subprocess.run(
        [sys.executable, "-m", "counter_app.cli.main", "idcard", "read", "--port", emulator.path],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 1
    assert "阅读器上没有身份证" in out.stderr and "Traceback" not in out.stderr


def test_cli_diagnose(emulator: PtyIdReader) -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "counter_app.cli.main",
            "idcard",
            "diagnose",
            "--port",
            emulator.path,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "05.01-20101008-0000012345-1234567890" in out.stdout
    assert "工作正常" in out.stdout
