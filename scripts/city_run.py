"""Start a local city (see scripts/city): PostgreSQL + counter-server + one workstation.

1. a throwaway PostgreSQL (tests/pgserver.py), a database migrated to head and filled with
   the demo city, a login role ``IN ROLE counter_server`` for the server;
2. a PKI (CA, server certificate, one workstation certificate ``WS-CITY-01`` naming its
   office — the 渝中区医疗保险分中心 unless ``--office`` says another — and its settings
   file: no database URL, no card key in it);
3. ``counter-server run`` as a separate process, with the test card keys (demo mode);
4. ``counter-app --demo --demo-cards <file> --settings <workstation file>`` (skipped with
   ``--no-gui``: then it waits until Ctrl-C, printing how to reach the server). The demo
   cards file (``counter_app.demo.cards_file``: the fixed demo holders' card and ID card
   profiles, read here from the demo database) gives the workstation its 演示卡 and 演示身份证
   panels; the workstation still has no database and no card key.

Demo logins as in the README, of the workstation's office: the server refuses a clerk of
another office (e.g. YB500103-01 / Yibao#2024 at the default; ``--office 500000-KZX`` for
the card center's KZX500000-01). Card operations get their MACs from the server
(docs/ARCHITECTURE.md).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from counter_app.demo import ensure_demo_database
from counter_app.demo.accounts import DEMO_ACCOUNTS
from counter_app.remote.workstation_file import workstation_settings_text
from counter_app.server.pki import Pki
from counter_app.server.runner import SHUTDOWN_GRACE_SECONDS
from tests.pgserver import start_postgres

WORKSTATION = "WS-CITY-01"
OFFICE = "500103-YB"
#: Beyond the server's shutdown bound: the end of its event loop, the pool's release.
STOP_MARGIN_SECONDS = 10


def _wait_healthy(url: str, pki: Pki, process: subprocess.Popen[bytes]) -> None:
    import httpx

    from counter_app.remote.transport import client_ssl_context

    context = client_ssl_context(
        pki.workstation_cert(WORKSTATION), pki.workstation_key(WORKSTATION), pki.ca_cert
    )
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit("counter-server 启动失败（见上方日志）")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(url + "/health", verify=context, timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise SystemExit("counter-server 未能在 60 秒内就绪")


def _write_demo_cards(owner_url: str, path: Path) -> None:
    """The demo cards of the workstation (it cannot read them: it has no database)."""
    import datetime as dt

    from counter_app.db import create_engine_for
    from counter_app.demo.cards_file import write_demo_cards_file
    from counter_app.services.idcheck import shanghai_today

    engine = create_engine_for(owner_url)
    try:
        count = write_demo_cards_file(engine, path, shanghai_today(dt.datetime.now(dt.UTC)))
    finally:
        engine.dispose()
    print(f"演示卡: {count} 张（{path}）")


def _stop_server(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then as long as the server may take to stop (its bound for a request in
    flight, ``SHUTDOWN_GRACE_SECONDS``, and the release of its pool); a server still
    running then is killed — the database is removed next, never under a running server."""
    server.terminate()
    try:
        server.wait(timeout=SHUTDOWN_GRACE_SECONDS + STOP_MARGIN_SECONDS)
    except subprocess.TimeoutExpired:
        print("counter-server 未在限时内停止，已强制结束")
        server.kill()
        server.wait()


def main() -> int:
    parser = argparse.ArgumentParser(
        description="本机城市部署试用：PostgreSQL + counter-server + 工作站"
    )
    parser.add_argument("--holders", type=int, default=200)
    parser.add_argument("--port", type=int, default=8443)
    parser.add_argument("--no-gui", action="store_true")
    parser.add_argument(
        "--office",
        default=OFFICE,
        help="the office the workstation's certificate names (its clerks log in there)",
    )
    args = parser.parse_args()
    # ``kill`` (SIGTERM) cleans up as Ctrl-C does: the server and PostgreSQL stop with it.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    root = Path(tempfile.mkdtemp(prefix="counter-city-"))
    print(f"城市目录: {root}")
    pg = start_postgres()
    server: subprocess.Popen[bytes] | None = None
    try:
        owner_url = pg.create_database()
        print("正在建库并生成演示数据…")
        ensure_demo_database(owner_url, holders=args.holders)
        demo_cards = root / "demo-cards.json"
        _write_demo_cards(owner_url, demo_cards)
        import psycopg
        from sqlalchemy import make_url

        role = "counter_srv_" + uuid.uuid4().hex[:8]
        with psycopg.connect(pg.conninfo(), autocommit=True) as conn:
            conn.execute(f"CREATE ROLE {role} LOGIN IN ROLE counter_server")
        server_db = make_url(owner_url).set(username=role).render_as_string(hide_password=False)

        pki = Pki(root / "pki")
        pki.init(("localhost", "127.0.0.1"))
        crt, key = pki.issue_workstation(WORKSTATION, args.office)
        url = f"https://127.0.0.1:{args.port}"
        ws_settings = root / "workstation.toml"
        ws_text = workstation_settings_text(
            workstation_id=WORKSTATION,
            office_code=args.office,
            server_url=url,
            client_cert=str(crt),
            client_key=str(key),
            server_ca=str(pki.ca_cert),
        ).replace('reader_name = ""', 'reader_name = "emulator"')
        ws_settings.write_text(ws_text, encoding="utf-8")
        (root / "token.secret").write_text(secrets.token_hex(32) + "\n", encoding="ascii")
        (root / "server.toml").write_text(
            f'mode = "demo"\ndb_url = "{server_db}"\nkey_source = "test"\n'
            f'office_code = "{OFFICE}"\nworkstation_id = "SERVER"\n\n'
            f'[server]\nhost = "127.0.0.1"\nport = {args.port}\npki_dir = "pki"\n'
            'token_secret_file = "token.secret"\n',
            encoding="utf-8",
        )
        bin_dir = Path(sys.executable).parent
        server = subprocess.Popen(
            [str(bin_dir / "counter-server"), "run", "--config", str(root / "server.toml")]
        )
        _wait_healthy(url, pki, server)
        print(f"counter-server 已就绪: {url}（双向 TLS）")
        print(f"工作站设置: {ws_settings}（不含数据库密码和卡片密钥）")
        mine = [a for a in DEMO_ACCOUNTS if a.office_code == args.office]
        shown = "，".join(f"{a.staff_no} / {a.password}（{a.name}）" for a in mine)
        print(f"本工作站的演示账号（{args.office}）: {shown or '见 README 的演示账号规则'}")
        if args.no_gui:
            print("按 Ctrl-C 停止。")
            with contextlib.suppress(KeyboardInterrupt):
                server.wait()
            return 0
        env = {**os.environ, "COUNTER_SETTINGS": str(ws_settings)}
        env.pop("COUNTER_DB_URL", None)
        app = [str(bin_dir / "counter-app"), "--demo", "--demo-cards", str(demo_cards)]
        return subprocess.call([*app, "--settings", str(ws_settings)], env=env)
    finally:
        if server is not None and server.poll() is None:
            _stop_server(server)
        pg.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
