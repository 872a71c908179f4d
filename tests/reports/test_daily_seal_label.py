"""The daily report says what its checkpoint is: since the audit trail has one chain per
office and a city seal over every chain head, the day's checkpoint is the day seal — its
id and hash — not an event's sequence number; a day checkpointed before that change shows
the legacy chain's event. On SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import io

from pypdf import PdfReader
from sqlalchemy import Engine, select

from counter_app.models import AuditCheckpoint
from reports.csv_out import render_csv
from reports.daily_rows import ChainHead, DailyReport, _checkpoint_label, _checkpoint_text
from reports.pdf import render_pdf
from reports.runner import DailyRequest, build, read_only_connection
from tests.reports.seed import DAY, NOW, Seeded


def _daily(engine: Engine) -> DailyReport:
    with read_only_connection(engine) as conn:
        report = build(conn, DailyRequest(DAY), now=NOW)
    assert isinstance(report, DailyReport)
    return report


def test_daily_report_labels_the_checkpoint_as_the_day_seal(engine: Engine, seeded: Seeded) -> None:
    assert seeded.checkpoint is not None
    with engine.connect() as conn:
        kind = conn.scalar(select(AuditCheckpoint.kind).where(AuditCheckpoint.day == DAY))
    assert kind == "seal"
    report = _daily(engine)
    seal_id, seal_hash = seeded.checkpoint
    facts = dict(report.rendered().facts)
    # A prefix of the hash, labelled as such, on the printed report (the CSV has all of it).
    assert facts["审计日终封存"] == f"封存编号 {seal_id}  封存哈希 (前 12 位) {seal_hash[:12]}"
    assert seal_hash not in str(report.rendered().facts)
    assert "审计链检查点" not in facts
    csv = render_csv(report).decode("utf-8-sig")
    assert f"审计链,审计日终封存,,封存编号,{seal_id}" in csv
    assert f"审计链,审计日终封存,,哈希,{seal_hash}" in csv
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(report))).pages)
    assert "审计日终封存" in text and "封存编号" in text


def test_daily_report_labels_a_legacy_checkpoint_as_an_event() -> None:
    legacy = ChainHead(41, "ab" * 32, None, 50, "cd" * 32, checkpoint_kind="event")
    assert _checkpoint_label(legacy) == "审计检查点 (旧审计链)"
    assert _checkpoint_text(legacy) == f"事件序号 41  哈希 (前 12 位) {'ab' * 6}"
    sealed = dataclasses.replace(legacy, checkpoint_kind="seal")
    assert _checkpoint_text(sealed) == f"封存编号 41  封存哈希 (前 12 位) {'ab' * 6}"
