"""Suite-wide set-up: Qt offscreen, a temporary settings file, no user folders touched."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from counter_app import db

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Property tests under CI=true draw the same examples every run: a failure there shows
# again on the next run (and on the developer's machine with CI=true) instead of coming and
# going with the seed. A developer's plain runs keep exploring new examples, and the
# examples that once failed are written out as plain tests (tests/forms/test_layout_bounds.py).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test gets its own settings file and data folder: nothing reads ~/.config."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("COUNTER_SETTINGS", str(home / "settings.toml"))
    monkeypatch.delenv("COUNTER_DB_URL", raising=False)


# --- PostgreSQL: one throwaway server for the whole run (tests/pgserver.py) -------------


@pytest.fixture(scope="session")
def pg_server():  # type: ignore[no-untyped-def]
    """A running throwaway PostgreSQL, stopped and removed at the end of the run.

    Skips the tests that need it when the server binaries are missing or it cannot start,
    except under ``CI=true``, where that fails them.
    """
    from tests.pgserver import PostgresUnavailable, start_postgres

    try:
        server = start_postgres()
    except PostgresUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but PostgreSQL could not be started: {exc}", pytrace=False)
        pytest.skip(f"PostgreSQL not available: {exc}")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_url(pg_server) -> str:  # type: ignore[no-untyped-def]
    """SQLAlchemy URL of the throwaway server's ``postgres`` database (admin connection)."""
    return str(pg_server.url)


_REPORTED: list[str] = []


@pytest.fixture
def report_line() -> Callable[[str], None]:
    """Lines a test wants in the run's summary (e.g. concurrency round counts), shown even
    when output is captured."""
    return _REPORTED.append


def pytest_configure(config: pytest.Config) -> None:
    # A banner naming the PostgreSQL/PC-SC/GUI tests this run skipped (tests/skip_banner.py).
    from tests.skip_banner import register

    register(config)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _REPORTED:
        terminalreporter.section("figures reported by tests")
        for line in _REPORTED:
            terminalreporter.write_line(line)


#: The two back ends every database test runs on (PostgreSQL when a server can start).
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database migrated to head once per run (copied per test)."""
    path = tmp_path_factory.mktemp("template") / "head.sqlite3"
    db.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template(pg_server) -> str:  # type: ignore[no-untyped-def]
    """A PostgreSQL database migrated to head once per run (the template of each test's)."""
    url = pg_server.create_database()
    db.upgrade(url)
    return str(url.split("@/", 1)[1].split("?", 1)[0])


@pytest.fixture
def migrated_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database at head, of the parametrized back end."""
    if backend == "sqlite":
        target = tmp_path / "test.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
        yield f"sqlite:///{target}"
        return
    server = request.getfixturevalue("pg_server")
    url = server.create_database(template=request.getfixturevalue("pg_template"))
    yield url
    server.drop_database(url)
