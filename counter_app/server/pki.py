"""The city's small certificate authority: one CA, the server's certificate, one client
certificate per workstation, and a certificate revocation list (CRL).

Layout of a PKI folder (``counter-server pki init DIR``)::

    ca.crt  ca.key            the CA (keep ca.key offline after issuing)
    server.crt  server.key    the server's TLS certificate (SAN: localhost, 127.0.0.1, names);
                              ``reissue_server`` renews it under the same CA
    crl.pem                   revoked workstation certificates, signed by the CA
    workstations/<id>.crt .key   one client certificate per workstation

A workstation certificate's subject CN is the workstation id and its O is the office code:
the server takes both from the verified certificate, never from what the client sends.
Keys are ECDSA P-256. Private key files are written mode 0600.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from counter_app.server.pki_names import (
    WORKSTATION_ID,
    PkiError,
    check_office_code,
    check_server_name,
)

__all__ = ["WORKSTATION_ID", "Pki", "PkiError", "WorkstationIdentity", "check_office_code"]

CA_DAYS = 3650
LEAF_DAYS = 825
CRL_DAYS = 30


@dataclass(frozen=True)
class WorkstationIdentity:
    """Who a verified client certificate says the workstation is."""

    workstation_id: str
    office_code: str
    serial: int
    fingerprint: str  # SHA-256 of the DER certificate, hex


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    data = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _write_cert(path: Path, cert: x509.Certificate) -> None:
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _replace_pair(
    crt_path: Path, key_path: Path, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey
) -> None:
    """Write a certificate and its key beside the old ones, then rename both into place: a
    failure half-way never leaves a certificate whose key is another one's."""
    new_key, new_crt = (
        key_path.with_name(key_path.name + ".new"),
        crt_path.with_name(crt_path.name + ".new"),
    )
    _write_key(new_key, key)
    _write_cert(new_crt, cert)
    new_key.replace(key_path)
    new_crt.replace(crt_path)


def load_cert(path: Path) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise PkiError(f"无法读取证书 {path}。请确认文件存在且是 PEM 格式的证书。") from exc


def _load_key(path: Path) -> ec.EllipticCurvePrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise PkiError(f"无法读取私钥 {path}。请确认文件存在且本程序有读取权限。") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise PkiError(f"私钥 {path} 不是 ECDSA 密钥。")
    return key


def fingerprint(cert_der: bytes) -> str:
    """SHA-256 of a DER certificate, lowercase hex (what session tokens are bound to)."""
    digest = hashes.Hash(hashes.SHA256())
    digest.update(cert_der)
    return digest.finalize().hex()


def identity_of(cert_der: bytes) -> WorkstationIdentity:
    """The workstation id (CN) and office (O) of a verified client certificate."""
    cert = x509.load_der_x509_certificate(cert_der)
    cns = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    orgs = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    return WorkstationIdentity(
        workstation_id=str(cns[0].value) if cns else "",
        office_code=str(orgs[0].value) if orgs else "",
        serial=cert.serial_number,
        fingerprint=fingerprint(cert_der),
    )


