"""``audit verify``: walk every chain, the seals and the day checkpoints (RULES Q7).

Reports the **first broken link of each chain** (and of the seals and the checkpoints,
as the pseudo-chains ``#seals`` and ``#checkpoints``). Detected, each at the position where
it happened:

- in a chain: a changed field (the row's hash no longer matches its content), a deleted
  row (a gap, or a successor whose ``prev_hash`` names a row that is gone), swapped rows,
  a forged row inserted in place (its successor still names the genuine predecessor), an
  event moved to another chain (its genesis or predecessor differs), rows cut off or
  appended at the tail (the chain head in ``audit_chains`` disagrees), a tail cut back with
  the head rewritten to match, or any rewrite of a sealed event (a seal names its hash);
- an event dated inside a day that was already checkpointed but written after the day
  seal (its position is past the one the day seal bound);
- in the seals: a deleted, inserted, reordered or changed seal (ids are gap-free and each
  seal's hash links to the previous one; its root is recomputed from its leaves), the last
  seal removed (the seal head disagrees);
- in the checkpoints: a day checkpoint deleted (its day seal remains), changed or forged
  (no day seal with that id and hash).

A forger who rewrites a chain's unsealed tail *and* its head row, or adds a whole new chain
with its head, is caught only by the next seal that disagrees — the window is the seal
interval (docs/SCALING.md).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from counter_app.models.audit import (
    GENESIS_HASH,
    LEGACY_CHAIN,
    AuditChain,
    AuditChainHead,
    AuditCheckpoint,
    AuditEvent,
    AuditSeal,
    AuditSealHead,
)
from counter_app.services.audit_canon import (
    chain_hash,
    content_of_row,
    genesis_of,
    merkle_root,
    seal_hash,
)
from counter_app.services.audit_seal import Picture, apply_leaves, day_bounds, leaves_in

SEALS = "#seals"
CHECKPOINTS = "#checkpoints"


@dataclass(frozen=True)
class Break:
    """The first broken link of one chain: the position and why (Chinese)."""

    chain: str
    seq: int
    reason: str


@dataclass(frozen=True)
class AuditReport:
    """The result of :func:`verify_chain`; ``breaks`` holds one entry per broken chain."""

    count: int
    chains: int
    seals: int
    breaks: tuple[Break, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.breaks

    @property
    def first_broken_seq(self) -> int | None:
        return self.breaks[0].seq if self.breaks else None

    @property
    def first_broken_chain(self) -> str | None:
        return self.breaks[0].chain if self.breaks else None

    @property
    def reason(self) -> str | None:
        return self.breaks[0].reason if self.breaks else None

    def broken(self, chain: str) -> Break | None:
        return next((b for b in self.breaks if b.chain == chain), None)


_COLUMNS = (
    AuditEvent.chain,
    AuditEvent.chain_seq,
    AuditEvent.at,
    AuditEvent.staff_id,
    AuditEvent.office_id,
    AuditEvent.workstation,
    AuditEvent.action,
    AuditEvent.category,
    AuditEvent.holder_id,
    AuditEvent.card_id,
    AuditEvent.reason,
    AuditEvent.outcome,
    AuditEvent.details,
    AuditEvent.prev_hash,
    AuditEvent.hash,
)


@dataclass
class _Evidence:
    """What the seals and checkpoints say each chain must contain."""

    sealed: dict[str, dict[int, str]] = field(default_factory=lambda: defaultdict(dict))
    #: per chain: the highest position a seal or checkpoint bound
    sealed_last: dict[str, int] = field(default_factory=dict)
    #: (bound per chain, end of day UTC, day) for every checkpointed day
    days: list[tuple[dict[str, int], dt.datetime, dt.date]] = field(default_factory=list)
    breaks: list[Break] = field(default_factory=list)
    seals: int = 0

    #: per chain: positions two seals (or a seal and a checkpoint) name differently
    disputed: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))

    def bind(self, chain: str, seq: int, hash_: str) -> None:
        if seq <= 0:
            return
        known = self.sealed[chain].setdefault(seq, hash_)
        if known != hash_:
            self.disputed[chain].add(seq)
        self.sealed_last[chain] = max(seq, self.sealed_last.get(chain, 0))


def _check_seals(session: Session, ev: _Evidence) -> dict[int, AuditSeal]:
    leaves: dict[int, list[tuple[str, int, str]]] = defaultdict(list)
    for r in session.execute(
        select(
            AuditSealHead.seal_id, AuditSealHead.chain, AuditSealHead.chain_seq, AuditSealHead.hash
        )
    ):
        leaves[int(r.seal_id)].append((r.chain, int(r.chain_seq), r.hash))
    seals = list(session.scalars(select(AuditSeal).order_by(AuditSeal.id)))
    ev.seals = len(seals)
    problem: Break | None = None
    prev_hash, expected = GENESIS_HASH, 1
    picture: Picture = {}
    for s in seals:
        mine = leaves.get(s.id, [])
        for chain, seq, hash_ in mine:
            ev.bind(chain, seq, hash_)
        if s.kind == "day" and s.day is not None:
            ev.days.append(({c: q for c, q, _ in mine}, day_bounds(s.day)[1], s.day))
        if problem is not None:
            continue
        # A heads seal lists the chains that moved; its root is over every chain.
        picture = apply_leaves(picture, s.kind, mine)
        if s.id != expected:
            problem = Break(SEALS, expected, f"封存 {expected} 缺失（序号不连续，下一个为 {s.id}）")
        elif s.prev_hash != prev_hash:
            problem = Break(SEALS, s.id, f"封存 {s.id} 与前一封存的链接断开")
        elif s.chains != len(picture) or merkle_root(leaves_in(picture)) != s.root:
            problem = Break(SEALS, s.id, f"封存 {s.id} 的链头清单与其默克尔根不符（被修改）")
        elif (
            seal_hash(
                id_=s.id,
                kind=s.kind,
                day=s.day,
                at=s.at,
                chains=s.chains,
                root=s.root,
                prev_hash=s.prev_hash,
            )
            != s.hash
        ):
            problem = Break(SEALS, s.id, f"封存 {s.id} 的内容与哈希不符（被修改）")
        prev_hash, expected = s.hash, s.id + 1
    head = session.get(AuditChainHead, 1)
    last = seals[-1] if seals else None
    if problem is None:
        if head is None:
            problem = Break(SEALS, expected, "封存链头记录缺失")
        elif head.last_seq > expected - 1:
            problem = Break(
                SEALS, expected, f"封存 {expected} 至 {head.last_seq} 缺失（链尾被删除）"
            )
        elif head.last_seq < expected - 1:
            problem = Break(
                SEALS, head.last_seq + 1, f"封存 {head.last_seq + 1} 在封存链头之后（伪造追加）"
            )
        elif head.last_hash != (last.hash if last else GENESIS_HASH):
            problem = Break(
                SEALS, head.last_seq, f"封存 {head.last_seq} 的哈希与封存链头记录的不符"
            )
    if problem is not None:
        ev.breaks.append(problem)
    return {s.id: s for s in seals}


def _check_checkpoints(session: Session, ev: _Evidence, seals: dict[int, AuditSeal]) -> None:
    rows = list(session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.day)))
    by_day = {cp.day: cp for cp in rows}
    problems: list[Break] = []
    for cp in rows:
        if cp.kind == "event":  # written before chains per workstation: names a legacy event
            ev.bind(LEGACY_CHAIN, cp.seq, cp.hash)
            ev.days.append(({LEGACY_CHAIN: cp.seq}, day_bounds(cp.day)[1], cp.day))
            continue
        s = seals.get(cp.seq)
        if s is None or s.kind != "day" or s.day != cp.day or s.hash != cp.hash:
            text = f"{cp.day.isoformat()} 的每日校验点与封存 {cp.seq} 不符（伪造或被修改）"
            problems.append(Break(CHECKPOINTS, cp.seq, text))
    for s in seals.values():
        if s.kind == "day" and s.day is not None and s.day not in by_day:
            text = f"{s.day.isoformat()} 的每日校验点缺失（被删除；封存 {s.id} 仍在）"
            problems.append(Break(CHECKPOINTS, s.id, text))
    if problems:
        ev.breaks.append(min(problems, key=lambda b: b.seq))


class _DayRule:
    """Is an event at position ``s`` dated ``at`` inside a day sealed before it was written?"""

    def __init__(self, ev: _Evidence, chain: str) -> None:
        entries = sorted((bound.get(chain, 0), end, day) for bound, end, day in ev.days)
        self.bounds = [b for b, _, _ in entries]
        self.latest: list[tuple[dt.datetime, dt.date]] = []
        best: tuple[dt.datetime, dt.date] | None = None
        for _, end, day in entries:
            if best is None or end > best[0]:
                best = (end, day)
            self.latest.append(best)

    def violated(self, seq: int, at: dt.datetime) -> dt.date | None:
        n = bisect.bisect_left(self.bounds, seq)
        if n == 0:
            return None
        end, day = self.latest[n - 1]
        return day if at < end else None


def _walk_chain(
    chain: str, rows: Iterator[Any], ev: _Evidence, head: tuple[int, str] | None
) -> tuple[int, Break | None]:
    """Check one chain's rows (in position order); the count of good events and a break."""
    rule = _DayRule(ev, chain)
    sealed = ev.sealed.get(chain, {})
    disputed = ev.disputed.get(chain, set())
    expected, prev_hash = 1, genesis_of(chain)
    prevprev_hash: str | None = None
    prev_seq: int | None = None
    count = 0

    def brk(seq: int, text: str) -> Break:
        return Break(chain, seq, f"链 {chain} {text}")

    for row in rows:
        seq = int(row.chain_seq)
        if seq != expected:
            return count, brk(expected, f"事件 {expected} 缺失（序号不连续，下一条为 {seq}）")
        self_ok = chain_hash(row.prev_hash, content_of_row(row)) == row.hash
        if row.prev_hash != prev_hash:
            if prev_seq is not None and row.prev_hash == prevprev_hash:
                return count, brk(prev_seq, f"事件 {prev_seq} 为伪造插入（后继事件指向其前一条）")
            if prev_seq is not None and self_ok:
                return count, brk(prev_seq, f"事件 {prev_seq} 的哈希与后继事件记录的不符（被改写）")
            return count, brk(seq, f"事件 {seq} 与前一事件的链接断开")
        if not self_ok:
            return count, brk(seq, f"事件 {seq} 的内容与哈希不符（被修改）")
        bound = sealed.get(seq)
        if seq in disputed:
            return count, brk(seq, f"事件 {seq} 在两个封存中的哈希不同（有封存被伪造）")
        if bound is not None and bound != row.hash:
            return count, brk(seq, f"事件 {seq} 与封存记录的哈希不符（被改写）")
        late_day = rule.violated(seq, row.at)
        if late_day is not None:
            return count, brk(
                seq,
                f"事件 {seq} 的时间在已封存的 {late_day.isoformat()} 之内，"
                "却写在当日校验点之后（时间被改或补写）",
            )
        count += 1
        prevprev_hash, prev_hash, prev_seq = prev_hash, row.hash, seq
        expected += 1
    last = expected - 1
    sealed_last = ev.sealed_last.get(chain, 0)
    if sealed_last > last:
        return count, brk(last + 1, f"事件 {last + 1} 至 {sealed_last} 缺失（已封存的链尾被删除）")
    if head is None:
        return count, brk(last + 1, "的链头记录缺失")
    if head[0] > last:
        return count, brk(last + 1, f"事件 {last + 1} 至 {head[0]} 缺失（链尾被删除）")
    if head[0] < last:
        return count, brk(head[0] + 1, f"事件 {head[0] + 1} 在链头之后（伪造追加）")
    if head[1] != prev_hash:
        return count, brk(last, f"事件 {last} 的哈希与链头记录的不符")
    return count, None


