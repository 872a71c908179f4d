"""The daily business report as figures and as rows (RULES S3).

:class:`DailyReport` holds the figures of one Shanghai day — counts by operation and
outcome, refusals, per staff member and per office, operations per hour, service times,
forms issued and reprinted with their serial ranges and gaps, the audit chain head — and
lays them out for the renderers (:class:`reports.model.Report`): the tables and chart of
the PDF (:meth:`DailyReport.rendered`) and the long-format CSV rows
(:meth:`DailyReport.csv_rows`). ``reports.daily.build_daily_report`` fills it from the
database; this module runs no query, renders no PDF and imports no Qt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from reports import actions
from reports.lookup import OfficeRef, StaffRef
from reports.model import Cell, Chart, Rendered, Table
from reports.rating import RatingRow
from reports.rating_daily import rating_csv_rows, rating_table
from reports.timeframe import local_midnight, show


@dataclass(frozen=True)
class OperationCount:
    action: str
    label: str
    #: Query category for record views (RULES Q2), else None.
    category: str | None
    success: int
    refused: int
    failed: int
    other: int

    @property
    def total(self) -> int:
        return self.success + self.refused + self.failed + self.other


@dataclass(frozen=True)
class RefusalCount:
    action: str
    reason: str
    count: int


@dataclass(frozen=True)
class ActorCount:
    """Per staff member (code = staff number) or per office (code = office code)."""

    code: str
    name: str
    operations: int
    record_views: int
    refused: int
    failed: int
    events: int


@dataclass(frozen=True)
class ServiceTimes:
    sessions: int
    median_s: float | None
    p90_s: float | None


@dataclass(frozen=True)
class FormKindCount:
    kind: str
    issued: int
    reprinted: int


@dataclass(frozen=True)
class SerialRange:
    office_code: str
    year: int
    first_serial: str
    last_serial: str
    first_sequence: int
    last_sequence: int
    issued: int

    @property
    def missing_inside(self) -> int:
        return self.last_sequence - self.first_sequence + 1 - self.issued


@dataclass(frozen=True)
class SerialGap:
    """Sequences ``after + 1 .. before - 1`` of one office and year were never issued."""

    office_code: str
    year: int
    after: int
    before: int

    @property
    def missing(self) -> int:
        return self.before - self.after - 1


@dataclass(frozen=True)
class Reprint:
    serial: str
    kind: str
    office_code: str
    reprint_count: int
    last_printed_at: dt.datetime | None


@dataclass(frozen=True)
class ChainHead:
    """The stored checkpoint of the day (None if not written yet) and the last event.

    ``checkpoint_kind`` ``seal``: ``checkpoint_seq`` and ``checkpoint_hash`` are the day
    seal's id and hash; ``event`` (a checkpoint written before the audit chains were split):
    the legacy chain's event sequence number and hash."""

    checkpoint_seq: int | None
    checkpoint_hash: str | None
    checkpoint_at: dt.datetime | None
    last_seq: int | None
    last_hash: str | None
    checkpoint_kind: str | None = "seal"


