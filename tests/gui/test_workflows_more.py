"""The reset, unblock, lift, replacement, service-password and access-slip workflows on the
demo database with the real services (``InProcessServices``), the in-process card emulator and
the holder keypad — the workstation as ``counter-app --demo`` builds it, with inline pools.

The demo's fixed holders (``counter_app.demo.accounts``) give each situation: 陈明's card is
written-reported lost in 江北区 (500105), 杨丽's replacement was applied for, 王建国's card is
active, 赵强's PIN is blocked, 张伟's card is phone-reported lost.
"""

from __future__ import annotations

import io
import logging
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from counter_app.demo.accounts import ROLE_PASSWORDS, fixed_holder
from counter_app.services.errors import DatabaseUnavailable
from counter_app.services.permissions import Action
from counter_app.services.records import Category
from counter_app.settings import Settings
from counter_app.ui.main_window import MainWindow
from counter_app.ui.tasks import InlinePool
from counter_app.ui.workflows import open_workflow
from counter_app.ui.workflows.access_slip import AccessSlipDialog
from counter_app.ui.workflows.approval import SELF_APPROVAL
from counter_app.ui.workflows.lift import LiftDialog
from counter_app.ui.workflows.replacement import ReplacementDialog
from counter_app.ui.workflows.reset_pin import ResetPinDialog
from counter_app.ui.workflows.service_password import ServicePasswordDialog
from counter_app.ui.workflows.unblock import UnblockDialog
from forms.masking import mask_card_number
from reader.emulator.card import EmulatedCard
from tests.e2e.id_typing import choose_reason
from tests.id_documents import manual_doc

pytestmark = pytest.mark.gui

SUBCENTER_PW = ROLE_PASSWORDS["subcenter_staff"]
SUPERVISOR_PW = ROLE_PASSWORDS["supervisor"]


# --------------------------------------------------------------------------- the counter


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """One small demo database (the fixed holders + 20) and its cards' chip profiles."""
    from counter_app.demo import ensure_demo_database
    from counter_app.ui.app import load_demo_cards

    folder = tmp_path_factory.mktemp("demo-template")
    url = f"sqlite:///{folder / 'demo.sqlite3'}"
    ensure_demo_database(url, holders=20)
    cards = {profile["card_number"]: profile for profile, _note in load_demo_cards(url)}
    return folder, cards


@dataclass
class Counter:
    ws: Any
    win: MainWindow
    profiles: dict[str, Any]
    card: EmulatedCard | None = None

    @property
    def pins(self) -> Any:
        return self.win.pins

    def insert(self, key: str, **overrides: Any) -> EmulatedCard:
        profile = dict(self.profiles[fixed_holder(key).card_number], **overrides)
        self.card = EmulatedCard.from_profile(profile)
        self.ws.transport.insert(self.card)
        self.ws.bridge.notify_inserted()
        return self.card

    def remove(self) -> None:
        self.ws.transport.remove()
        self.ws.bridge.notify_removed()

    def type_pin(self, digits: str) -> None:
        assert self.pins.keypad.active, "the holder keypad is not asking"
        for d in digits:
            self.pins.keypad.press_digit(d)
        self.pins.keypad.press_confirm()

    def id_session(self, key: str) -> Any:
        """The clerk found the holder and checked their resident ID card (RULES Q7)."""
        holder = fixed_holder(key)
        (hit,) = self.ws.gateway.find_holders(self.win.actor, holder.ssn)
        document = manual_doc(holder.ssn)
        session = self.ws.gateway.open_id_session(
            self.win.actor, hit.holder_id, document, "办理密码业务"
        )
        self.win._id_session_opened(session)
        assert self.win.holder.session is session
        return session

    def start(self, action: Action) -> Any:
        button = self.win.action_buttons[action]
        assert button.isEnabled(), button.toolTip()
        button.click()
        assert self.win.workflow is not None
        return self.win.workflow

    def card_state(self, key: str) -> str:
        from sqlalchemy import select

        from counter_app.models.card import Card

        with self.ws.ctx.uow() as uow:
            state = uow.session.scalar(
                select(Card.state).where(Card.card_number == fixed_holder(key).card_number)
            )
        return str(getattr(state, "value", state))


