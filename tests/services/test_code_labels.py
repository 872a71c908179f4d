"""Every code a model allows has a word where a clerk reads it (STYLE "Screens a clerk
reads": codes are decoded, never shown raw). A new clerk's trial found 优抚类别
``serviceman_family`` on screen: models/welfare.py allowed it, the label map had no word for
it, and ``.get(code, code)`` showed the code.

The test walks every ``CHECK (column IN (...))`` of the models (``models.base.one_of``) and
finds it in :data:`SHOWN` (the label maps that decode it for a screen, a form or a report)
or in :data:`NOT_SHOWN` (why no clerk reads it as a word). A new allowed value without a
word, or a new column of codes in neither list, fails here."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

import pytest
from sqlalchemy import CheckConstraint

import counter_app.models  # noqa: F401 - every table registered on the metadata
from counter_app.models import Base
from counter_app.models.case import RATING_LABELS
from counter_app.presentation import codes
from counter_app.presentation.public_pages import CATALOGUE_CLASSES
from counter_app.services import form_data, loss_records, offices, registered_forms
from counter_app.services.queries import benefits, holder, insurance
from counter_app.services.queries.labels import word
from counter_app.ui.login import ROLE_LABELS
from reports import actions

Maps = tuple[Mapping[Any, str], ...]

#: (table, column) -> the maps that decode it, and which of its values they show (None: all).
SHOWN: dict[tuple[str, str], tuple[Maps, Collection[str] | None]] = {
    ("holders", "gender"): ((holder.GENDERS, codes.GENDERS, form_data.GENDER_TEXT), None),
    ("holders", "status"): ((holder.STATUSES, codes.PERSONAL_STATUSES), None),
    ("cards", "state"): ((holder.CARD_STATES, codes.CARD_STATES), None),
    ("offices", "kind"): ((offices.KIND_LABELS,), None),
    ("contribution_records", "status"): ((insurance.CONTRIBUTION_STATUSES,), None),
    ("contribution_records", "insurance"): ((insurance.INSURANCE_LABELS, codes.INSURANCES), None),
    ("insurance_participations", "insurance"): (
        (insurance.INSURANCE_LABELS, codes.INSURANCES),
        None,
    ),
    ("insurance_participations", "status"): ((insurance.PARTICIPATION_STATUS,), None),
    ("insurance_participations", "scheme"): ((insurance.MEDICAL_SCHEMES, codes.SCHEMES), None),
    ("medical_transactions", "kind"): ((insurance.MEDICAL_TRANSACTION_KINDS,), None),
    ("unemployment_claims", "status"): ((insurance.CLAIM_STATUSES,), None),
    ("injury_cases", "status"): ((benefits.INJURY_CASE_STATUSES,), None),
    ("injury_benefits", "kind"): ((benefits.INJURY_BENEFIT_KINDS,), None),
    ("survivor_benefits", "relation"): ((benefits.RELATIONS,), None),
    ("maternity_benefits", "kind"): ((benefits.MATERNITY_KINDS,), None),
    ("living_allowances", "area"): ((benefits.ALLOWANCE_AREAS,), None),
    ("living_allowances", "status"): ((benefits.ALLOWANCE_STATUSES,), None),
    ("special_care", "category"): ((benefits.SPECIAL_CARE,), None),
    ("drugs", "category"): ((CATALOGUE_CLASSES,), None),
    ("treatment_items", "category"): ((CATALOGUE_CLASSES,), None),
    # The card's history shows how a closed report ended; open and confirmed ones have not.
    ("loss_reports", "state"): ((holder.LOSS_ENDS,), ("lifted", "lapsed", "replaced")),
    ("loss_reports", "kind"): ((loss_records._KIND_TEXT,), None),
    ("loss_reports", "id_doc_type"): ((form_data.DOCUMENT_TEXT,), None),
    ("replacement_applications", "id_doc_type"): ((form_data.DOCUMENT_TEXT,), None),
    ("holder_sessions", "document_kind"): ((form_data.DOCUMENT_TEXT,), None),
    # The card's history lists the card password's events (P2–P6), never the query
    # password's (P8), which the query filters out.
    ("password_events", "kind"): (
        (holder.PIN_EVENT_LABELS,),
        ("pin_change", "pin_reset", "pin_unblock"),
    ),
    # At a counter the office's name is shown, elsewhere the channel (RULES "Channels").
    ("password_events", "channel"): ((holder.PIN_CHANNELS,), ("phone", "terminal", "web")),
    ("audit_events", "outcome"): ((actions.OUTCOME_LABELS,), None),
    ("staff_login_events", "outcome"): ((actions.OUTCOME_LABELS,), None),
    ("service_cases", "close_reason"): ((actions.REASON_LABELS,), None),
    ("case_ratings", "level"): ((RATING_LABELS,), None),
    ("staff", "role"): ((ROLE_LABELS,), None),  # the login's demo account list
}

#: (table, column) -> why no clerk reads its codes as words.
NOT_SHOWN: dict[tuple[str, str], str] = {
    ("audit_seals", "kind"): "the seal's own bookkeeping; reports name the seal, not its kind",
    ("cards", "spec_version"): "a version number, printed as it is (3.00版)",
    ("approvals", "outcome"): "the approval is shown by its action, the outcome is not listed",
    ("holder_sessions", "via"): "the audit's details; the slip says how the holder was served",
    ("password_events", "outcome"): "filters what the card's history lists (success, unknown)",
    ("password_events", "resolved_outcome"): "marks an unconfirmed event (结果待核实)",
    ("case_ratings", "source"): "where the rating came from (screen, device); not listed",
    ("loss_reports", "channel"): "the card's history says 电话挂失 (12333) or 书面挂失 by it",
    ("replacement_applications", "state"): "the card's history lists 补卡申请, not its state",
}


def _allowed_values() -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], list[str]] = {}
    for table in Base.metadata.sorted_tables:
        for constraint in table.constraints:
            if not isinstance(constraint, CheckConstraint):
                continue
            match = re.fullmatch(r"(\w+) IN \((.*)\)", str(constraint.sqltext), re.S)
            if match:
                found[(table.name, match.group(1))] = re.findall(r"'([^']*)'", match.group(2))
    return found


ALLOWED = _allowed_values()


def test_every_column_of_codes_is_decoded_or_said_not_shown() -> None:
    assert ("special_care", "category") in ALLOWED  # the walk finds the CHECKs
    unplaced = sorted(set(ALLOWED) - set(SHOWN) - set(NOT_SHOWN))
    assert not unplaced, f"columns of codes with no label map and no reason: {unplaced}"
    assert not set(SHOWN) & set(NOT_SHOWN)
    gone = sorted((set(SHOWN) | set(NOT_SHOWN)) - set(ALLOWED))
    assert not gone, f"listed here but no longer a CHECK ... IN: {gone}"


@pytest.mark.parametrize("column", sorted(SHOWN), ids=lambda c: ".".join(c))
def test_every_allowed_value_has_a_word(column: tuple[str, str]) -> None:
    maps, shown = SHOWN[column]
    values = ALLOWED[column] if shown is None else list(shown)
    assert set(values) <= set(ALLOWED[column]), "shown values the model does not allow"
    for table in maps:
        keys = {str(k) for k in table}
        missing = [v for v in values if v not in keys]
        assert not missing, f"{'.'.join(column)}: no word for {missing}"
        codes_left = [w for w in table.values() if re.fullmatch(r"[A-Za-z_]+", str(w))]
        assert not codes_left, f"{'.'.join(column)}: codes, not words: {codes_left}"


def test_F7_serviceman_family_reads_as_a_word() -> None:
    assert word(benefits.SPECIAL_CARE, "serviceman_family", "优抚类别") == "军属"


def test_an_unknown_code_is_named_unknown_not_shown_bare() -> None:
    assert word(benefits.SPECIAL_CARE, "new_kind", "优抚类别") == "未知优抚类别（代码 new_kind）"
    assert word(benefits.SPECIAL_CARE, None, "优抚类别") == ""
    assert actions.outcome_label("odd") == "未知结果（代码 odd）"
    assert actions.form_kind_label("odd") == "未知表单（代码 odd）"


def test_every_registered_form_kind_has_a_name() -> None:
    kinds = [v for k, v in vars(registered_forms).items() if k.startswith("KIND_")]
    assert "access_slip" in kinds
    assert all(actions.FORM_KIND_LABELS.get(k) for k in kinds)
