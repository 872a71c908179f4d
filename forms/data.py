"""Plain data a form is drawn from. The application builds these from its records.

Nothing here knows the database or Qt. Every timestamp must be timezone-aware; forms show
it in China Standard Time (UTC+8, no daylight saving), as docs/ARCHITECTURE.md "Times" asks.
Sequences are tuples so every value is immutable and the same value always draws the same
bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum
from typing import ClassVar

from forms.localtime import format_day, format_local, to_local

#: China Standard Time (Asia/Shanghai has had no daylight saving since 1991).
CHINA_TZ = timezone(timedelta(hours=8), "CST")


class FormKind(StrEnum):
    """The printable forms; the value is the name used on the command line and in QR codes."""

    LOSS = "loss"
    LIFT = "lift"
    PIN_RESET = "pin-reset"
    UNBLOCK = "unblock"
    REPLACEMENT = "replacement"
    ACCESS_SLIP = "access-slip"

    @property
    def heading(self) -> str:
        """The form's printed title."""
        return _TITLES[self]


_TITLES = {
    FormKind.LOSS: "社会保障卡挂失登记表",
    FormKind.LIFT: "社会保障卡解除挂失登记表",
    FormKind.PIN_RESET: "社会保障卡密码重置回执",
    FormKind.UNBLOCK: "社会保障卡密码解锁回执",
    FormKind.REPLACEMENT: "社会保障卡补卡申请表",
    FormKind.ACCESS_SLIP: "个人信息查阅告知单",
}


def _require_aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware (got naive {value.isoformat()})")


@dataclass(frozen=True)
class Office:
    """The office that issued a form: its code (settings ``office_code``) and names."""

    code: str
    name: str
    district_name: str = ""


@dataclass(frozen=True)
class Staff:
    name: str
    staff_number: str

    @property
    def signed(self) -> str:
        """As a form names a member of staff: staff number, then name."""
        return f"{self.staff_number} {self.name}"


@dataclass(frozen=True)
class Holder:
    """The card holder. ``id_number`` is also the social security number (RULES C1)."""

    name: str
    gender: str
    id_number: str
    phone: str = ""
    address: str = ""
    district_name: str = ""


@dataclass(frozen=True)
class IdDocument:
    """The identity document staff checked (居民身份证, 户籍证明 …) and its number, and how it
    was checked (``check``: 芯片核验, or 人工录入（原因）; empty on forms made before)."""

    kind: str
    number: str
    check: str = ""


@dataclass(frozen=True)
class FormHeader:
    """What every form carries: its serial (never changes, even on reprint), when, where, who."""

    serial: str
    issued_at: datetime
    office: Office
    handler: Staff

    def __post_init__(self) -> None:
        _require_aware(self.issued_at, "issued_at")


@dataclass(frozen=True)
class PhoneReport:
    """A temporary loss report made by phone (12333, RULES L1) that a written one confirms."""

    reported_at: datetime
    reference: str = ""

    def __post_init__(self) -> None:
        _require_aware(self.reported_at, "reported_at")


@dataclass(frozen=True)
class LossReportRef:
    """The loss report a lift or replacement refers to."""

    serial: str
    reported_at: datetime
    written: bool = True

    def __post_init__(self) -> None:
        _require_aware(self.reported_at, "reported_at")


@dataclass(frozen=True)
class LossForm:
    """挂失登记表 (RULES L3): the written loss report the holder signs."""

    kind: ClassVar[FormKind] = FormKind.LOSS
    header: FormHeader
    holder: Holder
    card_number: str
    lost_on: date
    lost_place: str
    circumstances: str
    id_document: IdDocument
    phone_report: PhoneReport | None = None


@dataclass(frozen=True)
class LiftForm:
    """解除挂失登记表 (RULES U1–U5): the found card, read from its chip, proven by its PIN."""

    kind: ClassVar[FormKind] = FormKind.LIFT
    header: FormHeader
    holder: Holder
    card_number: str
    loss_report: LossReportRef
    id_document: IdDocument
    reason: str = "持卡人已找回原卡"
    #: 复核人: the supervisor whose four-eyes approval was spent on this lift (RULES S1–S3);
    #: None when none was (four-eyes off, and forms stored before this field).
    reviewer: Staff | None = None
    #: The lift also unblocked the chip's application (CARD.md APPLICATION UNBLOCK: a
    #: terminal that met the card while it was reported lost had blocked it); False when it
    #: did not need to, and on forms stored before this field.
    app_unblocked: bool = False


class PinAction(StrEnum):
    RESET = "reset"
    UNBLOCK = "unblock"


@dataclass(frozen=True)
class PinReceipt:
    """密码重置/解锁回执 (RULES P5, P6). Never carries a password: the holder typed it."""

    header: FormHeader
    holder: Holder
    card_number: str
    action: PinAction
    id_document: IdDocument
    retry_limit: int = 3
    #: 复核人: the supervisor whose four-eyes approval was spent on this reset or unblock
    #: (RULES S1–S3); None when none was (four-eyes off, and receipts stored before).
    reviewer: Staff | None = None

    @property
    def kind(self) -> FormKind:
        return FormKind.PIN_RESET if self.action is PinAction.RESET else FormKind.UNBLOCK


@dataclass(frozen=True)
class ReplacementForm:
    """补卡申请表 (RULES R1, R2): applying ends the old card's life."""

    kind: ClassVar[FormKind] = FormKind.REPLACEMENT
    header: FormHeader
    holder: Holder
    old_card_number: str
    reason: str
    id_document: IdDocument
    loss_report: LossReportRef | None = None
    collection: str = "窗口领取"
    mailing_address: str = ""

    @property
    def card_number(self) -> str:
        return self.old_card_number


@dataclass(frozen=True)
class SessionAction:
    """One thing done for the holder in a counter session (e.g. 书面挂失, serial GS-…)."""

    at: datetime
    description: str
    serial: str = ""

    def __post_init__(self) -> None:
        _require_aware(self.at, "at")


@dataclass(frozen=True)
class AccessSlip:
    """查阅告知单 (RULES Q7): which of the holder's records were read, by whom, and why."""

    kind: ClassVar[FormKind] = FormKind.ACCESS_SLIP
    header: FormHeader
    holder_name: str
    id_number: str
    identified_by: str
    purpose: str
    session_started: datetime
    session_ended: datetime
    viewed: tuple[str, ...]
    actions: tuple[SessionAction, ...] = ()
    card_number: str = ""
    #: The service case's number (办件编号, RULES E1); empty for a session without a case.
    case_no: str = ""

    def __post_init__(self) -> None:
        _require_aware(self.session_started, "session_started")
        _require_aware(self.session_ended, "session_ended")


@dataclass(frozen=True)
class Reprint:
    """A reprint (补打) of a form already issued: its count (1 = first reprint) and reason."""

    count: int
    reason: str
    reprinted_at: datetime
    by: Staff | None = None

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ValueError("reprint count starts at 1")
        if not self.reason.strip():
            raise ValueError("补打必须注明原因 (a reprint needs a reason)")
        _require_aware(self.reprinted_at, "reprinted_at")


Form = LossForm | LiftForm | PinReceipt | ReplacementForm | AccessSlip


def local_time(value: datetime) -> datetime:
    """``value`` in Asia/Shanghai (:func:`forms.localtime.to_local`, the one conversion)."""
    return to_local(value)


def format_datetime(value: datetime) -> str:
    return format_local(value)


def format_date(value: date) -> str:
    return format_day(value)
