"""The 密码重置回执 (RULES P5) prints the holder's 联系电话 from the record: in full on the
archive copy, masked on the holder's copy as every form masks a phone (forms.masking) — a
new clerk's trial found the field empty although the holder had a phone on record."""

from __future__ import annotations

from counter_app.services import pin_reset
from forms import data as fd
from forms.masking import mask_phone
from tests.forms.pdfcheck import page_lines, page_text, value_right_of

from .conftest import World, pin
from .test_rules import doc, id_session

ARCHIVE, HOLDER = 0, 1


def test_P5_reset_receipt_prints_the_phone_on_record(world_on_each_backend: World) -> None:
    world = world_on_each_backend
    _card, transport = world.insert_card("h006", pin="975310")
    result = pin_reset.reset_pin(
        world.ctx,
        world.actors["yb103"],
        id_session(world, "h006"),
        world.client(transport),
        doc(world, "h006"),
        pin("258036"),
        pin("258036"),
        None,
    )
    on_record = "13883250006"  # tests/services_b/conftest.py: phone 1388325{n:04d}
    assert isinstance(result.form, fd.PinReceipt)
    assert result.form.holder.phone == on_record
    assert result.pdf is not None
    assert value_right_of(page_lines(result.pdf, ARCHIVE), "联系电话") == on_record
    assert value_right_of(page_lines(result.pdf, HOLDER), "联系电话") == mask_phone(on_record)
    assert on_record not in page_text(result.pdf, HOLDER)
