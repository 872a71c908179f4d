"""docs/DEPLOYMENT.md §4 "First installation", run as written — as a maintainer would: the
SQL blocks as the superuser, the ``counter-admin`` lines with ``COUNTER_DB_URL`` set to the
owner's URL — on a fresh PostgreSQL cluster of its own (cluster-wide roles must not exist
yet) where every role but the superuser logs in with a password (scram-sha-256).

Then what goes wrong on such a set-up says what it is: a skipped superuser step names the
SQL still to run; a wrong password, a missing database, an unknown host name which;
``demo-data`` as the owner names the audit triggers. CI=true makes a missing PostgreSQL a
failure (tests/conftest.py)."""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from counter_app import db
from counter_app.cli.main import main

pytestmark = pytest.mark.postgres

DOC = Path(__file__).parents[2] / "docs" / "DEPLOYMENT.md"
OWNER_PASSWORD = "owner-pw-7f3a"
SERVER_PASSWORD = "srv-pw-91c2"
PLACEHOLDERS = {"…owner password…": OWNER_PASSWORD, "…server password…": SERVER_PASSWORD}


def _section() -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("### First installation")
    return text[start : text.index("\n### ", start + 1)]


def _blocks(language: str) -> list[str]:
    return [
        b for lang, b in re.findall(r"```(\w+)\n(.*?)```", _section(), re.S) if lang == language
    ]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    from tests.pgserver import PostgresUnavailable, start_postgres

    try:
        server = start_postgres()
    except PostgresUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but PostgreSQL could not be started: {exc}", pytrace=False)
        pytest.skip(f"PostgreSQL not available: {exc}")
    try:
        # Passwords for everyone but the superuser (as a city's pg_hba.conf would have it).
        (server.data_dir / "pg_hba.conf").write_text(
            "local all postgres trust\nlocal all all scram-sha-256\n", encoding="utf-8"
        )
        with psycopg.connect(server.conninfo(), autocommit=True) as conn:
            conn.execute("SELECT pg_reload_conf()")
        yield server
    finally:
        server.stop()


def _url(server: Any, user: str, password: str, database: str) -> str:
    return f"postgresql://{user}:{password}@/{database}?host={server.socket_dir}&port={server.port}"


def _run_sql(server: Any, block: str, database: str = "postgres") -> str:
    """A doc SQL block as psql would run it (``\\c`` switches database)."""
    for placeholder, value in PLACEHOLDERS.items():
        block = block.replace(placeholder, value)
    statements: list[str] = []
    pending: list[str] = []
    for line in block.splitlines():
        line = line.split("--", 1)[0].rstrip()
        if line.startswith("\\c "):
            _execute(server, database, statements)
            statements, database = [], line.split()[1]
            continue
        if line:
            pending.append(line)
        if line.endswith(";"):
            statements.append("\n".join(pending))
            pending = []
    assert not pending, pending
    _execute(server, database, statements)
    return database


def _execute(server: Any, database: str, statements: list[str]) -> None:
    with psycopg.connect(server.conninfo(database), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)  # type: ignore[arg-type]


