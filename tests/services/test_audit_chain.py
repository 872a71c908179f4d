"""The tamper-evident audit trail: chains per workstation, city seals (RULES Q7 "every
look-up is recorded"; docs/SCALING.md "Audit trail").

Each mutation is made directly in the database, the way an intruder with table access
would, inside a transaction that is rolled back afterwards; ``verify_chain`` must name the
chain and position where it happened. On PostgreSQL the protective triggers are switched
off for the tampering connection (``session_replication_role = replica``): the test is
about detection, not prevention.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import Connection, delete, func, select, text, update
from sqlalchemy.orm import Session

from counter_app import db
from counter_app.cli.main import main as cli_main
from counter_app.models.audit import (
    AuditChain,
    AuditChainHead,
    AuditCheckpoint,
    AuditEvent,
    AuditSeal,
    AuditSealHead,
)
from counter_app.services import audit, audit_seal
from counter_app.services.audit_verify import CHECKPOINTS, SEALS
from counter_app.services.context import ServiceContext
from counter_app.services.uow import run_retrying
from tests.security.defences import suspend_defences
from tests.services.conftest import NOW, Clock, actor_for, holder_id_of, make_ctx

EVENTS = 24
CHAINS = ("WS-01", "12333", "WS-02")
PER_CHAIN = EVENTS // len(CHAINS)
ROUNDS_PER_KIND = 5


def _fill(ctx: ServiceContext, n: int = EVENTS, *, seal_at: int | None = EVENTS // 2) -> None:
    """``n`` events over three chains (two workstations and the 12333 channel); a city seal
    after ``seal_at`` of them, so that every chain has sealed and unsealed events."""
    actors = {
        "WS-01": actor_for(ctx, "YB500103-01"),
        "WS-02": actor_for(ctx, "YB500103-01", workstation="WS-02"),
    }
    holder = holder_id_of(ctx, "active_default_pin")
    for i in range(n):
        chain = CHAINS[i % len(CHAINS)]
        with ctx.uow() as uow:
            audit.record(
                uow,
                actors.get(chain),
                "record.view" if i % 2 else "loss.report_written",
                holder_id=holder if i % 4 else None,
                category="pension" if i % 2 else None,
                reason="持卡人来窗口查询" if i % 4 == 0 else None,
                outcome=["success", "refused", "failed"][i % 3],
                details={"i": i, "名称": "养老·明细", "nested": {"b": [1, 2.5, None]}}
                if i % 2
                else None,
                at=NOW + dt.timedelta(seconds=i),
                workstation=None if chain != "12333" else chain,
            )
            uow.commit()
        if seal_at is not None and i + 1 == seal_at:
            with ctx.uow() as uow:
                assert audit.seal(uow.session, at=NOW + dt.timedelta(seconds=i, milliseconds=1))
                uow.commit()


@contextmanager
def _tampering(url: str) -> Iterator[tuple[Connection, Session]]:
    """A connection whose changes are rolled back at the end, defences suspended."""
    engine = db.create_engine_for(url)
    try:
        with engine.connect() as conn:
            trans = conn.begin()
            suspend_defences(conn)
            session = Session(bind=conn)
            try:
                yield conn, session
            finally:
                session.close()
                trans.rollback()
    finally:
        engine.dispose()


def _row(conn: Connection, chain: str, pos: int) -> dict[str, Any]:
    return dict(
        conn.execute(
            select(AuditEvent.__table__).where(
                AuditEvent.chain == chain, AuditEvent.chain_seq == pos
            )
        )
        .mappings()
        .one()
    )


def _pairs(rows: Any) -> dict[Any, Any]:
    return {r[0]: r[1] for r in rows}


def _where(chain: str, pos: int) -> Any:
    return (AuditEvent.chain == chain) & (AuditEvent.chain_seq == pos)


def _pick(rng: random.Random) -> tuple[str, int]:
    return rng.choice(CHAINS), rng.randint(1, PER_CHAIN)


def _change_field(conn: Connection, rng: random.Random) -> tuple[str, int]:
    chain, pos = _pick(rng)
    row = _row(conn, chain, pos)
    changes: list[dict[str, Any]] = [
        {"reason": (row["reason"] or "") + "x"},
        {"action": "record.viewx"},
        {"outcome": "unknown" if row["outcome"] != "unknown" else "success"},
        {"at": row["at"] + dt.timedelta(seconds=1)},
        {"details": {"i": -1}},
        {"category": "medical"},
        {"workstation": "WS-99"},
        {"holder_id": None} if row["holder_id"] else {"holder_id": 1},
        {"staff_id": None} if row["staff_id"] else {"staff_id": 1},
        {"prev_hash": "f" * 64},
        {"hash": "e" * 64},
    ]
    conn.execute(update(AuditEvent).where(_where(chain, pos)).values(**rng.choice(changes)))
    return chain, pos


def _delete_row(conn: Connection, rng: random.Random) -> tuple[str, int]:
    chain, pos = _pick(rng)
    conn.execute(delete(AuditEvent).where(_where(chain, pos)))
    return chain, pos


def _swap_rows(conn: Connection, rng: random.Random) -> tuple[str, int]:
    chain = rng.choice(CHAINS)
    a, b = sorted(rng.sample(range(1, PER_CHAIN + 1), 2))
    ra, rb = _row(conn, chain, a), _row(conn, chain, b)
    content = [k for k in ra if k not in ("seq", "chain", "chain_seq")]
    conn.execute(update(AuditEvent).where(_where(chain, a)).values(hash="tmp"))
    conn.execute(update(AuditEvent).where(_where(chain, b)).values(**{k: ra[k] for k in content}))
    conn.execute(update(AuditEvent).where(_where(chain, a)).values(**{k: rb[k] for k in content}))
    return chain, a


def _insert_forged(conn: Connection, rng: random.Random) -> tuple[str, int]:
    """A forged event at position k with a correct link and hash; later rows renumbered and
    the chain head moved on by one."""
    chain = rng.choice(CHAINS)
    k = rng.randint(1, PER_CHAIN + 1)
    prev = audit.genesis_of(chain) if k == 1 else _row(conn, chain, k - 1)["hash"]
    if k <= PER_CHAIN:  # make room: k..n -> k+1..n+1 (via a high offset: the unique index
        # is checked row by row on PostgreSQL)
        mine = (AuditEvent.chain == chain) & (AuditEvent.chain_seq >= k)
        conn.execute(
            update(AuditEvent).where(mine).values(chain_seq=AuditEvent.chain_seq + 1_000_000)
        )
        conn.execute(
            update(AuditEvent)
            .where(AuditEvent.chain_seq >= 1_000_000)
            .values(chain_seq=AuditEvent.chain_seq - 999_999)
        )
    conn.execute(update(AuditChain).where(AuditChain.name == chain).values(last_seq=PER_CHAIN + 1))
    at = NOW + dt.timedelta(seconds=k, milliseconds=500)
    content = audit.event_content(
        seq=k,
        at=at,
        staff_id=None,
        office_id=None,
        workstation=chain,
        action="record.view",
        category="pension",
        holder_id=None,
        card_id=None,
        reason=None,
        outcome="success",
        details=None,
        prev_hash=prev,
    )
    forged = audit.chain_hash(prev, content)
    conn.execute(
        AuditEvent.__table__.insert().values(
            seq=10_000 + k,
            chain=chain,
            chain_seq=k,
            at=at,
            workstation=chain,
            action="record.view",
            category="pension",
            outcome="success",
            details=None,
            prev_hash=prev,
            hash=forged,
        )
    )
    return chain, k


def _rehash_tail(conn: Connection, chain: str, pos: int, **values: Any) -> str:
    """Rewrite event ``pos`` of ``chain`` (the tail) with a valid hash; move its head."""
    conn.execute(update(AuditEvent).where(_where(chain, pos)).values(**values))
    row = _row(conn, chain, pos)
    new_hash = audit.hash_of(SimpleNamespace(**row))
    conn.execute(update(AuditEvent).where(_where(chain, pos)).values(hash=new_hash))
    conn.execute(
        update(AuditChain).where(AuditChain.name == chain).values(last_seq=pos, last_hash=new_hash)
    )
    return new_hash


def _truncate_tail(conn: Connection, rng: random.Random) -> tuple[str, int]:
    """The last event of a chain deleted, its head left alone."""
    chain = rng.choice(CHAINS)
    conn.execute(delete(AuditEvent).where(_where(chain, PER_CHAIN)))
    return chain, PER_CHAIN


MUTATIONS: dict[str, Callable[[Connection, random.Random], tuple[str, int]]] = {
    "change_field": _change_field,
    "delete_row": _delete_row,
    "swap_rows": _swap_rows,
    "insert_forged": _insert_forged,
    "truncate_tail": _truncate_tail,
}


def test_Q7_audit_chains_intact_after_appends(ctx: ServiceContext) -> None:
    _fill(ctx)
    with ctx.uow() as uow:
        report = audit.verify_chain(uow.session)
        heads = _pairs(uow.session.execute(select(AuditChain.name, AuditChain.last_seq)))
        seal_head = uow.session.get(AuditChainHead, 1)
        assert seal_head is not None and seal_head.last_seq == 1
    assert heads == dict.fromkeys(CHAINS, PER_CHAIN)
    assert report.ok and report.count == EVENTS and report.chains == len(CHAINS)
    assert report.breaks == ()


@pytest.mark.parametrize("kind", list(MUTATIONS))
def test_Q7_audit_single_mutation_detected_at_its_chain_and_position(
    ctx: ServiceContext, demo_url: str, kind: str
) -> None:
    _fill(ctx)
    rng = random.Random(f"audit-{kind}")
    for _ in range(ROUNDS_PER_KIND):
        with _tampering(demo_url) as (conn, session):
            chain, pos = MUTATIONS[kind](conn, rng)
            report = audit.verify_chain(session)
        assert not report.ok, (kind, chain, pos)
        found = report.broken(chain)
        assert found is not None and found.seq == pos, (kind, chain, pos, report)
        assert [b.chain for b in report.breaks] == [chain], report  # the others are intact
        assert chain in found.reason
    with ctx.uow() as uow:  # every tampering was rolled back
        assert audit.verify_chain(uow.session).ok


def test_Q7_audit_sealed_tail_truncation_with_head_rewritten_is_detected(
    ctx: ServiceContext, demo_url: str
) -> None:
    """Per-chain tail truncation that also moves the chain head back: the seal remembers."""
    _fill(ctx, seal_at=EVENTS)
    for chain in CHAINS:
        with _tampering(demo_url) as (conn, session):
            conn.execute(delete(AuditEvent).where(_where(chain, PER_CHAIN)))
            prev = _row(conn, chain, PER_CHAIN - 1)["hash"]
            conn.execute(
                update(AuditChain)
                .where(AuditChain.name == chain)
                .values(last_seq=PER_CHAIN - 1, last_hash=prev)
            )
            report = audit.verify_chain(session)
        found = report.broken(chain)
        assert found is not None and found.seq == PER_CHAIN, report
        assert "封存" in found.reason


def test_Q7_audit_unsealed_tail_rewrite_is_the_documented_window(
    ctx: ServiceContext, demo_url: str
) -> None:
    """A rewrite of an unsealed tail with its head is not detectable — the next seal binds
    it. Stated here so that the window in docs/SCALING.md is a measured fact."""
    _fill(ctx, seal_at=EVENTS - 3)  # the last event of each chain is unsealed
    with _tampering(demo_url) as (conn, session):
        _rehash_tail(conn, "WS-01", PER_CHAIN, reason="rewritten")
        assert audit.verify_chain(session).ok


def test_Q7_audit_forged_seal_over_a_rewritten_event_is_detected(
    ctx: ServiceContext, demo_url: str
) -> None:
    """A forger rewrites a sealed tail event, its head, and appends a seal (valid root and
    hash, seal head moved) binding the forgery: the earlier seal still names the original."""
    _fill(ctx, seal_at=EVENTS)
    with _tampering(demo_url) as (conn, session):
        forged_hash = _rehash_tail(conn, "WS-02", PER_CHAIN, reason="rewritten")
        assert audit.seal(session, at=NOW + dt.timedelta(minutes=5)) is not None
        session.flush()
        leaves = _pairs(
            conn.execute(
                select(AuditSealHead.chain, AuditSealHead.hash).where(AuditSealHead.seal_id == 2)
            )
        )
        assert leaves["WS-02"] == forged_hash  # the forged seal is self-consistent
        report = audit.verify_chain(session)
    found = report.broken("WS-02")
    assert found is not None and found.seq == PER_CHAIN and "封存" in found.reason, report
    assert report.broken(SEALS) is None


SEAL_MUTATIONS: dict[str, tuple[str, Callable[[Connection], int]]] = {
    "root_changed": (
        SEALS,
        lambda c: (
            c.execute(update(AuditSeal).where(AuditSeal.id == 2).values(root="a" * 64)).rowcount
            and 2
        ),
    ),
    "leaf_changed": (
        SEALS,
        lambda c: (
            c.execute(
                update(AuditSealHead)
                .where(AuditSealHead.seal_id == 1, AuditSealHead.chain == "WS-01")
                .values(chain_seq=1)
            ).rowcount
            and 1
        ),
    ),
    "moved_leaf_deleted": (
        SEALS,
        lambda c: c.execute(delete(AuditSealHead).where(AuditSealHead.seal_id == 3)).rowcount and 3,
    ),
    "unmoved_leaf_added": (
        SEALS,
        lambda c: (
            c.execute(
                AuditSealHead.__table__.insert().values(
                    seal_id=3, chain="WS-02", chain_seq=1, hash="c" * 64
                )
            ).rowcount
            and 3
        ),
    ),
    "middle_seal_deleted": (
        SEALS,
        lambda c: (
            (
                c.execute(delete(AuditSealHead).where(AuditSealHead.seal_id == 2)),
                c.execute(delete(AuditSeal).where(AuditSeal.id == 2)),
            )[0].rowcount
            and 2
        ),
    ),
    "last_seal_deleted": (
        SEALS,
        lambda c: (
            (
                c.execute(delete(AuditSealHead).where(AuditSealHead.seal_id == 3)),
                c.execute(delete(AuditSeal).where(AuditSeal.id == 3)),
            )[0].rowcount
            and 3
        ),
    ),
    "seal_head_rewound": (
        SEALS,
        lambda c: c.execute(update(AuditChainHead).values(last_seq=2)).rowcount and 3,
    ),
    "checkpoint_forged": (
        CHECKPOINTS,
        lambda c: c.execute(update(AuditCheckpoint).values(hash="b" * 64)).rowcount and 2,
    ),
    "checkpoint_deleted": (
        CHECKPOINTS,
        lambda c: c.execute(delete(AuditCheckpoint)).rowcount and 2,
    ),
}


def _seal_a_day_and_one_move(ctx: ServiceContext) -> None:
    """Seal 1 (heads) halfway, seal 2 the day of NOW (every chain), one event of WS-01 the
    next day, seal 3 (heads: only WS-01 moved)."""
    _fill(ctx, seal_at=EVENTS // 2)
    with ctx.uow() as uow:
        cp = audit.checkpoint_day(
            uow, (NOW + dt.timedelta(hours=8)).date(), at=NOW + dt.timedelta(days=1)
        )
        uow.commit()
    assert (cp.seq, cp.kind) == (2, "seal")
    with ctx.uow() as uow:
        actor = actor_for(ctx, "YB500103-01")
        audit.record(uow, actor, "record.view", at=NOW + dt.timedelta(days=1, seconds=30))
        assert audit.seal(uow.session, at=NOW + dt.timedelta(days=1, minutes=1)) is not None
        uow.commit()


@pytest.mark.parametrize("kind", list(SEAL_MUTATIONS))
def test_Q7_audit_seal_and_checkpoint_mutations_detected(
    ctx: ServiceContext, demo_url: str, kind: str
) -> None:
    """Seals 1 (heads), 2 (the day of NOW), 3 (heads, WS-01 moved the next day): each
    tampering named at its seal."""
    _seal_a_day_and_one_move(ctx)
    where, mutate = SEAL_MUTATIONS[kind]
    with _tampering(demo_url) as (conn, session):
        expected = mutate(conn)
        report = audit.verify_chain(session)
    found = report.broken(where)
    assert found is not None and found.seq == expected, (kind, report)
    with ctx.uow() as uow:
        assert audit.verify_chain(uow.session).ok


def test_Q7_audit_event_dated_inside_a_checkpointed_day_fails(ctx: ServiceContext) -> None:
    """An event written after the day's checkpoint but dated inside that day (a back-dated
    or late entry) breaks its chain; one dated after the day does not."""
    _fill(ctx, 6, seal_at=None)
    day = (NOW + dt.timedelta(hours=8)).date()
    with ctx.uow() as uow:
        audit.checkpoint_day(uow, day, at=NOW + dt.timedelta(days=1))
        uow.commit()
    actor = actor_for(ctx, "YB500103-01")
    with ctx.uow() as uow:
        audit.record(uow, actor, "record.view", at=NOW + dt.timedelta(days=1))  # next day
        uow.commit()
    with ctx.uow() as uow:
        assert audit.verify_chain(uow.session).ok
    with ctx.uow() as uow:
        late = audit.record(uow, actor, "record.view", at=NOW + dt.timedelta(hours=3))
        uow.commit()
    with ctx.uow() as uow:
        report = audit.verify_chain(uow.session)
    found = report.broken("WS-01")
    assert found is not None and found.seq == late.chain_seq, report
    assert day.isoformat() in found.reason


def test_audit_rollback_leaves_no_gap(ctx: ServiceContext) -> None:
    actor = actor_for(ctx, "YB500103-01")
    with ctx.uow() as uow:
        audit.record(uow, actor, "record.view", category="pension")
        # no commit: the business transaction failed, its audit event goes with it
    with ctx.uow() as uow:
        event = audit.record(uow, actor, "record.view", category="medical")
        uow.commit()
    assert (event.chain, event.chain_seq) == ("WS-01", 1)
    with ctx.uow() as uow:
        assert audit.verify_chain(uow.session).ok


@pytest.mark.parametrize(
    "key",
    ["pin", "new_pin", "oldPin", "password", "servicePassword", "PIN", "pwd", "puk_code", "passwd"],
)
def test_audit_details_refuse_password_keys(sqlite_ctx: ServiceContext, key: str) -> None:
    with sqlite_ctx.uow() as uow, pytest.raises(audit.AuditSecretRejected):
        audit.record(uow, None, "pin.change", details={"ok": 1, "inner": {key: "123456"}})
    with sqlite_ctx.uow() as uow, pytest.raises(audit.AuditSecretRejected):
        audit.record(uow, None, "pin.change", details={"list": [{key: 1}]})


def test_audit_details_allow_ordinary_keys(sqlite_ctx: ServiceContext) -> None:
    with sqlite_ctx.uow() as uow:
        event = audit.record(
            uow,
            None,
            "pin.change",
            details={
                "tries_left": 2,
                "spinner": "x",
                "shipping": 1,
                "mapping": {"a": dt.date(2024, 1, 2)},
            },
        )
        uow.commit()
    assert event.details == {
        "tries_left": 2,
        "spinner": "x",
        "shipping": 1,
        "mapping": {"a": "2024-01-02"},
    }


def test_audit_canonical_json_is_stable() -> None:
    a = audit.canonical_json({"b": 1, "a": "重庆", "c": [1, {"z": None, "y": 2.5}]})
    assert a == '{"a":"重庆","b":1,"c":[1,{"y":2.5,"z":null}]}'
    at = dt.datetime(2025, 3, 10, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert audit.format_at(at) == "2025-03-10T02:00:00.000000Z"


def test_audit_merkle_root_binds_every_leaf() -> None:
    leaves = [(f"WS-{i:02d}", i + 1, f"{i:064x}") for i in range(7)]
    root = audit.merkle_root(leaves)
    assert audit.merkle_root(list(reversed(leaves))) == root  # order is by chain name
    for i in range(len(leaves)):
        changed = list(leaves)
        changed[i] = (leaves[i][0], leaves[i][1] + 1, leaves[i][2])
        assert audit.merkle_root(changed) != root
        assert audit.merkle_root(leaves[:i] + leaves[i + 1 :]) != root


def test_Q7_audit_concurrent_appenders_never_fork(demo_url: str) -> None:
    """Six appenders at once: four workstations of their own, two sharing one chain (a
    channel): every chain gap-free and unbroken."""
    threads, per_thread = 6, 12
    stations = ["WS-A", "WS-B", "WS-C", "WS-D", "12333", "12333"]
    contexts = [make_ctx(demo_url, Clock()) for _ in range(threads)]
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def work(ctx: ServiceContext, n: int) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):

                def one(i: int = i) -> None:
                    with ctx.uow() as uow:
                        audit.record(
                            uow,
                            None,
                            "record.view",
                            details={"t": n, "i": i},
                            workstation=stations[n],
                        )
                        uow.commit()

                run_retrying(one, attempts=20)
        except BaseException as error:  # reported below
            errors.append(error)

    workers = [threading.Thread(target=work, args=(c, n)) for n, c in enumerate(contexts)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert not errors, errors
    with contexts[0].uow() as uow:
        report = audit.verify_chain(uow.session)
        per_chain = _pairs(
            uow.session.execute(select(AuditEvent.chain, func.count()).group_by(AuditEvent.chain))
        )
        positions = list(
            uow.session.scalars(
                select(AuditEvent.chain_seq)
                .where(AuditEvent.chain == "12333")
                .order_by(AuditEvent.chain_seq)
            )
        )
    print(f"concurrent audit appends: {threads} x {per_thread} on {demo_url.split(':')[0]}")
    assert report.ok and report.count == threads * per_thread, report
    assert per_chain == {"WS-A": 12, "WS-B": 12, "WS-C": 12, "WS-D": 12, "12333": 24}
    assert positions == list(range(1, 2 * per_thread + 1))


def test_audit_checkpoint_day(sqlite_ctx: ServiceContext) -> None:
    _fill(sqlite_ctx, 6, seal_at=None)
    day = (NOW + dt.timedelta(hours=8)).date()
    with sqlite_ctx.uow() as uow:
        cp = audit.checkpoint_day(uow, day)
        uow.commit()
    with sqlite_ctx.uow() as uow:
        sealed = uow.session.get(AuditSeal, cp.seq)
        assert sealed is not None and (sealed.kind, sealed.day, sealed.hash) == (
            "day",
            day,
            cp.hash,
        )
        leaves = _pairs(
            uow.session.execute(
                select(AuditSealHead.chain, AuditSealHead.chain_seq).where(
                    AuditSealHead.seal_id == cp.seq
                )
            )
        )
        assert leaves == {"WS-01": 2, "12333": 2, "WS-02": 2}
        assert audit.checkpoint_day(uow, day).hash == cp.hash  # idempotent
        empty = audit.checkpoint_day(uow, dt.date(2000, 1, 1))
        assert empty.seq == cp.seq + 1 and empty.kind == "seal"


def test_audit_verify_cli(sqlite_demo_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    ctx = make_ctx(sqlite_demo_url)
    _fill(ctx, 6, seal_at=None)
    assert cli_main(["audit", "verify", "--db", sqlite_demo_url]) == 0
    assert "6 条事件" in capsys.readouterr().out
    engine = db.create_engine_for(sqlite_demo_url)
    with engine.begin() as conn:
        suspend_defences(conn)
        conn.execute(update(AuditEvent).where(_where("WS-01", 2)).values(reason="x"))
        conn.execute(update(AuditEvent).where(_where("WS-02", 1)).values(reason="x"))
    engine.dispose()
    assert cli_main(["audit", "verify", "--db", sqlite_demo_url]) == 1
    err = capsys.readouterr().err
    assert "链 WS-01 事件 2" in err and "链 WS-02 事件 1" in err


def test_audit_seal_cli_seals_once_per_change(
    sqlite_demo_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    ctx = make_ctx(sqlite_demo_url)
    _fill(ctx, 3, seal_at=None)
    assert cli_main(["audit", "seal", "--db", sqlite_demo_url]) == 0
    assert cli_main(["audit", "seal", "--db", sqlite_demo_url]) == 0
    out = capsys.readouterr().out
    assert "封存 1" in out and "无变化" in out
    engine = db.create_engine_for(sqlite_demo_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_seals")).scalar_one() == 1
    engine.dispose()


def test_Q7_a_heads_seal_stores_the_chains_that_moved_and_binds_every_chain(
    ctx: ServiceContext,
) -> None:
    """Seal 3 stores one leaf (WS-01, the only chain that moved since the day seal), yet its
    count and root are over all three chains as they stand; seal 2 (a day) lists all."""
    _seal_a_day_and_one_move(ctx)
    with ctx.uow() as uow:
        s = uow.session
        stored = {
            seal_id: n
            for seal_id, n in s.execute(
                select(AuditSealHead.seal_id, func.count())
                .group_by(AuditSealHead.seal_id)
                .order_by(AuditSealHead.seal_id)
            )
        }
        assert stored == {1: 3, 2: 3, 3: 1}
        assert s.scalars(select(AuditSealHead.chain).where(AuditSealHead.seal_id == 3)).all() == [
            "WS-01"
        ]
        third = s.get(AuditSeal, 3)
        assert third is not None and third.chains == 3
        heads = [
            (r.name, int(r.last_seq), r.last_hash)
            for r in s.execute(select(AuditChain.name, AuditChain.last_seq, AuditChain.last_hash))
        ]
        assert third.root == audit.merkle_root(heads)
        assert audit.verify_chain(s).ok


def test_Q7_the_sealer_rebuilds_what_the_seals_bind_when_it_remembers_nothing(
    ctx: ServiceContext,
) -> None:
    """A sealer started afresh (no picture remembered) rebuilds the picture from the newest
    day seal on and still stores only the chain that moved."""
    _seal_a_day_and_one_move(ctx)
    audit_seal._pictures.clear()
    with ctx.uow() as uow:
        actor = actor_for(ctx, "YB500103-01", workstation="WS-02")
        audit.record(uow, actor, "record.view", at=NOW + dt.timedelta(days=1, minutes=2))
        fourth = audit.seal(uow.session, at=NOW + dt.timedelta(days=1, minutes=3))
        assert fourth is not None and fourth.chains == 3
        assert audit.seal(uow.session, at=NOW + dt.timedelta(days=1, minutes=4)) is None
        uow.commit()
    audit_seal._pictures.clear()
    with ctx.uow() as uow:
        assert audit.seal(uow.session, at=NOW + dt.timedelta(days=1, minutes=5)) is None
        rows = uow.session.execute(
            select(AuditSealHead.chain, AuditSealHead.chain_seq).where(AuditSealHead.seal_id == 4)
        ).all()
        assert [r.chain for r in rows] == ["WS-02"]
        assert audit.verify_chain(uow.session).ok


def test_Q7_seals_that_do_not_add_up_make_the_sealer_store_every_chain(
    ctx: ServiceContext, demo_url: str
) -> None:
    """If the stored leaves no longer add up to the newest seal's root (a leaf deleted), the
    sealer forgets nothing it cannot prove: the next seal lists every chain again."""
    _seal_a_day_and_one_move(ctx)
    audit_seal._pictures.clear()
    with _tampering(demo_url) as (conn, session):
        conn.execute(delete(AuditSealHead).where(AuditSealHead.seal_id == 3))
        head = session.get(AuditChainHead, 1)
        assert head is not None and audit_seal.sealed_picture(session, head) is None
        audit.record(session, None, "record.view", at=NOW + dt.timedelta(days=1, minutes=2))
        fourth = audit.seal(session, at=NOW + dt.timedelta(days=1, minutes=3))
        assert fourth is not None and fourth.id == 4
        count = conn.execute(
            select(func.count()).select_from(AuditSealHead).where(AuditSealHead.seal_id == 4)
        ).scalar_one()
        assert count == 4  # three chains and the system chain the record above started
