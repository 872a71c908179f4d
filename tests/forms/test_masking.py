from __future__ import annotations

import pytest

from forms.masking import mask_card_number, mask_id_number, mask_phone


def test_id_number_keeps_first_three_and_last_four() -> None:
    assert mask_id_number("500103198805126512") == "500***********6512"
    assert mask_id_number("50010319880512651X") == "500***********651X"
    assert len(mask_id_number("500103198805126512")) == 18


def test_custom_head_and_tail_and_blanks() -> None:
    assert mask_id_number(" 500103198805126512 ", head=6, tail=2) == "500103**********12"
    assert mask_id_number("abcdefgh", head=0, tail=0) == "********"


def test_too_short_to_hide_anything_is_masked_completely() -> None:
    assert mask_id_number("1234567") == "*******"
    assert mask_id_number("") == ""


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        mask_id_number("500103198805126512", head=-1)


def test_card_and_phone_presets() -> None:
    assert mask_card_number("C50012345") == "C****2345"
    assert mask_phone("13883251234") == "138****1234"
