"""One entry point for every form: :func:`render_form` picks the drawing by the data's type."""

from __future__ import annotations

from forms.access_slip import render_access_slip
from forms.data import AccessSlip, Form, LiftForm, LossForm, PinReceipt, ReplacementForm, Reprint
from forms.fonts import FontSet
from forms.lift import render_lift_form
from forms.loss import render_loss_form
from forms.pin_receipt import render_pin_receipt
from forms.replacement import render_replacement_form


def render_form(
    form: Form,
    *,
    key: bytes,
    fonts: FontSet | None = None,
    reprint: Reprint | None = None,
    watermark: str = "",
) -> bytes:
    """The PDF bytes of ``form``; the same arguments always give the same bytes."""
    if isinstance(form, LossForm):
        return render_loss_form(form, key=key, fonts=fonts, reprint=reprint, watermark=watermark)
    if isinstance(form, LiftForm):
        return render_lift_form(form, key=key, fonts=fonts, reprint=reprint, watermark=watermark)
    if isinstance(form, PinReceipt):
        return render_pin_receipt(form, key=key, fonts=fonts, reprint=reprint, watermark=watermark)
    if isinstance(form, ReplacementForm):
        return render_replacement_form(
            form, key=key, fonts=fonts, reprint=reprint, watermark=watermark
        )
    if isinstance(form, AccessSlip):
        return render_access_slip(form, key=key, fonts=fonts, reprint=reprint, watermark=watermark)
    raise TypeError(f"not a form: {type(form).__name__}")
