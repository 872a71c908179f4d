"""The demo's issued forms keep their content as a counter keeps it (RULES L3: the form's
serial is kept; L4: staff may reprint the existing report's form, marked as a copy), so
补打 works on the demo's written reports: every 挂失登记表 and 补卡申请表 the demo seeds has its
``form_contents`` row, which ``form_data.form_from_json`` reads back into the form naming
the report's serial, holder, card, office and staff — never a PIN, and nothing the
database's stored-text check would refuse."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, aliased

from counter_app import db
from counter_app.demo import FIXED_HOLDERS, fill_demo
from counter_app.models import (
    Card,
    FormContent,
    FormDocument,
    Holder,
    LossReport,
    Office,
    ReplacementApplication,
    Staff,
)
from counter_app.services.form_data import form_from_json
from counter_app.services.registered_forms import KIND_LOSS, KIND_REPLACEMENT, STORED_KINDS
from counter_app.validation.text_policy import storage_forbidden
from forms import data as fd
from tests.conftest import BACKENDS

AS_OF = dt.date(2025, 6, 15)
HOLDERS = 500
SEED = 23


@dataclass
class Demo:
    engine: Engine
    profiles: Path

    def session(self) -> Session:
        return Session(self.engine)


def _fill(url: str, seed: int, holders: int, profiles: Path | None = None) -> Engine:
    db.upgrade(url)
    engine = db.create_engine_for(url)
    fill_demo(engine, holders=holders, seed=seed, as_of=AS_OF, profiles_dir=profiles)
    return engine


@pytest.fixture(scope="module", params=BACKENDS)
def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("demo-forms")
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'demo.sqlite3'}"
    else:
        url = request.getfixturevalue("pg_server").create_database()
    engine = _fill(url, SEED, HOLDERS, folder / "profiles")
    yield Demo(engine, folder / "profiles")
    engine.dispose()


def _as_utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _strings(value: Any) -> Iterator[str]:
    """Every key and string value of stored JSON."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_L3_L4_every_seeded_written_report_keeps_its_loss_form(demo: Demo) -> None:
    handler = aliased(Staff)
    with demo.session() as s:
        rows = s.execute(
            select(LossReport, Holder, Card, Office, handler, FormContent.data)
            .join(Holder, Holder.id == LossReport.holder_id)
            .join(Card, Card.id == LossReport.card_id)
            .join(Office, Office.id == LossReport.office_id)
            .join(handler, handler.id == LossReport.staff_id)
            .join(FormDocument, FormDocument.serial == LossReport.form_serial)
            .outerjoin(FormContent, FormContent.form_document_id == FormDocument.id)
            .where(LossReport.kind == "written")
            .order_by(LossReport.id)
        ).all()
    assert rows  # the demo seeds written reports …
    names = {holder.name for _, holder, *_ in rows}
    assert {"陈明", "黄敏", "杨丽"} <= names  # … the documented fixed ones among them
    for report, holder, card, office, staff, data in rows:
        assert data is not None, f"no form content for {report.form_serial}"
        form = form_from_json(data)
        assert isinstance(form, fd.LossForm)
        assert form.header.serial == report.form_serial
        assert (form.holder.name, form.holder.id_number) == (holder.name, holder.ssn)
        assert form.holder.phone == holder.phone and form.holder.address == holder.address
        assert form.card_number == card.card_number
        assert (form.id_document.kind, form.id_document.number) == ("居民身份证", holder.ssn)
        assert form.id_document.number == report.id_doc_number
        assert form.id_document.check.startswith(("芯片核验", "人工录入（"))
        assert (form.header.office.code, form.header.office.name) == (office.code, office.name)
        assert form.header.handler == fd.Staff(staff.name, staff.staff_no)
        assert report.confirmed_at is not None
        assert form.header.issued_at == _as_utc(report.confirmed_at)
        reported_on = fd.local_time(form.header.issued_at).date()
        assert reported_on - dt.timedelta(days=7) <= form.lost_on <= reported_on
        assert form.lost_place and form.circumstances
        # The demo's written reports are their own rows: none confirmed a 12333 report.
        assert report.channel == "counter" and form.phone_report is None