@pytest.fixture
def counter(qtbot: Any, tmp_path: Path, demo_template: Any) -> Iterator[Any]:
    """``counter(staff_no, four_eyes=True)``: a logged-in workstation on a fresh copy."""
    from counter_app.ui.app import build_workstation

    folder, profiles = demo_template
    made: list[Counter] = []

    def make(staff_no: str, *, four_eyes: bool = True) -> Counter:
        target = tmp_path / f"db{len(made)}"
        target.mkdir()
        for file in folder.glob("demo.sqlite3*"):
            shutil.copy(file, target / file.name)
        settings = Settings(
            mode="demo", db_url=f"sqlite:///{target / 'demo.sqlite3'}", four_eyes=four_eyes
        )
        ws = build_workstation(
            settings, True, pool=InlinePool(), card_pool=InlinePool(), second_screen=False
        )
        password = SUPERVISOR_PW if staff_no.endswith("-03") else SUBCENTER_PW
        actor = ws.gateway.login(staff_no, password).actor
        win = MainWindow(
            ws.gateway, ws.runner, ws.bridge, ws.pin_entry, actor, open_workflow=open_workflow
        )
        qtbot.addWidget(win)
        qtbot.addWidget(ws.pin_entry.panel)
        win.show()
        c = Counter(ws, win, profiles)
        made.append(c)
        return c

    yield make
    for c in made:
        if c.win.workflow is not None:
            c.win.workflow.reject()
        for slip in c.win.findChildren(AccessSlipDialog):
            slip.close()
        c.win.holder.clear()
        c.pins.cancel()
        c.win.idle.detach()
        c.ws.close()


def pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def approve(d: Any, staff_no: str, password: str = SUPERVISOR_PW) -> None:
    assert d.approval is not None and d.stack.currentWidget() is d.approval.page
    d.approval.staff_no.setText(staff_no)
    d.approval.password.setText(password)
    d.next()


# --------------------------------------------------------------------------- lift (U1–U5)


def lift_to_checklist(
    c: Counter, key: str, kind: int = 0, number: str | None = None, offered: bool = True
) -> Any:
    c.insert(key)
    if offered:
        d = c.start(Action.LIFT_LOSS_REPORT)
    else:  # F9 is not offered for this card; the service refuses too, if reached
        button = c.win.action_buttons[Action.LIFT_LOSS_REPORT]
        assert not button.isEnabled()
        open_workflow(c.win, Action.LIFT_LOSS_REPORT)
        d = c.win.workflow
    assert isinstance(d, LiftDialog)
    assert not c.pins.keypad.active  # the card-login PIN request was withdrawn
    card = fixed_holder(key).card_number  # read from the chip, shown masked
    assert mask_card_number(card) in d.card_label.text()
    assert card not in d.card_label.text()
    d.next()
    assert d.stack.currentWidget() is d.id_step.page
    d.id_step.fields.kind.setCurrentIndex(kind)
    d.id_step.fields.number.setText(number or fixed_holder(key).ssn)
    choose_reason(d.id_step.fields.number)
    d.next()
    assert d.stack.currentWidget() is d.check_page
    return d


def checklist_lines(d: LiftDialog) -> list[str]:
    return [d.check_list.item(i).text() for i in range(d.check_list.count())]  # type: ignore[union-attr]


def failed_lines(d: LiftDialog) -> list[str]:
    return [line for line in checklist_lines(d) if line.startswith("✘")]


def lift_refused_at_the_card(c: Counter, key: str, offered: bool = True) -> Any:
    """F9 with the found card: a refusal no document can change is said at once on the
    card page (RULES U1, U2, U4, U5), and 下一步 to the ID step stays off."""
    c.insert(key)
    if offered:
        d = c.start(Action.LIFT_LOSS_REPORT)
    else:
        assert not c.win.action_buttons[Action.LIFT_LOSS_REPORT].isEnabled()
        open_workflow(c.win, Action.LIFT_LOSS_REPORT)
        d = c.win.workflow
    assert isinstance(d, LiftDialog)
    assert d.stack.currentWidget() is d.card_page
    assert d.banner.isVisible() and d.banner.text().startswith("不能解除挂失：")
    assert not d.next_button.isEnabled()
    d.next()  # (as if pressed all the same)
    assert d.stack.currentWidget() is d.card_page  # no ID step for a refused card
    return d


