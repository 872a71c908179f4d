"""Start-up warm-up and garbage-collector tuning of the GUI process.

Importing the workflows' modules and loading the forms' fonts once, on a pool thread, at
start-up (``counter_app.ui.app.start_background``), and then freezing the start-up heap
(``gc.freeze``), so neither an import nor a full collection stalls the GUI in the middle of
a submission. Qt-free; nothing happens at import.
"""

from __future__ import annotations

import gc
import importlib
import logging

log = logging.getLogger(__name__)


#: Modules the workflows import on their first use, on a pool thread (importing runs
#: Python with the GIL: better once at start-up than in the middle of a submission).
WARM_MODULES = (
    "counter_app.services.phone_reports",
    "counter_app.services.written_reports",
    "counter_app.services.pin_change",
    "counter_app.services.pin_reset",
    "counter_app.services.lifting",
    "counter_app.services.replacement",
    "counter_app.services.records",
    "counter_app.services.sessions",
    "forms.render",
)


def warm_gui_process() -> None:
    """Start-up work of the GUI process, on a pool thread: import what the workflows need
    and load the forms' fonts (the workflows' services still draw forms in this process),
    then move everything alive into the permanent GC generation (``gc.freeze``).

    Why (``scripts/bench_gui.py`` with ``gc.callbacks``): a full collection walks every
    tracked object of the process with the GIL held; with the demo city, SQLAlchemy, Qt and
    ~150,000 containers of reportlab font tables that is 300,000–460,000 objects and
    130–190 ms — a GUI stall whichever thread triggers it. Frozen objects are never walked
    again, so later full collections see only what was made since.
    """
    gc.freeze()  # the start-up heap first: the collections font loading triggers skip it
    for name in WARM_MODULES:
        try:
            importlib.import_module(name)
        except ImportError as error:
            log.warning("warm-up: %s", error)
    try:
        from forms.fonts import default_fontset

        default_fontset()
    except Exception as error:  # shown when a form is drawn
        log.warning("warm-up: no form fonts: %s", error)
    gc.freeze()
