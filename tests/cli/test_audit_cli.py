"""``counter-admin audit``: the --every range, the exit codes that tell "tampered" from
"could not check", and sealing over a broken trail (RULES Q7: every look-up recorded, the
record tamper-evident)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select, update

from counter_app import db
from counter_app.cli import cmd_audit
from counter_app.cli.main import main
from counter_app.models.audit import AuditEvent, AuditSeal
from counter_app.services import audit
from tests.security.defences import suspend_defences
from tests.services.conftest import NOW, actor_for, make_ctx


def _record(url: str, n: int) -> None:
    ctx = make_ctx(url)
    actor = actor_for(ctx, "YB500103-01", workstation="WS-CLI")
    for i in range(n):
        with ctx.uow() as uow:
            audit.record(uow, actor, "record.view", at=NOW + dt.timedelta(seconds=i))
            uow.commit()


def _tamper(url: str, chain_seq: int) -> int:
    """Change the reason of WS-CLI's event ``chain_seq`` as an intruder would; its row seq."""
    engine = db.create_engine_for(url)
    try:
        with engine.begin() as conn:
            suspend_defences(conn)
            where = (AuditEvent.chain == "WS-CLI") & (AuditEvent.chain_seq == chain_seq)
            conn.execute(update(AuditEvent).where(where).values(reason="改过"))
            return int(conn.execute(select(AuditEvent.seq).where(where)).scalar_one())
    finally:
        engine.dispose()


def _seals(url: str) -> int:
    engine = db.create_engine_for(url)
    try:
        with engine.connect() as conn:
            return len(conn.execute(select(AuditSeal.id)).all())
    finally:
        engine.dispose()


@pytest.mark.parametrize("every", ["-5", "0", "0.5", "86401", "nan", "inf", "五"])
def test_seal_every_outside_the_range_is_refused_before_any_seal(
    sqlite_demo_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    every: str,
) -> None:
    slept: list[float] = []
    monkeypatch.setattr(cmd_audit.time, "sleep", slept.append)
    before = _seals(sqlite_demo_url)
    with pytest.raises(SystemExit) as ended:
        main(["audit", "seal", "--every", every, "--db", sqlite_demo_url])
    assert ended.value.code == 2
    err = capsys.readouterr().err
    assert "1 至 86400" in err or "应为数字" in err
    assert slept == [] and _seals(sqlite_demo_url) == before


def test_seal_every_says_no_change_once_per_quiet_spell(
    sqlite_demo_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _record(sqlite_demo_url, 2)
    ticks: list[float] = []

    def sleep(seconds: float) -> None:
        ticks.append(seconds)
        if len(ticks) == 4:
            raise KeyboardInterrupt

    monkeypatch.setattr(cmd_audit.time, "sleep", sleep)
    assert main(["audit", "seal", "--every", "300", "--db", sqlite_demo_url]) == 0
    out = capsys.readouterr().out
    assert ticks == [300.0] * 4
    assert out.count("封存 ") == 1 and out.count("链头无变化") == 1


def test_Q7_verify_exit_codes_tell_tampered_from_could_not_check(
    sqlite_demo_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _record(sqlite_demo_url, 5)
    assert main(["audit", "verify", "--db", sqlite_demo_url]) == 0
    row = _tamper(sqlite_demo_url, 3)
    assert main(["audit", "verify", "--db", sqlite_demo_url]) == 1
    err = capsys.readouterr().err
    # The chain position and the row an operator looks up in audit_events.
    assert "WS-CLI: 第一个断点在第 3 条" in err and f"seq={row}" in err
    # An empty database (not migrated, or the URL names the wrong one): could not check.
    (tmp_path / "empty.sqlite3").touch()
    empty = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    assert main(["audit", "verify", "--db", empty]) == 3
    assert "没有审计日志表" in capsys.readouterr().err
    # No such database file: could not check, and none is created.
    missing = tmp_path / "typo" / "counter.sqlite3"
    assert main(["audit", "verify", "--db", f"sqlite:///{missing}"]) == 3
    assert f"数据库文件 {missing} 不存在" in capsys.readouterr().err
    assert not (tmp_path / "typo").exists()
    # An unreachable server: could not check, never "tampered".
    unreachable = "postgresql://counter_owner:pw@127.0.0.1:1/counter"
    assert main(["audit", "verify", "--db", unreachable]) == 3
    err = capsys.readouterr().err
    assert err.startswith("错误: 无法校验") and "Traceback" not in err and "pw" not in err


def test_Q7_seal_over_a_broken_trail_seals_but_warns_and_fails(
    sqlite_demo_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _record(sqlite_demo_url, 4)
    row = _tamper(sqlite_demo_url, 2)
    before = _seals(sqlite_demo_url)
    assert main(["audit", "seal", "--db", sqlite_demo_url]) == 1
    out, err = capsys.readouterr()
    assert "封存 " in out and _seals(sqlite_demo_url) == before + 1
    assert f"seq={row}" in err and "警告: 审计日志有断点" in err
    # The seal hid nothing: verify still names the break.
    assert main(["audit", "verify", "--db", sqlite_demo_url]) == 1
    assert f"seq={row}" in capsys.readouterr().err


def test_checkpoint_day_in_the_wrong_format_is_a_chinese_refusal(
    sqlite_demo_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as ended:
        main(["audit", "checkpoint", "--day", "2026-13-45", "--db", sqlite_demo_url])
    assert ended.value.code == 2
    assert "日期格式应为 YYYY-MM-DD" in capsys.readouterr().err