def test_lift_with_four_eyes_to_the_lift_form(counter: Any) -> None:
    c = counter("YB500105-01")
    d = lift_to_checklist(c, "written_lost")
    assert d.checklist.ok and not failed_lines(d)
    assert any("所属区县" in line for line in checklist_lines(d))
    assert any(line.startswith("… 持卡人密码") for line in checklist_lines(d))
    d.next()
    approve(d, "YB500103-03")  # a supervisor of another office (渝中区)
    assert d.approval.approval is None and "本机构" in d.banner.text()
    approve(d, "YB500105-03")
    assert d.stack.currentWidget() is d.pin_page
    assert c.card_state("written_lost") == "lost"
    d.next()
    c.type_pin("123456")
    assert "挂失已解除" in d.result_label.text(), d.banner.text()
    assert d.result.serial in d.result_label.text()
    assert c.card_state("written_lost") == "active"
    assert "解除挂失登记表" in pdf_text(d.printer.pdf)
    d.printer.prepare(None)
    assert d.printer.images and not d.printer.images[0].isNull()
    preview = d.printer.make_preview()
    assert d.result.serial in preview.windowTitle()
    preview.deleteLater()


def test_lift_refused_in_another_district_U2(counter: Any) -> None:
    c = counter("YB500103-01")  # 渝中区; 陈明's household is 江北区
    d = lift_refused_at_the_card(c, "written_lost")
    assert "江北区医疗保险分中心" in d.banner.text()
    assert c.card_state("written_lost") == "lost"


def test_lift_refused_with_a_temporary_id_card_U2(counter: Any) -> None:
    c = counter("YB500105-01")
    d = lift_to_checklist(c, "written_lost", kind=1)  # 临时居民身份证
    assert d.id_step.fields.kind.itemText(1) == "临时居民身份证"
    (line,) = failed_lines(d)
    assert "证件类别" in line and "居民身份证或户籍证明" in line
    assert not d.next_button.isEnabled()
    d.back()  # the clerk corrects the document kind
    assert d.next_button.isEnabled()
    d.id_step.fields.kind.setCurrentIndex(2)  # 户籍证明
    d.next()
    assert d.checklist.ok and d.next_button.isEnabled()


def test_lift_refused_when_the_document_is_not_the_holders(counter: Any) -> None:
    c = counter("YB500105-01")
    d = lift_to_checklist(c, "written_lost", number=fixed_holder("active_default_pin").ssn)
    (line,) = failed_lines(d)
    assert "证件号码" in line


def test_lift_refused_after_a_replacement_application_U4(counter: Any) -> None:
    c = counter("YB500108-01")  # 杨丽's own district
    assert not c.win.action_buttons[Action.LIFT_LOSS_REPORT].isEnabled()
    d = lift_refused_at_the_card(c, "replacement_applied", offered=False)
    assert "原卡不能再解除挂失" in d.banner.text()
    assert "U4" not in d.banner.text()  # the rule's code is for the audit, not the clerk


def test_lift_refused_without_an_active_loss_report_U1(counter: Any) -> None:
    c = counter("YB500103-01")
    d = lift_refused_at_the_card(c, "active_default_pin", offered=False)
    assert "没有有效的挂失记录" in d.banner.text()


def test_lift_refused_for_a_card_that_is_not_the_reported_one_U5(counter: Any) -> None:
    c = counter("YB500105-01")
    profile_card = "500105D156000005FFFFFFFFFFFFFFFF"
    c.insert("written_lost", card_id_code=profile_card)  # same printed number, other chip
    d = c.start(Action.LIFT_LOSS_REPORT)
    assert d.stack.currentWidget() is d.card_page  # refused at once, before the ID step
    assert "不是挂失的那张卡" in d.banner.text()
    assert not d.next_button.isEnabled()


