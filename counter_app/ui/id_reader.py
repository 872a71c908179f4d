"""The workstation's resident ID card reader (IDCARD.md) and photo decoder, built once by
the composition root (``app.build_workstation``) and used by the ID check of every workflow.

:meth:`IdCardStation.read` runs on a pool thread: it waits for a card on the reader (about
30 s, a :class:`~reader.idcard.placement.PlacementWait` the screen shows and may cancel),
reads it (find → select → read), turns it into the service's ``IdDocument``
(``idcheck.document_from_chip``: number, name, validity, kind, the reader's SAM ID — never
the photo) and decodes the photo through the decoder seam named in settings
(``idcard_decoder``, loaded once here). The chip's photo bytes are wiped as soon as they
are decoded; the decoded portrait lives in the returned :class:`ChipReading` until the
screen releases it (:meth:`ChipReading.release`). Nothing here writes a file or logs data.

In the demo the reader is the project's emulator (``reader.idcard.emulator.PtyIdReader``)
on a real pseudo-terminal, and :meth:`IdCardStation.place` puts a demo holder's ID card on it.
No Qt here: the screen part is ``id_chip.py``.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from counter_app.services.idcheck import CheckMethod, IdDocument, document_from_chip
from forms.masking import mask_id_number
from reader.idcard.card import IdCardData
from reader.idcard.client import IdCardClient
from reader.idcard.discovery import find_reader
from reader.idcard.errors import IdCardAlreadyRead, IdCardError, IdReaderNotFound, NoIdCard
from reader.idcard.photo import PhotoDecoder, Portrait, load_decoder
from reader.idcard.placement import POLL_INTERVAL, IdCardWaitCancelled, PlacementWait

log = logging.getLogger(__name__)

#: How long a read waits for the card to be placed: polls × ``POLL_INTERVAL`` (30 s: at
#: the window the holder may first have to find the card in a wallet).
WAIT_POLLS = 100
#: How often a read waiting for the reader's lock looks whether it was cancelled meanwhile.
LOCK_SLICE = 0.1

_GENDERS = {"1": "男", "2": "女"}


@dataclass(eq=False)
class ChipReading:
    """One read for the clerk's screen: the document for the service, the chip's data as
    lines (label, value), and the decoded portrait (or why there is none)."""

    document: IdDocument
    lines: list[tuple[str, str]]
    portrait: Portrait | None = field(default=None, repr=False)
    photo_problem: str = ""

    def release(self) -> None:
        """Wipe and drop the portrait (the check is over)."""
        if self.portrait is not None:
            self.portrait.wipe()
            self.portrait = None


@dataclass(frozen=True)
class RecentCheck:
    """A chip document the service accepted for one holder session (RULES E1: one service
    case), kept so the next action of the same service can offer it instead of a new read
    (the clerk confirms). The chip's data lines (masked) and when it was read; never the
    photo."""

    session_id: int
    document: IdDocument
    lines: list[tuple[str, str]]
    read_at: dt.datetime

    def time_text(self) -> str:
        """HH:MM in Asia/Shanghai."""
        return self.read_at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%H:%M")


def log_reader_condition(error: IdCardError) -> None:
    """One log line for an expected condition of the reader (no card on it, card moved, no
    reader): the error's kind and its Chinese message, which holds no card data and no
    driver text (``reader.idcard.errors``) — no traceback. No card is the everyday case
    (INFO); the others say something about the reader or the card (WARNING)."""
    level = logging.INFO if isinstance(error, NoIdCard) else logging.WARNING
    log.log(level, "身份证阅读器：%s（%s）", error, type(error).__name__)


def chip_lines(data: IdCardData) -> list[tuple[str, str]]:
    """What the clerk compares with the holder's record (number masked like every screen)."""
    valid_to = "长期" if data.valid_to is None else data.valid_to.strftime("%Y年%m月%d日")
    return [
        ("姓名", data.name),
        ("性别", _GENDERS.get(data.gender, "未知")),
        ("出生", data.birth.strftime("%Y年%m月%d日")),
        ("证件号码", mask_id_number(data.id_number)),
        ("有效期至", valid_to),
        ("签发机关", data.authority or "无记录"),
    ]


