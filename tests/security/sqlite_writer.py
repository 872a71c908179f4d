"""The writer process of ``test_sqlite_kill9.py``: acknowledged writes in a loop on SQLite.

``python -m tests.security.sqlite_writer URL START`` appends audit events (one unit of work
each, through ``counter_app.services.audit.record``) numbered from START, and prints
``<seq> <n>`` on stdout after each commit returns — that line is the acknowledgement a clerk
would see. It runs until it is killed.
"""

from __future__ import annotations

import sys

from counter_app import db
from counter_app.services import audit
from counter_app.services.uow import UnitOfWork, run_retrying


def main(url: str, start: int) -> None:
    engine = db.create_engine_for(url)
    factory = db.session_factory(engine)
    n = start
    print("ready", flush=True)
    while True:

        def one(n: int = n) -> int:
            with UnitOfWork(factory) as uow:
                event = audit.record(
                    uow,
                    None,
                    "fault.kill9",
                    details={"n": n},
                    workstation="WS-KILL9",
                    reason=f"写入 {n}",
                )
                uow.commit()
                return event.seq

        seq = run_retrying(one)
        sys.stdout.write(f"{seq} {n}\n")
        sys.stdout.flush()
        n += 1


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
