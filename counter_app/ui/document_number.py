"""The form of a typed ID document number, checked on the clerk's screen.

Only the form: 18 characters, a known region, a valid birth date, a correct check digit.
Whether the number is the holder's is the service's decision, against the database
(``sessions.open_id_session``, ``document_check``). A wrong check digit is reported
without the digit that would be right: the screen must not help anyone complete a number
they do not have.
"""

from __future__ import annotations

from counter_app.ui.i18n import tr
from counter_app.validation import ValidationError, parse_id_number

CHECK_DIGIT_WRONG = (
    "身份证号码校验位（第18位）与前17位不符，号码有误。"
    "请对照证件逐位核对后重新输入；证件号码确实如此时，请持卡人到公安机关核实证件。"
)


def number_problem(text: str) -> str:
    """Empty when ``text`` has the form of a citizen ID number, else what is wrong (in
    Chinese) and what to do."""
    try:
        parse_id_number(text)
    except ValidationError as error:
        if getattr(error, "code", "") == "check_digit":
            return tr("workflow", CHECK_DIGIT_WRONG)
        return str(error)
    return ""


def normalised(text: str) -> str:
    """The number as the services compare it (call after :func:`number_problem`)."""
    return parse_id_number(text).number
