"""SM4 arithmetic of CARD.md "Authorised commands": card key derivation and the MAC.

Shared by the software key provider and the card emulator, so both follow one text.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

KEY_LEN = 16
CHALLENGE_LEN = 8
MAC_LEN = 4


def unique_part(card_id_code: bytes) -> bytes:
    """The 8 unique bytes of the 卡识别码 (bytes 9–16)."""
    if len(card_id_code) != 16:
        raise ValueError("the card identification code is 16 bytes")
    return bytes(card_id_code[8:])


def derive_card_key(master_key: bytes, card_id_code: bytes) -> bytes:
    """``K = SM4-ECB-encrypt(MK, U || NOT U)``."""
    if len(master_key) != KEY_LEN:
        raise ValueError("an SM4 key is 16 bytes")
    u = unique_part(card_id_code)
    block = u + bytes(b ^ 0xFF for b in u)
    encryptor = Cipher(algorithms.SM4(master_key), modes.ECB()).encryptor()
    return encryptor.update(block) + encryptor.finalize()


def sm4_mac(card_key: bytes, challenge: bytes, message: bytes | bytearray) -> bytes:
    """MAC over ``message`` (= ``CLA INS P1 P2 Lc || data-before-MAC``): pad ``80 00…`` to
    16 bytes, SM4-CBC with IV = challenge || ``00``×8, first 4 bytes of the last block."""
    if len(challenge) != CHALLENGE_LEN:
        raise ValueError("the challenge is 8 bytes")
    padded = bytearray(message)
    padded.append(0x80)
    padded.extend(b"\x00" * (-len(padded) % 16))
    encryptor = Cipher(algorithms.SM4(card_key), modes.CBC(challenge + b"\x00" * 8)).encryptor()
    cipher = encryptor.update(padded) + encryptor.finalize()
    for i in range(len(padded)):  # the message may hold a new PIN (RELOAD)
        padded[i] = 0
    return cipher[-16 : -16 + MAC_LEN]
