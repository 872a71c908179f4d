"""The formats Qt uses itself — a calendar's month and day names, a file dialog's dates —
in the language of the UI, not the system's: on a workstation whose system locale is "C"
(a new clerk's trial under Xvfb) the Chinese UI showed "December", "Mon" in the date
fields' calendar and "7 12 2026" in the save dialog.

It must not: change how the program itself writes dates and amounts (the presentation
formats them, never ``QLocale``)."""

from __future__ import annotations

from PyQt6.QtCore import QLocale

#: The UI languages and the locale of their formats.
LOCALES = {
    "zh_CN": (QLocale.Language.Chinese, QLocale.Country.China),
    "en": (QLocale.Language.English, QLocale.Country.UnitedStates),
}


def use_language_locale(language: str) -> QLocale:
    """Make the locale of ``language`` (Chinese by default) Qt's default for every widget
    made from now on; returns it."""
    name = "zh_CN" if language in ("", "zh", "zh_CN") else language
    lang, country = LOCALES.get(name, LOCALES["zh_CN"])
    locale = QLocale(lang, country)
    QLocale.setDefault(locale)
    return locale
