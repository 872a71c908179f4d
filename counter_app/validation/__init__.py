"""Input validation for the counter: ID numbers, names, phones, card numbers, regions, and
the one input policy for every free-text and identifier field (``text_policy``).

Pure functions over text; no Qt, no database. Every refusal is a
:class:`~counter_app.validation.errors.ValidationError` with a Chinese message for staff.
"""

from counter_app.validation.cardnumber import (
    CardNumberCheck,
    card_number_check_char,
    card_number_is_valid,
    check_card_number,
)
from counter_app.validation.errors import ValidationError
from counter_app.validation.idnumber import (
    IdNumber,
    check_digit,
    convert_15_to_18,
    is_valid_id_number,
    normalise_id_number,
    parse_id_number,
)
from counter_app.validation.names import (
    name_fits_card,
    normalise_name,
    split_name_for_card,
    validate_name,
)
from counter_app.validation.phones import validate_phone
from counter_app.validation.regions import (
    CHONGQING_DISTRICTS,
    PROVINCE_PREFIXES,
    district_name,
    is_chongqing_district,
    is_known_region_code,
    province_name,
    region_code_name,
)
from counter_app.validation.text_policy import (
    TextField,
    TextRefused,
    clean_optional_text,
    clean_staff_name,
    clean_staff_no,
    clean_text,
    forbidden_character,
)

__all__ = [
    "CHONGQING_DISTRICTS",
    "PROVINCE_PREFIXES",
    "CardNumberCheck",
    "IdNumber",
    "TextField",
    "TextRefused",
    "ValidationError",
    "card_number_check_char",
    "card_number_is_valid",
    "check_card_number",
    "check_digit",
    "clean_optional_text",
    "clean_staff_name",
    "clean_staff_no",
    "clean_text",
    "convert_15_to_18",
    "district_name",
    "forbidden_character",
    "is_chongqing_district",
    "is_known_region_code",
    "is_valid_id_number",
    "name_fits_card",
    "normalise_id_number",
    "normalise_name",
    "parse_id_number",
    "province_name",
    "region_code_name",
    "split_name_for_card",
    "validate_name",
    "validate_phone",
]
