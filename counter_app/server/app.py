"""The FastAPI application of ``counter-server``.

Endpoints (all behind mutual TLS; ``tls.PeerCertProtocol`` hands each request the verified
client certificate):

- ``POST /v1/login`` ``{"staff_no", "password"}`` → ``{"result": LoginResult, "token"}``;
  the workstation id is the certificate's, lockout is counted in the database.
- ``POST /v1/call/<method>`` with ``Authorization: Bearer <token>`` → ``{"result": …}``.
- ``POST /v1/keys/mac`` → a MAC for an operation the server's rules allowed (``keys.py``).
- ``GET /health`` → ``{"ok": true}`` once the database answers (for the balancer), else
  HTTP 503 ``{"ok": false}`` (no traceback; one log line when it starts and ends).

Every request but ``/health`` carries the workstation's interface version
(``protocol.WIRE_VERSION_HEADER``); a different one is refused before anything else runs
(``WireVersionMismatch``, HTTP 409), and the server log names the workstation to update.

The app holds no per-client state: any number of server processes with the same
configuration (token secret, PKI, database) can stand behind one balancer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool

from counter_app.api.inprocess import InProcessServices
from counter_app.remote.codec import encode
from counter_app.remote.protocol import (
    CALL_PATH,
    HEALTH_PATH,
    KEYS_PATH,
    LOGIN_PATH,
    RENEWED_TOKEN_HEADER,
    WIRE_VERSION,
    WIRE_VERSION_HEADER,
    Refusal,
    ServerFault,
    WireVersionMismatch,
    error_envelope,
    status_for,
)
from counter_app.server.auth import Authenticator
from counter_app.server.keys import KeyService, mac_action
from counter_app.server.preflight import database_refusal, database_target
from counter_app.server.rpc import Dispatcher, run_call
from counter_app.server.tls import PEER_CERT_KEY
from counter_app.services import staff_login
from counter_app.services.errors import ServiceError
from counter_app.services.refusals import record_refusal
from counter_app.validation.errors import ValidationError

log = logging.getLogger("counter_server")


@dataclass
class ServerParts:
    """Everything a request needs, built once by the composition root (``runner.py``)."""

    services: InProcessServices
    auth: Authenticator
    keys: KeyService


def _peer(request: Request) -> bytes | None:
    der = getattr(request.state, PEER_CERT_KEY, None)
    return der if isinstance(der, bytes) else None


def _refusal(error: Refusal) -> JSONResponse:
    return JSONResponse(error_envelope(error), status_code=status_for(error))


async def _json(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        return None


def create_app(parts: ServerParts) -> FastAPI:
    app = FastAPI(title="counter-server", docs_url=None, redoc_url=None, openapi_url=None)
    dispatcher = Dispatcher(parts.services, parts.keys)
    ctx = parts.services.ctx

    @app.middleware("http")
    async def same_wire_version(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        sent = request.headers.get(WIRE_VERSION_HEADER)
        if request.url.path == HEALTH_PATH or sent == str(WIRE_VERSION):
            return await call_next(request)
        refused = WireVersionMismatch(sent)
        try:
            workstation = parts.auth.workstation(_peer(request)).workstation_id
        except ServiceError:
            workstation = "?"
        log.warning(
            "refused workstation %s: it speaks another interface version (ours %s): %s",
            workstation,
            WIRE_VERSION,
            refused.args[0],
        )
        return _refusal(refused)

    database_answered = [True]  # the last probe's finding: logged when it changes only

    @app.get(HEALTH_PATH)
    def health() -> JSONResponse:
        """200 ``{"ok": true}``, or 503 ``{"ok": false}`` while the database does not
        answer — one log line when that starts and one when it ends, not one per probe."""
        try:
            with ctx.read_uow() as uow:
                uow.session.execute(text("SELECT 1"))
        except Exception as error:
            if database_answered[0]:
                target = database_target(ctx.settings.database_url())
                log.error("health: %s; /health answers 503", database_refusal(error, target))
            database_answered[0] = False
            return JSONResponse({"ok": False, "database": False}, status_code=503)
        if not database_answered[0]:
            log.info("health: the database answers again; /health answers 200")
        database_answered[0] = True
        return JSONResponse({"ok": True})

    @app.post(LOGIN_PATH)
    def login(request: Request, body: dict[str, Any]) -> JSONResponse:
        try:
            identity = parts.auth.workstation(_peer(request))
            result = staff_login.login(
                ctx,
                str(body.get("staff_no", "")),
                str(body.get("password", "")),
                identity.workstation_id,
                workstation_office=identity.office_code,
            )
            token = parts.auth.issue_token(identity, result.actor.staff_id, result.staff_session_id)
        except (ServiceError, ValidationError) as error:
            return _refusal(error)
        except Exception:
            log.exception("login failed unexpectedly")
            return _refusal(ServerFault())
        return JSONResponse({"result": encode(result), "token": token})

    @app.post(CALL_PATH)
    async def call(method: str, request: Request) -> JSONResponse:
        body = await _json(request)
        peer, authorization = _peer(request), request.headers.get("authorization")
        try:
            # The database work runs on the thread pool, never on the event loop.
            caller = await run_in_threadpool(parts.auth.caller, peer, authorization)
            result = await run_in_threadpool(run_call, dispatcher, caller, method, body)
        except (ServiceError, ValidationError) as error:
            return _refusal(error)
        except Exception:
            log.exception("authenticating a call to %s failed", method[:40])
            return _refusal(ServerFault())
        response = JSONResponse({"result": result})
        if parts.auth.signer.needs_renewal(caller.claims, time.time()):
            response.headers[RENEWED_TOKEN_HEADER] = parts.auth.issue_token(
                caller.workstation, caller.actor.staff_id, caller.claims.staff_session_id
            )
        return response

    @app.post(KEYS_PATH)
    def mac(request: Request, body: dict[str, Any]) -> JSONResponse:
        try:
            caller = parts.auth.caller(_peer(request), request.headers.get("authorization"))
        except (ServiceError, ValidationError) as error:
            return _refusal(error)
        except Exception:
            log.exception("key request failed")
            return _refusal(ServerFault())
        try:
            value = parts.keys.mac_for(caller, body)
        except ServiceError as error:  # a MAC refused to a known clerk: in the audit trail
            record_refusal(
                ctx, caller.actor, f"{mac_action(body)}.refused", error, details={"step": "mac"}
            )
            return _refusal(error)
        except Exception:
            log.exception("key request failed")
            return _refusal(ServerFault())
        return JSONResponse({"result": value})

    return app