def verify_chain(session: Session, *, batch: int = 2000) -> AuditReport:
    """Verify every chain, the seals and the day checkpoints; see the module docstring."""
    ev = _Evidence()
    seals = _check_seals(session, ev)
    _check_checkpoints(session, ev, seals)
    heads = {
        r.name: (int(r.last_seq), r.last_hash)
        for r in session.execute(select(AuditChain.name, AuditChain.last_seq, AuditChain.last_hash))
    }
    rows = session.execute(
        select(*_COLUMNS)
        .order_by(AuditEvent.chain, AuditEvent.chain_seq)
        .execution_options(yield_per=batch)
    )
    total = 0
    seen: set[str] = set()
    breaks = list(ev.breaks)
    iterator = iter(rows)
    pending: Any = next(iterator, None)
    while pending is not None:
        chain = pending.chain
        seen.add(chain)
        carry: list[Any] = []

        def same_chain(
            first: Any = pending, name: str = chain, carry: list[Any] = carry
        ) -> Iterator[Any]:
            yield first
            for row in iterator:
                if row.chain != name:
                    carry.append(row)
                    return
                yield row

        it = same_chain()
        count, problem = _walk_chain(chain, it, ev, heads.get(chain))
        for _ in it:  # skip what is left of a broken chain
            pass
        total += count
        if problem is not None:
            breaks.append(problem)
        pending = carry[0] if carry else None
    for chain in sorted((set(heads) | set(ev.sealed_last)) - seen):
        head = heads.get(chain)
        if (head and head[0] > 0) or ev.sealed_last.get(chain, 0) > 0:
            breaks.append(Break(chain, 1, f"链 {chain} 的事件全部缺失"))
    return AuditReport(total, len(seen), ev.seals, tuple(breaks))


ChainReport = AuditReport
