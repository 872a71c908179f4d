"""Lift, PIN receipts, replacement and the access slip: their fields land, numbers masked."""

from __future__ import annotations

import pytest

from forms.data import AccessSlip, FormKind, LiftForm, PinReceipt, ReplacementForm
from forms.fonts import FontSet
from forms.masking import mask_card_number, mask_id_number
from forms.render import render_form
from forms.specimens import specimen
from tests.forms.conftest import reprint
from tests.forms.pdfcheck import page_count, page_lines, page_text, value_right_of


def test_lift_form(key: bytes, fonts: FontSet) -> None:
    form = specimen(FormKind.LIFT)
    assert isinstance(form, LiftForm)
    pdf = render_form(form, key=key, fonts=fonts)
    archive, holder = page_lines(pdf, 0), page_lines(pdf, 1)
    assert "社会保障卡解除挂失登记表" in page_text(pdf, 0)
    assert value_right_of(archive, "挂失编号") == form.loss_report.serial
    assert value_right_of(archive, "社会保障卡卡号") == form.card_number
    assert value_right_of(holder, "社会保障卡卡号") == mask_card_number(form.card_number)
    assert value_right_of(archive, "原卡核验").startswith("原卡芯片读取")
    assert "输入卡密码验证" in page_text(pdf, 0).replace("\n", "")


@pytest.mark.parametrize("kind", [FormKind.PIN_RESET, FormKind.UNBLOCK])
def test_pin_receipt_never_shows_a_password(kind: FormKind, key: bytes, fonts: FontSet) -> None:
    form = specimen(kind)
    assert isinstance(form, PinReceipt)
    pdf = render_form(form, key=key, fonts=fonts)
    text = page_text(pdf, 0)
    assert kind.heading in text
    assert ("密码重置" if kind is FormKind.PIN_RESET else "密码解锁") in value_right_of(
        page_lines(pdf, 0), "办理事项"
    )
    assert "允许连续输错 3 次" in text.replace("\n", "")
    assert value_right_of(page_lines(pdf, 1), "社会保障号码") == mask_id_number(
        form.holder.id_number
    )


def test_replacement_form(key: bytes, fonts: FontSet) -> None:
    form = specimen(FormKind.REPLACEMENT)
    assert isinstance(form, ReplacementForm)
    pdf = render_form(form, key=key, fonts=fonts)
    lines = page_lines(pdf, 0)
    assert value_right_of(lines, "补卡原因") == "遗失"
    assert value_right_of(lines, "领卡方式") == "邮寄"
    assert value_right_of(lines, "原卡卡号") == form.old_card_number
    assert "原卡不能" in page_text(pdf, 0).replace("\n", "") or "不能再解除挂失" in page_text(
        pdf, 0
    ).replace("\n", "")
    assert "申请人签名：" in page_text(pdf, 0)


def test_access_slip_tells_the_holder_what_was_read(key: bytes, fonts: FontSet) -> None:
    form = specimen(FormKind.ACCESS_SLIP)
    assert isinstance(form, AccessSlip)
    pdf = render_form(form, key=key, fonts=fonts)
    assert page_count(pdf) == 1
    lines = page_lines(pdf, 0)
    text = page_text(pdf, 0)
    assert value_right_of(lines, "证件号码") == mask_id_number(form.id_number)
    assert form.id_number not in text
    assert value_right_of(lines, "社保卡卡号") == mask_card_number(form.card_number)
    assert value_right_of(lines, "查阅类别") == "卡基本信息、社会保险、医疗保险"
    assert value_right_of(lines, "经办人工号") == "YB0317"
    assert value_right_of(lines, "查阅原因") == "办理书面挂失"
    assert value_right_of(lines, "开始时间") == "2024年05月06日 10:02"
    assert value_right_of(lines, "10:15:00").startswith("书面挂失")
    assert "重庆市渝中区医疗保险分中心（500103-YB）" in text


@pytest.mark.parametrize("kind", list(FormKind))
def test_every_kind_reprints_and_is_deterministic(
    kind: FormKind, key: bytes, fonts: FontSet
) -> None:
    form = specimen(kind)
    pdf = render_form(form, key=key, fonts=fonts, reprint=reprint(1, "打印卡纸"))
    assert pdf == render_form(form, key=key, fonts=fonts, reprint=reprint(1, "打印卡纸"))
    text = page_text(pdf, 0).replace("\n", "")
    assert "补打（第1次）" in text and "补打原因：打印卡纸" in text
    assert form.header.serial in text