@dataclass(frozen=True)
class DailyReport:
    day: dt.date
    office: OfficeRef | None
    staff: StaffRef | None
    generated_at: dt.datetime
    operations: tuple[OperationCount, ...]
    refusals: tuple[RefusalCount, ...]
    by_staff: tuple[ActorCount, ...]
    by_office: tuple[ActorCount, ...]
    service: ServiceTimes
    form_kinds: tuple[FormKindCount, ...]
    serial_ranges: tuple[SerialRange, ...]
    serial_gaps: tuple[SerialGap, ...]
    reprints: tuple[Reprint, ...]
    hourly: tuple[int, ...]
    chain: ChainHead
    #: RULES E4: the holders' ratings of the day's cases (None: not asked for).
    rating: RatingRow | None = None

    # --- figures derived from the aggregates -------------------------------------------
    def count(
        self, action: str, outcome: str = actions.OUTCOME_SUCCESS, category: str | None = None
    ) -> int:
        """Events of ``action`` (and ``category``, for record views) with ``outcome``."""
        rows = [
            op
            for op in self.operations
            if op.action == action and (category is None or op.category == category)
        ]
        return sum(
            getattr(op, outcome) if outcome in ("success", "refused", "failed") else op.other
            for op in rows
        )

    @property
    def scope_label(self) -> str:
        if self.staff is not None:
            return f"工作人员 {self.staff.staff_no} {self.staff.name}"
        if self.office is not None:
            return f"{self.office.name} ({self.office.code})"
        return "全市"

    # --- rendering ---------------------------------------------------------------------
    def rendered(self) -> Rendered:
        facts = (
            ("报表日期", self.day.isoformat()),
            ("范围", self.scope_label),
            ("生成时间", show(self.generated_at)),
            (_checkpoint_label(self.chain), self._seal_text()),
            ("当日最后审计事件", _last_event_text(self.chain)),
        )
        tables = [
            Table(
                "业务量",
                ("业务", "明细", "成功", "拒绝", "失败", "其他", "合计"),
                tuple(_operation_row(op) for op in self.operations),
                widths=(3, 3, 1.2, 1.2, 1.2, 1.2, 1.2),
            ),
            Table(
                "拒绝原因",
                ("业务", "原因", "次数"),
                tuple(
                    (actions.action_label(r.action), actions.reason_label(r.reason), r.count)
                    for r in self.refusals
                ),
                widths=(3, 6, 1.2),
            ),
            Table(
                "办理时长 (参保人打开至关闭)",
                ("办理人次", "中位数", "90% 分位"),
                (
                    (
                        self.service.sessions,
                        _duration(self.service.median_s),
                        _duration(self.service.p90_s),
                    ),
                ),
            ),
            Table(
                "表单签发与补打",
                ("表单", "签发份数", "补打份数"),
                tuple(
                    (actions.form_kind_label(k.kind), k.issued, k.reprinted)
                    for k in self.form_kinds
                ),
                widths=(4, 1.5, 1.5),
            ),
            Table(
                "表单编号范围",
                ("机构", "年度", "起始编号", "结束编号", "份数", "区间内缺号"),
                tuple(
                    (
                        s.office_code,
                        s.year,
                        s.first_serial,
                        s.last_serial,
                        s.issued,
                        s.missing_inside,
                    )
                    for s in self.serial_ranges
                ),
                widths=(2.2, 1, 3.5, 3.5, 1, 1.4),
            ),
            Table(
                "编号缺号检查",
                ("机构", "年度", "缺失编号", "缺失份数"),
                tuple((g.office_code, g.year, _gap_text(g), g.missing) for g in self.serial_gaps),
                widths=(2.2, 1, 4, 1.5),
                empty="无缺号 (编号连续)",
            ),
            Table(
                "补打明细",
                ("编号", "表单", "机构", "累计补打次数", "最近打印"),
                tuple(
                    (
                        r.serial,
                        actions.form_kind_label(r.kind),
                        r.office_code,
                        r.reprint_count,
                        show(r.last_printed_at),
                    )
                    for r in self.reprints
                ),
                widths=(3.5, 2.5, 2, 1.5, 3),
            ),
        ]
        if self.staff is None:
            tables.append(_actor_table("按工作人员", ("工号", "姓名"), self.by_staff))
        if self.office is None and self.staff is None:
            tables.append(_actor_table("按经办机构", ("机构编码", "机构名称"), self.by_office))
        if self.rating is not None:
            tables.append(rating_table(self.rating))
        chart = Chart("每小时业务量 (北京时间)", tuple(f"{h:02d}" for h in range(24)), self.hourly)
        return Rendered(
            f"社会保障卡业务日报 {self.day.isoformat()}", facts, tuple(tables), (chart,)
        )

    def _seal_text(self) -> str:
        """The day seal as both the PDF and the CSV say it (尚未生成 only while it may come)."""
        return _checkpoint_text(self.chain, seal_may_come(self.day, self.generated_at))

    def csv_columns(self) -> Sequence[str]:
        return ("区块", "项目", "明细", "指标", "数值")

    def csv_rows(self) -> Sequence[Sequence[Cell]]:
        """Long format: one figure per line, so a spreadsheet can filter and pivot it."""
        rows: list[tuple[Cell, ...]] = [
            ("报表", "日期", "", "", self.day.isoformat()),
            ("报表", "范围", "", "", self.scope_label),
        ]
        # No seal or no event: the same words as the PDF (缺失 / 尚未生成 / 无), never an
        # empty cell a spreadsheet reader takes for "not applicable" (new clerk's trial).
        chain, seal = self.chain, _checkpoint_label(self.chain)
        seal_word = NO_HASH if chain.checkpoint_seq is not None else self._seal_text()
        last_word = NO_HASH if chain.last_seq is not None else _last_event_text(chain)
        rows += [
            ("审计链", seal, "", _checkpoint_id_label(chain), _or(chain.checkpoint_seq, seal_word)),
            ("审计链", seal, "", "哈希", _or(chain.checkpoint_hash, seal_word)),
            ("审计链", "当日最后事件", "", "序号", _or(chain.last_seq, last_word)),
            ("审计链", "当日最后事件", "", "哈希", _or(chain.last_hash, last_word)),
        ]
        for op in self.operations:
            detail = actions.category_label(op.category) if op.category else ""
            for name, value in (
                ("成功", op.success),
                ("拒绝", op.refused),
                ("失败", op.failed),
                ("其他", op.other),
                ("合计", op.total),
            ):
                rows.append(("业务量", op.label, detail, name, value))
        for r in self.refusals:
            label = actions.reason_label(r.reason)
            rows.append(("拒绝原因", actions.action_label(r.action), label, "次数", r.count))
        rows.append(("办理时长", "办理人次", "", "人次", self.service.sessions))
        rows.append(("办理时长", "中位数", "", "秒", _seconds(self.service.median_s)))
        rows.append(("办理时长", "90% 分位", "", "秒", _seconds(self.service.p90_s)))
        for k in self.form_kinds:
            rows.append(("表单", actions.form_kind_label(k.kind), "", "签发", k.issued))
            rows.append(("表单", actions.form_kind_label(k.kind), "", "补打", k.reprinted))
        for s in self.serial_ranges:
            key = f"{s.office_code} {s.year}"
            rows.append(("表单编号", key, "", "起始编号", s.first_serial))
            rows.append(("表单编号", key, "", "结束编号", s.last_serial))
            rows.append(("表单编号", key, "", "份数", s.issued))
        for g in self.serial_gaps:
            rows.append(
                ("编号缺号", f"{g.office_code} {g.year}", _gap_text(g), "缺失份数", g.missing)
            )
        for rp in self.reprints:
            rows.append(
                (
                    "补打",
                    rp.serial,
                    actions.form_kind_label(rp.kind),
                    "累计补打次数",
                    rp.reprint_count,
                )
            )
        for section, actors in (("按工作人员", self.by_staff), ("按经办机构", self.by_office)):
            for a in actors:
                for name, value in (
                    ("业务", a.operations),
                    ("查询", a.record_views),
                    ("拒绝", a.refused),
                    ("失败", a.failed),
                    ("事件合计", a.events),
                ):
                    rows.append((section, a.code, a.name, name, value))
        for hour, value in enumerate(self.hourly):
            rows.append(("每小时业务量", f"{hour:02d}:00", "", "业务", value))
        if self.rating is not None:
            rows.extend(rating_csv_rows(self.rating))
        return rows


