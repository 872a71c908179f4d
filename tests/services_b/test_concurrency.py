"""RULES L4/U5 under concurrency (docs/SCALING.md §0.2): two windows acting on one card at
once, with real concurrent connections (threads behind a ``threading.Barrier``), on SQLite
and PostgreSQL. Never two active reports, never a lift of a replaced card, never a duplicate
or missing form serial."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from counter_app.models import Card, FormDocument, LossReport, ReplacementApplication
from counter_app.services import lifting, loss_records, replacement, written_reports
from counter_app.services.errors import ServiceError
from counter_app.services.idcheck import IdDocument
from tests.id_documents import manual_doc

from .conftest import World, pin

WRITTEN_ROUNDS = 120
LIFT_VS_REPLACE_ROUNDS = 50
REPLACE_ROUNDS = 40


def race(*work: Callable[[], Any]) -> list[Any]:
    """Run the callables at the same moment on separate threads; results or exceptions."""
    barrier = threading.Barrier(len(work))
    results: list[Any] = [None] * len(work)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work[i]()
        except Exception as error:  # the outcome is what the test inspects
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def doc(world: World, key: str) -> IdDocument:
    return manual_doc(world.holders[key].ssn)


def written(world: World, key: str, actor: str, idem: str) -> Any:
    details = written_reports.WrittenLossInput(
        "13883251234", world.ctx.now().date(), "某地", "遗失", doc(world, key)
    )
    return written_reports.register_written_loss(
        world.ctx, world.actors[actor], world.holders[key].holder_id, details, idem
    )


def local_keys(world: World) -> list[str]:
    """Holders of district 500103 (the lifting office's own district, U2)."""
    return [k for k, h in world.holders.items() if h.district == "500103"]


def check_invariants(world: World) -> None:
    with world.session() as s:
        active = s.scalars(
            select(LossReport.card_id).where(LossReport.state.in_(["open", "confirmed"]))
        ).all()
        assert len(active) == len(set(active)), "two active reports on one card"
        replaced = set(s.scalars(select(ReplacementApplication.old_card_id)).all())
        states = dict(s.execute(select(Card.id, Card.state)).all())
        assert all(states[c] == "replacement_applied" for c in replaced), "replaced card lifted"
        lifted_after = s.scalars(
            select(LossReport.card_id).where(
                LossReport.state == "lifted", LossReport.card_id.in_(replaced)
            )
        ).all()
        assert not lifted_after
        for office_id, year in s.execute(
            select(FormDocument.office_id, FormDocument.year).distinct()
        ):
            seqs = sorted(
                s.scalars(
                    select(FormDocument.sequence).where(
                        FormDocument.office_id == office_id, FormDocument.year == year
                    )
                ).all()
            )
            assert seqs == list(range(1, len(seqs) + 1)), "duplicate or missing serial"
            serials = s.scalars(
                select(FormDocument.serial).where(FormDocument.office_id == office_id)
            ).all()
            assert len(serials) == len(set(serials))


@pytest.mark.slow
def test_L4_two_windows_register_written_report_on_one_card(
    big_world: World, report_line: Callable[[str], None]
) -> None:
    world = big_world
    keys = local_keys(world)[:WRITTEN_ROUNDS]
    outcomes: Counter[str] = Counter()
    for r, key in enumerate(keys):
        same_key = r % 4 == 0  # a retried submission: the same idempotency key twice
        idem_a = f"written-{r:04d}-a"
        idem_b = idem_a if same_key else f"written-{r:04d}-b"
        results = race(
            lambda k=key, i=idem_a: written(world, k, "yb103", i),
            lambda k=key, i=idem_b: written(world, k, "yb103b", i),
        )
        ok = [x for x in results if isinstance(x, written_reports.WrittenLossResult)]
        errors = [x for x in results if isinstance(x, Exception)]
        assert all(isinstance(e, ServiceError) for e in errors), errors
        if same_key:
            assert len(ok) == 2 and ok[0].serial == ok[1].serial
            assert sorted(x.already_done for x in ok) == [False, True]
            outcomes["retried"] += 1
        else:
            assert len(ok) == 1, results
            assert isinstance(errors[0], loss_records.LossAlreadyReported)
            assert errors[0].existing.id == ok[0].report.id
            outcomes["one_wins"] += 1
    check_invariants(world)
    with world.session() as s:
        forms = s.scalar(select(func.count()).select_from(FormDocument))
    assert forms == len(keys)
    report_line(f"[{world.backend}] written-report races: {len(keys)} rounds {dict(outcomes)}")


@pytest.mark.slow
def test_U4_lift_and_replacement_race_never_lift_a_replaced_card(
    big_world: World, report_line: Callable[[str], None]
) -> None:
    world = big_world
    keys = local_keys(world)[WRITTEN_ROUNDS : WRITTEN_ROUNDS + LIFT_VS_REPLACE_ROUNDS]
    outcomes: Counter[str] = Counter()
    for r, key in enumerate(keys):
        written(world, key, "yb103", f"prewrite-{r:04d}")
        _, transport = world.insert_card(key)
        client = world.client(transport)

        def do_lift(k: str = key, c: Any = client, i: int = r) -> Any:
            return lifting.lift_loss_report(
                world.ctx,
                world.actors["yb103"],
                c,
                pin("123456"),
                doc(world, k),
                None,
                f"liftrace-{i:04d}",
            )

        def do_replace(k: str = key, i: int = r) -> Any:
            return replacement.apply_replacement(
                world.ctx,
                world.actors["yb103b"],
                world.holders[k].holder_id,
                doc(world, k),
                f"replrace-{i:04d}",
            )

        lifted, replaced = race(do_lift, do_replace)
        won = [not isinstance(lifted, Exception), not isinstance(replaced, Exception)]
        assert won.count(True) == 1, (lifted, replaced)
        assert all(
            isinstance(x, ServiceError) for x in (lifted, replaced) if isinstance(x, Exception)
        ), (lifted, replaced)
        outcomes["lift" if won[0] else "replacement"] += 1
    check_invariants(world)
    report_line(f"[{world.backend}] lift-vs-replacement races: {len(keys)} rounds {dict(outcomes)}")


@pytest.mark.slow
def test_R2_two_windows_apply_replacement_at_once(
    big_world: World, report_line: Callable[[str], None]
) -> None:
    world = big_world
    start = WRITTEN_ROUNDS + LIFT_VS_REPLACE_ROUNDS
    keys = local_keys(world)[start : start + REPLACE_ROUNDS]
    for r, key in enumerate(keys):
        written(world, key, "yb103", f"prewrite-r-{r:04d}")
        results = race(
            *[
                (
                    lambda k=key, who=who, i=r: replacement.apply_replacement(
                        world.ctx,
                        world.actors[who],
                        world.holders[k].holder_id,
                        doc(world, k),
                        f"replboth-{i:04d}-{who}",
                    )
                )
                for who in ("yb103", "yb103b")
            ]
        )
        ok = [x for x in results if isinstance(x, replacement.ReplacementResult)]
        assert len(ok) == 1, results
        other = next(x for x in results if isinstance(x, Exception))
        assert isinstance(other, replacement.ReplacementExists)
        assert other.serial == ok[0].serial
    check_invariants(world)
    with world.session() as s:
        apps = s.scalar(select(func.count()).select_from(ReplacementApplication))
    assert apps == len(keys)
    report_line(f"[{world.backend}] replacement races: {len(keys)} rounds")
