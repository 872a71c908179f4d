"""``counter-admin card …`` as a technician runs it: subprocesses against the real stack,
including ``card emulate`` serving the card and ``--state-out`` keeping its state."""

from __future__ import annotations

import json
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.client import SocialSecurityCardClient
from reader.errors import WrongPin
from reader.pcsc import PcscTransport
from reader.pinbuffer import PinBuffer
from tests.pcsc.conftest import (
    PROFILE,
    READER,
    Pcscd,
    ServedCard,
    admin_command,
    card_present,
    counter_admin,
    wait_for,
)

pytestmark = [pytest.mark.pcsc, pytest.mark.timeout(120)]

JSON_KEYS = [
    "card_number",
    "card_id_code",
    "region_code",
    "card_type",
    "spec_version",
    "init_org",
    "issue_date",
    "expiry_date",
    "birth_date",
    "ssn",
    "name",
    "gender",
    "ethnicity",
    "birthplace",
    "atr_history",
    "pin_tries_left",
    "app_state",
]


def pin(digits: str) -> PinBuffer:
    return PinBuffer.from_keys(digits.encode())


def test_read_json(served_card: ServedCard) -> None:
    done = counter_admin("card", "read", "--json", "--reader", READER)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert sorted(data) == sorted(JSON_KEYS)
    assert data["card_id_code"] == "500103D15600000512345678ABCDEF01"
    assert data["region_code"] == "500103"
    assert data["name"] == "张三"
    assert data["birth_date"] == "1985-06-01"
    assert data["atr_history"] == "0081544C968684500103123456"
    assert data["pin_tries_left"] == 3 and data["app_state"] == "ok"


def test_read_summary_and_ireadcardbas(served_card: ServedCard) -> None:
    done = counter_admin("card", "read")  # no name: the reader holding the card
    assert done.returncode == 0, done.stderr
    assert "姓名：张三" in done.stdout
    line = next(x for x in done.stdout.splitlines() if x.startswith("iReadCardBas："))
    fields = line.split("：", 1)[1].split("|")
    assert len(fields) == 12 and fields[-1] == ""  # 11 fields, each followed by |
    assert fields[:5] == [
        "500103",
        PROFILE["ssn"],
        PROFILE["card_number"],
        PROFILE["card_id_code"],
        "张三",
    ]
    assert fields[7:9] == ["20200315", "20300315"]


def test_tries_readers_diagnose(served_card: ServedCard) -> None:
    tries = counter_admin("card", "tries", "--reader", READER)
    assert tries.returncode == 0 and "3" in tries.stdout
    readers = counter_admin("card", "readers")
    assert readers.returncode == 0
    assert f"{READER}\t有卡" in readers.stdout
    diagnosis = counter_admin("card", "diagnose", "--reader", READER)
    assert diagnosis.returncode == 0, diagnosis.stdout
    assert "社保卡" in diagnosis.stdout and "结论：读卡器和社保卡均正常" in diagnosis.stdout
    assert served_card.card.pin_tries_left == 3  # none of it spent a try


def test_errors_are_chinese_and_non_zero(pcscd: Pcscd) -> None:
    wait_for(lambda: not card_present(), 5, "an empty reader")
    done = counter_admin("card", "read", "--json", "--reader", READER)
    assert done.returncode != 0
    assert "没有卡" in done.stderr and done.stdout == ""
    unknown = counter_admin("card", "tries", "--reader", "No Such Reader")
    assert unknown.returncode != 0 and "未找到读卡器" in unknown.stderr
    diagnosis = counter_admin("card", "diagnose", "--reader", READER)
    assert diagnosis.returncode == 1 and "没有检测到卡" in diagnosis.stdout


@pytest.fixture
def emulate(pcscd: Pcscd, tmp_path: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Start ``counter-admin card emulate`` subprocesses; all are ended after the test."""
    procs: list[subprocess.Popen[bytes]] = []
    wait_for(lambda: not card_present(), 5, "an empty reader")
    yield procs
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)
    wait_for(lambda: not card_present(), 5, "the emulated card gone")


def start_emulator(
    procs: list[subprocess.Popen[bytes]], profile: Path, state: Path
) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        admin_command(
            "card",
            "emulate",
            "--profile",
            str(profile),
            "--vpcd",
            "127.0.0.1:35963",
            "--state-out",
            str(state),
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    procs.append(proc)
    wait_for(lambda: card_present() or proc.poll() is not None, 15, "the emulated card")
    assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
    return proc


def test_emulate_state_out_survives_a_kill(
    emulate: list[subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    profile, state = tmp_path / "card.json", tmp_path / "state.json"
    profile.write_text(json.dumps(PROFILE, ensure_ascii=False), encoding="utf-8")
    first = start_emulator(emulate, profile, state)

    with PcscTransport.open(READER) as transport:
        client = SocialSecurityCardClient(transport)
        with pytest.raises(WrongPin):
            client.verify(pin("000000"))
        client.change_pin(pin("123456"), pin("246810"))
        with pytest.raises(WrongPin):
            client.verify(pin("111111"))
    # answered APDUs are on disk already: kill without any chance to write at exit
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    saved = json.loads(state.read_text(encoding="utf-8"))
    assert saved["pin"] == "246810" and saved["pin_tries_left"] == 2
    assert saved["card_id_code"] == PROFILE["card_id_code"]
    wait_for(lambda: not card_present(), 5, "the killed emulator's card gone")

    second = start_emulator(emulate, state, state)  # resume from the saved state
    with PcscTransport.open(READER) as transport:
        client = SocialSecurityCardClient(transport)
        assert client.pin_tries_left() == 2
        client.verify(pin("246810"))
    second.send_signal(signal.SIGTERM)  # a clean stop exits 0
    assert second.wait(10) == 0
    assert json.loads(state.read_text(encoding="utf-8"))["pin_tries_left"] == 3


def test_emulate_rejects_a_bad_profile(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**PROFILE, "ssn": "123"}), encoding="utf-8")
    done = counter_admin("card", "emulate", "--profile", str(bad))
    assert done.returncode == 2 and "ssn" in done.stderr
