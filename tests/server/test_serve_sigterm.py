"""``kill`` (SIGTERM: systemd, a balancer's drain, scripts/city) stops a counter-server the
way Ctrl-C does: its database pool is released and the stop is logged, and the process ends
as stopped on request (exit status 0).

uvicorn stops gracefully on SIGTERM and then raises the signal again with the handler it
found; the default one killed the process there, before ``serve``'s ``finally`` ran — in a
city trial the killed server wrote nothing after its start.

A child process runs ``runner.serve`` with a real uvicorn server (a bare ASGI app on a free
port, the parts replaced); once uvicorn has started, the child sends itself SIGTERM.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import logging, os, signal, threading
    from types import SimpleNamespace
    import uvicorn
    from counter_app.server import runner

    logging.basicConfig(level=logging.INFO, format="%(name)s %(message)s")

    async def app(scope, receive, send):
        pass

    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="warning")
    )

    def stop_once_started():
        threading.Event().wait(0.05)
        while not server.started:
            threading.Event().wait(0.05)
        os.kill(os.getpid(), signal.SIGTERM)

    runner.build_parts = lambda _c: ("parts", lambda: print("pool released", flush=True))
    runner.build_server = lambda _c, _p: server
    threading.Thread(target=stop_once_started, daemon=True).start()
    runner.serve(SimpleNamespace(host="127.0.0.1", port=0))
    print("serve returned", flush=True)
    """
)


def test_sigterm_releases_the_pool_and_logs_the_stop() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,  # a hang guard only: the child stops as soon as uvicorn has started
    )
    assert "pool released" in done.stdout, done.stderr
    assert "counter_server counter-server stopped" in done.stderr
    assert "serve returned" in done.stdout
    assert done.returncode == 0, (done.returncode, done.stderr)