class IdCardStation:
    """The ID card reader of one workstation (see the module docstring)."""

    def __init__(
        self,
        port: str,
        decoder_name: str,
        *,
        emulator: Any = None,
        demo_profiles: Callable[[], dict[str, dict[str, Any]]] | None = None,
        polls: int = WAIT_POLLS,
        interval: float = POLL_INTERVAL,
        pause: Callable[[float], object] | None = None,
        opener: Callable[[str], IdCardClient] = find_reader,
    ) -> None:
        """``polls`` × ``interval``: how long :meth:`read` waits for a card; ``pause``
        replaces the real pause between two finds (tests: a fake clock)."""
        self.port = port
        self.polls = polls
        self.interval = interval
        self._pause = pause
        #: The waits for a card under way (cancelled when the station closes).
        self._waits: set[PlacementWait] = set()
        self._waits_lock = threading.Lock()
        self._opener = opener
        self._client: IdCardClient | None = None
        self._lock = threading.Lock()
        self.emulator = emulator
        self._demo_profiles = demo_profiles
        self._profiles: dict[str, dict[str, Any]] | None = None
        self.decoder: PhotoDecoder | None = None
        self.decoder_problem = ""
        #: A card was read and no other read succeeded since: IDCARD.md, the reader answers
        #: "no card" until that card is taken away and placed again (set on the pool
        #: thread, read by the screen to say so before the wait).
        self.card_was_read = False
        self._recent: RecentCheck | None = None
        try:
            self.decoder = load_decoder(decoder_name)
        except IdCardError as error:  # shown beside each read; the data still reads
            self.decoder_problem = str(error)

    # -- reading (pool thread) ---------------------------------------------------------

    def new_wait(self) -> PlacementWait:
        """A wait of this station's length (``polls`` finds ``interval`` apart) for
        :meth:`read`; the screen keeps it to show the seconds left and to cancel it."""
        return PlacementWait(self.polls, self.interval, pause=self._pause)

    def read(self, wait: PlacementWait | None = None) -> ChipReading:
        """Wait for a card (``wait``, or one of this station's length), read it, decode
        the photo. ``IdCardError`` (no reader, no card, card moved …) and the service's
        ``IdDocumentNotAccepted`` (a permit of another kind) carry a Chinese message
        saying what to do: no card by the end of the wait is ``IdCardNotPlaced``, or
        ``IdCardAlreadyRead`` while the card read last may still lie there (IDCARD.md:
        ``80`` until it is lifted and placed again). A cancelled wait
        (``PlacementWait.cancel``, from any thread) is ``IdCardWaitCancelled`` — also
        when the card was found as it was cancelled: that read is wiped. The reader is
        let go (its lock released) however the wait ends; a cancel never cuts a command
        to the reader short."""
        wait = wait if wait is not None else self.new_wait()
        self._take_reader(wait)
        try:
            client = self._open()
            try:
                data = client.read_when_placed(
                    wait.polls, wait.interval, wait.cancelled, sleep=wait.pause, polled=wait.polled
                )
            except IdCardWaitCancelled:
                raise  # the clerk's own doing: nothing to say about the reader
            except NoIdCard as missing:
                said: NoIdCard = IdCardAlreadyRead() if self.card_was_read else missing
                log_reader_condition(said)
                raise said from None
            except IdCardError as error:
                log_reader_condition(error)
                self._drop()  # the next read opens the port again
                raise
            self.card_was_read = True
            if wait.cancelled():  # found just as the clerk gave up: not shown, not kept
                data.wipe()
                raise IdCardWaitCancelled()
        finally:
            self._lock.release()
            self._let_go(wait)
        return self._reading(data)

    def _take_reader(self, wait: PlacementWait) -> None:
        """The reader's lock for ``wait``'s read; a wait cancelled before it got the
        reader (another read of the clerk's still held it) ends without touching it."""
        with self._waits_lock:
            self._waits.add(wait)
        while not self._lock.acquire(timeout=LOCK_SLICE):
            if wait.cancelled():
                self._let_go(wait)
                raise IdCardWaitCancelled()
        if wait.cancelled():
            self._lock.release()
            self._let_go(wait)
            raise IdCardWaitCancelled()

    def _let_go(self, wait: PlacementWait) -> None:
        with self._waits_lock:
            self._waits.discard(wait)

    def cancel_waits(self) -> None:
        """Cancel every wait for a card under way (any thread; the station closes)."""
        with self._waits_lock:
            waits = list(self._waits)
        for wait in waits:
            wait.cancel()

    def read_placed(self) -> ChipReading | None:
        """One look at the reader, without waiting (the idle main screen's watch,
        ``id_card_search``): the card's read when one was placed since the last read; None
        when there is none, when the card lying there was read already (IDCARD.md: ``80``
        until it is lifted and placed again), or when a read of the clerk's holds the
        reader (that read owns it: the card is left to it). The everyday "no card" is not
        logged; any other ``IdCardError`` is, as in :meth:`read`."""
        if not self._lock.acquire(blocking=False):
            return None
        try:
            client = self._open()
            try:
                data = client.read_card()
            except NoIdCard:
                return None
            except IdCardError as error:
                log_reader_condition(error)
                self._drop()
                raise
            self.card_was_read = True
        finally:
            self._lock.release()
        return self._reading(data)

    def reader_empty(self) -> bool:
        """One find card, no read, no wait: True when no unread card lies on the reader
        (none at all, or the card read last, still lying there — IDCARD.md ``80``); False
        when one does, or when a read of the clerk's holds the reader (it cannot be said).
        The idle screen's watch reads only a card placed after it saw this True."""
        if not self._lock.acquire(blocking=False):
            return False
        try:
            client = self._open()
            try:
                client.find_card()
            except NoIdCard:
                return True
            except IdCardError as error:
                log_reader_condition(error)
                self._drop()
                raise
            return False
        finally:
            self._lock.release()

    def _reading(self, data: IdCardData) -> ChipReading:
        """The read for the screen; the chip's photo bytes are wiped whatever happens."""
        try:
            document = document_from_chip(data)
            reading = ChipReading(document, chip_lines(data))
            if self.decoder is None:
                reading.photo_problem = self.decoder_problem
            else:
                try:
                    reading.portrait = self.decoder.decode(data.photo)
                except IdCardError as error:
                    reading.photo_problem = str(error)
            return reading
        finally:
            data.wipe()

    def _open(self) -> IdCardClient:
        if self._client is None:
            try:
                self._client = self._opener(self.port)
            except IdCardError as error:
                log_reader_condition(error)
                raise
            except Exception as exc:  # a port that vanished: never the driver's text
                log.warning("身份证阅读器：端口打不开（%s）", type(exc).__name__)
                raise IdReaderNotFound() from exc
        return self._client

    def _drop(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    # -- the document the service accepted in this service (GUI thread) ----------------

    def remember(self, session_id: int, reading: ChipReading) -> None:
        """The service accepted ``reading``'s chip document for the holder of
        ``session_id``: the next action of the same service may offer it."""
        if reading.document.method is not CheckMethod.CHIP:
            return
        now = dt.datetime.now(dt.UTC)
        self._recent = RecentCheck(session_id, reading.document, list(reading.lines), now)

    def recent(self, session_id: int | None) -> RecentCheck | None:
        """The document remembered for ``session_id``; one of another session (a service
        that ended) is forgotten here."""
        if self._recent is not None and self._recent.session_id != session_id:
            self._recent = None
        return self._recent

    def forget_recent(self) -> None:
        self._recent = None

    # -- the demo's emulated reader ----------------------------------------------------

    def demo_numbers(self) -> list[str]:
        """The ID numbers of the demo holders whose ID card can be placed."""
        return list(self._demo_cards())

    def use_demo_cards(self, profiles: Callable[[], dict[str, dict[str, Any]]]) -> None:
        """Where the demo's ID cards come from (a demo workstation against counter-server has
        no database of its own: whoever runs it names the demo database's cards)."""
        self._demo_profiles, self._profiles = profiles, None

    def _demo_cards(self) -> dict[str, dict[str, Any]]:
        if self._profiles is None:
            self._profiles = self._demo_profiles() if self._demo_profiles else {}
        return self._profiles

    def place(self, id_number: str) -> bool:
        """Put the demo holder's ID card on the emulated reader (False: no such card)."""
        from reader.idcard.profile import parse_profile

        data = self._demo_cards().get(id_number)
        if self.emulator is None or data is None:
            return False
        self.emulator.place(parse_profile(data))
        self.card_was_read = False  # placed again: the next find succeeds
        return True

    def remove(self) -> None:
        if self.emulator is not None:
            self.emulator.remove()
            self.card_was_read = False

    def close(self) -> None:
        self._recent = None
        self.cancel_waits()  # a clerk's wait would hold the reader for its whole length
        with self._lock:
            self._drop()
        if self.emulator is not None:
            self.emulator.stop()


def build_id_station(settings: Any, demo: bool) -> IdCardStation:
    """The station of the settings: in the demo an emulated reader on a real pty (the demo
    holders' ID cards from the demo database, valid on today's date in Shanghai); otherwise
    the configured port (``idcard_port``) or the first serial port answering SAM status."""
    decoder = settings.idcard_decoder or "demo"
    if not demo:
        return IdCardStation(settings.idcard_port, decoder)
    from reader.idcard.emulator import PtyIdReader
    from reader.idcard.profile import DEMO_SAM_ID

    emulator = PtyIdReader(None, sam_id=bytes.fromhex(DEMO_SAM_ID))
    path = emulator.start()
    if settings.backend == "remote":  # no database here: no demo ID cards until named
        return IdCardStation(path, decoder, emulator=emulator)
    url = settings.database_url()

    def profiles() -> dict[str, dict[str, Any]]:
        from counter_app.demo.profiles import todays_idcard_profiles

        return todays_idcard_profiles(url)

    return IdCardStation(path, decoder, emulator=emulator, demo_profiles=profiles)