class Pki:
    """A PKI folder (see the module docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @property
    def ca_cert(self) -> Path:
        return self.root / "ca.crt"

    @property
    def ca_key(self) -> Path:
        return self.root / "ca.key"

    @property
    def server_cert(self) -> Path:
        return self.root / "server.crt"

    @property
    def server_key(self) -> Path:
        return self.root / "server.key"

    @property
    def crl(self) -> Path:
        return self.root / "crl.pem"

    @property
    def workstations(self) -> Path:
        return self.root / "workstations"

    def workstation_cert(self, workstation_id: str) -> Path:
        return self.workstations / f"{workstation_id}.crt"

    def workstation_key(self, workstation_id: str) -> Path:
        return self.workstations / f"{workstation_id}.key"

    # -- init ------------------------------------------------------------------------

    def init(self, server_names: tuple[str, ...] = ("localhost",), city: str = "重庆市") -> None:
        """A new CA, the server's certificate and an empty CRL. Refuses an existing CA."""
        if self.ca_cert.exists():
            raise PkiError(f"{self.root} 中已有 CA 证书。请换一个空目录，或继续使用现有 CA。")
        self.root.mkdir(parents=True, exist_ok=True)
        self.workstations.mkdir(exist_ok=True)
        key = _new_key()
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"{city}社会保障卡经办系统"),
                x509.NameAttribute(NameOID.COMMON_NAME, "counter city CA"),
            ]
        )
        now = _now()
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=CA_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
            .sign(key, hashes.SHA256())
        )
        _write_key(self.ca_key, key)
        _write_cert(self.ca_cert, cert)
        self.issue_server(server_names)
        self._write_crl([])

    def _ca(self) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
        if not self.ca_key.exists():
            raise PkiError(
                f"{self.root} 中没有 CA 私钥（ca.key）。请给出 pki init 创建的目录，"
                "或先运行 counter-server pki init。"
            )
        return load_cert(self.ca_cert), _load_key(self.ca_key)

    def _leaf(
        self, subject: x509.Name, usage: x509.ObjectIdentifier, san: list[x509.GeneralName]
    ) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
        ca_cert, ca_key = self._ca()
        key = _new_key()
        now = _now()
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=LEAF_DAYS))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                critical=False,
            )
        )
        if san:
            builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
        return builder.sign(ca_key, hashes.SHA256()), key

    def issue_server(self, names: tuple[str, ...]) -> None:
        san: list[x509.GeneralName] = []
        for name in names or ("localhost",):
            try:
                san.append(x509.IPAddress(ipaddress.ip_address(name)))
            except ValueError:
                san.append(x509.DNSName(name))
        if not any(isinstance(n, x509.IPAddress) for n in san):
            san.append(x509.IPAddress(ipaddress.ip_address("127.0.0.1")))
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0] if names else "x")])
        cert, key = self._leaf(subject, ExtendedKeyUsageOID.SERVER_AUTH, san)
        _replace_pair(self.server_cert, self.server_key, cert, key)

    def server_names(self) -> tuple[str, ...]:
        """The host names and IP addresses the current server certificate is valid for."""
        cert = load_cert(self.server_cert)
        try:
            san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        except x509.ExtensionNotFound:
            return ()
        return tuple(str(name.value) for name in san)

    def reissue_server(self, names: tuple[str, ...] = ()) -> x509.Certificate:
        """A new server certificate under the same CA (renewal, or other names: a second
        server behind the balancer). Without ``names`` the current certificate's are kept.
        Workstations need nothing new: they trust the CA, not this certificate."""
        self._ca()  # refuses before anything is written
        if not names:
            names = self.server_names() if self.server_cert.exists() else ()
        if not names:
            raise PkiError("请用 --name 给出服务器的主机名或 IP（可多次）。")
        for name in names:
            check_server_name(name)
        self.issue_server(names)
        return load_cert(self.server_cert)

    # -- workstations ----------------------------------------------------------------

    def check_new_workstation(self, workstation_id: str, replace: bool = False) -> None:
        """Refuse, before anything is written: a malformed id, a folder without the CA, and
        an id whose certificate is still valid unless ``replace`` (two valid certificates
        for one workstation id would both be let in)."""
        if not WORKSTATION_ID.match(workstation_id):
            raise PkiError(
                f"工作站编号 {workstation_id!r} 不合规：只能用字母、数字、点、横线、下划线，"
                "最多 32 个字符。"
            )
        self._ca()
        current = self.workstation_serial(workstation_id)
        if current is not None and not replace and current not in self.revoked_serials():
            raise PkiError(
                f"工作站 {workstation_id} 已有有效证书（序列号 {current:x}）。"
                "如要给它换发新证书，请加 --replace（旧证书随即吊销，该工作站须换用新证书）；"
                "如是另一台工作站，请换一个编号。"
            )

    def workstation_serial(self, workstation_id: str) -> int | None:
        """The serial of the workstation's current certificate (None: never issued)."""
        path = self.workstation_cert(workstation_id)
        return load_cert(path).serial_number if path.exists() else None

    def issue_workstation(
        self, workstation_id: str, office_code: str, replace: bool = False
    ) -> tuple[Path, Path]:
        """A client certificate (CN = workstation id, O = office code); returns (crt, key).

        An id whose certificate is still valid is refused unless ``replace``; then the old
        certificate is revoked once the new one is written."""
        if not office_code.strip():
            raise PkiError("请给出工作站所属经办机构代码（如 500103-YB）。")
        self.check_new_workstation(workstation_id, replace)
        old = self.workstation_serial(workstation_id)
        self.workstations.mkdir(parents=True, exist_ok=True)
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, office_code.strip()),
                x509.NameAttribute(NameOID.COMMON_NAME, workstation_id),
            ]
        )
        cert, key = self._leaf(subject, ExtendedKeyUsageOID.CLIENT_AUTH, [])
        crt_path, key_path = (
            self.workstation_cert(workstation_id),
            self.workstation_key(workstation_id),
        )
        _replace_pair(crt_path, key_path, cert, key)
        if old is not None:
            self._revoke_serial(old)
        return crt_path, key_path

    def is_revoked(self, workstation_id: str) -> bool:
        """True when the workstation's current certificate is on the CRL."""
        serial = self.workstation_serial(workstation_id)
        return serial is not None and serial in self.revoked_serials()

    def revoke(self, workstation_id: str) -> int:
        """Put the workstation's current certificate on the CRL; returns its serial.
        Revoking it again changes nothing (``is_revoked`` tells the two apart)."""
        path = self.workstation_cert(workstation_id)
        if not path.exists():
            raise PkiError(f"没有工作站 {workstation_id} 的证书（{path}）。请核对工作站编号。")
        serial = load_cert(path).serial_number
        self._revoke_serial(serial)
        return serial

    def _revoke_serial(self, serial: int) -> None:
        revoked = self.revoked_serials()
        if serial not in revoked:
            self._write_crl(sorted(revoked | {serial}))

    def revoked_serials(self) -> set[int]:
        if not self.crl.exists():
            return set()
        crl = x509.load_pem_x509_crl(self.crl.read_bytes())
        return {entry.serial_number for entry in crl}

    def _write_crl(self, serials: list[int]) -> None:
        ca_cert, ca_key = self._ca()
        now = _now()
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(ca_cert.subject)
            .last_update(now - dt.timedelta(minutes=5))
            .next_update(now + dt.timedelta(days=CRL_DAYS))
        )
        for serial in serials:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(now).build()
            )
        crl = builder.sign(ca_key, hashes.SHA256())
        tmp = self.crl.with_suffix(".tmp")
        tmp.write_bytes(crl.public_bytes(serialization.Encoding.PEM))
        tmp.replace(self.crl)  # atomic: a server re-reading it never sees half a file
