"""The password never leaks (RELIABILITY.md, leaks).

Every workflow that touches a card PIN, a 12333 service password or a staff password runs
through the real services, on SQLite and on PostgreSQL, with canary values — card-session
open (keypad, PIN pad, wrong PIN, card pulled during VERIFY), PIN change (keypad, default
123456 with the ID number, PIN pad, wrong old PIN, entries that differ, card pulled before
and during CHANGE, the unknown outcome resolved), forgotten-PIN reset with a supervisor's
approval (and a wrong supervisor password, a reused approval, the card pulled during
RELOAD), unblock + verify (right and wrong PIN, pulled during UNBLOCK), lift with PIN
(keypad with four-eyes, PIN pad, wrong PIN, pulled during VERIFY), phone loss report
(right, wrong, unknown ID number), service-password reset (its one-time value used on the
phone), staff password change / login / wrong login / unknown user / new account /
admin reset — with **debug logging on for every logger** (SQLAlchemy engine and pool
included, engines created afterwards) into a file, and **APDU tracing** on.

Then every canary is searched for in every encoding (``tests/security/canaries.py``) in:
the log file, the APDU trace, the database (SQLite: ``iterdump`` and the raw database,
``-wal`` and ``-shm`` files; PostgreSQL: ``pg_dump``, the database's data files after a
CHECKPOINT, the server log), every audit event's canonical content, every PDF issued (raw
bytes, decoded page content and text extracted with pypdf), the settings file, every
returned value's ``repr`` and every exception raised (``str``, ``repr``, ``args``, the
formatted traceback with its causes). Zero hits. The APDU trace shows VERIFY, CHANGE,
RELOAD and UNBLOCK with their data as ``XX``. A self-check writes each encoding of a
canary into the same log capture and must find every one of them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import logging
import re
import sqlite3
import subprocess
import traceback
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from argon2 import PasswordHasher
from pypdf import PdfReader
from sqlalchemy import select, update

from counter_app.models import AuditEvent, ServicePassword
from counter_app.services import (
    access_slips,
    approvals,
    audit,
    card_sessions,
    lifting,
    phone_reports,
    pin_change,
    pin_events,
    pin_reset,
    service_login,
    service_password,
    sessions,
    staff_accounts,
    staff_login,
    written_reports,
)
from counter_app.services import replacement as replacement_service
from counter_app.services.errors import (
    ApprovalInvalid,
    IdNumberRequired,
    LoginFailed,
    PhoneIdentificationFailed,
    PinEntriesDiffer,
)
from counter_app.services.idcheck import IdDocument
from counter_app.settings import default_settings_path, dump_settings
from reader.client import SocialSecurityCardClient
from reader.emulator.card import EmulatedCard
from reader.emulator.inprocess import (
    PROMPT_CONFIRM,
    PROMPT_NEW,
    PROMPT_OLD,
    PROMPT_PIN,
    InProcessTransport,
)
from reader.errors import CardRemoved, OutcomeUnknown, PinMismatch, WrongPin
from reader.pinbuffer import PinBuffer
from reader.pinpad import SecurePinPad
from tests.id_documents import manual_doc
from tests.security.canaries import (
    Haystacks,
    Needle,
    describe,
    digit_needles,
    pair_needles,
    text_needles,
)
from tests.services_b.conftest import SUPERVISOR_PASSWORD, World, build_world

pytestmark = pytest.mark.timeout(240)

# -- the canaries (6-digit PINs: none weak under RULES P7, none a substring of another) ----
PINS = {
    "card_pin": "731942",  # h001's PIN: sessions, the first change
    "new_pin": "864209",  # h001's PIN after the change
    "wrong_pin": "402817",  # typed wrong, several workflows
    "differ_1": "590346",  # two new entries that differ
    "differ_2": "590364",
    "default_new": "917053",  # h002: 123456 → this, with the ID number
    "pulled_before": "286715",  # h001: change refused, card pulled before CHANGE
    "pulled_during": "386150",  # h001: change whose answer was lost
    "pad_old": "658203",  # h003 on the PIN pad
    "pad_new": "740361",
    "pad_confirm_bad": "740316",
    "forgotten": "815274",  # h004's PIN nobody remembers (only on the chip)
    "reset_new": "069328",  # h004 after the reset
    "reset_pulled": "352806",  # h011 reset whose RELOAD answer was lost
    "unblock_pin": "471590",  # h006, verified after the unblock
    "unblock_wrong": "603918",
    "lift_pin": "928461",  # h007, lifted on the keypad with four-eyes
    "lift_pad_pin": "517036",  # h008, lifted on the PIN pad
    "lift_pulled": "270594",  # h012, card pulled during VERIFY
}
PASSWORDS = {
    "service_password": "Canary#7315",
    "service_wrong": "Canary#9021",
    "staff_password": "Canary#Staff-4826",
    "staff_wrong": "Canary#Staff-0193",
    "supervisor_password": "Canary#Sup-6142",
    "supervisor_wrong": "Canary#Sup-3857",
    "new_staff_password": "Canary#New-2709",
}
CHANGES = [
    ("card_pin", "new_pin"),
    ("card_pin", "wrong_pin"),
    ("new_pin", "pulled_before"),
    ("new_pin", "pulled_during"),
    ("pad_old", "pad_new"),
    ("wrong_pin", "new_pin"),
]

STAFF_NO, SUP_NO, NEW_STAFF_NO = "YB500103-01", "YB500103-03", "YB500103-09"


def pin(name: str) -> PinBuffer:
    return PinBuffer.from_keys((PINS.get(name) or name).encode("ascii"))


# --------------------------------------------------------------------------- capture


@pytest.fixture
def debug_log(tmp_path: Path) -> Iterator[tuple[Path, logging.FileHandler]]:
    """DEBUG on the root logger and on every logger that exists or is named below, into a
    file; engines are created after this, so SQLAlchemy logs statements, parameters and
    result rows."""
    path = tmp_path / "debug.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    names = set(logging.root.manager.loggerDict) | {
        "sqlalchemy",
        "sqlalchemy.engine",
        "sqlalchemy.engine.Engine",
        "sqlalchemy.pool",
        "sqlalchemy.orm",
        "sqlalchemy.dialects",
        "psycopg",
        "psycopg.pool",
        "argon2",
        "counter_app",
        "reader",
        "forms",
        "reports",
        "reportlab",
        "pypdf",
        "py.warnings",
    }
    saved = {
        name: (logging.getLogger(name).level, logging.getLogger(name).disabled) for name in names
    }
    root_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name in names:
        logger = logging.getLogger(name)
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
    logging.captureWarnings(True)
    try:
        yield path, handler
    finally:
        logging.captureWarnings(False)
        root.removeHandler(handler)
        handler.close()
        root.setLevel(root_level)
        for name, (level, disabled) in saved.items():
            logging.getLogger(name).setLevel(level)
            logging.getLogger(name).disabled = disabled


@dataclasses.dataclass
class Run:
    """The workflows' collected outputs."""

    world: World
    trace: list[str] = dataclasses.field(default_factory=list)
    errors: list[tuple[str, BaseException]] = dataclasses.field(default_factory=list)
    results: list[tuple[str, Any]] = dataclasses.field(default_factory=list)
    pdfs: list[tuple[str, bytes]] = dataclasses.field(default_factory=list)
    one_time: dict[str, str] = dataclasses.field(default_factory=dict)
    steps: int = 0

    def client(self, transport: Any) -> SocialSecurityCardClient:
        return SocialSecurityCardClient(
            transport, self.world.ctx.key_provider, apdu_trace=self.trace.append
        )

    def step(
        self,
        name: str,
        fn: Callable[[], Any],
        expect: type[BaseException] | None = None,
        *,
        screen: bool = False,
    ) -> Any:
        """Run one workflow step; keep its result or its exception (both are searched).
        ``screen``: the result *is* a one-time value for the person's screen (a bare
        ``str``), so its repr is not searched (``OneTimePassword`` hides its value)."""
        self.steps += 1
        try:
            result = fn()
        except Exception as error:  # every exception is searched
            self.errors.append((name, error))
            if expect is None or not isinstance(error, expect):
                raise AssertionError(f"{name}: unexpected {type(error).__name__}") from error
            return None
        if expect is not None:
            raise AssertionError(f"{name}: expected {expect.__name__}, got {result!r}")
        if not screen:
            self.results.append((name, result))
        pdf = getattr(result, "pdf", None)
        if isinstance(pdf, bytes) and pdf:
            self.pdfs.append((name, pdf))
        return result


