"""Fakes for GUI tests: a service gateway over in-memory data, and an emulated card.

The gateway has the methods of ``counter_app.ui.gateway.ServiceGateway``; the card side is
the real in-process emulator and the real card client, so a PIN typed on the keypad really
reaches a (emulated) card.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from counter_app.services.context import Actor
from counter_app.services.errors import DatabaseUnavailable, HolderNotFound
from counter_app.services.permissions import OfficeKind, Role
from counter_app.ui.tasks import InlinePool, TaskRunner
from reader.client import SocialSecurityCardClient
from reader.emulator.card import EmulatedCard
from reader.emulator.inprocess import InProcessTransport

SSN = "500103198507150016"
CARD_ID = "500103D15600000512345678ABCDEF01"


def make_profile(**overrides: Any) -> dict[str, Any]:
    profile: dict[str, Any] = {
        "card_number": "A12345674", "card_id_code": CARD_ID, "card_type": "3",
        "spec_version": "3.00", "init_org": "500000000000000000000001",
        "issue_date": "2020-05-01", "expiry_date": "2030-05-01", "birth_date": "1985-07-15",
        "ssn": SSN, "name": "张三", "gender": "1", "ethnicity": "01", "birthplace": "500103",
        "pin": "135790", "pin_tries_max": 3, "pin_tries_left": 3, "app_state": "ok",
    }  # fmt: skip
    profile.update(overrides)
    return profile


def make_actor(
    staff_id: int = 1,
    staff_no: str = "YB500103-01",
    name: str = "医保经办甲",
    role: Role = Role.SUBCENTER_STAFF,
    kind: OfficeKind = OfficeKind.DISTRICT_SUBCENTER,
) -> Actor:
    return Actor(
        staff_id=staff_id,
        staff_no=staff_no,
        name=name,
        role=role,
        office_id=1,
        office_code="500103-YB",
        office_name="渝中区医疗保险分中心",
        office_kind=kind,
        district_code="500103",
        workstation_id="WS-01",
    )


@dataclass(frozen=True)
class LoginResult:
    actor: Actor
    must_change_password: bool = False


@dataclass(frozen=True)
class HolderHit:
    holder_id: int
    name: str
    gender: str
    ssn: str
    birth_date: dt.date
    card_number: str
    card_state: str


@dataclass(frozen=True)
class HolderSession:
    session_id: int
    holder_id: int
    card_number: str


@dataclass(frozen=True)
class Event:
    at: dt.datetime
    kind: str
    office: str


@dataclass(frozen=True)
class Overview:
    name: str
    ssn: str
    card_number: str
    card_state: str
    phone: str
    history: list[Event] = field(default_factory=list)


@dataclass(frozen=True)
class AccessSummary:
    categories: list[str]


class FakeGateway:
    """In-memory stand-in for ``ServiceGateway`` (same method names)."""

    def __init__(self) -> None:
        self.accounts = {
            "YB500103-01": ("pw1", make_actor()),
            "YB500103-02": ("pw2", make_actor(2, "YB500103-02", "医保经办乙")),
        }
        self.hit = HolderHit(7, "张三", "男", SSN, dt.date(1985, 7, 15), "A12345674", "active")
        self.card_state = "active"
        self.db_down = False
        self.calls: list[tuple[str, Any]] = []
        self.ended: list[Any] = []
        self.logged_out: list[str] = []
        self._next = 0

    def _db(self) -> None:
        if self.db_down:
            raise DatabaseUnavailable()

    def available(self, module: str, name: str) -> bool:
        return True

    def login(self, staff_no: str, password: str) -> LoginResult:
        self._db()
        from counter_app.services.errors import ServiceError

        entry = self.accounts.get(staff_no)
        if entry is None or entry[0] != password:
            raise ServiceError("工号或密码错误。请重新输入。")
        return LoginResult(entry[1])

    def logout(self, actor: Actor) -> None:
        self.logged_out.append(actor.staff_no)

    def find_holders(self, actor: Actor, text: str) -> list[HolderHit]:
        self._db()
        self.calls.append(("find_holders", text))
        if text.upper() in (SSN, "A12345674") or text.startswith("张三"):
            return [dataclasses.replace(self.hit, card_state=self.card_state)]
        return []

    def _session(self) -> HolderSession:
        self._next += 1
        return HolderSession(self._next, 7, "A12345674")

    def open_card_session(self, actor: Actor, client: Any, pin: Any) -> HolderSession:
        self._db()
        if pin is not None:
            client.verify(pin)  # the real card judges the PIN
        self.calls.append(("open_card_session", None))
        return self._session()

    def open_id_session(self, actor: Actor, holder_id: Any, document: Any, reason: str) -> Any:
        self._db()
        if holder_id != 7:
            raise HolderNotFound()
        self.calls.append(("open_id_session", (holder_id, document, reason)))
        return self._session()

    def end_session(self, actor: Actor, session: Any) -> AccessSummary:
        self.ended.append(session)
        return AccessSummary(["卡基本信息"])

    def card_removed(self, session: Any) -> None:
        self.ended.append(session)

    def reveal_ssn(self, actor: Actor, session: Any) -> str:
        self.calls.append(("reveal_ssn", session))
        return SSN

    def overview(self, actor: Actor, session: Any) -> Overview:
        self._db()
        return Overview(
            "张三",
            SSN,
            "A12345674",
            self.card_state,
            "13800138000",
            [Event(dt.datetime(2024, 1, 2, 9, 30), "发卡", "渝中区")],
        )

    def category(self, actor: Actor, session: Any, category: Any) -> Any:
        self.calls.append(("category", category))
        return {"category": str(category), "balance": "1,234.00"}

    def category_member(self, key: str, position: int) -> str:
        return key


def inline_runner() -> TaskRunner:
    return TaskRunner(InlinePool(), InlinePool())


class Reader:
    """The in-process emulator as the counter's reader, plus a bridge on it."""

    def __init__(self, runner: TaskRunner, has_pin_pad: bool = False) -> None:
        from counter_app.ui.reader_bridge import ReaderBridge

        self.transport = InProcessTransport()
        self.bridge = ReaderBridge(
            runner,
            lambda fn: fn(SocialSecurityCardClient(self.transport)),
            has_pin_pad=has_pin_pad,
        )
        self.card: EmulatedCard | None = None

    def insert(self, **overrides: Any) -> EmulatedCard:
        self.card = EmulatedCard.from_profile(make_profile(**overrides))
        self.transport.insert(self.card)
        self.bridge.notify_inserted()
        return self.card

    def remove(self) -> None:
        self.transport.remove()
        self.bridge.notify_removed()


