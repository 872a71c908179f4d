"""A long text cell of a report table (a refusal reason of the daily report) wraps onto more
lines of its row in the PDF instead of being cut with "…"."""

from __future__ import annotations

import io
from collections.abc import Sequence

from pypdf import PdfReader

from reports.model import Cell, Rendered, Table
from reports.pdf import render_pdf

REASON = (
    "该卡已挂失，不能办理密码解锁。请先核验身份证件，办理解除挂失或补卡后，"
    "再到窗口办理；如有疑问请咨询经办机构主管。"
)


class _Refusals:
    def rendered(self) -> Rendered:
        table = Table(
            "拒绝原因",
            ("业务", "原因", "次数"),
            (("密码解锁", REASON, 3), ("解除挂失", "证件不符", 1)),
            widths=(3, 6, 1.2),
        )
        return Rendered("社会保障卡业务日报", (("日期", "2026-12-07"),), (table,))

    def csv_columns(self) -> Sequence[str]:
        return ("业务", "原因", "次数")

    def csv_rows(self) -> Sequence[Sequence[Cell]]:
        return ()


def test_a_long_refusal_reason_is_wrapped_not_cut() -> None:
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(_Refusals()))).pages)
    flat = "".join(text.split())
    assert "…" not in text
    assert REASON in flat
    assert "证件不符" in flat
