"""The loss registration form: every field lands in its cell, on both copies, as printed text."""

from __future__ import annotations

import dataclasses

import pytest

from forms.data import FormKind, LossForm, PhoneReport
from forms.fonts import FontSet
from forms.layout import BOTTOM, LEFT, RIGHT, TOP
from forms.loss import render_loss_form
from forms.masking import mask_card_number, mask_id_number, mask_phone
from forms.specimens import specimen
from forms.verification import payload_for, split_code, verify_payload
from tests.forms.conftest import LONG_NAME, RARE_NAME, loss_form, reprint
from tests.forms.pdfcheck import page_count, page_lines, page_text, value_right_of

ARCHIVE, HOLDER = 0, 1


@pytest.fixture()
def form() -> LossForm:
    return loss_form()


@pytest.fixture()
def pdf(form: LossForm, key: bytes, fonts: FontSet) -> bytes:
    return render_loss_form(form, key=key, fonts=fonts)


def test_two_parts_each_marked(pdf: bytes) -> None:
    assert page_count(pdf) == 2
    archive, holder = page_text(pdf, ARCHIVE), page_text(pdf, HOLDER)
    assert "第一联 存档联" in archive and "持卡人联" not in archive.split("第一联")[0]
    assert "第二联 持卡人联" in holder and "存档联" not in holder
    for text in (archive, holder):
        assert "社会保障卡挂失登记表" in text
        assert "第" in text and "共2页" in text


@pytest.mark.parametrize("page", [ARCHIVE, HOLDER])
def test_common_fields_land_beside_their_labels(pdf: bytes, form: LossForm, page: int) -> None:
    lines = page_lines(pdf, page)
    h = form.holder
    assert value_right_of(lines, "姓名") == h.name
    assert value_right_of(lines, "性别") == h.gender
    assert value_right_of(lines, "参保区县") == h.district_name
    assert value_right_of(lines, "常住地址") == h.address
    assert value_right_of(lines, "遗失日期") == "2024年05月04日"
    assert value_right_of(lines, "遗失地点") == form.lost_place
    assert value_right_of(lines, "核验证件") == "居民身份证"
    assert value_right_of(lines, "挂失方式") == "书面挂失"
    text = page_text(pdf, page)
    assert form.header.serial in text
    assert "受理时间：2024年05月06日 10:15" in text
    assert "经办机构：重庆市渝中区医疗保险分中心" in text
    assert form.circumstances.replace("\n", "") in text.replace("\n", "")
    assert "12333-20240504-0088" in text  # the phone report it confirms
    assert "持卡人声明" in text and "申请补卡后，原卡不能再解除挂失" in text.replace("\n", "")
    assert "经办人：李娜" in text and "工号：YB0317" in text
    assert "经办机构（盖章）" in text and "持卡人签名：" in text


def test_archive_copy_shows_full_numbers(pdf: bytes, form: LossForm) -> None:
    lines = page_lines(pdf, ARCHIVE)
    assert value_right_of(lines, "社会保障号码") == form.holder.id_number
    assert value_right_of(lines, "社会保障卡卡号") == form.card_number
    assert value_right_of(lines, "联系电话") == form.holder.phone
    assert value_right_of(lines, "证件号码") == form.id_document.number


def test_holder_copy_masks_numbers(pdf: bytes, form: LossForm) -> None:
    lines = page_lines(pdf, HOLDER)
    assert value_right_of(lines, "社会保障号码") == "500***********6512"
    assert value_right_of(lines, "社会保障号码") == mask_id_number(form.holder.id_number)
    assert value_right_of(lines, "社会保障卡卡号") == mask_card_number(form.card_number)
    assert value_right_of(lines, "联系电话") == mask_phone(form.holder.phone)
    assert value_right_of(lines, "证件号码") == mask_id_number(form.id_document.number)
    text = page_text(pdf, HOLDER)
    for full in (form.holder.id_number, form.card_number, form.holder.phone):
        assert full not in text


def test_without_phone_report_says_so(key: bytes, fonts: FontSet) -> None:
    form = dataclasses.replace(loss_form(), phone_report=None)
    lines = page_lines(render_loss_form(form, key=key, fonts=fonts), ARCHIVE)
    assert value_right_of(lines, "电话挂失").startswith("无")


def test_phone_report_time_is_shown(key: bytes, fonts: FontSet) -> None:
    form = loss_form()
    assert isinstance(form.phone_report, PhoneReport)
    text = page_text(render_loss_form(form, key=key, fonts=fonts), ARCHIVE)
    assert "2024年05月04日 20:31" in text


