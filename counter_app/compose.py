"""The composition root: settings → engine → ``ServiceContext`` (key provider, clock) → card
client, built once and handed to whoever runs the use cases (docs/ARCHITECTURE.md "The
composition root").

The GUI (``counter_app.ui.app.build_workstation``) and every ``counter-admin`` command call
:func:`compose`; nothing else builds an engine, a key provider or a card client for the
application. Importing this module does no work: everything is built when :func:`compose`
is called, and released by :meth:`Composition.close` (or leaving its ``with`` block).

Qt-free: the GUI adds its windows, reader thread and printer on top of a :class:`Composition`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType

from sqlalchemy.engine import Engine

from counter_app.services.context import ServiceContext, utcnow
from counter_app.services.uow import SessionFactory
from counter_app.settings import Settings, load_settings
from reader.client import SocialSecurityCardClient
from reader.keys import KeyProvider
from reader.transport import Transport

log = logging.getLogger(__name__)


@dataclass
class Composition:
    """The collaborators of one running workstation or command, built once."""

    settings: Settings
    #: The service layer's collaborators (sessions, settings, key provider, clock).
    ctx: ServiceContext
    #: The database engine (None when the caller passed its own session factory).
    engine: Engine | None = None
    #: Why no card key provider could be built (None when there is one, or none is needed).
    key_problem: str | None = None
    closers: list[Callable[[], None]] = field(default_factory=list)

    @property
    def key_provider(self) -> KeyProvider | None:
        return self.ctx.key_provider

    def card_client(self, transport: Transport) -> SocialSecurityCardClient:
        """A card client on ``transport`` computing MACs with this workstation's keys
        (CARD.md "MAC"); without a key provider only unkeyed commands succeed."""
        return SocialSecurityCardClient(transport, self.ctx.key_provider)

    def close(self) -> None:
        """Release what :func:`compose` opened (the engine's pool), last built first."""
        for closer in reversed(self.closers):
            try:
                closer()
            except Exception:  # shutting down: log and go on
                log.exception("shutdown step failed")
        self.closers.clear()

    def __enter__(self) -> Composition:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def settings_from(path: str | Path | None, **overrides: object) -> Settings:
    """The settings file at ``path`` (``--settings``), or the default one when None."""
    return load_settings(Path(path) if path else None, **overrides)


def compose(
    settings: Settings,
    *,
    database_url: str | None = None,
    session_factory: SessionFactory | None = None,
    key_provider: KeyProvider | None = None,
    load_keys: bool = True,
    clock: Callable[[], datetime] = utcnow,
    pool_size: int | None = None,
) -> Composition:
    """Build the collaborators for ``settings``.

    ``database_url`` overrides the settings' database (``--db``); ``session_factory``
    replaces the database entirely (tests, or a remote workstation with no database).
    ``key_provider`` is used as given; otherwise, with ``load_keys``, it is loaded from
    ``settings.key_source`` — a key source that cannot be loaded is not fatal here (the
    keyed card actions refuse with a Chinese message), and is kept in ``key_problem``.
    ``pool_size`` sizes a PostgreSQL connection pool (the server: one per worker thread).
    """
    closers: list[Callable[[], None]] = []
    engine: Engine | None = None
    if session_factory is None:
        from counter_app import db

        url = database_url or settings.database_url()
        pool: dict[str, int] = {}
        if pool_size is not None and not url.startswith("sqlite"):
            pool = {"pool_size": pool_size, "max_overflow": pool_size}
        engine = db.create_engine_for(url, lock_timeout_ms=settings.lock_timeout_ms, **pool)
        closers.append(engine.dispose)
        session_factory = db.session_factory(engine)
    key_problem: str | None = None
    if key_provider is None and load_keys:
        key_provider, key_problem = _load_key_provider(settings)
    ctx = ServiceContext(
        session_factory=session_factory, settings=settings, key_provider=key_provider, clock=clock
    )
    return Composition(settings, ctx, engine, key_problem, closers)


def _load_key_provider(settings: Settings) -> tuple[KeyProvider | None, str | None]:
    from reader.errors import KeySourceError
    from reader.keys import load_key_provider

    try:
        return load_key_provider(settings.key_source, settings.mode), None
    except KeySourceError as error:  # shown when a keyed action is tried
        log.warning("no card key provider: %s", error)
        return None, str(error)
