"""The city tier when ``counter-server`` goes away and comes back, or answers in a release
this workstation does not know: the clerk reads what happened in Chinese — the server, not a
database this workstation does not have; never the codec's English — and, once the server
is back (same port, same token secret, as ``scripts/city`` and a real deployment restart it),
the open window works again without logging in anew."""

from __future__ import annotations

import secrets
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from counter_app.demo.accounts import fixed_holder
from counter_app.remote.client import RemoteServices
from counter_app.remote.protocol import AnswerNotUnderstood, ServerUnreachable
from counter_app.server.config import ServerConfig
from counter_app.server.pki import Pki
from counter_app.server.runner import ServerThread, build_parts, build_server
from counter_app.settings import Settings
from counter_app.ui.tasks import InlinePool
from tests.e2e.conftest import Counter, close_counter

pytestmark = [pytest.mark.gui, pytest.mark.remote_only]

OFFICE = "500103-YB"
WORKSTATION = "WS-OUTAGE-01"
CLERK = "YB500103-01"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RestartableServer:
    """``counter-server`` on a fixed port with a fixed token secret: ``stop`` then ``start``
    is the same server restarted (a staff session token stays valid)."""

    def __init__(self, pki: Pki, db_url: str) -> None:
        settings = Settings(mode="test", db_url=db_url, office_code=OFFICE, workstation_id="SRV")
        self.config = ServerConfig(
            settings=settings,
            pki_dir=pki.root,
            token_secret=secrets.token_bytes(32),
            port=_free_port(),
        )
        self._running: tuple[ServerThread, Callable[[], None]] | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.config.port}"

    def start(self) -> None:
        parts, release = build_parts(self.config)
        thread = ServerThread(build_server(self.config, parts))
        thread.start()
        self._running = (thread, release)

    def stop(self) -> None:
        if self._running is not None:
            thread, release = self._running
            self._running = None
            thread.stop()
            release()


@pytest.fixture
def city_counter(
    qtbot: Any, tmp_path: Path, demo_url: str
) -> Iterator[tuple[Counter, RestartableServer]]:
    from counter_app.remote.workstation_file import remote_settings
    from counter_app.ui.app import build_workstation

    pki = Pki(tmp_path / "pki")
    pki.init(("localhost", "127.0.0.1"))
    crt, key = pki.issue_workstation(WORKSTATION, OFFICE)
    server = RestartableServer(pki, demo_url)
    server.start()
    settings = remote_settings(
        workstation_id=WORKSTATION,
        office_code=OFFICE,
        server_url=server.url,
        client_cert=str(crt),
        client_key=str(key),
        server_ca=str(pki.ca_cert),
    ).replace(reader_name="emulator")
    ws = build_workstation(
        settings, False, pool=InlinePool(), card_pool=InlinePool(), second_screen=False
    )
    assert isinstance(ws.gateway, RemoteServices)
    qtbot.addWidget(ws.pin_entry.panel)
    c = Counter(ws, qtbot, tmp_path, db_url=demo_url)
    c.log_in(CLERK)
    yield c, server
    close_counter(c)
    server.stop()


def _search(c: Counter, text: str) -> None:
    box = c.window.search_pane.box
    box.edit.clear()
    c.qtbot.keyClicks(box.edit, text)
    c.click(box.button)


def test_server_stopped_then_restarted_the_banner_names_the_server_and_work_resumes(
    city_counter: tuple[Counter, RestartableServer],
) -> None:
    c, server = city_counter
    ssn = fixed_holder("active_default_pin").ssn  # 王建国
    server.stop()
    _search(c, ssn)
    banner = c.window.banner.text()
    assert c.window.banner.isVisible()
    # The workstation of a city has no database: the banner speaks of the server only.
    assert ServerUnreachable.message in banner and "数据库" not in banner
    assert c.window.hits.rowCount() == 0
    assert c.window.search_pane.box.edit.text() == ssn  # what the clerk typed stays

    server.start()
    _search(c, ssn)
    assert not c.window.banner.isVisible()
    assert c.window.hits.rowCount() == 1, c.window.statusBar().currentMessage()
    c.id_session("active_default_pin")  # a business call of the same staff session: still logged in
    assert c.window.holder.session is not None


def test_an_answer_of_another_server_release_is_a_chinese_message_not_codec_text(
    city_counter: tuple[Counter, RestartableServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server updated before this workstation sends a result with a field this release
    does not know: the clerk reads that the versions differ, not the decoder's English."""
    c, _server = city_counter
    connection = c.ws.gateway.connection
    post = connection.post

    def newer_server(path: str, body: dict[str, Any], **kwargs: Any) -> Any:
        data = post(path, body, **kwargs)
        if path.endswith("/find_holders"):
            for hit in data["result"]:
                hit["f"]["field_of_a_newer_release"] = True
        return data

    monkeypatch.setattr(connection, "post", newer_server)
    _search(c, fixed_holder("active_default_pin").ssn)
    shown = c.window.statusBar().currentMessage()
    assert shown == AnswerNotUnderstood.message
    assert "field" not in shown and "unknown" not in shown
    assert c.window.hits.rowCount() == 0
