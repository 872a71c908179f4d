"""The demo city: deterministic per seed, valid identities and cards,
cards in every state, the fixed well-known holders, and profiles that are valid cards
matching the database."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, select, text

from counter_app import db
from counter_app.cli.main import main
from counter_app.demo import DEMO_ACCOUNTS, FIXED_HOLDERS, ensure_demo_database, fill_demo
from counter_app.demo.generate import TABLES, DemoDataError
from counter_app.models import Base, Holder
from counter_app.validation.idnumber import parse_id_number
from counter_app.validation.regions import CHONGQING_DISTRICTS
from reader.cardnumber import card_number_is_valid
from reader.emulator.profile import validate_profile
from tests.conftest import BACKENDS

AS_OF = dt.date(2025, 6, 15)
HOLDERS = 600
SEED = 11
#: Columns holding argon2 hashes: salted, so different on every run by design.
SALTED = {"staff": "password_hash"}


@dataclass
class Demo:
    url: str
    engine: Engine
    profiles: Path
    backend: str

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]


@pytest.fixture(scope="module", params=BACKENDS)
def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Demo]:
    """One demo database per back end, shared by the read-only tests of this module."""
    folder = tmp_path_factory.mktemp("demo")
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'demo.sqlite3'}"
    else:
        url = request.getfixturevalue("pg_server").create_database()
    db.upgrade(url)
    engine = db.create_engine_for(url)
    fill_demo(engine, holders=HOLDERS, seed=SEED, as_of=AS_OF, profiles_dir=folder / "p")
    yield Demo(url, engine, folder / "p", request.param)
    engine.dispose()


def _digest(demo: Demo) -> dict[str, str]:
    """A digest of every demo table, read through the models' types (so the same rows
    compare equal on SQLite and PostgreSQL)."""
    out = {}
    with demo.engine.connect() as conn:
        for name in TABLES:
            table = Base.metadata.tables[name]
            cols = [table.c[c] for c in TABLES[name] if SALTED.get(name) != c]
            rows = conn.execute(select(*cols).order_by(*table.primary_key.columns)).all()
            out[name] = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()
    return out


@pytest.fixture(scope="module")
def refills(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Demo, Demo]]:
    """The same demo again (same seed) and one with another seed, both on SQLite."""
    made = []
    for name, seed in (("again", SEED), ("other", SEED + 1)):
        url = f"sqlite:///{tmp_path_factory.mktemp(name) / 'demo.sqlite3'}"
        db.upgrade(url)
        engine = db.create_engine_for(url)
        fill_demo(engine, holders=HOLDERS, seed=seed, as_of=AS_OF)
        made.append(Demo(url, engine, Path(), "sqlite"))
    yield made[0], made[1]
    for demo in made:
        demo.engine.dispose()


def test_same_seed_same_rows_different_seed_different_rows(
    demo: Demo, refills: tuple[Demo, Demo]
) -> None:
    again, other = refills
    assert _digest(again) == _digest(demo)  # on both back ends: the same rows
    assert _digest(other)["holders"] != _digest(demo)["holders"]
    fixed = f"SELECT ssn, name FROM holders WHERE id <= {len(FIXED_HOLDERS)} ORDER BY id"
    assert other.rows(fixed) == demo.rows(fixed)  # the fixed holders stay


def test_every_holder_has_a_valid_id_number(demo: Demo) -> None:
    rows = demo.rows("SELECT ssn, birth_date, gender FROM holders")
    assert len(rows) == HOLDERS
    for ssn, birth, gender in rows:
        parsed = parse_id_number(str(ssn), today=AS_OF)
        assert str(parsed.birth_date) == str(birth)
        assert dt.date(1940, 1, 1) <= parsed.birth_date <= dt.date(2006, 12, 31)
        assert int(str(ssn)[16]) % 2 == (1 if gender == "1" else 0)


def test_every_card_number_has_a_valid_check_character(demo: Demo) -> None:
    rows = demo.rows("SELECT card_number, card_id_code, region_code FROM cards")
    for number, code, region in rows:
        assert card_number_is_valid(str(number))
        assert str(code).startswith(f"{region}D156000005") and len(str(code)) == 32


def test_cards_in_every_state(demo: Demo) -> None:
    states = {s for (s,) in demo.rows("SELECT DISTINCT state FROM cards")}
    assert states == {"active", "phone_reported_lost", "lost", "replacement_applied", "cancelled"}
    chips = [json.loads(p.read_text()) for p in demo.profiles.glob("*.json")]
    assert any(c["pin_tries_left"] == 0 for c in chips)  # PIN blocked
    assert any(c["app_state"] == "blocked" for c in chips)  # application blocked
    assert any(c["pin"] != "123456" for c in chips)  # PIN changed


def test_some_phone_reports_lapse_within_two_days(demo: Demo) -> None:
    now = dt.datetime.combine(AS_OF, dt.time(2), dt.UTC)
    deadlines = [
        r[0] for r in demo.rows("SELECT deadline_at FROM loss_reports WHERE state = 'open'")
    ]
    parsed = [
        d if isinstance(d, dt.datetime) else dt.datetime.fromisoformat(str(d)) for d in deadlines
    ]
    soon = [d for d in parsed if d.replace(tzinfo=dt.UTC) - now <= dt.timedelta(days=2)]
    assert soon and len(soon) < len(parsed)


def test_every_active_loss_report_matches_its_card_state(demo: Demo) -> None:
    rows = demo.rows(
        "SELECT c.state, r.kind FROM loss_reports r JOIN cards c ON c.id = "
        "r.card_id WHERE r.state IN ('open', 'confirmed')"
    )
    assert rows
    for card_state, kind in rows:
        assert (card_state, kind) in {("phone_reported_lost", "temporary"), ("lost", "written")}


def test_a_lost_card_changed_state_when_it_was_reported(demo: Demo) -> None:
    """The card's 状态变更时间 is its active loss report's time (张伟: reported three days
    ago by phone, not at the demo's "now")."""
    rows = demo.rows(
        "SELECT c.state_changed_at, r.reported_at FROM loss_reports r JOIN cards c ON c.id = "
        "r.card_id WHERE r.state IN ('open', 'confirmed')"
    )
    assert rows

    def parsed(value: object) -> dt.datetime:
        at = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
        return at.replace(tzinfo=at.tzinfo or dt.UTC)

    assert [parsed(a) for a, _ in rows] == [parsed(b) for _, b in rows]


def test_form_serial_counters_cover_every_form(demo: Demo) -> None:
    counters = dict(
        ((o, y), n)
        for o, y, n in demo.rows("SELECT office_id, year, last_sequence FROM form_serial_counters")
    )
    used = demo.rows(
        "SELECT office_id, year, COUNT(*), MAX(sequence) FROM form_documents "
        "GROUP BY office_id, year"
    )
    assert used
    for office, year, count, highest in used:
        assert counters[(office, year)] == highest == count  # gap-free


def test_the_city_has_every_district_and_every_role(demo: Demo) -> None:
    subcenters = {
        d
        for (d,) in demo.rows("SELECT district_code FROM offices WHERE kind = 'district_subcenter'")
    }
    assert subcenters == set(CHONGQING_DISTRICTS)
    assert demo.rows("SELECT COUNT(*) FROM offices WHERE kind = 'card_center'") == [(1,)]
    roles = {r for (r,) in demo.rows("SELECT DISTINCT role FROM staff")}
    assert roles == {"clerk", "subcenter_staff", "card_center_staff", "supervisor", "admin"}


def test_demo_accounts_log_in_with_their_documented_passwords(demo: Demo) -> None:
    hasher = PasswordHasher()
    hashes = dict(demo.rows("SELECT staff_no, password_hash FROM staff"))
    for account in DEMO_ACCOUNTS[:3]:
        assert hashes[account.staff_no].startswith("$argon2id$")
        assert hasher.verify(str(hashes[account.staff_no]), account.password)
    offices = dict(demo.rows("SELECT code, name FROM offices"))
    for account in DEMO_ACCOUNTS:
        assert offices[account.office_code] == account.office_name


def test_fixed_holders_are_as_documented(demo: Demo) -> None:
    rows = demo.rows(
        "SELECT h.id, h.ssn, h.name, c.card_number, c.state, "
        "h.household_district FROM holders h JOIN cards c ON c.holder_id = h.id "
        f"WHERE h.id <= {len(FIXED_HOLDERS)} ORDER BY h.id"
    )
    assert [r[1:] for r in rows] == [
        (h.ssn, h.name, h.card_number, h.card_state, h.household_district) for h in FIXED_HOLDERS
    ]
    for h in FIXED_HOLDERS:
        profile = json.loads((demo.profiles / f"{h.card_number}.json").read_text())
        assert (profile["pin"], profile["pin_tries_left"], profile["app_state"]) == (
            h.pin,
            h.pin_tries_left,
            h.app_state,
        )


def test_L2_the_lapsing_phone_report_is_on_a_listed_account_s_list() -> None:
    """刘芳's phone report about to lapse is listed by her household district's sub-centre
    (phone_reports.lapsing_phone_reports): an account of that office is on the login list."""
    (lapsing,) = [h for h in FIXED_HOLDERS if h.key == "phone_lost_lapsing"]
    offices = {a.office_code for a in DEMO_ACCOUNTS}
    assert f"{lapsing.household_district}-YB" in offices


def test_the_fixed_dibao_holder_is_paid_and_survivors_have_names(demo: Demo) -> None:
    """冉秀珍 is presented as a 低保 recipient: her allowance is still paid. A deceased
    holder's survivors have names (a spouse their own surname, a child or parent his)."""
    (dibao,) = [h for h in FIXED_HOLDERS if h.key == "dibao"]
    states = demo.rows(
        "SELECT a.status, a.until FROM living_allowances a JOIN holders h ON h.id = a.holder_id "
        f"WHERE h.ssn = '{dibao.ssn}'"
    )
    assert states and all(state == "active" and ended is None for state, ended in states)
    survivors = demo.rows(
        "SELECT s.survivor_name, s.relation, h.name FROM survivor_benefits s "
        "JOIN death_cases d ON d.id = s.death_case_id JOIN holders h ON h.id = d.holder_id"
    )
    assert survivors
    for name, relation, deceased in survivors:
        assert not name.endswith("家属") and 2 <= len(name) <= 3, name
        if relation != "spouse":
            assert name[0] == deceased[0], (name, deceased)


def test_all_five_insurances_and_every_category_have_records(demo: Demo) -> None:
    insurances = {i for (i,) in demo.rows("SELECT DISTINCT insurance FROM contribution_records")}
    assert insurances == {"pension", "medical", "unemployment", "work_injury", "maternity"}
    for table in (
        "pension_payments",
        "medical_transactions",
        "unemployment_payments",
        "injury_cases",
        "death_cases",
        "survivor_benefits",
        "maternity_benefits",
        "living_allowances",
        "special_care",
        "qualifications",
        "employment_records",
        "drugs",
        "treatment_items",
    ):
        assert demo.rows(f"SELECT COUNT(*) FROM {table}")[0][0] > 0, table
    classes = {c for (c,) in demo.rows("SELECT DISTINCT category FROM drugs")}
    assert classes == {"甲", "乙", "丙"}
    graded = demo.rows(
        "SELECT disability_grade FROM injury_cases h JOIN holders p ON "
        "p.id = h.holder_id WHERE p.ssn = '500102197206250370'"
    )
    assert graded == [(7,)]


def test_every_profile_is_a_valid_card_matching_the_database(demo: Demo) -> None:
    cards = dict(
        (
            (n, (s, nm))
            for n, s, nm in demo.rows(
                "SELECT c.card_number, h.ssn, h.name FROM cards c JOIN holders h ON h.id = "
                "c.holder_id"
            )
        )
    )
    files = sorted(demo.profiles.glob("*.json"))
    assert len(files) == len(cards)
    for path in files:
        profile = json.loads(path.read_text(encoding="utf-8"))
        assert validate_profile(profile) == [], path.name
        assert cards[profile["card_number"]] == (profile["ssn"], profile["name"])


def test_fixed_cards_read_back_through_the_reader_client(demo: Demo) -> None:
    from reader.client import SocialSecurityCardClient
    from reader.emulator.card import EmulatedCard
    from reader.emulator.inprocess import InProcessTransport

    for h in FIXED_HOLDERS:
        profile = json.loads((demo.profiles / f"{h.card_number}.json").read_text())
        client = SocialSecurityCardClient(InProcessTransport(EmulatedCard.from_profile(profile)))
        identity = client.read_identity()
        assert (identity.ssn, identity.name, identity.card_number) == (h.ssn, h.name, h.card_number)
        assert identity.app_state == ("blocked" if h.app_state == "blocked" else "ok")


def test_new_rows_get_fresh_ids_after_the_bulk_load(demo: Demo) -> None:
    factory = db.session_factory(demo.engine)
    with factory() as s, s.begin():
        holder = Holder(
            ssn="500103200001010011",
            name="新参保",
            gender="1",
            birth_date=dt.date(2000, 1, 1),
            birthplace="500103",
            household_district="500103",
            status="employed",
        )
        s.add(holder)
        s.flush()
        assert holder.id == HOLDERS + 1
        s.rollback()


def test_filling_a_filled_database_is_refused(demo: Demo) -> None:
    with pytest.raises(DemoDataError, match="已有"):
        fill_demo(demo.engine, holders=5, seed=1, as_of=AS_OF)


def test_foreign_keys_hold_after_the_load(demo: Demo) -> None:
    if demo.backend != "sqlite":
        # PostgreSQL checks foreign keys during COPY; none may have been left NOT VALID.
        sql = "SELECT conname FROM pg_constraint WHERE contype = 'f' AND NOT convalidated"
        assert demo.rows(sql) == []
        assert demo.rows("SELECT count(*) > 0 FROM pg_constraint WHERE contype = 'f'") == [(True,)]
        return
    assert demo.rows("PRAGMA foreign_key_check") == []
    assert demo.rows("PRAGMA foreign_keys") == [(1,)]
    assert demo.rows("PRAGMA integrity_check") == [("ok",)]


def test_ensure_demo_database_is_idempotent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'gui-demo.sqlite3'}"
    assert ensure_demo_database(url, holders=50) is True
    assert ensure_demo_database(url, holders=50) is False
    engine = db.create_engine_for(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM holders")).scalar_one() == 50
    finally:
        engine.dispose()


def test_cli_demo_data(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    args = [
        "demo-data",
        "--holders",
        "40",
        "--seed",
        "3",
        "--db",
        url,
        "--profiles",
        str(tmp_path / "profiles"),
        "--as-of",
        "2025-06-15",
    ]
    assert main(args) == 0
    assert "40 名参保人" in capsys.readouterr().out
    assert len(list((tmp_path / "profiles").glob("*.json"))) >= 40
    assert main(args) == 1  # not twice into the same database