def tiny_pdf() -> bytes:
    import io

    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=(595, 842))
    page.drawString(100, 700, "LOSS FORM 500103-YB-2026-000001")
    page.showPage()
    page.save()
    return out.getvalue()


@dataclass(frozen=True)
class LossResult:
    serial: str
    confirmed_phone_report: bool
    already_done: bool
    pdf: bytes


class WorkflowGateway(FakeGateway):
    """Adds the workflow services (``call(module, name, ...)``)."""

    def __init__(self) -> None:
        super().__init__()
        self.submissions: list[tuple[str, Any]] = []

    def function(self, module: str, name: str) -> Any:
        return getattr(self, f"{module}__{name}")

    def call(self, module: str, name: str, *args: Any, **kwargs: Any) -> Any:
        return self.function(module, name)(*args, **kwargs)

    @staticmethod
    def written_reports__WrittenLossInput(**fields: Any) -> Any:  # noqa: N802 - the service's name
        from types import SimpleNamespace

        return SimpleNamespace(**fields)

    def written_reports__register_written_loss(
        self, actor: Actor, holder_id: int, details: Any, key: str
    ) -> LossResult:
        self._db()
        self.submissions.append(("loss", (holder_id, details, key)))
        return LossResult("500103-YB-2026-000001", False, False, tiny_pdf())

    def pin_change__change_pin(
        self,
        actor: Actor,
        session: Any,
        client: Any,
        old: Any,
        new1: Any,
        new2: Any,
        id_number: str | None,
    ) -> str:
        from counter_app.services.errors import PinEntriesDiffer, WeakPin

        if not new1.matches(new2):
            raise PinEntriesDiffer()
        if new1.is_weak():
            raise WeakPin()
        client.change_pin(old, new1)  # the real card checks the old PIN
        self.submissions.append(("change_pin", id_number))
        return "ok"
