"""The emulated reader on its pseudo-terminal answers a command whose bytes come in two
parts, the second after the emulator's short idle wait has run out (IDCARD.md "Transport":
one command at a time, answered within 1 s). It used one deadline for its idle wait and
the frame, and dropped such a command unanswered: a client polling the reader every
second — in step with those waits — timed out every few polls."""

from __future__ import annotations

import os
import select
import time
import tty

from reader.idcard.emulator import PtyIdReader
from reader.idcard.frames import command_frame, read_frame, response_frame

from .idkit import RESIDENT, profile

SAM_STATUS = (0x11, 0xFF)


class _Fd:
    def __init__(self, fd: int) -> None:
        self.fd = fd

    def read(self, size: int, timeout: float) -> bytes:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        return os.read(self.fd, size) if ready else b""


def test_a_command_split_across_the_emulators_idle_wait_is_answered() -> None:
    with PtyIdReader(profile(RESIDENT)) as emulator:
        fd = os.open(emulator.path, os.O_RDWR | os.O_NOCTTY)
        try:
            tty.setraw(fd)
            frame = command_frame(*SAM_STATUS)
            os.write(fd, frame[:3])  # the frame has begun…
            time.sleep(0.3)  # …and goes on after the emulator's 0.2-s wait has run out
            os.write(fd, frame[3:])
            body = read_frame(_Fd(fd), 1.0)
        finally:
            os.close(fd)
    assert response_frame(0x90)[7:-1] == body  # SW1 SW2 SW3 = 00 00 90
