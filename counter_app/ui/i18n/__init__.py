"""The UI's translations: Chinese source strings, an English catalogue beside them.

``lrelease`` is not available in the virtual environment, so the catalogue is JSON
(``en.json``: ``{"context": {"中文原文": "English"}}``) read by :class:`JsonTranslator`, a
``QTranslator`` subclass: every string still goes through ``self.tr()`` /
``QCoreApplication.translate``, so a ``.qm`` file can replace the JSON without touching a
widget. A context of ``"*"`` holds translations shared by every context; ``self.tr()`` looks
up the *run-time* class name as its context (PyQt), so its strings belong in ``"*"``.

``tests/gui/test_i18n_complete.py`` fails when a string passed to the translation has no
English entry (found by :mod:`counter_app.ui.i18n.extract`; ``python -m
counter_app.ui.i18n.extract`` prints the missing ones as JSON to fill in). Translations keep
the source's placeholders (``%1``, ``%n``, ``{0}``); 卡密码 is the card "PIN", 持卡人 the
"cardholder", 参保人 the "insured person".
"""

from __future__ import annotations

import json
from pathlib import Path

from PyQt6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

CATALOGUE_DIR = Path(__file__).resolve().parent
LANGUAGES = {"zh_CN": "中文（简体）", "en": "English"}


class JsonTranslator(QTranslator):
    """Translates from a ``{context: {source: translation}}`` catalogue."""

    def __init__(self, catalogue: dict[str, dict[str, str]], language: str) -> None:
        super().__init__()
        self._catalogue = catalogue
        self._language = language

    @classmethod
    def load_language(cls, language: str) -> JsonTranslator | None:
        """The translator for ``language``; None for the source language (Chinese)."""
        if language in ("", "zh_CN", "zh"):
            return None
        path = CATALOGUE_DIR / f"{language}.json"
        if not path.exists():
            return None
        return cls(json.loads(path.read_text(encoding="utf-8")), language)

    def language(self) -> str:
        return self._language

    def isEmpty(self) -> bool:  # Qt's name
        return not self._catalogue

    def translate(  # type: ignore[override]
        self,
        context: str | None,
        source_text: str | None,
        disambiguation: str | None = None,
        n: int = -1,
    ) -> str | None:
        if not source_text:
            return None
        for key in (context or "", "*"):
            found = self._catalogue.get(key, {}).get(source_text)
            if found:
                return found
        return None  # Qt falls back to the source text


def install_language(app: QCoreApplication, language: str) -> JsonTranslator | None:
    """Install the translator for ``language`` on ``app``; keep the returned object alive."""
    translator = JsonTranslator.load_language(language)
    if translator is not None:
        app.installTranslator(translator)
    return translator


def install_qt_translations(app: QCoreApplication, language: str) -> QTranslator | None:
    """Qt's own strings (standard buttons — 确定/取消/是/否 —, file dialogs, context menus)
    in ``language``: Qt's ``qtbase_<language>.qm`` from its translations folder
    (``QLibraryInfo``). Chinese is the default; keep the returned object alive. None when
    Qt ships no catalogue for it (English is Qt's source language)."""
    name = "zh_CN" if language in ("", "zh", "zh_CN") else language
    if name == "en":
        return None
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(f"qtbase_{name}", folder):
        return None
    app.installTranslator(translator)
    return translator


def tr(context: str, text: str) -> str:
    """``QCoreApplication.translate`` for code that is not a QObject (models, helpers)."""
    return QCoreApplication.translate(context, text)
