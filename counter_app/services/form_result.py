"""One base for the use-case results that carry a registered form (RULES L3, U2, R1, P5,
P6, Q7): the plain form data the service registered, and its PDF drawn on demand.

The PDF is drawn only when asked for (``pdf``, cached), and only from the plain data
(``forms.render``): a service call stays cheap, and the GUI draws it off its thread
(``gateway.render_form``).
"""

from __future__ import annotations

from functools import cached_property

from forms import data as fd


class CarriesForm:
    """Mixin of a frozen result dataclass with a ``form_key`` field (the form-signing key,
    never shown: ``repr=False``). Subclasses name their form by overriding
    :meth:`printable`; by default it is the ``form`` field."""

    form_key: bytes

    def printable(self) -> fd.Form | None:
        form: fd.Form | None = getattr(self, "form", None)
        return form

    @cached_property
    def pdf(self) -> bytes:
        """The registered form drawn with its verification code; no form: empty."""
        form = self.printable()
        if form is None:
            return b""
        from forms.render import render_form

        return render_form(form, key=self.form_key)