def test_lift_wrong_pin_says_tries_left_then_succeeds(counter: Any) -> None:
    c = counter("YB500105-01", four_eyes=False)
    d = lift_to_checklist(c, "written_lost")
    d.next()
    assert d.approval is None and d.stack.currentWidget() is d.pin_page  # four-eyes off
    d.next()
    c.type_pin("111111")
    assert "还可尝试 2 次" in d.banner.text()
    assert c.card_state("written_lost") == "lost"
    assert c.card is not None and c.card.to_profile()["pin_tries_left"] == 2
    d.next()
    assert c.pins.keypad.tries_label.text() == "还可尝试 2 次"  # shown to the holder
    c.type_pin("123456")
    assert "挂失已解除" in d.result_label.text()
    assert c.card_state("written_lost") == "active"


def test_card_pulled_during_the_lift_cancels_cleanly(counter: Any) -> None:
    c = counter("YB500105-01", four_eyes=False)
    d = lift_to_checklist(c, "written_lost")
    d.next()
    d.next()
    c.pins.keypad.press_digit("1")
    buffer = c.pins.keypad._buffer
    c.remove()
    assert "拔出" in d.banner.text() and not d.next_button.isEnabled()
    assert not c.pins.keypad.active and len(buffer) == 0
    assert c.card_state("written_lost") == "lost"


def test_lift_waits_for_the_card_when_opened_without_one(counter: Any) -> None:
    c = counter("YB500105-01")
    assert not c.win.action_buttons[Action.LIFT_LOSS_REPORT].isEnabled()
    assert "插入" in c.win.action_buttons[Action.LIFT_LOSS_REPORT].toolTip()


# --------------------------------------------------------------------------- reset (P5)


def test_reset_forgotten_pin_with_four_eyes(counter: Any) -> None:
    c = counter("YB500103-01")
    c.id_session("active_changed_pin")  # 李秀英 forgot her PIN: identified by ID card
    card = c.insert("active_changed_pin")
    assert not c.pins.keypad.active  # no card login over an open session
    d = c.start(Action.RESET_PIN)
    assert isinstance(d, ResetPinDialog)
    d.id_step.fields.number.setText(fixed_holder("active_default_pin").ssn)
    choose_reason(d.id_step.fields.number)
    d.next()
    assert "不一致" in d.banner.text() and d.stack.currentWidget() is d.id_step.page
    d.id_step.fields.number.setText(fixed_holder("active_changed_pin").ssn)
    choose_reason(d.id_step.fields.number)
    d.next()
    approve(d, "YB500103-01", SUBCENTER_PW)  # the clerk approving their own request
    assert d.approval.approval is None
    assert SELF_APPROVAL in d.banner.text()
    assert d.approval.password.text() == ""  # the typed staff password is not kept
    approve(d, "YB500103-03")
    assert "YB500103-03" in d.approval.status.text()
    d.next()
    c.type_pin("802413")
    c.type_pin("802419")  # the two entries differ: nothing changes, try again
    assert "不一致" in d.banner.text() and card.to_profile()["pin"] == "135790"
    d.next()  # the approval was not spent: straight to the keypad
    c.type_pin("802413")
    c.type_pin("802413")
    assert "已重置" in d.result_label.text(), d.banner.text()
    assert card.to_profile()["pin"] == "802413"
    text = pdf_text(d.printer.pdf)
    assert "密码重置回执" in text and "802413" not in text


def test_reset_without_four_eyes_asks_no_supervisor(counter: Any) -> None:
    c = counter("YB500103-01", four_eyes=False)
    c.id_session("active_changed_pin")
    card = c.insert("active_changed_pin")
    d = c.start(Action.RESET_PIN)
    d.id_step.fields.number.setText(fixed_holder("active_changed_pin").ssn)
    choose_reason(d.id_step.fields.number)
    d.next()
    assert d.approval is None and d.stack.currentWidget() is d.pin_page
    d.next()
    c.type_pin("802413")
    c.type_pin("802413")
    assert card.to_profile()["pin"] == "802413"


# --------------------------------------------------------------------------- unblock (P6)


