"""``scripts/load --via-server``: counter-server processes and the workstations' remote phase.

:func:`start_servers` makes a throwaway PKI (CA, server certificate, one client certificate
per workstation), a shared session-token secret, and forks one or two ``counter-server``
processes (``counter_app.server.runner.serve``, what ``counter-server run`` calls) over the
same throwaway PostgreSQL, each on its own port with mutual TLS.

:func:`remote_phase` is the third phase of a worker (after the in-process mix and the
raw-driver baseline): the workstation logs in through ``RemoteServices`` (HTTPS + client
certificate, the session token) and runs the part of the mix that works remotely today —
``session`` (ID check), ``view`` (one category), ``search`` (by ID number),
``written_loss`` and ``session_end``. Card operations (``pin_change``, ``lift``, a session
opened by the card) need the card on the counter and the keys on the server and are not
remote yet (``NotAvailableRemotely``); the full overview of every tab is not in the remote
interface either. Their rows carry no remote figure.
"""

from __future__ import annotations

import multiprocessing as mp
import secrets
import socket
import time
from pathlib import Path
from typing import Any

#: Actions the remote phase runs; the others are named with the reason in the output.
REMOTE_ACTIONS = ("session", "view", "search", "written_loss", "session_end")
NOT_REMOTE = {
    "pin_change": "card operation: not remote yet",
    "lift": "card operation: not remote yet",
    "overview": "full overview: not in the remote interface",
}


def remote_workstation(wid: int) -> str:
    return f"LOAD-R-{wid:03d}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(config: Any) -> None:
    from counter_app.server.runner import serve

    serve(config)


def start_servers(
    url: str, folder: Path, plan: dict[str, Any], count: int
) -> tuple[list[str], Path, list[Any]]:
    """(base URLs, PKI directory, processes) of ``count`` running counter-server processes."""
    from counter_app.server.config import ServerConfig
    from counter_app.server.pki import Pki
    from counter_app.settings import Settings

    pki = Pki(folder / "pki")
    pki.init(("localhost", "127.0.0.1"))
    for wid, worker in enumerate(plan["workers"]):
        pki.issue_workstation(remote_workstation(wid), worker["office"])
    secret = secrets.token_bytes(32)
    settings = Settings(
        mode="test",
        db_url=url,
        office_code=plan["workers"][0]["office"],
        workstation_id="SERVER",
        four_eyes=False,
    )
    context = mp.get_context("fork")
    urls, procs = [], []
    for _ in range(count):
        port = _free_port()
        config = ServerConfig(
            settings=settings, pki_dir=pki.root, token_secret=secret, port=port, pool_size=20
        )
        proc = context.Process(target=_serve, args=(config,), daemon=True)
        proc.start()
        procs.append(proc)
        urls.append(f"https://127.0.0.1:{port}")
    for base in urls:
        port = int(base.rsplit(":", 1)[1])
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"counter-server on {base} did not start") from None
                time.sleep(0.1)
    return urls, pki.root, procs


def stop_servers(procs: list[Any]) -> None:
    for proc in procs:
        if proc.is_alive():
            proc.terminate()
        proc.join(timeout=10)


def remote_phase(
    cfg: dict[str, Any], barrier: Any, held: list[Any], doc: Any, rng: Any, key: Any
) -> dict[str, Any]:
    """Log in through a server, then run the remote mix between two barrier waits."""
    from collections import Counter

    from load_seed import LOAD_PASSWORD

    from counter_app.remote.client import RemoteServices
    from counter_app.remote.transport import ServerConnection
    from counter_app.server.pki import Pki
    from counter_app.services import written_reports
    from counter_app.services.records import Category

    remote = cfg["remote"]
    wid = cfg["wid"]
    workstation = remote_workstation(wid)
    pki = Pki(Path(remote["pki"]))
    base = remote["urls"][wid % len(remote["urls"])]
    connection = ServerConnection(
        base, pki.workstation_cert(workstation), pki.workstation_key(workstation), pki.ca_cert
    )
    services = RemoteServices(connection)
    actor = services.login(cfg["plan"]["staff_no"], LOAD_PASSWORD).actor
    lat: dict[str, list[float]] = {}
    errors: Counter[str] = Counter()

    def timed(name: str, fn: Any) -> Any:
        start = time.perf_counter()
        try:
            result = fn()
        except Exception as error:
            errors[f"{name}: {type(error).__name__}"] += 1
            raise
        lat.setdefault(name, []).append((time.perf_counter() - start) * 1000)
        return result

    def visit(h: Any) -> None:
        s = timed(
            "session", lambda: services.open_id_session(actor, h.info["holder_id"], doc(h), "查询")
        )
        try:
            for _ in range(2):
                which = rng.choice(list(Category))
                timed("view", lambda which=which: services.category(actor, s, which))
            timed("search", lambda: services.find_holders(actor, h.info["ssn"]))
        finally:
            timed("session_end", lambda: services.end_session(actor, s))

    def written(h: Any) -> None:
        import datetime as dt

        details = written_reports.WrittenLossInput(
            "13883251234", dt.date.today() - dt.timedelta(days=1), "解放碑", "乘车时遗失", doc(h)
        )
        timed(
            "written_loss",
            lambda: services.register_written_loss(
                actor, h.info["holder_id"], details, key("rloss")
            ),
        )
        h.state = "lost"

    def one_visit() -> None:
        h = rng.choice(held)
        ops = [(visit, 80), (written, 20)] if h.state == "active" else [(visit, 100)]
        fns, weights = zip(*ops, strict=True)
        try:
            rng.choices(fns, weights)[0](h)
        except Exception:  # counted by ``timed``
            pass

    one_visit()  # warm-up: TLS handshake, server caches
    lat.clear()
    errors.clear()
    barrier.wait(timeout=600)
    until = time.perf_counter() + cfg["seconds"]
    while time.perf_counter() < until:
        one_visit()
    barrier.wait(timeout=600)
    try:
        services.logout(actor)
    finally:
        connection.close()
    return {"latencies": lat, "errors": dict(errors)}