class PullOn:
    """Transport wrapper: the card leaves at the first command ``ins`` that carries data —
    before it is sent (``CardRemoved``) or, through ``remove_during_next_transmit``, after
    the card acted on it (``OutcomeUnknown``)."""

    def __init__(self, inner: InProcessTransport, ins: int, after: bool) -> None:
        self.inner, self.ins, self.after, self.fired = inner, ins, after, False

    def atr(self) -> bytes:
        return bytes(self.inner.atr())

    def transmit(self, apdu: bytes | bytearray) -> bytes:
        if not self.fired and len(apdu) > 5 and apdu[1] == self.ins:
            self.fired = True
            if not self.after:
                self.inner.remove()
                raise CardRemoved()
            self.inner.remove_during_next_transmit()
        return bytes(self.inner.transmit(apdu))

    def transaction(self) -> Any:
        return self.inner.transaction()

    def control(self, code: int, data: bytes | bytearray) -> bytes:
        return bytes(self.inner.control(code, data))


def pad_typing(answers: dict[str, str]) -> Callable[[str], PinBuffer]:
    """A simulated PIN pad on which the holder types ``answers[prompt]`` (canary names)."""
    return lambda prompt: pin(answers[prompt])


# --------------------------------------------------------------------------- workflows


def _doc(world: World, key: str) -> IdDocument:
    return manual_doc(world.holders[key].ssn)


