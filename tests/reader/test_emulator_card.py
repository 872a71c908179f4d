"""The card model against CARD.md, APDU by APDU (hex in, hex out)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from reader.emulator.card import FCI, EmulatedCard
from reader.emulator.profile import ProfileError
from reader.errors import CardUnresponsive

from .cardkit import fixed_challenge, make_profile

Send = Callable[[EmulatedCard, str], str]
SELECT_SSSE = "00A404000F7378312E73682EC9E7BBE1B1A3D5CF"
FCI_HEX = FCI.hex().upper()


def selected(card: EmulatedCard, apdu: Send) -> EmulatedCard:
    assert apdu(card, SELECT_SSSE) == "611B"
    assert apdu(card, "00C000001B") == FCI_HEX + "9000"
    return card


def new_card(**overrides: Any) -> EmulatedCard:
    return EmulatedCard.from_profile(make_profile(**overrides), challenge_source=fixed_challenge)


def test_atr_matches_card_md_example(card: EmulatedCard) -> None:
    assert card.atr().hex().upper() == "3B6D00000081544C968684500103123456"


def test_select_by_aid_answers_611b_then_fci(card: EmulatedCard, apdu: Send) -> None:
    selected(card, apdu)
    assert FCI_HEX == "6F19840F7378312E73682EC9E7BBE1B1A3D5CFA5069F0C038601039000"[:-4]


def test_get_response_wrong_le_answers_6c_and_keeps_data(card: EmulatedCard, apdu: Send) -> None:
    assert apdu(card, SELECT_SSSE) == "611B"
    assert apdu(card, "00C0000010") == "6C1B"
    assert apdu(card, "00C000001B") == FCI_HEX + "9000"
    assert apdu(card, "00C000001B") == "6985"  # nothing pending any more


def test_select_unknown_aid_and_files(card: EmulatedCard, apdu: Send) -> None:
    assert apdu(card, "00A404000F" + "A0" * 15) == "6A82"
    assert apdu(card, "00A4020002EF05") == "6A82"  # SSSE not selected yet
    assert apdu(card, "00A40000023F00") == "9000"
    selected(card, apdu)
    assert apdu(card, "00A4020002EF05") == "9000"
    assert apdu(card, "00A4000002EF06") == "9000"  # P1 = 00 accepted too
    assert apdu(card, "00A4020002EF07") == "6A82"
    assert apdu(card, "00A4030002EF05") == "6A86"
    assert apdu(card, "00A402000301EF05") == "6700"
    assert apdu(card, "00A40204") == "6A86"


def test_read_record_forms(card: EmulatedCard, apdu: Send) -> None:
    selected(card, apdu)
    assert apdu(card, "00B2012C00") == "0110500103D15600000512345678ABCDEF019000"
    assert apdu(card, "00B2073400").startswith("0D0419850715")  # by SFI, EF06 rec 7
    assert apdu(card, "00B2030400") == "4E14" + "00" * 20 + "9000"  # current EF is EF06 now
    assert apdu(card, "00B20A0000") == "0A01319000"  # by tag in the current EF
    assert apdu(card, "00A4020002EF05") == "9000"
    assert apdu(card, "00B2070400") == "0709" + b"A12345674".hex().upper() + "9000"
    assert apdu(card, "00B2070000") == "0709" + b"A12345674".hex().upper() + "9000"


def test_read_record_status_words(card: EmulatedCard, apdu: Send) -> None:
    assert apdu(card, "00B2012C00") == "6A82"  # MF: EF05 is not here
    selected(card, apdu)
    assert apdu(card, "00B2010400") == "6986"  # no current EF
    assert apdu(card, "00B2082C00") == "6A83"
    assert apdu(card, "00B2002C00") == "6A86"
    assert apdu(card, "00B2013C00") == "6A82"  # SFI 7 does not exist
    assert apdu(card, "00B2012D00") == "6A86"
    assert apdu(card, "00B2012C05") == "6C12"  # T=0: wrong Le
    assert apdu(card, "00B2012C12").endswith("9000")
    assert apdu(card, "00B2012C") == "6700"
    assert apdu(card, "00B2012C0100") == "6700"
    assert apdu(card, "00B2200000") == "6A83"  # tag 20 not in EF05


def test_P6_blocked_after_three_wrong(card: EmulatedCard, apdu: Send) -> None:
    selected(card, apdu)
    assert apdu(card, "00200000") == "63C3"
    assert apdu(card, "0020000003111111") == "63C2"
    assert apdu(card, "00200000") == "63C2"  # asking does not spend a try
    assert apdu(card, "0020000003111111") == "63C1"
    assert apdu(card, "0020000003111111") == "6983"  # x reaching 0 answers 6983
    assert apdu(card, "0020000003123456") == "6983"  # even the right PIN
    assert apdu(card, "00200000") == "6983"
    assert card.pin_tries_left == 0


def test_P1_default_pin_verifies_and_resets_counter(card: EmulatedCard, apdu: Send) -> None:
    selected(card, apdu)
    assert apdu(card, "0020000003111111") == "63C2"
    assert apdu(card, "0020000003123456") == "9000"
    assert card.pin_verified and card.pin_tries_left == 3
    selected(card, apdu)  # reselect drops the verified state
    assert not card.pin_verified


def test_verify_status_words(card: EmulatedCard, apdu: Send) -> None:
    assert apdu(card, "0020000003123456") == "6986"  # SSSE not selected
    selected(card, apdu)
    assert apdu(card, "0020000103123456") == "6A86"
    assert apdu(card, "002000000112") == "6A80"  # 2 digits: outside 4–12, no try spent
    assert apdu(card, "00200000071234567890123456"[:30]) == "6700"  # Lc and Le
    assert apdu(card, "0020000000") == "63C3"  # the T=0 "tries left" form (CARD.md)
    assert card.pin_tries_left == 3


def test_change_pin(card: EmulatedCard, apdu: Send) -> None:
    selected(card, apdu)
    assert apdu(card, "805E010007111111FF385912") == "63C2"
    assert apdu(card, "805E010007123456FF385912") == "9000"
    assert card.pin_tries_left == 3 and card.to_profile()["pin"] == "385912"
    assert apdu(card, "0020000003385912") == "9000"
    assert apdu(card, "805E010006385912385912") == "6700"  # no FF separator
    assert apdu(card, "805E010005385912FF12") == "6A80"  # new PIN too short
    assert apdu(card, "805E010007385912FF1A3456") == "6A80"  # not BCD
    assert apdu(card, "805E020007385912FF103456") == "6A86"
    assert card.to_profile()["pin"] == "385912" and card.pin_tries_left == 3


def test_change_pin_blocked(apdu: Send) -> None:
    card = new_card(pin_tries_left=0)
    selected(card, apdu)
    assert apdu(card, "805E010007123456FF385912") == "6983"
    assert card.to_profile()["pin"] == "123456"


# --- authorised commands: the CARD.md vectors ------------------------------------------------


def challenged(card: EmulatedCard, apdu: Send) -> None:
    assert apdu(card, "0084000008") == "01020304050607089000"


def test_reload_pin_vector(apdu: Send) -> None:
    card = new_card(pin_tries_left=0)
    selected(card, apdu)
    challenged(card, apdu)
    # CARD.md's vector reloads 654321, a straight run the card refuses (P7): the MAC is
    # accepted (a wrong one answers 6988) and then 6A80; nothing changes.
    assert apdu(card, "805E000007654321103A965E") == "6A80"
    assert card.to_profile()["pin"] == "123456" and card.pin_tries_left == 0


def test_unblock_pin_vector(apdu: Send) -> None:
    card = new_card(pin_tries_left=0)
    selected(card, apdu)
    challenged(card, apdu)
    assert apdu(card, "8424000004EDA8E353") == "9000"
    assert card.pin_tries_left == 3 and card.to_profile()["pin"] == "123456"


def test_application_block_unblock_vectors(card: EmulatedCard, apdu: Send) -> None:
    selected(card, apdu)
    challenged(card, apdu)
    assert apdu(card, "841E0000045FBC1F9D") == "9000"
    assert card.app_state == "blocked"
    # temporarily blocked: SELECT gives FCI with 6283, READ works, VERIFY / CHANGE 6985
    assert apdu(card, SELECT_SSSE) == "611B"
    assert apdu(card, "00C000001B") == FCI_HEX + "6283"
    assert apdu(card, "00B2012C00").endswith("9000")
    assert apdu(card, "00200000") == "6985"
    assert apdu(card, "0020000003123456") == "6985"
    assert apdu(card, "805E010007123456FF385912") == "6985"
    assert card.pin_tries_left == 3
    challenged(card, apdu)
    assert apdu(card, "841800000424BF2422") == "9000"
    assert card.app_state == "ok"
    challenged(card, apdu)
    assert apdu(card, "841E000104A5E855C2") == "9000"
    assert card.app_state == "permanently_blocked"
    assert apdu(card, SELECT_SSSE) == "9303"


def test_unblock_application_does_not_lift_permanent(apdu: Send) -> None:
    card = new_card(app_state="permanently_blocked")
    assert apdu(card, SELECT_SSSE) == "9303"
    card2 = new_card(app_state="blocked")
    assert apdu(card2, SELECT_SSSE) == "611B"
    challenged(card2, apdu)
    assert apdu(card2, "841E000104A5E855C2") == "9000"  # temporary → permanent
    challenged(card2, apdu)
    assert apdu(card2, "841800000424BF2422") == "9303"  # blocked for good
    assert apdu(card2, "00B2012C00") == "9303"
    assert card2.app_state == "permanently_blocked"


def test_wrong_mac_changes_nothing(apdu: Send) -> None:
    card = new_card(pin_tries_left=0)
    selected(card, apdu)
    challenged(card, apdu)
    assert apdu(card, "8424000004EDA8E354") == "6988"
    assert card.pin_tries_left == 0
    challenged(card, apdu)
    assert apdu(card, "805E000007654320103A965E") == "6988"  # MAC covers the new PIN
    assert card.to_profile()["pin"] == "123456"


def test_challenge_is_for_the_next_command_only(apdu: Send) -> None:
    card = new_card(pin_tries_left=0)
    selected(card, apdu)
    assert apdu(card, "8424000004EDA8E353") == "6984"  # no challenge at all
    challenged(card, apdu)
    assert apdu(card, "00B2012C00").endswith("9000")  # any command consumes it
    assert apdu(card, "8424000004EDA8E353") == "6984"
    challenged(card, apdu)
    assert apdu(card, "8424000004EDA8E353") == "9000"
    assert apdu(card, "8424000004EDA8E353") == "6984"  # not twice
    challenged(card, apdu)
    card.reset()
    selected(card, apdu)
    assert apdu(card, "8424000004EDA8E353") == "6984"  # reset loses it


def test_authorised_command_shapes(card: EmulatedCard, apdu: Send) -> None:
    selected(card, apdu)
    assert apdu(card, "0084000004") == "6700"
    assert apdu(card, "0084010008") == "6A86"
    assert apdu(card, "842400000500EDA8E353") == "6700"
    assert apdu(card, "841E000204A5E855C2") == "6A86"
    assert apdu(card, "8418000104A5E855C2") == "6A86"
    assert apdu(card, "805E00000512345F0102") == "6A80"  # PIN of 2 digits
    assert apdu(card, "8424010004EDA8E353") == "6A86"


def test_own_keys_from_profile(apdu: Send) -> None:
    card = new_card(keys={"unblock": "00" * 16}, pin_tries_left=0)
    selected(card, apdu)
    challenged(card, apdu)
    assert apdu(card, "8424000004EDA8E353") == "6988"  # test-key MAC refused
    assert card.to_profile()["keys"] == {"unblock": "00" * 16}


# --- malformed APDUs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hex_apdu", "sw"),
    [
        ("", "6700"),
        ("00A4", "6700"),
        ("FFA4040000", "6E00"),
        ("10B2012C00", "6E00"),
        ("00CA000000", "6D00"),
        ("805E", "6700"),
        ("84B2012C00", "6E00"),  # READ RECORD with the secured CLA
        ("0020000005123456", "6700"),  # Lc larger than the data
        ("00A40400000000", "6700"),  # extended length
        ("002000000312345600FF", "6700"),  # trailing junk
    ],
)
def test_malformed_apdus(card: EmulatedCard, apdu: Send, hex_apdu: str, sw: str) -> None:
    assert apdu(card, hex_apdu) == sw


def test_power_cycle_loses_security_state(card: EmulatedCard, apdu: Send) -> None:
    selected(card, apdu)
    assert apdu(card, "0020000003123456") == "9000"
    card.power_off()
    with pytest.raises(CardUnresponsive):
        card.process(bytes.fromhex("00200000"))
    assert card.power_on() == card.atr()
    assert not card.pin_verified
    assert apdu(card, "0020000003123456") == "6986"  # back at the MF


def test_to_profile_round_trip(profile: dict[str, Any]) -> None:
    card = EmulatedCard.from_profile(profile)
    again = EmulatedCard.from_profile(card.to_profile())
    assert again.to_profile() == card.to_profile() == profile
    assert "keys" not in card.to_profile()


def test_invalid_profile_is_refused() -> None:
    with pytest.raises(ProfileError) as err:
        EmulatedCard.from_profile(make_profile(pin="12", gender="M"))
    assert any("pin" in p for p in err.value.problems)
    assert any("gender" in p for p in err.value.problems)


def test_long_name_spills_into_4e(apdu: Send) -> None:
    name = "阿" * 17  # 34 GBK bytes: 30 in tag 09, 4 in tag 4E
    card = new_card(name=name)
    selected(card, apdu)
    rec9 = bytes.fromhex(apdu(card, "00B2023400")[:-4])
    rec4e = bytes.fromhex(apdu(card, "00B2033400")[:-4])
    assert rec9[:2] == b"\x09\x1e" and rec9[2:].decode("gbk") == "阿" * 15
    assert rec4e[:2] == b"\x4e\x14" and rec4e[2:6].decode("gbk") == "阿" * 2