def test_unblock_then_the_holder_verifies(counter: Any) -> None:
    c = counter("YB500103-01")
    c.insert("pin_blocked")  # 赵强: the card login is refused (blocked)
    assert c.win.holder.session is None
    c.id_session("pin_blocked")
    card = c.card
    assert card is not None and card.to_profile()["pin_tries_left"] == 0
    d = c.start(Action.UNBLOCK_PIN)
    assert isinstance(d, UnblockDialog)
    d.id_step.fields.number.setText(fixed_holder("pin_blocked").ssn)
    choose_reason(d.id_step.fields.number)
    d.next()
    assert d.stack.currentWidget() is d.pin_page
    d.next()
    c.type_pin("123456")
    assert "已解锁" in d.result_label.text() and "验证成功" in d.result_label.text()
    assert card.to_profile()["pin_tries_left"] == 3
    assert "密码解锁回执" in pdf_text(d.printer.pdf)


def test_unblock_with_a_wrong_pin_still_unblocks_and_says_so(counter: Any) -> None:
    c = counter("YB500103-01")
    c.insert("pin_blocked")
    c.id_session("pin_blocked")
    d = c.start(Action.UNBLOCK_PIN)
    d.id_step.fields.number.setText(fixed_holder("pin_blocked").ssn)
    choose_reason(d.id_step.fields.number)
    d.next()
    d.next()
    c.type_pin("111111")
    assert "不正确" in d.result_label.text() and "还可尝试 2 次" in d.result_label.text()
    assert "F6" in d.result_label.text()


# --------------------------------------------------------------------------- replacement


def test_replacement_application_to_the_form(counter: Any) -> None:
    c = counter("YB500103-01")
    c.id_session("phone_lost")  # 张伟, phone-reported lost
    d = c.start(Action.REPLACEMENT_APPLICATION)
    assert isinstance(d, ReplacementDialog)
    d.id_step.fields.number.setText(fixed_holder("phone_lost").ssn)
    choose_reason(d.id_step.fields.number)
    d.next()
    assert d.stack.currentWidget() is d.confirm_page
    assert "永久作废" in d.findChild(type(d.summary), "replacementWarning").text()
    d.next()  # not confirmed with the holder yet
    assert "勾选" in d.banner.text() and c.card_state("phone_lost") == "phone_reported_lost"
    d.understood.setChecked(True)
    d.next()
    assert "补卡申请已受理" in d.result_label.text(), d.banner.text()
    assert c.card_state("phone_lost") == "replacement_applied"
    assert "补卡申请表" in pdf_text(d.printer.pdf)


def test_replacement_keeps_typed_data_through_a_database_outage(
    counter: Any, monkeypatch: Any
) -> None:
    c = counter("YB500103-01")
    c.id_session("phone_lost")
    d = c.start(Action.REPLACEMENT_APPLICATION)
    d.id_step.fields.number.setText(fixed_holder("phone_lost").ssn)
    choose_reason(d.id_step.fields.number)
    d.next()
    d.understood.setChecked(True)

    def down(*_a: Any, **_k: Any) -> Any:
        raise DatabaseUnavailable()

    monkeypatch.setattr(c.ws.gateway, "apply_replacement", down)
    key = d.idempotency_key
    d.next()
    assert "数据库" in d.banner.text() and c.win.banner.isVisible()
    assert d.stack.currentWidget() is d.confirm_page and d.understood.isChecked()
    assert d.id_step.fields.number.text() == fixed_holder("phone_lost").ssn
    monkeypatch.undo()
    d.next()
    assert "补卡申请已受理" in d.result_label.text()
    assert d.idempotency_key == key and not c.win.banner.isVisible()


def test_replacement_refused_when_already_applied(counter: Any) -> None:
    c = counter("YB500103-01")
    c.id_session("replacement_applied")  # 杨丽: no card in use any more
    button = c.win.action_buttons[Action.REPLACEMENT_APPLICATION]
    assert not button.isEnabled() and "补卡" in button.toolTip()  # F10 says why up front
    # The service refuses too, should the dialog be reached some other way (R2, U4).
    from counter_app.ui.workflows import open_workflow

    open_workflow(c.win, Action.REPLACEMENT_APPLICATION)
    d = c.win.workflow
    assert d is not None
    d.id_step.fields.number.setText(fixed_holder("replacement_applied").ssn)
    choose_reason(d.id_step.fields.number)
    d.next()
    d.understood.setChecked(True)
    d.next()
    assert "已申请补卡" in d.banner.text() and "申请" in d.banner.text()
    assert d.stack.currentWidget() is d.confirm_page  # refused: no result page
    assert c.card_state("replacement_applied") == "replacement_applied"