def _card(
    run: Run, key: str, pin_name: str, pad: dict[str, str] | None = None, **overrides: Any
) -> tuple[EmulatedCard, InProcessTransport]:
    card = EmulatedCard.from_profile(
        run.world.profile(key, pin=PINS.get(pin_name, pin_name), **overrides)
    )
    return card, InProcessTransport(card, pinpad=pad_typing(pad) if pad else None)


def _slip(run: Run, actor: Any, session: Any, name: str) -> None:
    run.step(
        f"{name}: access slip",
        lambda: access_slips.issue_access_slip(run.world.ctx, actor, session),
    )


def staff_workflows(run: Run) -> dict[str, Any]:
    w = run.world
    ctx, clerk, sup = w.ctx, w.actors["yb103"], w.actors["yb103_sup"]
    run.step(
        "staff changes own password to a canary",
        lambda: staff_login.change_own_password(
            ctx, clerk, "irrelevant-password", PASSWORDS["staff_password"]
        ),
    )
    run.step("staff login", lambda: staff_login.login(ctx, STAFF_NO, PASSWORDS["staff_password"]))
    run.step(
        "staff login, wrong password",
        lambda: staff_login.login(ctx, STAFF_NO, PASSWORDS["staff_wrong"]),
        LoginFailed,
    )
    run.step(
        "login, unknown staff number",
        lambda: staff_login.login(ctx, "YB599999-99", PASSWORDS["staff_password"]),
        LoginFailed,
    )
    run.step(
        "staff change, wrong old password",
        lambda: staff_login.change_own_password(
            ctx, clerk, PASSWORDS["staff_wrong"], "Whatever#12345"
        ),
        LoginFailed,
    )
    run.step(
        "supervisor changes own password to a canary",
        lambda: staff_login.change_own_password(
            ctx, sup, SUPERVISOR_PASSWORD, PASSWORDS["supervisor_password"]
        ),
    )
    info = run.step(
        "supervisor adds an account",
        lambda: staff_accounts.add_staff(
            ctx, sup, NEW_STAFF_NO, "新同事", "500103-YB", "subcenter_staff"
        ),
    )
    run.one_time["new_staff_initial"] = info[1].value
    login = run.step(
        "new account logs in with the initial password",
        lambda: staff_login.login(ctx, NEW_STAFF_NO, info[1].value),
    )
    run.step(
        "new account sets its password",
        lambda: staff_login.change_own_password(
            ctx, login.actor, info[1].value, PASSWORDS["new_staff_password"]
        ),
    )
    reset = run.step(
        "supervisor resets the new account's password",
        lambda: staff_accounts.reset_staff_password(ctx, sup, NEW_STAFF_NO),
    )
    run.one_time["new_staff_reset"] = reset.value
    run.step(
        "new account logs in with the reset password",
        lambda: staff_login.login(ctx, NEW_STAFF_NO, reset.value),
    )
    return {"clerk": clerk}


def session_workflows(run: Run) -> None:
    w, ctx, clerk = run.world, run.world.ctx, run.world.actors["yb103"]
    _card_obj, transport = _card(run, "h001", "card_pin")
    session = run.step(
        "card session, keypad PIN",
        lambda: card_sessions.open_card_session(ctx, clerk, run.client(transport), pin("card_pin")),
    )
    _slip(run, clerk, session, "card session")
    run.step(
        "card session, wrong PIN",
        lambda: card_sessions.open_card_session(
            ctx, clerk, run.client(transport), pin("wrong_pin")
        ),
        WrongPin,
    )
    _c, inner = _card(run, "h001", "card_pin")
    run.step(
        "card session, card pulled during VERIFY",
        lambda: card_sessions.open_card_session(
            ctx, clerk, run.client(PullOn(inner, 0x20, True)), pin("card_pin")
        ),
        OutcomeUnknown,
    )
    _c, inner = _card(run, "h001", "card_pin")
    run.step(
        "card session, card pulled before VERIFY",
        lambda: card_sessions.open_card_session(
            ctx, clerk, run.client(PullOn(inner, 0x20, False)), pin("card_pin")
        ),
        CardRemoved,
    )
    _c, padded = _card(run, "h001", "card_pin", pad={PROMPT_PIN: "card_pin"})
    session = run.step(
        "card session, PIN pad",
        lambda: card_sessions.open_card_session(ctx, clerk, run.client(padded), None),
    )
    _slip(run, clerk, session, "PIN pad session")
    assert w.holders["h001"].holder_id == session.holder_id


