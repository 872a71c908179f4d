"""Driver errors carry no personal data, and junk never reaches a table — on both back ends.

- every engine hides bound parameters, and PostgreSQL's own text that quotes a row's values
  (a unique violation's DETAIL, a data error's message) is cut before anyone can log it;
- the storage guard refuses, before a flush, any text the input policy refuses and any
  value longer than its column — SQLite stores both happily, PostgreSQL refuses NUL and
  over-long values with a DataError: the guard makes the two back ends behave the same;
- driver errors caused by input come out of a unit of work as typed errors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy import exc as sa_exc

from counter_app import db
from counter_app.models import Holder, Office
from counter_app.services.db_errors import InvalidInput
from counter_app.services.uow import UnitOfWork
from counter_app.validation.text_policy import TextRefused

SSN = "500103198001010012"


@pytest.fixture
def engine(migrated_url: str) -> Iterator[Engine]:
    engine = db.create_engine_for(migrated_url)
    yield engine
    engine.dispose()


def holder(ssn: str = SSN, **changes: object) -> Holder:
    values: dict[str, object] = dict(
        ssn=ssn,
        name="王建国",
        gender="1",
        ethnicity="01",
        birth_date=dt.date(1980, 1, 1),
        birthplace="500103",
        household_district="500103",
        status="employed",
    )
    values.update(changes)
    return Holder(**values)


def test_engines_hide_parameters(engine: Engine) -> None:
    assert engine.hide_parameters


def test_a_unique_violation_does_not_quote_the_id_number(engine: Engine) -> None:
    factory = db.session_factory(engine)
    with factory() as s:
        s.add(holder())
        s.commit()
    with factory() as s, pytest.raises(sa_exc.IntegrityError) as info:
        s.add(holder(name="重复"))
        s.commit()
    assert SSN not in str(info.value)
    assert SSN not in str(info.value.orig)
    assert "王建国" not in str(info.value) and "重复" not in str(info.value)


def test_a_data_error_does_not_quote_the_value(engine: Engine, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite converts types without complaint")
    with pytest.raises(sa_exc.DataError) as info, engine.connect() as conn:
        conn.execute(text("SELECT CAST(:v AS integer)"), {"v": f"x{SSN}"})
    assert SSN not in str(info.value)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "王\x00建国"),
        ("name", "王\u202e建国"),
        ("address", "测试路\u200b1号"),
        ("name", "王\ud800"),
        ("address", "地" * 201),
        ("phone", "1" * 21),
    ],
)
def test_the_storage_guard_refuses_junk_on_both_back_ends(
    engine: Engine, field: str, value: str
) -> None:
    factory = db.session_factory(engine)
    with factory() as s, pytest.raises(TextRefused) as info:
        s.add(holder(**{field: value}))
        s.flush()
    assert info.value.field == f"holders.{field}"
    assert value not in str(info.value)
    label = {"name": "「姓名」", "address": "「地址」", "phone": "「联系电话」"}[field]
    assert label in str(info.value)
    with factory() as s:
        assert s.scalars(select(Holder)).all() == []


def test_the_storage_guard_looks_inside_json(engine: Engine) -> None:
    from counter_app.models.form_content import FormContent

    factory = db.session_factory(engine)
    with factory() as s, pytest.raises(TextRefused):
        s.add(FormContent(form_document_id=1, data={"lost_place": "解放碑\u202e"}))
        s.flush()


def test_the_storage_guard_lets_ordinary_text_through(engine: Engine) -> None:
    factory = db.session_factory(engine)
    with factory() as s:
        s.add(holder(address="重庆市渝中区解放碑步行街8号\n2单元", name="阿依古丽·买买提"))
        s.add(
            Office(
                code="500199-YB",
                name="O'Brien & 测试；DROP TABLE",
                kind="district_subcenter",
                district_code="500103",
            )
        )
        s.commit()
    with factory() as s:
        assert s.scalars(select(Holder.address)).one() == "重庆市渝中区解放碑步行街8号\n2单元"


@pytest.mark.parametrize(
    ("value", "refused_on"),
    [
        ("\x00" + SSN, {"postgresql"}),  # SQLite compares a NUL-bearing string without complaint
        (SSN + "\udc80", {"sqlite", "postgresql"}),
    ],
)
def test_a_query_with_nul_or_a_lone_surrogate_is_a_typed_error(
    engine: Engine, backend: str, value: str, refused_on: set[str]
) -> None:
    # A look-up that never flushes: PostgreSQL refuses NUL (DataError), both drivers refuse
    # a lone surrogate (UnicodeEncodeError); the unit of work maps both (db_errors.py).
    uow = UnitOfWork(db.session_factory(engine))
    if backend not in refused_on:
        with uow:
            assert uow.session.execute(select(Holder.id).where(Holder.ssn == value)).all() == []
        return
    with pytest.raises(InvalidInput) as info, uow:
        uow.session.execute(select(Holder.id).where(Holder.ssn == value)).all()
    assert "字符" in str(info.value) and info.value.__cause__ is None