def test_L4_every_reprintable_seeded_form_has_its_content(demo: Demo) -> None:
    """Every form document of a kind a reprint can draw has content; a 补卡申请表 names the
    written report it follows, as ``replacement.apply_replacement`` fills it."""
    with demo.session() as s:
        documents = s.execute(
            select(FormDocument.kind, FormContent.data).outerjoin(
                FormContent, FormContent.form_document_id == FormDocument.id
            )
        ).all()
        replacements = s.execute(
            select(
                ReplacementApplication, LossReport.form_serial, Card.card_number, FormContent.data
            )
            .join(LossReport, LossReport.id == ReplacementApplication.loss_report_id)
            .join(Card, Card.id == ReplacementApplication.old_card_id)
            .join(FormDocument, FormDocument.serial == ReplacementApplication.form_serial)
            .join(FormContent, FormContent.form_document_id == FormDocument.id)
        ).all()
    assert {kind for kind, _ in documents} == {KIND_LOSS, KIND_REPLACEMENT}
    for kind, data in documents:
        assert kind in STORED_KINDS.values()
        assert data is not None, kind
    assert replacements
    for app, loss_serial, card_number, data in replacements:
        form = form_from_json(data)
        assert isinstance(form, fd.ReplacementForm)
        assert form.header.serial == app.form_serial
        assert form.old_card_number == card_number and form.reason == "遗失"
        assert form.loss_report is not None and form.loss_report.serial == loss_serial


def test_demo_form_contents_pass_the_stored_text_check_and_carry_no_pin(demo: Demo) -> None:
    """Forms never carry a PIN (forms/data.py): no field is one, and no value is the chip
    PIN of the form's card; every key and value is text the database may store."""
    pins = {
        profile["card_number"]: profile["pin"]
        for profile in (json.loads(p.read_text()) for p in demo.profiles.glob("*.json"))
    }
    with demo.session() as s:
        rows = s.execute(
            select(FormContent.data, Card.card_number)
            .join(FormDocument, FormDocument.id == FormContent.form_document_id)
            .join(Card, Card.id == FormDocument.card_id)
        ).all()
    assert rows
    for data, card_number in rows:
        texts = list(_strings(data))
        assert all(storage_forbidden(text) is None for text in texts)
        assert not any("pin" in key.lower() or "password" in key.lower() for key in data)
        assert pins[card_number] not in texts


def test_the_fixed_holders_forms_are_the_same_for_every_seed(demo: Demo, tmp_path: Path) -> None:
    """陈明's and 黄敏's forms (the documented holders) do not depend on ``--seed`` or
    ``--holders``: serial, office, clerk, card and what was declared. (Their phone and
    address are their ``holders`` row's, checked above, which may differ.)"""
    other = _fill(f"sqlite:///{tmp_path / 'other.sqlite3'}", SEED + 1, 40)
    fixed = (
        select(FormContent.data)
        .join(FormDocument, FormDocument.id == FormContent.form_document_id)
        .where(FormDocument.holder_id <= len(FIXED_HOLDERS))
        .order_by(FormDocument.id)
    )

    def forms(engine: Engine) -> list[Any]:
        with Session(engine) as s:
            return [
                dataclasses.replace(
                    form, holder=dataclasses.replace(form.holder, phone="", address="")
                )
                for form in map(form_from_json, s.scalars(fixed))
            ]

    try:
        theirs = forms(other)
    finally:
        other.dispose()
    ours = forms(demo.engine)
    assert [form.holder.name for form in ours] == ["陈明", "杨丽", "杨丽", "黄敏"]
    assert [type(form) for form in ours] == [
        fd.LossForm,
        fd.LossForm,
        fd.ReplacementForm,
        fd.LossForm,
    ]
    assert theirs == ours