def change_workflows(run: Run) -> None:
    w, ctx, clerk = run.world, run.world.ctx, run.world.actors["yb103"]
    card, transport = _card(run, "h001", "card_pin")
    session = run.step(
        "card session for the change",
        lambda: card_sessions.open_card_session(ctx, clerk, run.client(transport), pin("card_pin")),
    )

    def change(old: str, new1: str, new2: str, client: Any,
               id_number: str | None = w.holders["h001"].ssn) -> Any:  # fmt: skip  # RULES P4
        document = manual_doc(id_number) if id_number is not None else None
        return lambda: pin_change.change_pin(
            ctx, clerk, session, client, pin(old), pin(new1), pin(new2), document
        )

    client = run.client(transport)
    run.step("change, wrong old PIN", change("wrong_pin", "new_pin", "new_pin", client), WrongPin)
    run.step(
        "change, new entries differ",
        change("card_pin", "differ_1", "differ_2", client),
        PinEntriesDiffer,
    )
    run.step("change", change("card_pin", "new_pin", "new_pin", client))
    assert card.to_profile()["pin"] == PINS["new_pin"]
    pulled = PullOn(transport, 0x5E, after=False)
    run.step(
        "change, card pulled before CHANGE",
        change("new_pin", "pulled_before", "pulled_before", run.client(pulled)),
        CardRemoved,
    )
    transport.insert(card)
    pulled = PullOn(transport, 0x5E, after=True)
    error = run.step(
        "change, card pulled during CHANGE",
        change("new_pin", "pulled_during", "pulled_during", run.client(pulled)),
        pin_events.PasswordOutcomeUnknown,
    )
    assert error is None
    event_id = run.errors[-1][1].event_id  # type: ignore[attr-defined]
    transport.insert(card)
    run.step(
        "unknown outcome resolved with the new PIN",
        lambda: pin_reset.resolve_unknown_outcome(
            ctx, clerk, run.client(transport), event_id, pin("pulled_during")
        ),
    )
    _slip(run, clerk, session, "change session")

    # RULES P2: the default 123456 needs the ID number.
    _card2, t2 = _card(run, "h002", "123456")
    s2 = run.step(
        "ID session h002",
        lambda: sessions.open_id_session(
            ctx, clerk, w.holders["h002"].holder_id, _doc(w, "h002"), "修改密码"
        ),
    )
    run.step(
        "default PIN change without ID number",
        lambda: pin_change.change_pin(
            ctx, clerk, s2, run.client(t2), pin("123456"), pin("default_new"), pin("default_new")
        ),
        IdNumberRequired,
    )
    run.step(
        "default PIN change with ID number",
        lambda: pin_change.change_pin(
            ctx,
            clerk,
            s2,
            run.client(t2),
            pin("123456"),
            pin("default_new"),
            pin("default_new"),
            manual_doc(w.holders["h002"].ssn),
        ),
    )
    assert _card2.to_profile()["pin"] == PINS["default_new"]
    _slip(run, clerk, s2, "default change session")

    # The PIN pad: the PIN never enters the PC.
    pad = {PROMPT_OLD: "pad_old", PROMPT_NEW: "pad_new", PROMPT_CONFIRM: "pad_new"}
    card3, t3 = _card(run, "h003", "pad_old", pad=pad)
    s3 = run.step(
        "ID session h003",
        lambda: sessions.open_id_session(
            ctx, clerk, w.holders["h003"].holder_id, _doc(w, "h003"), "修改密码"
        ),
    )
    bad = dict(pad, **{PROMPT_CONFIRM: "pad_confirm_bad"})
    _c, t3_bad = _card(run, "h003", "pad_old", pad=bad)
    run.step(
        "PIN pad change, confirmation differs",
        lambda: pin_change.change_pin(
            ctx,
            clerk,
            s3,
            run.client(t3_bad),
            None,
            None,
            None,
            manual_doc(w.holders["h003"].ssn),
            pinpad=SecurePinPad.detect(t3_bad),
        ),
        PinMismatch,
    )
    run.step(
        "PIN pad change",
        lambda: pin_change.change_pin(
            ctx,
            clerk,
            s3,
            run.client(t3),
            None,
            None,
            None,
            manual_doc(w.holders["h003"].ssn),
            pinpad=SecurePinPad.detect(t3),
        ),
    )
    assert card3.to_profile()["pin"] == PINS["pad_new"]
    _slip(run, clerk, s3, "PIN pad change session")