# --------------------------------------------------------------------------- P8


def test_service_password_shown_once_never_logged(counter: Any, caplog: Any) -> None:
    from argon2 import PasswordHasher
    from sqlalchemy import select

    from counter_app.models.security import ServicePassword

    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")  # every SQL statement + values
    c = counter("YB500103-01")
    session = c.id_session("active_default_pin")
    d = c.start(Action.RESET_SERVICE_PASSWORD)
    assert isinstance(d, ServicePasswordDialog)
    d.next()
    assert d.banner.isVisible() and d.stack.currentWidget() is d.id_step.page  # no number
    d.id_step.fields.number.setText(fixed_holder("active_default_pin").ssn)
    choose_reason(d.id_step.fields.number)
    d.next()
    value = d.value_label.text()
    assert len(value) == 8 and value.isdigit(), d.banner.text()
    assert d.rule_label.isVisible() and "必须修改" in d.rule_label.text()
    assert value not in d.result_label.text() + d.banner.text() + d.windowTitle()
    with c.ws.ctx.uow() as uow:
        row = uow.session.scalar(
            select(ServicePassword).where(ServicePassword.holder_id == session.holder_id)
        )
        assert row is not None and row.must_change
        assert PasswordHasher().verify(row.password_hash, value)
    label = d.value_label
    d.accept()
    assert label.text() == ""  # cleared when the page closes
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "service_passwords" in logged, "SQL not captured: the check would prove nothing"
    for record in caplog.records:
        assert value not in record.getMessage()
        assert value not in repr(record.args) and value not in str(record.exc_text or "")


# --------------------------------------------------------------------------- access slip


def test_access_slip_when_the_clerk_ends_the_service(counter: Any) -> None:
    c = counter("YB500103-01")
    c.id_session("active_default_pin")
    assert c.win.end_button.isEnabled()
    c.win.end_button.click()
    assert c.win.holder.session is None
    (slip,) = c.win.findChildren(AccessSlipDialog)
    assert slip.isVisible() and "王建国" in slip.result_label.text()
    assert "居民身份证" in slip.result_label.text()
    assert fixed_holder("active_default_pin").ssn not in slip.result_label.text()
    text = pdf_text(slip.printer.pdf)
    assert "个人信息查阅告知单" in text and "YB500103-01" in text
    slip.printer.prepare(None)
    assert slip.printer.images


def test_access_slip_offered_when_the_card_is_pulled(counter: Any) -> None:
    c = counter("YB500103-01")
    c.insert("active_changed_pin")
    c.type_pin("135790")  # card session
    assert c.win.holder.session is not None
    c.remove()
    assert c.win.holder.session is None
    (slip,) = c.win.findChildren(AccessSlipDialog)
    assert "社保卡+密码" in slip.result_label.text()
    assert slip.printer is not None and slip.printer.pdf.startswith(b"%PDF")


def test_access_slip_shows_every_line_after_many_categories(counter: Any, monkeypatch: Any) -> None:
    """A clerk's trial: after viewing most tabs the categories ran to two lines and the
    办理的业务 line was cut off once the print buttons appeared (the slip renders on a pool
    thread, after the dialog is shown: here the render is held back until then)."""
    from PyQt6.QtWidgets import QApplication

    held: list[tuple[Any, Any]] = []
    monkeypatch.setattr(
        AccessSlipDialog, "call", lambda _self, func, done, **_kw: held.append((func, done))
    )
    c = counter("YB500103-01")
    c.id_session("active_default_pin")
    for category in list(Category)[:12]:
        c.win.gateway.category(c.win.actor, c.win.holder.session, category)
    c.win.end_button.click()
    (slip,) = c.win.findChildren(AccessSlipDialog)
    QApplication.processEvents()  # shown, sized without the print buttons
    func, done = held[0]
    done(func())
    QApplication.processEvents()
    label = slip.result_label
    assert "办理的业务" in label.text() and slip.printer is not None
    assert label.height() >= label.heightForWidth(label.width()) > 0
