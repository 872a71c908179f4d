"""A city server for other test packages (the e2e clerk's day through ``counter-server``):
``remote_workstation(db_url, folder, **server_settings)`` starts ``counter-server`` (mutual
TLS, 127.0.0.1, a fresh PKI in ``folder``) over ``db_url`` and returns the settings of a
workstation against it — ``backend = "remote"``, no database URL, no card key — and the
function that stops the server."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from counter_app.remote.workstation_file import remote_settings
from counter_app.server.pki import Pki
from counter_app.settings import Settings

WORKSTATION = "WS-E2E-01"
OFFICE = "500103-YB"


def remote_workstation(
    db_url: str, folder: Path, office: str = OFFICE, **server_settings: Any
) -> tuple[Settings, Callable[[], None]]:
    """``office``: the office the workstation's certificate names (a clerk logs in only at
    a workstation of their own office)."""
    from tests.server.conftest import start_city

    pki = Pki(folder / "pki")
    pki.init(("localhost", "127.0.0.1"))
    crt, key = pki.issue_workstation(WORKSTATION, office)
    city = start_city(pki, db_url, **server_settings)
    settings = remote_settings(
        workstation_id=WORKSTATION,
        office_code=office,
        server_url=city.base_url,
        client_cert=str(crt),
        client_key=str(key),
        server_ca=str(pki.ca_cert),
    ).replace(reader_name="emulator")

    def stop() -> None:
        city.server.stop()
        city.release()  # type: ignore[attr-defined]

    return settings, stop


def office_of(db_url: str, staff_no: str) -> str:
    """The code of the office ``staff_no`` belongs to (the certificate a test needs)."""
    from sqlalchemy import select

    from counter_app import db
    from counter_app.models.office import Office, Staff

    engine = db.create_engine_for(db_url)
    try:
        with engine.connect() as conn:
            code = conn.scalar(
                select(Office.code)
                .join(Staff, Staff.office_id == Office.id)
                .where(Staff.staff_no == staff_no)
            )
    finally:
        engine.dispose()
    return str(code or OFFICE)