def reset_workflows(run: Run) -> None:
    w, clerk = run.world, run.world.actors["yb103"]
    ctx = w.context(four_eyes=True)
    card, transport = _card(run, "h004", "forgotten")
    session = run.step(
        "ID session h004",
        lambda: sessions.open_id_session(
            ctx, clerk, w.holders["h004"].holder_id, _doc(w, "h004"), "重置密码"
        ),
    )
    digest = pin_reset.pin_reset_digest(clerk, session, "reset-canary-1")
    run.step(
        "supervisor approval, wrong password",
        lambda: approvals.verify_supervisor_approval(
            ctx, clerk, SUP_NO, PASSWORDS["supervisor_wrong"], digest, "reset_pin"
        ),
        ApprovalInvalid,
    )
    approval = run.step(
        "supervisor approval",
        lambda: approvals.verify_supervisor_approval(
            ctx, clerk, SUP_NO, PASSWORDS["supervisor_password"], digest, "reset_pin"
        ),
    )
    run.step(
        "reset, new entries differ",
        lambda: pin_reset.reset_pin(
            ctx,
            clerk,
            session,
            run.client(transport),
            _doc(w, "h004"),
            pin("differ_1"),
            pin("differ_2"),
            approval,
            "reset-canary-1",
        ),
        PinEntriesDiffer,
    )
    run.step(
        "reset with approval",
        lambda: pin_reset.reset_pin(
            ctx,
            clerk,
            session,
            run.client(transport),
            _doc(w, "h004"),
            pin("reset_new"),
            pin("reset_new"),
            approval,
            "reset-canary-1",
        ),
    )
    assert card.to_profile()["pin"] == PINS["reset_new"]
    run.step(
        "reset, approval reused",
        lambda: pin_reset.reset_pin(
            ctx,
            clerk,
            session,
            run.client(transport),
            _doc(w, "h004"),
            pin("reset_new"),
            pin("reset_new"),
            approval,
            "reset-canary-1",
        ),
        ApprovalInvalid,
    )
    _slip(run, clerk, session, "reset session")

    card11, t11 = _card(run, "h011", "forgotten")
    s11 = run.step(
        "ID session h011",
        lambda: sessions.open_id_session(
            ctx, clerk, w.holders["h011"].holder_id, _doc(w, "h011"), "重置密码"
        ),
    )
    digest = pin_reset.pin_reset_digest(clerk, s11, "reset-canary-2")
    approval = run.step(
        "supervisor approval 2",
        lambda: approvals.verify_supervisor_approval(
            ctx, clerk, SUP_NO, PASSWORDS["supervisor_password"], digest, "reset_pin"
        ),
    )
    run.step(
        "reset, card pulled during RELOAD",
        lambda: pin_reset.reset_pin(
            ctx,
            clerk,
            s11,
            run.client(PullOn(t11, 0x5E, True)),
            _doc(w, "h011"),
            pin("reset_pulled"),
            pin("reset_pulled"),
            approval,
            "reset-canary-2",
        ),
        pin_events.PasswordOutcomeUnknown,
    )
    event_id = run.errors[-1][1].event_id  # type: ignore[attr-defined]
    t11.insert(card11)
    run.step(
        "reset outcome resolved",
        lambda: pin_reset.resolve_unknown_outcome(
            ctx, clerk, run.client(t11), event_id, pin("reset_pulled")
        ),
    )
    _slip(run, clerk, s11, "pulled reset session")


def unblock_workflows(run: Run) -> None:
    w, ctx, clerk = run.world, run.world.ctx, run.world.actors["yb103"]
    card, transport = _card(run, "h006", "unblock_pin", pin_tries_left=0)
    session = run.step(
        "ID session h006",
        lambda: sessions.open_id_session(
            ctx, clerk, w.holders["h006"].holder_id, _doc(w, "h006"), "密码解锁"
        ),
    )
    card_pulled, inner = _card(run, "h006", "unblock_pin", pin_tries_left=0)
    run.step(
        "unblock, card pulled during UNBLOCK",
        lambda: pin_reset.unblock_pin(
            ctx,
            clerk,
            session,
            run.client(PullOn(inner, 0x24, True)),
            _doc(w, "h006"),
            pin=pin("unblock_pin"),
        ),
        pin_events.PasswordOutcomeUnknown,
    )
    event_id = run.errors[-1][1].event_id  # type: ignore[attr-defined]
    inner.insert(card_pulled)
    run.step(
        "unblock outcome resolved",
        lambda: pin_reset.resolve_unknown_outcome(ctx, clerk, run.client(inner), event_id),
    )
    result = run.step(
        "unblock, then a wrong PIN",
        lambda: pin_reset.unblock_pin(
            ctx, clerk, session, run.client(transport), _doc(w, "h006"), pin=pin("unblock_wrong")
        ),
    )
    assert result.verified is False
    card.pin_tries_left = 0
    result = run.step(
        "unblock, then the PIN",
        lambda: pin_reset.unblock_pin(
            ctx, clerk, session, run.client(transport), _doc(w, "h006"), pin=pin("unblock_pin")
        ),
    )
    assert result.verified is True
    _slip(run, clerk, session, "unblock session")