def test_verification_code_printed_matches_the_qr_payload(
    pdf: bytes, form: LossForm, key: bytes
) -> None:
    payload = payload_for(form, key)
    assert verify_payload(payload, key).serial == form.header.serial
    code = payload.rsplit("|", 1)[1]
    for page in (ARCHIVE, HOLDER):
        assert f"校验码 {split_code(code)}" in page_text(pdf, page)


def test_same_input_same_bytes(form: LossForm, key: bytes, fonts: FontSet) -> None:
    first = render_loss_form(form, key=key, fonts=fonts)
    second = render_loss_form(form, key=key, fonts=fonts)
    assert first == second
    assert b"/CreationDate" in first  # fixed (invariant), not the wall clock
    changed = dataclasses.replace(form, lost_place="解放碑")
    assert render_loss_form(changed, key=key, fonts=fonts) != first


def test_reprint_is_marked_with_count_and_reason_and_keeps_the_serial(
    form: LossForm, key: bytes, fonts: FontSet
) -> None:
    original = render_loss_form(form, key=key, fonts=fonts)
    again = render_loss_form(form, key=key, fonts=fonts, reprint=reprint(2, "持卡人联遗失"))
    for page in (ARCHIVE, HOLDER):
        text = page_text(again, page).replace("\n", "")
        assert "补打（第2次）" in text
        assert "补打原因：持卡人联遗失" in text
        assert "补打经办人：赵敏（工号 YB0402）" in text
        assert f"表单编号：{form.header.serial}" in text
        assert "补打" not in page_text(original, page)
    # The verification code is that of the original: same serial, same QR.
    code = split_code(payload_for(form, key).rsplit("|", 1)[1])
    assert f"校验码 {code}" in page_text(again, ARCHIVE)
    assert render_loss_form(form, key=key, fonts=fonts, reprint=reprint(2, "持卡人联遗失")) == again


def _assert_inside_margins(pdf: bytes, fonts: FontSet) -> None:
    for page in range(page_count(pdf)):
        for line in page_lines(pdf, page):
            right = line.x + fonts.width(line.text, line.size)
            assert line.x >= LEFT - 0.5, line
            assert right <= RIGHT + 0.5, (line, right)
            assert BOTTOM - 0.5 <= line.y <= TOP, line


def test_long_address_wraps_inside_the_margins(key: bytes, fonts: FontSet) -> None:
    address = (
        "重庆市渝北区龙塔街道黄泥磅紫薇支路12号龙湖紫都城二期7栋2单元28-3号"
        "（物业管理处转交，工作日9:00-17:30联系）"
    ) * 3
    form = loss_form(address=address)
    pdf = render_loss_form(form, key=key, fonts=fonts)
    _assert_inside_margins(pdf, fonts)
    lines = page_lines(pdf, ARCHIVE)
    label = next(line for line in lines if line.text == "常住地址")
    cell = [
        line
        for line in lines
        if line.x > label.x + 1
        and abs(line.y - label.y) < 40
        and line.text
        and line.text[0] in address
    ]
    assert len(cell) >= 3  # wrapped over several lines
    assert "".join(line.text for line in cell).replace(" ", "") == address.replace(" ", "")


def test_25_character_name_fits_on_one_line(key: bytes, fonts: FontSet) -> None:
    assert len(LONG_NAME) == 25
    pdf = render_loss_form(loss_form(name=LONG_NAME), key=key, fonts=fonts)
    _assert_inside_margins(pdf, fonts)
    lines = page_lines(pdf, ARCHIVE)
    assert value_right_of(lines, "姓名") == LONG_NAME
    name = next(line for line in lines if line.text == LONG_NAME)
    gender = next(line for line in lines if line.text == "性别")
    assert name.x + fonts.width(name.text, name.size) < gender.x  # stays in its own cell
    assert name.size >= 7.5


def test_rare_characters_keep_their_code_points_in_the_text_layer(
    key: bytes, fonts: FontSet
) -> None:
    pdf = render_loss_form(loss_form(name=RARE_NAME), key=key, fonts=fonts)
    for page in (ARCHIVE, HOLDER):
        assert value_right_of(page_lines(pdf, page), "姓名") == RARE_NAME
    assert "\U00020bb7" in page_text(pdf, ARCHIVE)  # 𠮷, outside the BMP


def test_every_kind_is_a_different_title() -> None:
    assert len({kind.heading for kind in FormKind}) == len(FormKind)
    assert specimen(FormKind.LOSS).kind is FormKind.LOSS
