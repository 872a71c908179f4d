"""``counter-server secret`` and ``pki``: each command checks everything it was given before it
writes anything, never replaces what is in use without being told, and says what it did
(a maintainer's first day: a secret in use overwritten, a certificate issued by a failed
command, a second valid certificate for one workstation id)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography import x509

from counter_app.server.cli import main as server_main
from counter_app.server.config import _read_secret
from counter_app.server.pki import Pki


def _issue(pki: Path, ws: str, *extra: str, office: str = "500103-YB") -> int:
    return server_main(["pki", "issue-workstation", str(pki), ws, "--office", office, *extra])


@pytest.fixture
def pki(tmp_path: Path) -> Path:
    root = tmp_path / "pki"
    assert server_main(["pki", "init", str(root)]) == 0
    return root


def test_secret_in_use_is_not_replaced_without_replace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "token.secret"
    assert server_main(["secret", str(path)]) == 0
    before = path.read_bytes()
    assert server_main(["secret", str(path)]) == 2
    err = capsys.readouterr().err
    assert "已存在" in err and "--replace" in err and "重新登录" in err
    assert path.read_bytes() == before
    assert server_main(["secret", str(path), "--replace"]) == 0
    out = capsys.readouterr().out
    assert "已更换" in out and "重新登录" in out
    assert path.read_bytes() != before
    assert len(_read_secret(path)) == 32
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_secret_in_a_missing_folder_is_refused_and_nothing_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert server_main(["secret", str(tmp_path / "nodir" / "token.secret")]) == 2
    assert "不存在" in capsys.readouterr().err
    assert not (tmp_path / "nodir").exists()


def test_bad_server_url_is_refused_before_a_certificate_is_issued(
    pki: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "ws08.toml"
    code = _issue(pki, "W08", "--server-url", "ftp://x", "--settings-out", str(out))
    assert code == 2
    captured = capsys.readouterr()
    assert "https://" in captured.err and "已签发" not in captured.out
    assert not Pki(pki).workstation_cert("W08").exists()
    assert not out.exists()


def test_existing_workstation_id_is_refused_unless_replace_which_revokes_the_old(
    pki: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    made = Pki(pki)
    assert _issue(pki, "W07") == 0
    first = made.workstation_serial("W07")
    first_pem = made.workstation_cert("W07").read_bytes()
    assert _issue(pki, "W07", office="500105-YB") == 2
    assert "已有有效证书" in capsys.readouterr().err
    assert made.workstation_cert("W07").read_bytes() == first_pem  # untouched
    assert _issue(pki, "W07", "--replace") == 0
    assert "已吊销" in capsys.readouterr().out
    assert first is not None and first in made.revoked_serials()
    assert made.workstation_serial("W07") not in made.revoked_serials()


def test_a_revoked_workstation_id_can_be_issued_again(pki: Path) -> None:
    assert _issue(pki, "W09") == 0
    assert server_main(["pki", "revoke", str(pki), "W09"]) == 0
    assert _issue(pki, "W09") == 0
    assert not Pki(pki).is_revoked("W09")


@pytest.mark.parametrize(
    "office", ["999999-YB", "999999-XX", "500103-ZZ", "500103-CK00", "500103YB", "500103-yb"]
)
def test_unknown_office_is_refused(
    pki: Path, office: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _issue(pki, "W10", office=office) == 2
    assert "机构代码" in capsys.readouterr().err
    assert not Pki(pki).workstation_cert("W10").exists()


@pytest.mark.parametrize("office", ["500103-YB", "500103-CK01", "500235-CK12", "500000-KZX"])
def test_the_city_offices_are_accepted(pki: Path, office: str) -> None:
    assert _issue(pki, "W-" + office, office=office) == 0


def test_issue_in_a_folder_without_ca_leaves_nothing_behind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nopki = tmp_path / "nopki"
    assert _issue(nopki, "W09") == 2
    assert "ca.key" in capsys.readouterr().err
    assert not nopki.exists()


def test_revoke_twice_says_it_was_revoked_already(
    pki: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _issue(pki, "W11") == 0
    capsys.readouterr()
    assert server_main(["pki", "revoke", str(pki), "W11"]) == 0
    assert "已吊销工作站 W11" in capsys.readouterr().out
    crl = (pki / "crl.pem").read_bytes()
    assert server_main(["pki", "revoke", str(pki), "W11"]) == 0
    assert "已吊销过" in capsys.readouterr().out
    assert (pki / "crl.pem").read_bytes() == crl  # not signed again


def test_reissue_server_keeps_the_ca_and_adds_a_name(
    pki: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    made = Pki(pki)
    ca = made.ca_cert.read_bytes()
    old = x509.load_pem_x509_certificate(made.server_cert.read_bytes())
    assert server_main(["pki", "reissue-server", str(pki)]) == 0  # same names, renewed
    renewed = x509.load_pem_x509_certificate(made.server_cert.read_bytes())
    assert renewed.serial_number != old.serial_number
    assert set(made.server_names()) == {"localhost", "127.0.0.1"}
    code = server_main(
        ["pki", "reissue-server", str(pki), "--name", "city.example", "--name", "10.0.0.2"]
    )
    assert code == 0
    assert "有效至" in capsys.readouterr().out
    assert set(made.server_names()) == {"city.example", "10.0.0.2"}
    assert made.ca_cert.read_bytes() == ca
    ca_cert = x509.load_pem_x509_certificate(ca)
    new = x509.load_pem_x509_certificate(made.server_cert.read_bytes())
    new.verify_directly_issued_by(ca_cert)
    # the key on disk is the new certificate's
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(made.server_key.read_bytes(), password=None)
    assert key.public_key() == new.public_key()


def test_reissue_server_refuses_a_folder_without_ca(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert server_main(["pki", "reissue-server", str(tmp_path), "--name", "x"]) == 2
    assert "ca.key" in capsys.readouterr().err
    assert not (tmp_path / "server.crt").exists()


def test_missing_config_file_message_has_no_raw_os_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nothere.toml"
    assert server_main(["run", "--config", str(missing)]) == 2
    err = capsys.readouterr().err.strip()
    assert str(missing) in err and "不存在" in err
    assert "Errno" not in err and "No such file" not in err
    assert len(err.splitlines()) == 1


def test_a_revoked_workstation_refused_by_the_server_is_logged_once(
    pki: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import logging
    from typing import Any

    from cryptography.hazmat.primitives import serialization

    from counter_app.remote.protocol import WorkstationRefused
    from counter_app.server.auth import Authenticator
    from counter_app.server.revocation import RevocationList

    made = Pki(pki)
    assert _issue(pki, "W12") == 0
    assert server_main(["pki", "revoke", str(pki), "W12"]) == 0
    der = x509.load_pem_x509_certificate(made.workstation_cert("W12").read_bytes()).public_bytes(
        serialization.Encoding.DER
    )
    none: Any = None
    auth = Authenticator(none, none, RevocationList(made.crl, made.ca_cert))
    with caplog.at_level(logging.WARNING, logger="counter_server"):
        for _ in range(3):
            with pytest.raises(WorkstationRefused):
                auth.workstation(der)
    messages = [r.getMessage() for r in caplog.records if r.name == "counter_server"]
    assert len(messages) == 1 and "W12" in messages[0] and "revoked" in messages[0]


@pytest.mark.parametrize(
    ("server_lines", "words"),
    [
        ('port = "8443x"', ["port", "整数"]),
        ("port = 70000", ["port", "65535"]),
        ("token_minutes = 0", ["token_minutes"]),
        ("pool_size = true", ["pool_size"]),
    ],
)
def test_bad_server_numbers_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], server_lines: str, words: list[str]
) -> None:
    (tmp_path / "token.secret").write_text("ab" * 32 + "\n", encoding="ascii")
    config = tmp_path / "server.toml"
    config.write_text(
        f'mode = "test"\n[server]\npki_dir = "pki"\ntoken_secret_file = "token.secret"\n'
        f"{server_lines}\n",
        encoding="utf-8",
    )
    assert server_main(["run", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    for word in words:
        assert word in err


def test_missing_token_secret_is_named_without_raw_os_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "server.toml"
    config.write_text(
        '[server]\npki_dir = "pki"\ntoken_secret_file = "nothere.secret"\n', encoding="utf-8"
    )
    assert server_main(["run", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "nothere.secret" in err and "不存在" in err and "counter-server secret" in err
    assert "Errno" not in err
