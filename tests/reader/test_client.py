"""The card client against the emulator and against deliberately odd cards (CARD.md
"Client rules"). Odd cards are small wrappers here, never changes to the emulator."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import pytest

from reader import errors as e
from reader.client import SocialSecurityCardClient
from reader.emulator.card import EmulatedCard
from reader.emulator.inprocess import InProcessTransport
from reader.keys import TEST_KEYS, KeyPurpose, SoftwareKeyProvider

from .cardkit import CARD_ID, Recorder, fixed_challenge, make_profile, pin

VECTORS = {
    "reload": "805E000007654321103A965E",
    "unblock": "8424000004EDA8E353",
    "block": "841E0000045FBC1F9D",
    "block_permanent": "841E000104A5E855C2",
    "unblock_app": "841800000424BF2422",
}


def make_client(card: Any, keys: Any = None, trace: Any = None) -> tuple[Any, Recorder]:
    rec = Recorder(InProcessTransport(card) if isinstance(card, EmulatedCard) else card)
    return SocialSecurityCardClient(rec, keys or SoftwareKeyProvider(TEST_KEYS), trace), rec


def new_card(**overrides: Any) -> EmulatedCard:
    return EmulatedCard.from_profile(make_profile(**overrides), challenge_source=fixed_challenge)


class WrappedCard:
    """A transport around a card model whose answers a test rewrites."""

    def __init__(self, card: EmulatedCard, rewrite: Callable[[EmulatedCard, bytes], bytes]):
        self.card = card
        self.rewrite = rewrite

    def atr(self) -> bytes:
        return self.card.atr()

    def transmit(self, apdu: bytes | bytearray) -> bytes:
        return self.rewrite(self.card, bytes(apdu))

    def transaction(self) -> AbstractContextManager[None]:
        return nullcontext()

    def control(self, code: int, data: bytes | bytearray) -> bytes:
        raise NotImplementedError


# --- reading ------------------------------------------------------------------------------


def test_read_identity_in_17_apdus(client: SocialSecurityCardClient, recorder: Recorder) -> None:
    ident = client.read_identity()
    assert ident.card_id_code == CARD_ID and ident.name == "张三"
    assert ident.ssn == "500103198507150012" and ident.card_number == "A12345674"
    assert ident.pin_tries_left == 3 and ident.app_state == "ok"
    assert ident.atr_history == "0081544C968684500103123456"
    assert len(recorder.sent) == 17 <= 20
    assert recorder.sent[-1].hex() == "00200000"  # tries left without spending one


def test_read_identity_does_not_spend_a_try(client: SocialSecurityCardClient) -> None:
    client.read_identity()
    client.read_identity()
    assert client.pin_tries_left() == 3


def _answers_6c_to_le_00(card: EmulatedCard, apdu: bytes) -> bytes:
    """A card that wants the exact Le on READ RECORD (answers 6Cxx to Le = 00)."""
    if apdu[1] == 0xB2 and len(apdu) == 5 and apdu[4] == 0:
        answer = card.process(apdu)
        return bytes((0x6C, len(answer) - 2)) if answer[-2:] == b"\x90\x00" else answer
    return card.process(apdu)


def test_T0_6Cxx_resent_with_right_le() -> None:
    client, rec = make_client(WrappedCard(new_card(), _answers_6c_to_le_00))
    ident = client.read_identity()
    assert ident.name == "张三" and ident.birthplace == "500103"
    resent = [a for a, r in zip(rec.sent, rec.received, strict=True) if r[:1] == b"\x6c"]
    assert len(resent) == 14
    assert rec.sent[rec.sent.index(resent[0]) + 1].hex() == "00b2012c12"


def _spaces_no_4e(card: EmulatedCard, apdu: bytes) -> bytes:
    """A card that pads names with 20 and has no 4E record in EF06."""
    if apdu[1] == 0xB2 and apdu[3] == 0x34:
        number = apdu[2]
        if number >= 3:
            if number == 7:
                return b"\x6a\x83"
            apdu = apdu[:2] + bytes((number + 1,)) + apdu[3:]
        answer = card.process(apdu)
        if answer[:1] == b"\x09":
            answer = answer[:2] + answer[2:-2].replace(b"\x00", b" ") + answer[-2:]
        return answer
    return card.process(apdu)


def test_tolerates_space_padding_and_missing_4e() -> None:
    client, rec = make_client(WrappedCard(new_card(name="司马相如"), _spaces_no_4e))
    ident = client.read_identity()
    assert ident.name == "司马相如" and ident.gender == "1" and ident.birth_date is not None
    assert any(r == b"\x6a\x83" for r in rec.received)


def _no_sfi(card: EmulatedCard, apdu: bytes) -> bytes:
    """A card that cannot read by SFI (only SELECT EF + current EF)."""
    if apdu[1] == 0xB2 and apdu[3] not in (0x00, 0x04):
        return b"\x6a\x86"
    return card.process(apdu)


def test_falls_back_to_select_ef_when_sfi_refused() -> None:
    client, rec = make_client(WrappedCard(new_card(), _no_sfi))
    assert client.read_identity().ssn == "500103198507150012"
    assert bytes.fromhex("00A4020002EF05") in rec.sent
    assert bytes.fromhex("00A4020002EF06") in rec.sent


def _t1_select(card: EmulatedCard, apdu: bytes) -> bytes:
    """A T=1-style card: SELECT answers FCI + 9000 directly."""
    answer = card.process(apdu)
    if answer[:1] == b"\x61":
        return card.process(bytes((0, 0xC0, 0, 0, answer[1])))
    return answer


def test_select_without_get_response() -> None:
    client, rec = make_client(WrappedCard(new_card(), _t1_select))
    assert client.read_identity().card_number == "A12345674"
    assert not any(a[1] == 0xC0 for a in rec.sent)


def test_card_number_with_wrong_check_char_is_read_with_warning() -> None:
    client, _ = make_client(new_card(card_number="A12345675"))
    ident = client.read_identity()
    assert ident.card_number == "A12345675" and ident.card_number_warning


def test_temporarily_blocked_card_is_readable() -> None:
    client, _ = make_client(new_card(app_state="blocked"))
    ident = client.read_identity()
    assert ident.app_state == "blocked" and ident.pin_tries_left is None
    assert ident.to_json_dict()["app_state"] == "blocked"
    with pytest.raises(e.ApplicationBlocked):
        client.pin_tries_left()


def test_permanently_blocked_card() -> None:
    client, _ = make_client(new_card(app_state="permanently_blocked"))
    with pytest.raises(e.ApplicationPermanentlyBlocked, match="永久锁定"):
        client.read_identity()


@pytest.mark.parametrize("sw", [0x6A82, 0x6A81, 0x6E00, 0x6D00])
def test_not_a_social_security_card(sw: int) -> None:
    def other_card(card: EmulatedCard, apdu: bytes) -> bytes:
        return bytes((sw >> 8, sw & 0xFF))

    client, _ = make_client(WrappedCard(new_card(), other_card))
    with pytest.raises(e.NotSocialSecurityCard) as err:
        client.read_identity()
    assert err.value.sw == sw


def test_fci_with_other_aid_is_not_ours() -> None:
    def other_fci(card: EmulatedCard, apdu: bytes) -> bytes:
        answer = card.process(apdu)
        return answer.replace(b"sx1.sh.", b"sx2.sh.") if apdu[1] == 0xC0 else answer

    client, _ = make_client(WrappedCard(new_card(), other_fci))
    with pytest.raises(e.NotSocialSecurityCard):
        client.read_identity()


def test_garbled_record_is_malformed_not_a_crash() -> None:
    def garble(card: EmulatedCard, apdu: bytes) -> bytes:
        answer = card.process(apdu)
        return b"\x09\x1e\xd5\x90\x00" if apdu[1] == 0xB2 and apdu[2:4] == b"\x02\x34" else answer

    client, _ = make_client(WrappedCard(new_card(), garble))
    with pytest.raises(e.MalformedResponse):
        client.read_identity()


def test_endless_61xx_is_malformed() -> None:
    client, _ = make_client(WrappedCard(new_card(), lambda c, a: b"\x61\x01"))
    with pytest.raises(e.MalformedResponse):
        client.select()


def test_get_response_chain_and_6c_inside_it() -> None:
    def chunked(card: EmulatedCard, apdu: bytes) -> bytes:
        if apdu[1] == 0xA4 and apdu[2] == 0x04:
            card.process(apdu)
            full = card.process(bytes.fromhex("00C000001B"))[:-2]
            chunked.pending = full  # type: ignore[attr-defined]
            return b"\x61\x10"
        if apdu[1] == 0xC0:
            data: bytes = chunked.pending  # type: ignore[attr-defined]
            if apdu[4] == 0x10 and len(data) > 16 and not getattr(chunked, "asked", False):
                chunked.asked = True  # type: ignore[attr-defined]
                return b"\x6c\x10"  # odd but legal: tell the same length again
            part, rest = data[: apdu[4]], data[apdu[4] :]
            chunked.pending = rest  # type: ignore[attr-defined]
            return part + (bytes((0x61, len(rest))) if rest else b"\x90\x00")
        return card.process(apdu)

    client, rec = make_client(WrappedCard(new_card(), chunked))
    result = client.select()
    assert result.fci.algorithm == 3 and not result.app_blocked
    assert [a.hex() for a in rec.sent if a[1] == 0xC0] == ["00c0000010"] * 2 + ["00c000000b"]


# --- PIN ----------------------------------------------------------------------------------


def test_verify_ok(client: SocialSecurityCardClient, card: EmulatedCard) -> None:
    client.verify(pin("123456"))
    assert card.pin_verified


def test_P6_wrong_pin_tries_left_and_never_retried(
    client: SocialSecurityCardClient, recorder: Recorder
) -> None:
    with pytest.raises(e.WrongPin) as err:
        client.verify(pin("111111"))
    assert err.value.tries_left == 2 and "还可尝试 2 次" in str(err.value)
    assert sum(1 for a in recorder.sent if a[:2] == b"\x00\x20" and len(a) > 4) == 1
    with pytest.raises(e.WrongPin):
        client.verify(pin("111111"))
    with pytest.raises(e.PinBlocked, match="密码已锁定"):
        client.verify(pin("111111"))
    with pytest.raises(e.PinBlocked):
        client.verify(pin("123456"))
    assert client.pin_tries_left() == 0


def test_verify_on_blocked_application_does_not_send_pin() -> None:
    client, rec = make_client(new_card(app_state="blocked"))
    with pytest.raises(e.ApplicationBlocked):
        client.verify(pin("123456"))
    assert not any(a[:2] == b"\x00\x20" for a in rec.sent)


def test_pin_length_checked_before_sending(
    client: SocialSecurityCardClient, recorder: Recorder
) -> None:
    with pytest.raises(e.PinLengthInvalid):
        client.verify(pin("123"))
    with pytest.raises(e.PinLengthInvalid):
        client.change_pin(pin("123456"), pin(""))
    assert recorder.sent == []


def test_change_pin(client: SocialSecurityCardClient, card: EmulatedCard) -> None:
    client.change_pin(pin("123456"), pin("246810"))
    assert card.to_profile()["pin"] == "246810"
    with pytest.raises(e.WrongPin):
        client.change_pin(pin("123456"), pin("135790"))
    assert card.to_profile()["pin"] == "246810"
    client.verify(pin("246810"))


def test_pin_apdu_bytearray_is_wiped_after_use(transport: InProcessTransport) -> None:
    kept: list[bytes | bytearray] = []

    class Keeper(Recorder):
        def transmit(self, apdu: bytes | bytearray) -> bytes:
            kept.append(apdu)  # the very object, not a copy
            return super().transmit(apdu)

    client = SocialSecurityCardClient(Keeper(transport), SoftwareKeyProvider(TEST_KEYS))
    client.change_pin(pin("123456"), pin("246810"))
    client.verify(pin("246810"))
    client.reload_pin(pin("385912"))
    secret = [a for a in kept if isinstance(a, bytearray)]
    assert len(secret) == 3
    assert all(not any(a) for a in secret)


def test_trace_redacts_pins_and_macs() -> None:
    lines: list[str] = []
    client, _ = make_client(new_card(pin="480246"), trace=lines.append)
    client.change_pin(pin("480246"), pin("975318"))
    client.verify(pin("975318"))
    client.reload_pin(pin("385912"))
    text = "\n".join(lines)
    for digits in ("480246", "975318", "385912"):
        assert digits not in text
    assert "> 805E010007" + "XX" * 7 in text
    assert "> 00A404000F7378312E73682EC9E7BBE1B1A3D5CF" in text
    assert "< 611B" in text


# --- authorised commands (CARD.md vectors, byte for byte) ------------------------------------


@pytest.mark.parametrize(
    ("action", "vector", "state"),
    [
        (lambda c: c.reload_pin(pin("654321")), "reload", {"pin_tries_left": 0}),
        (lambda c: c.unblock_pin(), "unblock", {"pin_tries_left": 0}),
        (lambda c: c.block_application(permanent=False), "block", {}),
        (lambda c: c.block_application(permanent=True), "block_permanent", {}),
        (lambda c: c.unblock_application(), "unblock_app", {"app_state": "blocked"}),
    ],
)
def test_authorised_apdus_match_card_md_vectors(
    action: Callable[[SocialSecurityCardClient], None], vector: str, state: dict[str, Any]
) -> None:
    card = new_card(**state)
    client, rec = make_client(card)
    if vector == "reload":
        # The vector's new PIN 654321 is a straight run: the card checks the MAC, then
        # refuses the weak PIN with 6A80 (CARD.md "Password"); a wrong MAC would be 6988.
        with pytest.raises(e.StatusWordError):
            action(client)
    else:
        action(client)
    assert rec.sent[-2].hex().upper() == "0084000008"
    assert rec.sent[-1].hex().upper() == VECTORS[vector]
    assert rec.received[-1] == (b"\x6a\x80" if vector == "reload" else b"\x90\x00")


def test_P5_reload_then_verify_new_pin() -> None:
    card = new_card(pin_tries_left=0)
    client, _ = make_client(card)
    client.reload_pin(pin("385912"), expect_card_id=CARD_ID.lower())
    client.verify(pin("385912"))
    assert card.pin_tries_left == 3


def test_P6_unblock_keeps_pin() -> None:
    card = new_card(pin_tries_left=0)
    client, _ = make_client(card)
    client.unblock_pin()
    client.verify(pin("123456"))


def test_block_and_unblock_application_state() -> None:
    card = new_card()
    client, _ = make_client(card)
    client.block_application(permanent=False)
    assert client.read_identity().app_state == "blocked"
    client.unblock_application()
    assert client.read_identity().app_state == "ok"
    client.block_application(permanent=True)
    with pytest.raises(e.ApplicationPermanentlyBlocked):
        client.unblock_application()


def test_card_changed_stops_before_the_mac(
    client: SocialSecurityCardClient, recorder: Recorder
) -> None:
    with pytest.raises(e.CardChanged):
        client.reload_pin(pin("385912"), expect_card_id="500103D156000005FFFFFFFFFFFFFFFF")
    assert not any(a[:2] in (b"\x00\x84", b"\x80\x5e") for a in recorder.sent)


def test_wrong_keys_give_bad_mac(card: EmulatedCard) -> None:
    wrong = SoftwareKeyProvider({p: bytes(16) for p in KeyPurpose})
    client, _ = make_client(card, keys=wrong)
    with pytest.raises(e.BadMac, match="MAC"):
        client.unblock_pin()


def test_no_key_provider(transport: InProcessTransport) -> None:
    client = SocialSecurityCardClient(transport)
    with pytest.raises(e.KeySourceError):
        client.unblock_pin()


def test_stale_challenge_is_no_challenge() -> None:
    def eat_challenge(card: EmulatedCard, apdu: bytes) -> bytes:
        answer = card.process(apdu)
        if apdu[:2] == b"\x00\x84":
            card.process(bytes.fromhex("00B2012C00"))  # someone else talks to the card
        return answer

    client, _ = make_client(WrappedCard(new_card(), eat_challenge))
    with pytest.raises(e.NoChallenge):
        client.unblock_pin()


# --- transport errors ---------------------------------------------------------------------


def test_no_card_and_removed(card: EmulatedCard) -> None:
    transport = InProcessTransport()
    client = SocialSecurityCardClient(transport)
    with pytest.raises(e.NoCard):
        client.read_identity()
    transport.insert(card)
    client.verify(pin("123456"))
    transport.remove()
    with pytest.raises(e.CardRemoved):
        client.verify(pin("123456"))
    with pytest.raises(e.NoCard):
        client.verify(pin("123456"))


def test_outcome_unknown_is_not_retried(card: EmulatedCard, transport: InProcessTransport) -> None:
    class PullOnVerify(Recorder):
        def transmit(self, apdu: bytes | bytearray) -> bytes:
            if apdu[:2] == b"\x00\x20":
                transport.remove_during_next_transmit()
            return super().transmit(apdu)

    rec = PullOnVerify(transport)
    client = SocialSecurityCardClient(rec)
    with pytest.raises(e.OutcomeUnknown):
        client.verify(pin("111111"))
    assert [a[:2] for a in rec.sent].count(b"\x00\x20") == 1
    assert card.pin_tries_left == 2  # the card acted; the client did not send it again


# --- every status word → typed error -------------------------------------------------------


@pytest.mark.parametrize(
    ("sw", "error"),
    [
        (0x63C2, e.WrongPin),
        (0x63C0, e.PinBlocked),
        (0x6983, e.PinBlocked),
        (0x6985, e.ApplicationBlocked),
        (0x9303, e.ApplicationPermanentlyBlocked),
        (0x6988, e.BadMac),
        (0x6984, e.NoChallenge),
        (0x6982, e.SecurityNotSatisfied),
        (0x6A83, e.RecordNotFound),
        (0x6700, e.WrongLength),
        (0x6A86, e.UnexpectedStatus),
        (0x6D00, e.UnexpectedStatus),
        (0x6E00, e.UnexpectedStatus),
        (0x6F00, e.UnexpectedStatus),
        (0x6400, e.PinEntryTimeout),
        (0x6401, e.PinEntryCancelled),
        (0x6402, e.PinMismatch),
        (0x6403, e.PinLengthInvalid),
    ],
)
def test_every_status_word_is_a_typed_error(sw: int, error: type[e.CardError]) -> None:
    def answer_verify(card: EmulatedCard, apdu: bytes) -> bytes:
        if apdu[:2] == b"\x00\x20":
            return bytes((sw >> 8, sw & 0xFF))
        return card.process(apdu)

    client, _ = make_client(WrappedCard(new_card(), answer_verify))
    with pytest.raises(error) as err:
        client.verify(pin("123456"))
    message = str(err.value)
    assert message and "123456" not in message
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message)  # Chinese, for the clerk
