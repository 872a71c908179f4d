"""A real city for the server tests: a CA with workstation certificates, a PostgreSQL demo
database (the throwaway server of the run), and ``counter-server`` (uvicorn, mutual TLS)
serving on 127.0.0.1 in a background thread.

Every test gets a fresh copy of the demo database and its own server process thread.
"""

from __future__ import annotations

import secrets
import socket
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from counter_app import db
from counter_app.remote.client import RemoteServices
from counter_app.remote.transport import ServerConnection
from counter_app.server.config import ServerConfig
from counter_app.server.pki import Pki
from counter_app.server.runner import ServerThread, build_parts, build_server
from counter_app.settings import Settings
from reader.keys import KeyProvider, KeyPurpose
from tests.services.conftest import _fill

#: The workstations of the test city (id -> office).
WORKSTATIONS = {
    "WS-A": "500103-YB",
    "WS-B": "500103-YB",
    "WS-C": "500103-YB",
    "WS-BB": "500109-YB",  # 北碚区医疗保险分中心: 黄敏's district (RULES U2)
}
CLERK = ("YB500103-01", "Yibao#2024")  # subcenter_staff, 渝中区医疗保险分中心
SUPERVISOR = ("YB500103-03", "Zhuguan#2024")


@pytest.fixture(scope="session")
def city_pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    pki = Pki(tmp_path_factory.mktemp("pki"))
    pki.init(("localhost", "127.0.0.1"))
    for ws, office in WORKSTATIONS.items():
        pki.issue_workstation(ws, office)
    return pki


@pytest.fixture(scope="session")
def pg_city_template(pg_server: Any) -> str:
    url = pg_server.create_database()
    _fill(url)
    return str(url.split("@/", 1)[1].split("?", 1)[0])


@pytest.fixture
def city_url(pg_server: Any, pg_city_template: str) -> Iterator[str]:
    """The owner's URL of a fresh copy of the city database (the tests' own view)."""
    url = pg_server.create_database(template=pg_city_template)
    yield url
    pg_server.drop_database(url)


@pytest.fixture
def server_login_url(pg_server: Any, city_url: str) -> Iterator[str]:
    """``city_url`` as a fresh login role in ``counter_server`` — what the server processes
    use in a city (docs/DEPLOYMENT.md). The throwaway server trusts its local socket."""
    import psycopg
    from sqlalchemy import make_url

    role = "counter_srv_" + uuid.uuid4().hex[:10]
    with psycopg.connect(pg_server.conninfo(), autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN IN ROLE counter_server")
    yield make_url(city_url).set(username=role).render_as_string(hide_password=False)
    with psycopg.connect(pg_server.conninfo(), autocommit=True) as conn:
        conn.execute(f"DROP ROLE IF EXISTS {role}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class City:
    pki: Pki
    url: str
    config: ServerConfig
    server: ServerThread
    parts: Any

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.config.port}"

    def connection(self, workstation: str) -> ServerConnection:
        return ServerConnection(
            self.base_url,
            self.pki.workstation_cert(workstation),
            self.pki.workstation_key(workstation),
            self.pki.ca_cert,
        )

    def services(self, workstation: str) -> RemoteServices:
        return RemoteServices(self.connection(workstation))


def start_city(pki: Pki, url: str, **settings: Any) -> City:
    base = Settings(mode="test", db_url=url, office_code="500103-YB", workstation_id="SERVER")
    config = ServerConfig(
        settings=base.replace(**settings),
        pki_dir=pki.root,
        token_secret=secrets.token_bytes(32),
        port=_free_port(),
    )
    parts, release = build_parts(config)
    thread = ServerThread(build_server(config, parts))
    thread.start()
    city = City(pki, url, config, thread, parts)
    city.release = release  # type: ignore[attr-defined]
    return city


@pytest.fixture
def city(city_pki: Pki, server_login_url: str) -> Iterator[City]:
    """The server logs in with the server role, as in a city (not as the owner)."""
    running = start_city(city_pki, server_login_url)
    yield running
    running.server.stop()
    running.release()  # type: ignore[attr-defined]


@pytest.fixture
def sql(city_url: str) -> Iterator[Callable[..., Any]]:
    """Run SQL on the city's database as its owner (the test's own view, not a client's)."""
    from sqlalchemy import text

    engine = db.create_engine_for(city_url)

    def run(statement: str, **params: Any) -> Any:
        with engine.begin() as conn:
            result = conn.execute(text(statement), params)
            return result.fetchall() if result.returns_rows else result.rowcount

    yield run
    engine.dispose()


def fresh_pki(root: Path) -> Pki:
    pki = Pki(root)
    pki.init(("localhost", "127.0.0.1"))
    return pki


class CountingKeys:
    """The server's key provider, recording which MACs it was asked for (purpose and
    command header) — never the command's data."""

    def __init__(self, inner: KeyProvider) -> None:
        self.inner = inner
        self.asked: list[tuple[KeyPurpose, str]] = []

    def mac(
        self, purpose: KeyPurpose, card_id_code: bytes, challenge: bytes, message: bytes | bytearray
    ) -> bytes:
        self.asked.append((KeyPurpose(purpose), bytes(message[:4]).hex().upper()))
        return self.inner.mac(purpose, card_id_code, challenge, message)


@pytest.fixture
def keys(city: City) -> CountingKeys:
    assert city.parts.keys.provider is not None
    counting = CountingKeys(city.parts.keys.provider)
    city.parts.keys.provider = counting
    return counting
