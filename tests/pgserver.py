"""A throwaway PostgreSQL server for the test run.

``start_postgres()`` runs ``initdb`` into a fresh temporary folder and starts ``postgres``
on a free port with its unix socket in that folder, ``fsync=off`` (a test database need
not survive a power cut); ``PgServer.stop()`` stops it and removes the folder. As root
(CI), ``initdb`` refuses to run, so the folder is given to the ``postgres`` user and both
programs run through ``runuser -u postgres --``.

``create_database()`` makes a fresh, empty database per test (or a copy of a template).
Usable from any test package: ``from tests.pgserver import start_postgres``.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

#: Where Debian/Ubuntu put the server binaries; ``PG_BINDIR`` overrides.
_BINDIR_GLOBS = ("/usr/lib/postgresql/*/bin", "/usr/local/pgsql/bin")
SERVER_USER = "postgres"


class PostgresUnavailable(RuntimeError):
    """The server binaries are missing or the server would not start; says why."""


def find_bindir() -> Path | None:
    """The folder holding ``initdb``/``pg_ctl``/``postgres``, newest version first."""
    env = os.environ.get("PG_BINDIR")
    if env:
        return Path(env) if (Path(env) / "initdb").exists() else None
    for pattern in _BINDIR_GLOBS:
        found = sorted(glob.glob(pattern), key=_version_key, reverse=True)
        for candidate in found:
            if (Path(candidate) / "initdb").exists():
                return Path(candidate)
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _version_key(path: str) -> int:
    parts = [p for p in Path(path).parts if p.isdigit()]
    return int(parts[0]) if parts else 0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PgServer:
    """A running server. ``url`` is a SQLAlchemy URL of its ``postgres`` database."""

    bindir: Path
    root: Path
    port: int
    run_as: str | None
    stopped: bool = field(default=False)

    @property
    def socket_dir(self) -> Path:
        return self.root

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def url_for(self, dbname: str) -> str:
        return (
            f"postgresql+psycopg://{SERVER_USER}@/{dbname}?host={self.socket_dir}&port={self.port}"
        )

    def conninfo(self, dbname: str = "postgres") -> str:
        """A libpq conninfo string for the raw driver (psycopg)."""
        return f"host={self.socket_dir} port={self.port} user={SERVER_USER} dbname={dbname}"

    @property
    def url(self) -> str:
        return self.url_for("postgres")

    def create_database(self, template: str | None = None) -> str:
        """A new database (empty, or a copy of ``template``); returns its URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:16]
        tmpl = f' TEMPLATE "{template}"' if template else ""
        with psycopg.connect(self.conninfo(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"{tmpl}')
        return self.url_for(name)

    def drop_database(self, url: str) -> None:
        import psycopg

        name = url.split("@/", 1)[1].split("?", 1)[0]
        with psycopg.connect(self.conninfo(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def restart(self) -> None:
        """Restart with the same options (after ``ALTER SYSTEM`` of a setting that needs it,
        such as ``shared_preload_libraries``)."""
        _run(self.run_as, self._pg_ctl("restart"), timeout=90)
        _wait_ready(self)

    def _pg_ctl(self, action: str) -> list[str]:
        return [
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data_dir),
            "-l",
            str(self.root / "server.log"),
            "-o",
            _options(self),
            "-w",
            "-t",
            "60",
            action,
        ]

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its folder. Safe to call twice."""
        if self.stopped:
            return
        self.stopped = True
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            _run(
                self.run_as,
                [str(self.bindir / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"],
                timeout=60,
            )
        shutil.rmtree(self.root, ignore_errors=True)


def _run(run_as: str | None, argv: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    if run_as:
        argv = ["runuser", "-u", run_as, "--", *argv]
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=True)


def _options(server: PgServer) -> str:
    return (
        f"-p {server.port} -k {server.root} -c listen_addresses='' -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )


def start_postgres() -> PgServer:
    """Start a throwaway server; raise :class:`PostgresUnavailable` saying why it can't."""
    bindir = find_bindir()
    if bindir is None:
        raise PostgresUnavailable(
            "PostgreSQL server binaries (initdb) not found; install the `postgresql` package"
        )
    run_as = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError as exc:
            raise PostgresUnavailable("running as root but there is no `postgres` user") from exc
        run_as = SERVER_USER
    root = Path(tempfile.mkdtemp(prefix="counter-pg-"))
    if run_as:
        entry = pwd.getpwnam(run_as)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    server = PgServer(bindir=bindir, root=root, port=_free_port(), run_as=run_as)
    try:
        _run(
            run_as,
            [
                str(bindir / "initdb"),
                "-D",
                str(server.data_dir),
                "-U",
                SERVER_USER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
            timeout=120,
        )
        _run(run_as, server._pg_ctl("start"), timeout=90)
        _wait_ready(server)
    except (subprocess.SubprocessError, OSError, PostgresUnavailable) as exc:
        log = _tail(root / "server.log")
        detail = getattr(exc, "stderr", "") or str(exc)
        server.stop()
        raise PostgresUnavailable(f"PostgreSQL did not start: {detail}\n{log}") from exc
    return server


def _wait_ready(server: PgServer, timeout: float = 30.0) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(server.conninfo(), connect_timeout=2):
                return
        except psycopg.OperationalError as exc:
            if time.monotonic() > deadline:
                raise PostgresUnavailable(f"server not accepting connections: {exc}") from exc
            time.sleep(0.1)


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
