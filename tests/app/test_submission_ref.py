"""The typed reference a remembered submission keeps to the row it produced
(counter_app.services.concurrency.SubmissionRef): only this class writes or reads the
stored ``table:id`` text."""

from __future__ import annotations

import pytest

from counter_app.models.loss import LossReport
from counter_app.services.concurrency import SubmissionRef


def test_a_reference_round_trips_through_its_stored_text() -> None:
    ref = SubmissionRef("loss_reports", 42)
    assert SubmissionRef.parse(str(ref)) == ref


@pytest.mark.parametrize("stored", [None, "", "loss_reports", "loss_reports:", ":7", "x:y"])
def test_a_malformed_stored_reference_is_none(stored: str | None) -> None:
    assert SubmissionRef.parse(stored) is None


def test_an_unflushed_row_has_no_reference() -> None:
    with pytest.raises(ValueError):
        SubmissionRef.of(LossReport())


def test_a_flushed_row_names_its_table() -> None:
    report = LossReport()
    report.id = 5
    assert SubmissionRef.of(report) == SubmissionRef("loss_reports", 5)
