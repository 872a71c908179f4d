"""The revocation list as the server checks it on every request.

The CRL file is re-read whenever its inode, modification time or size changes (one
``stat`` per request), its signature is verified against the CA, and a CRL that cannot be read or
verified refuses every workstation (fail closed) until it is fixed.
"""

from __future__ import annotations

import threading
from pathlib import Path

from cryptography import x509


class RevocationList:
    def __init__(self, crl_path: Path, ca_cert_path: Path) -> None:
        self.crl_path = Path(crl_path)
        self._ca = x509.load_pem_x509_certificate(Path(ca_cert_path).read_bytes())
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._serials: frozenset[int] | None = None

    def _reload(self) -> frozenset[int] | None:
        try:
            stat = self.crl_path.stat()
        except OSError:
            return None
        stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)  # pki writes by rename
        with self._lock:
            if stamp == self._stamp:
                return self._serials
            serials: frozenset[int] | None
            try:
                crl = x509.load_pem_x509_crl(self.crl_path.read_bytes())
                valid = crl.is_signature_valid(self._ca.public_key())  # type: ignore[arg-type]
                serials = frozenset(e.serial_number for e in crl) if valid else None
            except (OSError, ValueError):
                serials = None
            self._stamp, self._serials = stamp, serials
            return serials

    def is_revoked(self, serial: int) -> bool:
        """True when ``serial`` is revoked, or when the CRL cannot be trusted (fail closed)."""
        serials = self._reload()
        return serials is None or serial in serials
