"""``counter-admin``'s own command-line refusals and help are in Chinese (STYLE), and never
send a control character typed on the command line back raw to the terminal."""

from __future__ import annotations

import pytest

from counter_app.cli.main import main


def _refusal(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    with pytest.raises(SystemExit) as ended:
        main(argv)
    assert ended.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("用法: ") and "usage:" not in err and "error:" not in err
    return err


def test_an_invalid_choice_is_refused_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    err = _refusal(
        capsys, ["staff", "add", "--name", "甲", "--office", "500103-YB", "--role", "boss", "X"]
    )
    assert "错误: 参数 --role: 无效的取值 'boss'（可选: 'clerk'" in err
    assert "invalid choice" not in err


def test_missing_and_unknown_options_are_refused_in_chinese(
    capsys: pytest.CaptureFixture[str],
) -> None:
    err = _refusal(capsys, ["staff", "add", "YB500103-09"])
    assert "缺少必填参数: --name, --office, --role" in err
    err = _refusal(capsys, ["audit", "verify", "--bogus"])
    assert "无法识别的参数: --bogus" in err
    err = _refusal(capsys, ["report", "lapsing", "--days", "x", "--out", "x.pdf"])
    assert "参数 --days: 天数应为整数" in err
    err = _refusal(
        capsys,
        ["report", "daily", "--office", "500103-YB", "--staff", "YB500103-01", "--out", "x.pdf"],
    )
    assert "参数 --staff: 不能与 --office 同时使用" in err


def test_a_control_character_on_the_command_line_is_echoed_escaped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    err = _refusal(capsys, ["staff", "list", "\x1b[2J"])
    assert "\x1b" not in err and "\\x1b[2J" in err


def test_help_is_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as ended:
        main(["audit", "verify", "--help"])
    assert ended.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("用法: ") and "选项:" in out and "显示此帮助并退出" in out
    assert "3 无法校验" in out  # the exit codes, for a cron job's author
