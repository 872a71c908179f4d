"""Finding the ID card reader: the configured port, or a scan of the serial ports for one
that answers SAM status (IDCARD.md "Transport")."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from reader.idcard.client import COMMAND_TIMEOUT, IdCardClient, open_reader
from reader.idcard.errors import IdCardError, IdReaderNotFound

#: A scan probes each port briefly: a port with something else on it must not stall start-up.
SCAN_TIMEOUT = 0.3


def serial_ports() -> list[str]:
    """The serial ports the system lists (USB-serial adapters, COM ports)."""
    from serial.tools import list_ports

    return sorted(port.device for port in list_ports.comports())


def find_reader(
    port: str = "",
    candidates: Iterable[str] | None = None,
    opener: Callable[..., IdCardClient] = open_reader,
) -> IdCardClient:
    """The reader on ``port`` when one is configured; otherwise the first of
    ``candidates`` (default: :func:`serial_ports`) that answers SAM status."""
    if port:
        return opener(port, timeout=COMMAND_TIMEOUT)
    for path in serial_ports() if candidates is None else candidates:
        try:
            client = opener(path, timeout=SCAN_TIMEOUT)
        except IdCardError:
            continue
        client.timeout = COMMAND_TIMEOUT
        return client
    raise IdReaderNotFound()
