"""Printable forms (PDF) built from plain data with reportlab.

Imports nothing from the application, ``reports`` or Qt (import-linter contract in setup.cfg).
Import what you need from the module that holds it, so that importing the masking function
does not load reportlab:

- ``forms.data``: the dataclasses a form is drawn from (``LossForm``, ``LiftForm``, …)
- ``forms.render``: ``render_form(form, key=..., reprint=...) -> bytes`` for any form
- ``forms.loss`` / ``lift`` / ``pin_receipt`` / ``replacement`` / ``access_slip``: one form each
- ``forms.masking``: the project's one masking function, ``mask_id_number``
- ``forms.verification``: QR payload, HMAC verification code, ``verify_payload``
- ``forms.fonts``: finding and embedding CJK TrueType fonts
- ``forms.specimens``: filled, watermarked examples for training and printer alignment
"""
