"""Card and database never disagree: the card pulled at every APDU of change / reset /
unblock / lift, before the command went out (``CardRemoved``) and after it reached the card
(``OutcomeUnknown``). Canary PINs never appear in the database, the audit trail or errors."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, text

from counter_app.models import Card, LossReport, PasswordEvent
from counter_app.services import lifting, pin_change, pin_reset, written_reports
from counter_app.services.errors import OutcomeUnknownRecorded, ServiceError
from counter_app.services.sessions import open_id_session
from reader.emulator.inprocess import InProcessTransport
from reader.errors import CardError, CardRemoved, OutcomeUnknown, WrongPin
from tests.id_documents import manual_doc

from .conftest import World, pin


class PulledAt:
    """Transport wrapper: the card leaves at APDU number ``n`` — before it is sent
    (``CardRemoved``) or after the card processed it (``OutcomeUnknown``)."""

    def __init__(self, inner: InProcessTransport, n: int, after: bool) -> None:
        self.inner, self.n, self.after, self.count = inner, n, after, 0

    def atr(self) -> bytes:
        return bytes(self.inner.atr())

    def transmit(self, apdu: bytes | bytearray) -> bytes:
        self.count += 1
        if self.count == self.n and not self.after:
            raise CardRemoved()
        response = bytes(self.inner.transmit(apdu))
        if self.count == self.n:
            raise OutcomeUnknown()
        return response

    def transaction(self) -> Any:
        return self.inner.transaction()

    def control(self, code: int, data: bytes | bytearray) -> bytes:
        raise NotImplementedError


def _session(world: World, key: str) -> Any:
    document = manual_doc(world.holders[key].ssn)
    return open_id_session(
        world.ctx, world.actors["yb103"], world.holders[key].holder_id, document, "密码业务"
    )


def _last_event(world: World, holder_id: int, after_id: int) -> PasswordEvent | None:
    with world.session() as s:
        return s.scalars(
            select(PasswordEvent)
            .where(PasswordEvent.holder_id == holder_id, PasswordEvent.id > after_id)
            .order_by(PasswordEvent.id.desc())
        ).first()


def _max_event(world: World) -> int:
    with world.session() as s:
        return int(s.scalar(select(PasswordEvent.id).order_by(PasswordEvent.id.desc())) or 0)


def _resolve(world: World, card: Any, key: str, event_id: int, new: str, old: str) -> str:
    """The holder re-inserts the card and types the new PIN, or if that fails the old one."""
    client = world.client(InProcessTransport(card))
    actor = world.actors["yb103"]
    try:
        return pin_reset.resolve_unknown_outcome(world.ctx, actor, client, event_id, pin(new))
    except WrongPin:
        return pin_reset.resolve_unknown_outcome(
            world.ctx, actor, client, event_id, pin(old), pin_is="old"
        )


class Runs:
    """Outcomes of the pulled-card runs. A run in which the card was never pulled (the
    operation needed fewer APDUs than ``n``) must succeed; a run may fail only when the pull
    happened — so an operation that always failed, or failed before the card, fails the test."""

    def __init__(self) -> None:
        self.success = self.unknown = self.refused = 0
        self.clean_runs = 0

    def record(self, transport: PulledAt, outcome: str) -> None:
        pulled = transport.count >= transport.n
        if not pulled:
            self.clean_runs += 1
            assert outcome == "success", f"no pull at APDU {transport.n} yet {outcome}"
        else:
            assert outcome in ("success", "unknown", "refused")
        setattr(self, outcome, getattr(self, outcome) + 1)

    def check(self, name: str) -> None:
        print(
            f"\n{name}: {self.success} succeeded, {self.unknown} unknown then resolved, "
            f"{self.refused} refused after the pull"
        )
        assert self.clean_runs >= 1  # the loop reached the run with no pull at all
        assert self.success >= 1 and self.refused >= 1


@pytest.mark.parametrize("op", ["change", "reset"])
def test_P2_P5_card_and_db_agree_when_card_pulled_at_every_apdu(world: World, op: str) -> None:
    key = "h001" if op == "change" else "h002"
    holder_id = world.holders[key].holder_id
    session = _session(world, key)
    old, new = "135790", "258036"
    runs = Runs()
    for n in range(1, 40):
        for after in (False, True):
            card, inner = world.insert_card(key, pin=old)
            transport = PulledAt(inner, n, after)
            before = _max_event(world)
            client = world.client(transport)
            try:
                if op == "change":
                    pin_change.change_pin(
                        world.ctx,
                        world.actors["yb103"],
                        session,
                        client,
                        pin(old),
                        pin(new),
                        pin(new),
                        manual_doc(world.holders[key].ssn),
                    )
                else:
                    document = manual_doc(world.holders[key].ssn)
                    pin_reset.reset_pin(
                        world.ctx,
                        world.actors["yb103"],
                        session,
                        client,
                        document,
                        pin(new),
                        pin(new),
                        None,
                    )
            except OutcomeUnknownRecorded as error:
                event = _last_event(world, holder_id, before)
                assert event is not None and event.outcome == "unknown"
                assert event.id == error.event_id  # type: ignore[attr-defined]
                resolved = _resolve(world, card, key, event.id, new, old)
                changed = card.to_profile()["pin"] == new
                assert resolved == ("success" if changed else "failed")
                runs.record(transport, "unknown")
            except (CardError, ServiceError):
                event = _last_event(world, holder_id, before)
                assert card.to_profile()["pin"] == old
                assert event is None or event.outcome == "failed"
                runs.record(transport, "refused")
            else:
                event = _last_event(world, holder_id, before)
                assert event is not None and event.outcome == "success"
                assert card.to_profile()["pin"] == new
                runs.record(transport, "success")
        if transport.count < n:
            break
    runs.check(op)
    assert runs.unknown >= 1  # the pull right after CHANGE/RELOAD reached the card


def test_P6_card_and_db_agree_when_card_pulled_during_unblock(world: World) -> None:
    key = "h003"
    holder_id = world.holders[key].holder_id
    session = _session(world, key)
    document = manual_doc(world.holders[key].ssn)
    runs = Runs()
    for n in range(1, 40):
        for after in (False, True):
            card, inner = world.insert_card(key, pin="135790", pin_tries_left=0)
            transport = PulledAt(inner, n, after)
            before = _max_event(world)
            try:
                pin_reset.unblock_pin(
                    world.ctx, world.actors["yb103"], session, world.client(transport), document
                )
            except OutcomeUnknownRecorded:
                event = _last_event(world, holder_id, before)
                assert event is not None
                client = world.client(InProcessTransport(card))
                resolved = pin_reset.resolve_unknown_outcome(
                    world.ctx, world.actors["yb103"], client, event.id
                )
                assert resolved == ("success" if card.pin_tries_left > 0 else "failed")
                runs.record(transport, "unknown")
            except (CardError, ServiceError):
                assert card.pin_tries_left == 0
                runs.record(transport, "refused")
            else:
                assert card.pin_tries_left == 3
                assert _last_event(world, holder_id, before).outcome == "success"  # type: ignore[union-attr]
                runs.record(transport, "success")
        if transport.count < n:
            break
    runs.check("unblock")


def test_U5_lift_happens_only_when_card_step_confirmed(world: World) -> None:
    runs = Runs()
    for index, n in enumerate(range(1, 40)):
        for after in (False, True):
            key = "h004"
            with world.session() as s:
                lost = s.scalar(select(Card.state).where(Card.id == world.holders[key].card_id))
            if lost != "lost":
                written_reports.register_written_loss(
                    world.ctx,
                    world.actors["yb103"],
                    world.holders[key].holder_id,
                    written_reports.WrittenLossInput(
                        "13883251234",
                        world.ctx.now().date(),
                        "某地",
                        "遗失",
                        manual_doc(world.holders[key].ssn),
                    ),
                    f"w-agree-{index}-{after}",
                )
            card, inner = world.insert_card(key, app_state="blocked")
            transport = PulledAt(inner, n, after)
            try:
                lifting.lift_loss_report(
                    world.ctx,
                    world.actors["yb103"],
                    world.client(transport),
                    pin("123456"),
                    manual_doc(world.holders[key].ssn),
                    None,
                    f"lift-agree-{n}-{after}",
                )
            except (CardError, ServiceError):
                with world.session() as s:
                    assert (
                        s.scalar(select(Card.state).where(Card.id == world.holders[key].card_id))
                        == "lost"
                    )
                runs.record(transport, "refused")
            else:
                with world.session() as s:
                    assert (
                        s.scalar(select(Card.state).where(Card.id == world.holders[key].card_id))
                        == "active"
                    )
                assert card.app_state == "ok"  # the DB says lifted only if the chip agrees
                runs.record(transport, "success")
        if transport.count < n:
            break
    with world.session() as s:
        active = s.scalars(
            select(LossReport.card_id).where(LossReport.state.in_(["open", "confirmed"]))
        ).all()
    assert len(active) == len(set(active))
    runs.check("lift")


def test_P7_canary_pins_never_stored_audited_or_in_errors(world: World) -> None:
    canary_old, canary_new = "731902", "864213"
    card, transport = world.insert_card("h005", pin=canary_old)
    session = _session(world, "h005")
    texts: list[str] = []
    for attempt in (("000000", canary_new), (canary_old, canary_new)):
        try:
            pin_change.change_pin(
                world.ctx,
                world.actors["yb103"],
                session,
                world.client(transport),
                pin(attempt[0]),
                pin(attempt[1]),
                pin(attempt[1]),
                manual_doc(world.holders["h005"].ssn),
            )
        except Exception as error:  # every error text is inspected
            texts.append(repr(error) + str(error))
    assert card.to_profile()["pin"] == canary_new
    dump: list[str] = []
    with world.engine.connect() as conn:
        tables = [
            r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))
        ]
        for table in tables:
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                dump.append(repr(tuple(row)))
    haystack = "\n".join(dump + texts)
    for canary in (canary_old, canary_new):
        bcd = bytes.fromhex(canary).hex()
        assert canary not in haystack and bcd.upper() not in haystack.upper()


def test_P2_database_down_before_the_command_leaves_the_card_untouched(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The event is written ahead; a database that is down refuses before any card command."""
    from counter_app.services import pin_events
    from counter_app.services.errors import DatabaseUnavailable

    session = _session(world, "h001")
    card, inner = world.insert_card("h001", pin="135790")
    sent: list[bytes] = []

    class Recording(PulledAt):
        def transmit(self, apdu: bytes | bytearray) -> bytes:
            sent.append(bytes(apdu[:2]))
            return bytes(self.inner.transmit(apdu))

    def database_down(*_args: Any, **_kwargs: Any) -> int:
        raise DatabaseUnavailable()

    monkeypatch.setattr(pin_events, "open_event", database_down)
    with pytest.raises(DatabaseUnavailable):
        pin_change.change_pin(
            world.ctx,
            world.actors["yb103"],
            session,
            world.client(Recording(inner, 0, False)),
            pin("135790"),
            pin("258036"),
            pin("258036"),
            manual_doc(world.holders["h001"].ssn),
        )
    assert card.to_profile()["pin"] == "135790"
    assert bytes.fromhex("805E") not in sent  # no CHANGE PIN went out


