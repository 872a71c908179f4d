"""The unit of work: rolled back unless committed; a lost connection anywhere inside it is
the domain's DatabaseUnavailable (with its Chinese message), conflicts stay retryable."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import exc as sa_exc

from counter_app.services.errors import ConcurrentChange, DatabaseUnavailable
from counter_app.services.uow import UnitOfWork, run_retrying


class FakeSession:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def rollback(self) -> None:
        self.calls.append("rollback")

    def commit(self) -> None:
        self.calls.append("commit")

    def close(self) -> None:
        self.calls.append("close")


def _error(text: str) -> sa_exc.OperationalError:
    return sa_exc.OperationalError("SELECT 1", {}, Exception(text))


def test_uncommitted_work_is_rolled_back_and_committed_work_is_not() -> None:
    session = FakeSession()
    with UnitOfWork(lambda: session) as uow:  # type: ignore[arg-type,return-value]
        pass
    assert session.calls == ["rollback", "close"]
    session = FakeSession()
    with UnitOfWork(lambda: session) as uow:  # type: ignore[arg-type,return-value]
        uow.commit()
    assert session.calls == ["commit", "close"]


def test_a_lost_connection_becomes_database_unavailable() -> None:
    session = FakeSession()
    with pytest.raises(DatabaseUnavailable) as caught:
        with UnitOfWork(lambda: session):  # type: ignore[arg-type,return-value]
            raise _error("server closed the connection unexpectedly")
    assert "数据库" in str(caught.value)
    assert isinstance(caught.value.__cause__, sa_exc.OperationalError)
    assert session.calls == ["rollback", "close"]


def test_a_busy_database_stays_retryable() -> None:
    attempts: list[int] = []

    def work() -> str:
        attempts.append(1)
        with UnitOfWork(lambda: FakeSession()):  # type: ignore[arg-type,return-value]
            if len(attempts) < 3:
                raise _error("database is locked")
            return "done"

    assert run_retrying(work, backoff_s=0) == "done"
    assert len(attempts) == 3


def test_a_busy_database_that_stays_busy_is_a_concurrent_change() -> None:
    def work() -> Any:
        with UnitOfWork(lambda: FakeSession()):  # type: ignore[arg-type,return-value]
            raise _error("database is locked")

    with pytest.raises(ConcurrentChange):
        run_retrying(work, attempts=2, backoff_s=0)


def test_other_errors_pass_through_unchanged() -> None:
    with pytest.raises(KeyError):
        with UnitOfWork(lambda: FakeSession()):  # type: ignore[arg-type,return-value]
            raise KeyError("x")