def lift_workflows(run: Run) -> None:
    w, clerk = run.world, run.world.actors["yb103"]
    four_eyes = w.context(four_eyes=True)

    def written(key: str, idem: str) -> None:
        run.step(
            f"written loss {key}",
            lambda: written_reports.register_written_loss(
                w.ctx,
                clerk,
                w.holders[key].holder_id,
                written_reports.WrittenLossInput(
                    "13883251234", dt.date(2026, 3, 1), "解放碑", "遗失", _doc(w, key)
                ),
                idem,
            ),
        )

    written("h007", "canary-loss-h007")
    card, transport = _card(run, "h007", "lift_pin", app_state="blocked")
    run.step(
        "lift, wrong PIN",
        lambda: lifting.lift_loss_report(
            w.ctx,
            clerk,
            run.client(transport),
            pin("wrong_pin"),
            _doc(w, "h007"),
            None,
            "canary-lift-h007-a",
        ),
        WrongPin,
    )
    identity = run.client(transport).read_identity()
    digest = lifting.lift_digest(clerk, identity, "canary-lift-h007-b")
    approval = run.step(
        "supervisor approves the lift",
        lambda: approvals.verify_supervisor_approval(
            four_eyes, clerk, SUP_NO, PASSWORDS["supervisor_password"], digest, "lift"
        ),
    )
    run.step(
        "lift with PIN and approval",
        lambda: lifting.lift_loss_report(
            four_eyes,
            clerk,
            run.client(transport),
            pin("lift_pin"),
            _doc(w, "h007"),
            approval,
            "canary-lift-h007-b",
        ),
    )
    assert card.app_state == "ok"

    written("h008", "canary-loss-h008")
    _c, padded = _card(run, "h008", "lift_pad_pin", pad={PROMPT_PIN: "lift_pad_pin"})
    run.step(
        "lift on the PIN pad",
        lambda: lifting.lift_loss_report(
            w.ctx,
            clerk,
            run.client(padded),
            None,
            _doc(w, "h008"),
            None,
            "canary-lift-h008",
            pinpad=SecurePinPad.detect(padded),
        ),
    )

    written("h012", "canary-loss-h012")
    _c, inner = _card(run, "h012", "lift_pulled")
    run.step(
        "lift, card pulled during VERIFY",
        lambda: lifting.lift_loss_report(
            w.ctx,
            clerk,
            run.client(PullOn(inner, 0x20, True)),
            pin("lift_pulled"),
            _doc(w, "h012"),
            None,
            "canary-lift-h012",
        ),
        OutcomeUnknown,
    )


def phone_workflows(run: Run) -> None:
    w, ctx, clerk = run.world, run.world.ctx, run.world.actors["yb103"]
    # The holder set this query password on the web earlier (stored only as its hash).
    with w.session() as s:
        s.execute(
            update(ServicePassword)
            .where(ServicePassword.holder_id == w.holders["h009"].holder_id)
            .values(password_hash=PasswordHasher().hash(PASSWORDS["service_password"]))
        )
        s.commit()
    ssn = w.holders["h009"].ssn
    run.step(
        "phone report, wrong service password",
        lambda: phone_reports.report_loss_by_phone(ctx, ssn, PASSWORDS["service_wrong"]),
        PhoneIdentificationFailed,
    )
    run.step(
        "phone report, unknown ID number",
        lambda: phone_reports.report_loss_by_phone(
            ctx, "11010519491231002X", PASSWORDS["service_password"]
        ),
        PhoneIdentificationFailed,
    )
    run.step(
        "phone report",
        lambda: phone_reports.report_loss_by_phone(ctx, ssn, PASSWORDS["service_password"]),
    )
    run.step(
        "replacement after the phone report",
        lambda: replacement_service.apply_replacement(
            ctx, clerk, w.holders["h009"].holder_id, _doc(w, "h009"), "canary-repl-h009"
        ),
    )

    session = run.step(
        "ID session h010",
        lambda: sessions.open_id_session(
            ctx, clerk, w.holders["h010"].holder_id, _doc(w, "h010"), "重置查询密码"
        ),
    )
    otp = run.step(
        "service password reset",
        lambda: service_password.reset_service_password(ctx, clerk, session, _doc(w, "h010")),
    )
    run.one_time["service_one_time"] = otp.value
    _slip(run, clerk, session, "service password session")
    run.step(  # RULES P8: the one-time value must be replaced at its one use
        "phone report with the one-time password alone",
        lambda: phone_reports.report_loss_by_phone(ctx, w.holders["h010"].ssn, otp.value),
        service_login.ServicePasswordMustChange,
    )
    run.one_time["service_new"] = "58203917"  # the holder's own, set at that use: a canary too
    run.step(
        "phone report with the one-time password, setting a new one",
        lambda: phone_reports.report_loss_by_phone(
            ctx, w.holders["h010"].ssn, otp.value, run.one_time["service_new"]
        ),
    )


