#!/usr/bin/env python3
"""Coverage-guided fuzzing (atheris / libFuzzer) of everything that parses outside input
(RELIABILITY.md, bad input): the card's TLV/record/FCI parsers and BCD, response APDUs, the PIN-pad
feature parser, the APDU redaction, the emulator's APDU handling, the identity builder, and
the ID-number, name, phone and card-number validators.

A finding is any exception other than the typed one a target may raise (``MalformedResponse``
for card data, ``ValidationError`` for staff input), or a typed error without a Chinese
message; libFuzzer then stops, prints the input and exits non-zero. Without a finding it
exits 0 after ``--runs`` inputs.

    .venv/bin/pip install atheris                      # once; a wheel exists for CPython 3.11
    .venv/bin/python scripts/fuzz_atheris.py --runs 200000 [--seed 1] [-- libFuzzer flags]

The same properties run under hypothesis in ``tests/security/test_fuzz_parsers.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable

import atheris

with atheris.instrument_imports():
    from counter_app.validation import (
        ValidationError,
        check_card_number,
        normalise_name,
        parse_id_number,
        validate_name,
        validate_phone,
    )
    from reader import errors as e
    from reader.apdu import parse_response, redacted_hex
    from reader.bcd import bcd_date_decode, bcd_decode
    from reader.emulator.card import EmulatedCard
    from reader.identity import identity_from_records
    from reader.pinpad import parse_features
    from reader.records import (
        decode_ascii,
        decode_gbk,
        parse_fci,
        parse_record,
        parse_tlv_sequence,
    )

TODAY = dt.date(2026, 3, 10)
PROFILE = {
    "card_number": "A12345674",
    "card_id_code": "500103D15600000512345678ABCDEF01",
    "card_type": "3",
    "spec_version": "3.00",
    "init_org": "500000000000000000000001",
    "issue_date": "2020-05-01",
    "expiry_date": "2030-05-01",
    "birth_date": "1985-07-15",
    "ssn": "500103198507150012",
    "name": "张三",
    "gender": "1",
    "ethnicity": "01",
    "birthplace": "500103",
    "pin": "123456",
    "pin_tries_max": 3,
    "pin_tries_left": 3,
    "app_state": "ok",
}
BYTE_PARSERS: list[Callable[[bytes], object]] = [
    parse_record,
    parse_tlv_sequence,
    parse_fci,
    decode_gbk,
    decode_ascii,
    bcd_decode,
    bcd_date_decode,
    parse_response,
]
VALIDATORS: list[Callable[[str], object]] = [
    lambda s: parse_id_number(s, TODAY),
    validate_name,
    normalise_name,
    validate_phone,
    check_card_number,
]
RECORD_TAGS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 0x4E]


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _card_error(err: e.CardError) -> None:
    if not _chinese(str(err)):
        raise AssertionError(f"card error without a message: {err!r}")


def _challenge(n: int) -> bytes:
    return bytes(range(1, n + 1))


def one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    target = fdp.ConsumeIntInRange(0, 5)
    if target == 0:
        parser = BYTE_PARSERS[fdp.ConsumeIntInRange(0, len(BYTE_PARSERS) - 1)]
        try:
            parser(fdp.ConsumeBytes(fdp.remaining_bytes()))
        except e.MalformedResponse as err:
            _card_error(err)
    elif target == 1:
        raw = fdp.ConsumeBytes(fdp.remaining_bytes())
        if not isinstance(parse_features(raw), dict):
            raise AssertionError("parse_features must return a mapping")
        redacted_hex(raw)
    elif target == 2:
        card = EmulatedCard.from_profile(PROFILE, challenge_source=_challenge)
        while fdp.remaining_bytes():
            apdu = fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 270))
            answer = card.process(apdu)
            if len(answer) < 2:
                raise AssertionError(f"answer without a status word to {apdu.hex()}")
        if not 0 <= card.pin_tries_left <= card.pin_tries_max:
            raise AssertionError("PIN try counter out of range")
    elif target == 3:
        validator = VALIDATORS[fdp.ConsumeIntInRange(0, len(VALIDATORS) - 1)]
        text = fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes())
        try:
            validator(text)
        except ValidationError as err:
            if not _chinese(err.message) or not err.field or not err.code:
                raise AssertionError(f"validation error without a message: {err!r}") from err
    else:
        records = {
            tag: fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 40))
            for tag in RECORD_TAGS
            if fdp.ConsumeBool()
        }
        try:
            identity_from_records(records, fdp.ConsumeBytes(20), 3, "ok")
        except e.CardError as err:
            _card_error(err)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100_000, help="inputs to try")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("libfuzzer", nargs="*", help="extra libFuzzer flags (after --)")
    args = parser.parse_args(argv[1:])
    flags = [argv[0], f"-runs={args.runs}", f"-seed={args.seed}", *args.libfuzzer]
    atheris.Setup(flags, one_input)
    atheris.Fuzz()  # libFuzzer exits the process: 0 after --runs inputs without a finding


if __name__ == "__main__":
    main(sys.argv)