def test_first_installation_as_documented(
    cluster: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    superuser_setup, server_login = _blocks("sql")[:2]
    _run_sql(cluster, superuser_setup)
    owner_url = _url(cluster, "counter_owner", OWNER_PASSWORD, "counter")

    (commands,) = _blocks("sh")
    ran = []
    for line in commands.splitlines():
        if line.startswith("export COUNTER_DB_URL="):
            monkeypatch.setenv("COUNTER_DB_URL", owner_url)
        elif line.startswith("counter-admin "):
            argv = shlex.split(line)[1:]
            code = main(argv)
            out, err = capsys.readouterr()
            assert code == 0, f"{line}\n{out}{err}"
            ran.append((argv[0], out))
    assert [name for name, _ in ran] == ["db", "db", "office", "staff"]
    assert "counter_owner:***@" in ran[1][1] and OWNER_PASSWORD not in ran[1][1]  # db check
    assert db.current_revision(owner_url) == db.head_revision()

    _run_sql(cluster, server_login)
    with psycopg.connect(
        host=str(cluster.socket_dir), port=cluster.port, dbname="counter",
        user="counter_srv", password=SERVER_PASSWORD,
    ) as srv:  # fmt: skip
        row = srv.execute(
            "SELECT s.role, o.code FROM staff s JOIN offices o ON o.id = s.office_id"
        ).fetchall()
        assert row == [("admin", "500000-KZX")]
        actions = srv.execute(
            "SELECT action, workstation FROM audit_events ORDER BY seq"
        ).fetchall()
        assert actions == [("office.add", "cli"), ("staff.add", "cli")]
        flags = srv.execute(
            "SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
        assert flags == (False, False, False)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            srv.execute("UPDATE audit_events SET reason = reason")


def _new_database(cluster: Any, owner: str, password: str, database: str) -> str:
    _execute(
        cluster,
        "postgres",
        [
            f"CREATE ROLE {owner} LOGIN PASSWORD '{password}'",
            f"CREATE DATABASE {database} OWNER {owner} ENCODING 'UTF8'",
        ],
    )
    return _url(cluster, owner, password, database)


def test_an_owner_without_the_superuser_step_is_told_the_sql_to_run(
    cluster: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    # Step 2's GRANT … WITH ADMIN OPTION skipped: revision 0008 cannot make counter_server
    # a member of counter_app_rw. Before, the advice was "use the owner's URL" — it was.
    url = _new_database(cluster, "owner_two", "pw-two", "counter_two")
    assert main(["db", "upgrade", "--db", url]) == 1
    err = capsys.readouterr().err
    assert "GRANT counter_app_rw TO owner_two WITH ADMIN OPTION;" in err, err
    assert "owner_two" in err and "请改用" not in err and "pw-two" not in err
    assert db.current_revision(url) is None  # the whole upgrade rolled back

    _execute(cluster, "postgres", ["GRANT counter_app_rw TO owner_two WITH ADMIN OPTION"])
    assert main(["db", "upgrade", "--db", url]) == 0, capsys.readouterr().err
    assert db.current_revision(url) == db.head_revision()


def test_another_login_than_the_owner_is_told_whose_url_to_use(
    cluster: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    owner_url = _new_database(cluster, "owner_three", "pw-three", "counter_three")
    _execute(cluster, "postgres", ["CREATE ROLE stranger LOGIN PASSWORD 'pw-s'"])
    stranger = _url(cluster, "stranger", "pw-s", "counter_three")
    assert main(["db", "upgrade", "--db", stranger]) == 1
    err = capsys.readouterr().err
    assert "stranger 不是此数据库的所有者" in err and "owner_three" in err, err
    assert db.current_revision(owner_url) is None


@pytest.mark.parametrize(
    ("user", "password", "database", "says"),
    [
        ("counter_owner", "WRONG", "counter", "用户名或密码错误"),
        ("nobody", "nobody-pw-55", "counter", "用户名或密码错误"),
        ("counter_owner", OWNER_PASSWORD, "nodb", "数据库 nodb 不存在"),
    ],
)
def test_a_refused_login_says_which_naming_the_database_not_the_password(
    cluster: Any,
    capsys: pytest.CaptureFixture[str],
    user: str,
    password: str,
    database: str,
    says: str,
) -> None:
    _ensure_owner(cluster)
    url = _url(cluster, user, password, database)
    for argv in (
        ["office", "list", "--db", url],
        ["staff", "list", "--db", url],
        ["db", "current", "--db", url],
    ):
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert says in err, err
        assert f"{user}@{cluster.socket_dir}:{cluster.port}/{database}" in err, err
        assert password not in err.replace(f"{user}@", "")
        assert "已填写的内容仍保留" not in err and "Traceback" not in err


def _ensure_owner(cluster: Any) -> None:
    with psycopg.connect(cluster.conninfo(), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'counter_owner'").fetchone():
            return
    _execute(cluster, "postgres", [f"CREATE ROLE counter_owner LOGIN PASSWORD '{OWNER_PASSWORD}'"])
    _execute(cluster, "postgres", ["CREATE DATABASE counter OWNER counter_owner"])


def test_demo_data_as_the_owner_names_the_audit_triggers(
    cluster: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _new_database(cluster, "owner_demo", "pw-demo", "counter_demo")
    _execute(
        cluster,
        "postgres",
        [
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'counter_server')"
            " THEN CREATE ROLE counter_server NOLOGIN; END IF; END $$",
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'counter_app_rw')"
            " THEN CREATE ROLE counter_app_rw NOLOGIN; END IF; END $$",
            "GRANT counter_app_rw TO owner_demo WITH ADMIN OPTION",
        ],
    )
    assert main(["demo-data", "--db", url, "--holders", "1"]) == 1
    err = capsys.readouterr().err
    assert "审计触发器" in err and "超级用户" in err, err
    assert "请改用数据库所有者" not in err