WORKFLOWS = (
    staff_workflows,
    session_workflows,
    change_workflows,
    reset_workflows,
    unblock_workflows,
    lift_workflows,
    phone_workflows,
)


# --------------------------------------------------------------------------- the places


def _exception_texts(error: BaseException) -> list[str]:
    texts = ["".join(traceback.format_exception(error))]
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        texts += [str(current), repr(current), repr(current.args)]
        texts += [str(a) for a in current.args]
        current = current.__cause__ or current.__context__
    return texts


def _pdf_places(run: Run, haystacks: Haystacks) -> None:
    for name, pdf in run.pdfs:
        haystacks.add("pdf raw bytes", pdf, binary=True)
        reader = PdfReader(io.BytesIO(pdf))
        for page in reader.pages:
            haystacks.add("pdf extracted text", page.extract_text() or "")
            contents = page.get_contents()
            if contents is not None:
                haystacks.add("pdf decoded page content", contents.get_data(), binary=True)
        assert name  # every PDF is named by the step that issued it


def _audit_place(run: Run, haystacks: Haystacks) -> int:
    with run.world.session() as s:
        rows = s.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
        for row in rows:
            content = audit.event_content(
                seq=row.seq,
                at=row.at,
                staff_id=row.staff_id,
                office_id=row.office_id,
                workstation=row.workstation,
                action=row.action,
                category=row.category,
                holder_id=row.holder_id,
                card_id=row.card_id,
                reason=row.reason,
                outcome=row.outcome,
                details=row.details,
                prev_hash=row.prev_hash,
            )
            haystacks.add("audit canonical content", audit.canonical_json(content))
        assert audit.verify_chain(s).ok
        return len(rows)


def _sqlite_files(url: str, haystacks: Haystacks, when: str) -> None:
    path = Path(url.removeprefix("sqlite:///"))
    for suffix in ("", "-wal", "-shm"):
        file = Path(str(path) + suffix)
        if file.exists():
            haystacks.add(
                f"sqlite file{suffix or ' (main)'}, pool {when}", file.read_bytes(), binary=True
            )
    if when == "open":  # WAL mode: the write-ahead log is searched too
        assert len(haystacks.places[f"sqlite file-wal, pool {when}"][0]) > 0


def _sqlite_places(url: str, haystacks: Haystacks) -> None:
    path = Path(url.removeprefix("sqlite:///"))
    with sqlite3.connect(path) as conn:
        haystacks.add("sqlite iterdump", "\n".join(conn.iterdump()))


def _pg_places(pg_server: Any, url: str, haystacks: Haystacks) -> None:
    dbname = url.split("@/", 1)[1].split("?", 1)[0]
    argv = [
        str(pg_server.bindir / "pg_dump"),
        "-h",
        str(pg_server.socket_dir),
        "-p",
        str(pg_server.port),
        "-U",
        "postgres",
        "--no-owner",
        dbname,
    ]
    if pg_server.run_as:
        argv = ["runuser", "-u", pg_server.run_as, "--", *argv]
    dump = subprocess.run(argv, capture_output=True, check=True, timeout=120, cwd="/")
    assert b"COPY public.audit_events" in dump.stdout
    haystacks.add("pg_dump", dump.stdout)
    with psycopg.connect(pg_server.conninfo(dbname), autocommit=True) as conn:
        conn.execute("CHECKPOINT")  # the data files hold what the buffers held
        oid = conn.execute("SELECT oid FROM pg_database WHERE datname = %s", (dbname,)).fetchone()[
            0
        ]  # type: ignore[index]
    base = pg_server.data_dir / "base" / str(oid)
    for file in sorted(base.iterdir()):
        if file.is_file():
            haystacks.add("pg data files", file.read_bytes(), binary=True)
    log = pg_server.root / "server.log"
    if log.exists():
        haystacks.add("pg server log", log.read_bytes())


def _needles(run: Run) -> list[Needle]:
    out: list[Needle] = []
    for name, digits in PINS.items():
        out += digit_needles(name, digits)
    for name, value in PASSWORDS.items():
        out += text_needles(name, value)
    for old, new in CHANGES:
        out += pair_needles(f"{old}->{new}", PINS[old], PINS[new])
    for name, value in run.one_time.items():
        out += digit_needles(name, value) if value.isdigit() else text_needles(name, value)
    return out


_REDACTED = {
    "VERIFY": re.compile(r"^> (\[PIN pad\] )?0020000003(XX){3}$"),
    "CHANGE PIN": re.compile(r"^> (\[PIN pad\] )?805E010007(XX){7}$"),
    "RELOAD PIN": re.compile(r"^> 805E000007(XX){7}$"),
    "UNBLOCK PIN": re.compile(r"^> 8424000004(XX){4}$"),
}


