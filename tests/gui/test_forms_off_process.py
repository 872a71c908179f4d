"""Forms are drawn in the helper process, not the GUI process, when the helper runs.

The GUI process's own form renderer (``forms.render.render_form``, which every in-process
path reaches: ``services.registered_forms.render``, the results' lazy ``.pdf``) is made to fail; the
reset receipt, the written loss form and the access slip still reach their print preview,
registered (serial in the PDF), and drawn by the other process. Without a helper process
the same workflows draw in-process (every other GUI test)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from counter_app.demo.accounts import fixed_holder
from counter_app.services.permissions import Action
from counter_app.ui import drawing_process
from counter_app.ui.tasks import HelperProcess
from counter_app.ui.workflows.access_slip import AccessSlipDialog
from tests.e2e.id_typing import choose_reason
from tests.gui.test_workflows_more import counter, demo_template, pdf_text  # noqa: F401

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def helper() -> Iterator[HelperProcess]:
    process = HelperProcess(drawing_process.warm)
    yield process
    process.close()


@pytest.fixture
def no_forms_here(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    import forms.render

    drawn: list[str] = []

    def not_here(form: Any, *_a: Any, **_k: Any) -> bytes:
        drawn.append(type(form).__name__)
        raise AssertionError("a form was drawn in the GUI process")

    monkeypatch.setattr(forms.render, "render_form", not_here)
    return drawn


def test_reset_receipt_and_access_slip_are_drawn_in_the_helper_process(
    counter: Any,  # noqa: F811
    helper: HelperProcess,
    no_forms_here: list[str],
) -> None:
    assert helper.pid() != os.getpid()
    c = counter("YB500103-01", four_eyes=False)
    c.ws.runner.process = helper
    c.id_session("active_changed_pin")
    card = c.insert("active_changed_pin")
    d = c.start(Action.RESET_PIN)
    d.id_step.fields.number.setText(fixed_holder("active_changed_pin").ssn)
    choose_reason(d.id_step.fields.number)
    d.next()
    d.next()
    c.type_pin("802413")
    c.type_pin("802413")
    assert card.to_profile()["pin"] == "802413", d.banner.text()
    assert d.printer is not None, d.banner.text()
    text = pdf_text(d.printer.pdf)
    assert "密码重置回执" in text and d.result.serial in text
    d.accept()

    c.win.end_button.click()
    (slip,) = c.win.findChildren(AccessSlipDialog)
    assert slip.printer is not None, slip.banner.text()
    text = pdf_text(slip.printer.pdf)
    assert "个人信息查阅告知单" in text and slip.slip.serial in text
    assert slip.slip.form.actions[-1].serial == d.result.serial  # the receipt, listed
    assert no_forms_here == []  # nothing was even attempted here
    c.ws.runner.process = None  # the module's helper outlives this workstation


def test_written_loss_form_is_drawn_in_the_helper_process(
    counter: Any,  # noqa: F811
    helper: HelperProcess,
    no_forms_here: list[str],
) -> None:
    from counter_app.ui.workflows.loss_report import LossReportDialog

    c = counter("YB500103-01")
    c.ws.runner.process = helper
    c.id_session("active_default_pin")
    d = c.start(Action.WRITTEN_LOSS_REPORT)
    assert isinstance(d, LossReportDialog)
    d.documents.number.setText(fixed_holder("active_default_pin").ssn)
    choose_reason(d.documents.number)
    d.phone.setText("13800138000")
    d.place.setText("解放碑")
    d.circumstances.setPlainText("乘公交时遗失")
    d.next()
    d.next()
    assert d.printer is not None, d.banner.text()
    assert d.result.serial in pdf_text(d.printer.pdf)
    assert no_forms_here == []
    c.ws.runner.process = None
