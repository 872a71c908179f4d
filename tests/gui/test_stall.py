"""The structure of the GUI-stall fix (scripts/bench_gui.py gives the figures; no clock here).

1. Page images are rendered in the helper process: QtPdf keeps the GIL while it draws, so
   in the GUI process it stalls the GUI thread. The GUI process's own renderer is made to
   fail here, and the preview pages still come — from the other process, pixel-identical.
2. The start-up warm-up freezes the heap (``gc.freeze``) with the forms' fonts loaded, so a
   later full collection (triggered on any thread, GIL held) walks only young objects.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from typing import Any

import pytest

from counter_app.ui import drawing_process, printing
from counter_app.ui.tasks import HelperProcess, TaskRunner
from tests.gui.fakes import inline_runner, tiny_pdf


@pytest.fixture(scope="module")
def helper() -> Iterator[HelperProcess]:
    process = HelperProcess(drawing_process.warm)
    yield process
    process.close()


def test_helper_process_is_another_process_with_qtpdf_and_fonts_loaded(
    helper: HelperProcess,
) -> None:
    assert helper.warmed is not None
    assert helper.warmed.result(timeout=120) != os.getpid()
    assert helper.pid() != os.getpid()
    modules = ("PyQt6.QtPdf", "forms.fonts", "PyQt6.QtW")
    loaded = helper.call(drawing_process.modules_loaded, modules)
    assert "PyQt6.QtPdf" in loaded and "forms.fonts" in loaded
    assert not any(m.startswith("PyQt6.QtW") for m in loaded)  # no widgets in the helper


def test_preview_pages_come_from_the_helper_process(
    qtbot: Any, helper: HelperProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = tiny_pdf()
    expected = printing.render_pages(pdf, dpi=60)

    def not_here(*_a: Any) -> Any:
        raise AssertionError("a page was rendered in the GUI process")

    monkeypatch.setattr(printing, "render_images", not_here)
    monkeypatch.setattr(drawing_process, "render_images", not_here)
    runner: TaskRunner = inline_runner()
    runner.process = helper
    monkeypatch.setattr(printing, "RENDER_DPI", 60)
    form = printing.FormPrinter(pdf, "t", runner, None)
    pages = printing.page_images(runner, pdf, 60)
    assert len(pages) == len(expected) == 1
    assert pages[0] == expected[0]  # the same pixels
    form.prepare(None)
    assert form.images is not None and len(form.images) == 1


def test_without_a_helper_process_pages_render_in_process() -> None:
    runner = inline_runner()
    assert runner.process is None
    (page,) = printing.page_images(runner, tiny_pdf(), 40)
    assert page.width() > 0


def test_warm_up_loads_the_form_fonts_and_freezes_the_heap() -> None:
    from counter_app.warmup import warm_gui_process
    from forms.fonts import default_fontset

    try:
        warm_gui_process()
        assert default_fontset.cache_info().currsize == 1
        frozen = gc.get_freeze_count()
        assert frozen > 0
        # What a full collection now walks: the objects made since, not the frozen heap.
        assert len(gc.get_objects()) < frozen / 2
    finally:
        gc.unfreeze()