def _check_trace_redacted(trace: list[str]) -> dict[str, int]:
    counts = {name: sum(1 for line in trace if rx.match(line)) for name, rx in _REDACTED.items()}
    assert all(counts.values()), counts
    secret = [
        line
        for line in trace
        if re.match(r"^> (\[PIN pad\] )?(0020|805E|8424)", line)
        and len(line.split()[-1]) > 10
        and "XX" not in line
    ]
    assert not secret, secret
    return counts


# --------------------------------------------------------------------------- the test


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_canaries_never_leak(
    backend: str,
    debug_log: tuple[Path, logging.FileHandler],
    request: pytest.FixtureRequest,
    report_line: Callable[[str], None],
) -> None:
    log_path, handler = debug_log
    url = request.getfixturevalue("sqlite_head_url" if backend == "sqlite" else "pg_head_url")
    world = build_world(backend, url, 14)  # engine created after DEBUG was switched on
    run = Run(world)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            for workflow in WORKFLOWS:
                workflow(run)
        settings_path = default_settings_path()
        settings_path.parent.mkdir(parents=True, exist_ok=True)
        settings_path.write_text(dump_settings(world.ctx.settings), encoding="utf-8")
        haystacks = Haystacks()
        events = _audit_place(run, haystacks)
        if backend == "sqlite":  # while the pool is open, the -wal file still holds pages
            _sqlite_files(url, haystacks, "open")
        world.engine.dispose()
        if backend == "sqlite":  # and after the last connection checkpointed it
            _sqlite_files(url, haystacks, "closed")
    finally:
        world.engine.dispose()
    handler.flush()
    assert log_path.stat().st_size > 100_000, "debug logging did not reach the file"
    assert "sqlalchemy.engine" in log_path.read_text(encoding="utf-8", errors="replace")
    haystacks.add("debug log file", log_path.read_bytes())
    haystacks.add("apdu trace", "\n".join(run.trace))
    haystacks.add("settings file", settings_path.read_bytes())
    for name, error in run.errors:
        for text in _exception_texts(error):
            haystacks.add("exceptions (str, repr, args, traceback)", f"{name}: {text}")
    for name, result in run.results:
        haystacks.add("returned values (repr, str)", f"{name}: {result!r} {result!s}")
    _pdf_places(run, haystacks)
    if backend == "sqlite":
        _sqlite_places(url, haystacks)
    else:
        _pg_places(request.getfixturevalue("pg_server"), url, haystacks)
    redacted = _check_trace_redacted(run.trace)
    needles = _needles(run)

    hits = haystacks.search(needles)
    assert not hits, describe(hits, haystacks)

    # The one-time values do reach the holder's screen: the returned object carries them.
    assert run.one_time["service_one_time"].isdigit()

    # The search can fail: each encoding of a canary written into the same capture is found.
    probe = [n for n in needles if n.canary == "card_pin"] + [
        n for n in needles if n.canary == "service_password"
    ]
    size = log_path.stat().st_size
    selfcheck = logging.getLogger("counter_app.selfcheck")
    for needle in probe:
        selfcheck.debug(
            "self-check %s: %s",
            needle.encoding,
            needle.pattern.decode("latin-1") if needle.pattern.isascii() else "",
        )
        if not needle.pattern.isascii():
            handler.flush()
            with open(log_path, "ab") as raw:
                raw.write(needle.pattern + b"\n")
    handler.flush()
    planted = Haystacks()
    planted.add("debug log file", log_path.read_bytes())
    found = {(n.canary, n.encoding) for _p, n, _a in planted.search(probe)}
    missed = [(n.canary, n.encoding) for n in probe if (n.canary, n.encoding) not in found]
    assert not missed, missed
    with open(log_path, "r+b") as raw:  # the planted lines are removed again
        raw.truncate(size)
    clean = Haystacks()
    clean.add("debug log file", log_path.read_bytes())
    assert not clean.search(needles)

    canaries = len({n.canary for n in needles})
    encodings = len({n.encoding for n in needles})
    report_line(
        f"canaries [{backend}]: {canaries} canary values ({len(PINS)} PINs, "
        f"{len(PASSWORDS)} passwords, {len(CHANGES)} CHANGE pairs, {len(run.one_time)} "
        f"one-time values) x {encodings} encodings = {len(needles)} needles, searched in "
        f"{len(haystacks.places)} places ({haystacks.bytes_searched() / 1e6:.1f} MB; "
        f"{len(run.pdfs)} PDFs, {events} audit events, {len(run.errors)} exceptions, "
        f"{len(run.trace)} APDU trace lines) after {run.steps} workflow steps: 0 hits; "
        f"self-check found {len(probe)}/{len(probe)} planted encodings; trace redacted "
        f"{', '.join(f'{k} x{v}' for k, v in redacted.items())}"
    )
    print(
        "\n"
        + "\n".join(
            f"  {place}: {len(blob):,} bytes{' (binary)' if binary else ''}"
            for place, (blob, binary) in haystacks.places.items()
        )
    )
