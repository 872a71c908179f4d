"""Recording the holder's ratings (RULES E2) on a pool thread, for ``ui.rating``.

:func:`record_all` records a batch — the rating just answered or ended 未评价, and any the
services could not be reached for before — and stops at the first outage, saying which were
recorded and which are left to send again. It never raises a service's refusal: the
controller on the GUI thread decides what the clerk sees.

A rating that reached the services before the connection dropped (the answer lost on the
way back) is not recorded twice: the services keep the first rating of a case and refuse
another (``RatingAlreadyRecorded``), which :func:`record_one` takes as recorded and answers
with the case's status; ``record_no_answer`` does the same on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from counter_app.api import CounterServices
from counter_app.services.case_errors import RatingAlreadyRecorded
from counter_app.services.context import Actor
from counter_app.services.errors import DatabaseUnavailable, ServiceError
from counter_app.services.ratings import RatingAnswer, RatingStatus

#: One rating to record: the case number and the holder's answer (None: 未评价).
Rating = tuple[str, RatingAnswer | None]


@dataclass
class Recorded:
    """What :func:`record_all` did with a batch."""

    #: case number → its status now (已评价 / 未评价), for each rating recorded.
    statuses: dict[str, RatingStatus] = field(default_factory=dict)
    #: The services unreachable: the ratings not recorded (to send again), in order.
    left: list[Rating] = field(default_factory=list)
    outage: DatabaseUnavailable | None = None
    #: The first refusal of another kind (e.g. the case not found): that rating can never
    #: be recorded and is not kept.
    refused: ServiceError | None = None


def record_one(
    gateway: CounterServices, actor: Actor, case_no: str, answer: RatingAnswer | None
) -> RatingStatus:
    """Record the holder's ``answer`` (None: 未评价) for ``case_no``; a case rated already —
    by an earlier try whose answer was lost — keeps that rating and gives its status."""
    if answer is None:
        return gateway.record_no_answer(actor, case_no)
    try:
        return gateway.record_rating(actor, case_no, answer)
    except RatingAlreadyRecorded:
        return gateway.rating_status(actor, case_no)


def record_all(gateway: CounterServices, actor: Actor, ratings: Sequence[Rating]) -> Recorded:
    """Record ``ratings`` in order; at an outage the rest are left (not tried)."""
    done = Recorded()
    for i, (case_no, answer) in enumerate(ratings):
        try:
            done.statuses[case_no] = record_one(gateway, actor, case_no, answer)
        except DatabaseUnavailable as error:
            done.outage = error
            done.left = list(ratings[i:])
            return done
        except ServiceError as error:
            done.refused = done.refused or error
    return done
