"""The real PC/SC stack for integration tests: pyscard → pcscd → vpcd → our card emulator.

- ``pcscd`` (session): a pcscd already running is used as it is; otherwise one is started
  in the foreground as our own child (``pcscd -f``) and terminated at the end of the
  session. Only a pcscd we started is ever restarted or stopped.
- ``served_card``: the CARD.md test card served to ``Virtual PCD 00 00`` (vpcd port 35963)
  from a thread, with a fault plan that can pull the card at a chosen APDU.

Without pcscd or the vpcd driver the tests skip — except under ``CI=true``, where they fail:
CI must run them.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

READER = "Virtual PCD 00 00"
VPCD_PORT = 35963
CONF_DIR = Path("/etc/reader.conf.d")
READY_TIMEOUT = 15.0

#: The CARD.md example card: region 500103, unique part 12 34 56 78 AB CD EF 01.
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
ATR = bytes.fromhex("3B6D00000081544C968684500103123456")


def stack_problem() -> str | None:
    """Why the real PC/SC stack cannot run here, or None."""
    if shutil.which("pcscd") is None and not Path("/usr/sbin/pcscd").exists():
        return "pcscd is not installed (apt-get install pcscd)"
    confs = [p for p in CONF_DIR.glob("*") if p.is_file()] if CONF_DIR.is_dir() else []
    if not any("ifdvpcd" in p.read_text(errors="replace") for p in confs):
        return "the vsmartcard vpcd driver is not configured (apt-get install vsmartcard-vpcd)"
    try:
        import smartcard.scard  # noqa: F401
    except ImportError as exc:
        return f"pyscard is not importable: {exc}"
    return None


def require_stack() -> None:
    problem = stack_problem()
    if problem is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"PC/SC integration tests cannot run under CI: {problem}")
    pytest.skip(problem)


def service_up() -> bool:
    from reader.errors import CardError
    from reader.pcsc import Context

    try:
        context = Context()
    except CardError:
        return False
    try:
        return READER in context.readers()
    except CardError:
        return False
    finally:
        context.release()


def wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.02)


def card_present(reader: str = READER) -> bool:
    from reader.errors import CardError
    from reader.pcsc import Context, sc

    try:
        context = Context()
    except CardError:
        return False
    try:
        state, _atr = context.status([reader]).get(reader, (0, b""))
    except CardError:
        return False
    finally:
        context.release()
    return bool(state & sc.SCARD_STATE_PRESENT)


class Pcscd:
    """The pcscd of this test session; ``owned`` when we started it (and may restart it)."""

    def __init__(self, log_path: Path) -> None:
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None
        self.owned = False

    def start(self) -> None:
        binary = shutil.which("pcscd") or "/usr/sbin/pcscd"
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [binary, "-f"],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        log.close()
        self.owned = True
        try:
            wait_for(service_up, READY_TIMEOUT, "pcscd to list the vpcd reader")
        except AssertionError:
            self.stop()
            raise AssertionError(
                f"pcscd did not come up with {READER!r}; see {self.log_path}:\n"
                + self.log_path.read_text(errors="replace")[-2000:]
            ) from None

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)

    def restart(self) -> None:
        assert self.owned, "only a pcscd this test session started is restarted"
        self.stop()
        self.start()


@pytest.fixture(scope="session")
def pcscd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pcscd]:
    require_stack()
    handle = Pcscd(tmp_path_factory.mktemp("pcscd") / "pcscd.log")
    if not service_up():
        handle.start()
    yield handle
    handle.stop()


@pytest.fixture(autouse=True)
def _pcsc_stack() -> None:
    """Every test in this folder needs the stack (each module is marked ``pcsc``)."""
    require_stack()


@dataclass
class FaultPlan:
    """Pull the card at the ``at``-th command APDU matching ``match`` (1-based)."""

    fault: Any = None
    match: Callable[[bytes], bool] = field(default=lambda apdu: True)
    at: int = 1
    seen: int = 0

    def __call__(self, apdu: bytes) -> Any:
        if self.fault is None or not self.match(apdu):
            return None
        self.seen += 1
        if self.seen != self.at:
            return None
        fault, self.fault = self.fault, None
        return fault

    def arm(self, fault: Any, match: Callable[[bytes], bool] | None = None, at: int = 1) -> None:
        self.match = match or (lambda apdu: True)
        self.at, self.seen, self.fault = at, 0, fault


@dataclass
class ServedCard:
    card: Any
    client: Any
    faults: FaultPlan

    def pull(self) -> None:
        """Pull the card and wait until pcscd has noticed."""
        self.client.remove()
        wait_for(lambda: not card_present(), 5, "pcscd to see the card removed")

    def insert(self) -> None:
        """Put a pulled card back: once pcscd has seen it gone, as with a hand."""
        wait_for(lambda: not card_present(), 5, "pcscd to see the card removed")
        self.client.insert()
        wait_for(card_present, 5, "pcscd to see the card inserted")


def make_card(**changes: Any) -> Any:
    from reader.emulator.card import EmulatedCard

    return EmulatedCard.from_profile({**PROFILE, **changes})


@pytest.fixture
def served_card(pcscd: Pcscd) -> Iterator[ServedCard]:
    """The test card in ``Virtual PCD 00 00``, seen by pcscd when the test starts."""
    from reader.emulator.vpcd import VpcdClient

    wait_for(lambda: not card_present(), 5, "the reader to be empty before the test")
    faults = FaultPlan()
    client = VpcdClient(make_card(), port=VPCD_PORT, fault=faults)
    client.start()
    served = ServedCard(client.card, client, faults)
    try:
        wait_for(card_present, 10, "pcscd to see the emulated card")
        yield served
    finally:
        client.stop()
        wait_for(lambda: not card_present(), 5, "pcscd to see the card gone after the test")


def counter_admin(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """Run ``counter-admin`` as a subprocess (the installed entry point when present)."""
    return subprocess.run(
        admin_command(*args),
        capture_output=True,
        text=True,
        timeout=timeout,
        env=os.environ.copy(),
        check=False,
    )


def admin_command(*args: str) -> list[str]:
    import sys

    script = Path(sys.executable).with_name("counter-admin")
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "counter_app.cli.main", *args]