def test_P2_database_lost_after_the_card_confirmed_keeps_a_pending_event(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The card changed, the database went away before the success was recorded: the
    written-ahead event stays ``unknown`` and re-reading the card settles it (soak finding)."""
    from counter_app.services import pin_events
    from counter_app.services.errors import DatabaseUnavailable
    from counter_app.services.pin_events import PasswordRecordPending

    key = "h001"
    holder_id = world.holders[key].holder_id
    session = _session(world, key)
    card, inner = world.insert_card(key, pin="135790")
    real_settle = pin_events.settle_event

    def lost_on_success(
        ctx: Any, actor: Any, event_id: int, outcome: Any, *a: Any, **k: Any
    ) -> Any:
        if outcome == "success":
            raise DatabaseUnavailable()
        return real_settle(ctx, actor, event_id, outcome, *a, **k)

    monkeypatch.setattr(pin_events, "settle_event", lost_on_success)
    before = _max_event(world)
    with pytest.raises(PasswordRecordPending) as raised:
        pin_change.change_pin(
            world.ctx,
            world.actors["yb103"],
            session,
            world.client(inner),
            pin("135790"),
            pin("258036"),
            pin("258036"),
            manual_doc(world.holders[key].ssn),
        )
    assert card.to_profile()["pin"] == "258036"  # the card did change
    event = _last_event(world, holder_id, before)
    assert event is not None and event.id == raised.value.event_id
    assert event.outcome == "unknown"  # the history knows: pending, not missing
    assert "待核实" in str(raised.value)
    monkeypatch.setattr(pin_events, "settle_event", real_settle)
    assert _resolve(world, card, key, event.id, "258036", "135790") == "success"