def _operation_row(op: OperationCount) -> tuple[Cell, ...]:
    detail = actions.category_label(op.category) if op.category else ""
    return (op.label, detail, op.success, op.refused, op.failed, op.other, op.total)


def _actor_table(title: str, keys: tuple[str, str], actors: Sequence[ActorCount]) -> Table:
    return Table(
        title,
        (*keys, "业务", "查询", "拒绝", "失败", "事件合计"),
        tuple(
            (a.code, a.name, a.operations, a.record_views, a.refused, a.failed, a.events)
            for a in actors
        ),
        widths=(2.2, 3.5, 1, 1, 1, 1, 1.3),
    )


def _legacy(chain: ChainHead) -> bool:
    return chain.checkpoint_kind == "event"


def _checkpoint_label(chain: ChainHead) -> str:
    """What the day's checkpoint is: the day seal over every chain head, or (before the
    chains were split) the legacy chain's last event of the day."""
    return "审计检查点 (旧审计链)" if _legacy(chain) else "审计日终封存"


def _checkpoint_id_label(chain: ChainHead) -> str:
    return "事件序号" if _legacy(chain) else "封存编号"


#: How long after midnight the day seal of the day before may still be on its way
#: (``counter-admin audit checkpoint`` waits ten minutes for the day's last transactions).
SEAL_GRACE = dt.timedelta(hours=1)


def seal_may_come(day: dt.date, generated_at: dt.datetime) -> bool:
    """The day seal of ``day`` is written after its midnight (Asia/Shanghai): a report made
    before then, or shortly after, may find none yet; a report on a day long past that
    finds none finds it missing (a new clerk's trial read 尚未生成 for 2020-12-08)."""
    return generated_at < local_midnight(day + dt.timedelta(days=1)) + SEAL_GRACE


def _checkpoint_text(chain: ChainHead, pending: bool = True) -> str:
    if chain.checkpoint_seq is None and not pending:
        return "缺失 (该日未写入日终封存，请系统管理员核查)"
    if chain.checkpoint_seq is None:
        return "尚未生成 (当日封存在日终写入)"
    hash_label = "哈希" if _legacy(chain) else "封存哈希"
    return (
        f"{_checkpoint_id_label(chain)} {chain.checkpoint_seq}  "
        f"{_short_hash(hash_label, chain.checkpoint_hash)}"
    )


def _last_event_text(chain: ChainHead) -> str:
    if chain.last_seq is None:
        return "无"
    return f"序号 {chain.last_seq}  {_short_hash('哈希', chain.last_hash)}"


#: Hex digits of a hash printed on the report (the CSV keeps the full hash for checking).
HASH_PREFIX = 12


#: A hash not stored beside its number (both the PDF and the CSV say so).
NO_HASH = "无"


def _short_hash(label: str, value: str | None) -> str:
    """``label (前 12 位) abcdef…``: enough to compare by eye with the audit tools' output."""
    if not value:
        return f"{label} {NO_HASH}"
    if len(value) <= HASH_PREFIX:
        return f"{label} {value}"
    return f"{label} (前 {HASH_PREFIX} 位) {value[:HASH_PREFIX]}"


def _or(value: Cell, word: str) -> Cell:
    """``value``, or the word the PDF prints where there is none."""
    return word if value is None or value == "" else value


def _gap_text(gap: SerialGap) -> str:
    first, last = gap.after + 1, gap.before - 1
    return f"{first:06d}" if first == last else f"{first:06d}–{last:06d}"


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _duration(value: float | None) -> str:
    if value is None:
        return "—"
    minutes, seconds = divmod(int(round(value)), 60)
    return f"{minutes} 分 {seconds:02d} 秒"
