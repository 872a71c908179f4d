"""The e2e workstation with the program's own thread pools (``QThreadPool``) instead of the
inline pool: service calls, the ID card read and the card's work answer later, on the GUI
thread's next turns, as at a real counter. Some layout faults appear only so (a widget's
text set from a worker's callback after the dialog was laid out)."""

from __future__ import annotations

from typing import Any

import pytest

from counter_app.demo.accounts import fixed_holder
from tests.id_documents import manual_doc


@pytest.fixture
def threaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """``counter(...)`` builds its workstation with the default pools (None: the
    application's ``QThreadPool``s)."""
    monkeypatch.setattr("tests.e2e.conftest.InlinePool", lambda: None)


def log_in(c: Any, staff_no: str) -> None:
    """The login, as ``Counter.log_in`` does it (it waits for the pool thread's answer)."""
    c.log_in(staff_no)


def serve(c: Any, key: str) -> None:
    """The holder identified by a typed ID document (RULES Q7); their service opens."""
    win = c.window
    holder = fixed_holder(key)
    (hit,) = win.gateway.find_holders(win.actor, holder.ssn)
    session = win.gateway.open_id_session(win.actor, hit.holder_id, manual_doc(holder.ssn), "查询")
    win._id_session_opened(session)
    settle(c)


def settle(c: Any) -> None:
    """Every pool task has answered, and the GUI thread's turns after it ran (the pending
    layout requests and the dialogs' deferred grow)."""
    c.qtbot.waitUntil(lambda: c.ws.runner.pending == 0, timeout=20000)
    c.qtbot.wait(50)
