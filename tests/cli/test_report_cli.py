"""``counter-admin report``: refusals said in Chinese with exit 2 before any work — a
backwards date range, a control character in an option, an output file whose name does not
say its format or whose folder does not exist — and empty tables printed as 无记录 (STYLE)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from counter_app.cli.main import main


def _refused(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    with pytest.raises(SystemExit) as ended:
        main(argv)
    assert ended.value.code == 2
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err and "Traceback" not in err
    return err


def test_staff_report_with_start_after_end_is_a_usage_error(
    sqlite_demo_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "s.csv"
    argv = ["report", "staff", "--from", "2026-12-09", "--to", "2026-12-01"]
    code = main([*argv, "--out", str(out), "--db", sqlite_demo_url])
    assert code == 2 and not out.exists()
    err = capsys.readouterr().err
    assert "起始日期 2026-12-09 晚于截止日期 2026-12-01" in err and "内部错误" not in err
    code = main(
        ["report", "rating", "--from", "2026-12-09", "--to", "2026-12-01", "--out", str(out)]
        + ["--db", sqlite_demo_url]
    )
    assert code == 2 and "晚于截止日期" in capsys.readouterr().err


@pytest.mark.parametrize(
    "option",
    [
        ["daily", "--office", "500103-YB\x1b[31m"],
        ["daily", "--staff", "YB500103-01\x1b[2J"],
        ["lapsing", "--office", "\x07500103-YB"],
        ["staff", "--office", "500103-YB\n"],
        ["access", "--ssn", "50010319\x1b[2J"],
    ],
)
def test_control_characters_in_report_options_are_refused_not_echoed(
    sqlite_demo_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], option: list[str]
) -> None:
    out = tmp_path / "x.pdf"
    err = _refused(capsys, ["report", *option, "--out", str(out), "--db", sqlite_demo_url])
    assert "个字符" in err and not out.exists()


def test_an_output_name_with_a_newline_is_refused(
    sqlite_demo_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _refused(
        capsys,
        ["report", "lapsing", "--out", str(tmp_path / "x\nname.pdf"), "--db", sqlite_demo_url],
    )
    assert "「输出文件」" in err and "换行" in err and list(tmp_path.glob("x*")) == []


def test_an_output_name_that_does_not_say_its_format_is_refused(
    sqlite_demo_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    txt = tmp_path / "x.txt"
    assert main(["report", "lapsing", "--out", str(txt), "--db", sqlite_demo_url]) == 2
    assert ".pdf 或 .csv" in capsys.readouterr().err and not txt.exists()
    pdf = tmp_path / "x.pdf"
    argv = ["report", "lapsing", "--format", "csv", "--out", str(pdf), "--db", sqlite_demo_url]
    assert main(argv) == 2
    assert "与 --format csv 不符" in capsys.readouterr().err and not pdf.exists()
    # --format names the format of any other name (a CSV into .txt, as before).
    argv = ["report", "lapsing", "--format", "csv", "--out", str(txt), "--db", sqlite_demo_url]
    assert main(argv) == 0 and txt.read_bytes().startswith(b"\xef\xbb\xbf")


def test_a_missing_output_folder_is_named_not_created(
    sqlite_demo_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "nonexistent" / "dir"
    err = _refused(
        capsys, ["report", "lapsing", "--out", str(folder / "x.pdf"), "--db", sqlite_demo_url]
    )
    assert f"输出文件夹 {folder} 不存在" in err
    assert not (tmp_path / "nonexistent").exists()


def test_empty_report_tables_read_no_records(
    sqlite_demo_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "s.pdf"
    argv = ["report", "staff", "--from", "2001-01-01", "--to", "2001-01-02", "--out", str(out)]
    assert main([*argv, "--db", sqlite_demo_url]) == 0
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "无记录" in text
    assert "\n无\n" not in f"\n{text}\n"


def test_an_id_number_of_the_wrong_shape_is_refused_not_looked_up(
    sqlite_demo_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "a.pdf"
    err = _refused(
        capsys, ["report", "access", "--ssn", "123", "--out", str(out), "--db", sqlite_demo_url]
    )
    assert "社会保障号码应为18位" in err and "输入的是3位" in err and not out.exists()


def test_a_district_code_with_a_control_character_is_refused(
    sqlite_demo_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _refused(
        capsys, ["loss", "lapsing", "--district", "500103\x1b[2J", "--db", sqlite_demo_url]
    )
    assert "区县代码应为6位数字" in err
