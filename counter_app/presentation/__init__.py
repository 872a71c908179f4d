"""Record pages as a clerk reads them, without Qt (docs/ARCHITECTURE.md "Screens a clerk reads").

Chinese labels, decoded codes (:mod:`.codes`), money and times written out (:mod:`.text`,
times through :mod:`forms.localtime`), 无记录 for an empty list. The UI lays a
:class:`~.page.Page` out and adds no wording of its own, so every page can be tested
without a window.
"""

from counter_app.presentation.page import NO_RECORDS, Fields, Page, Table
from counter_app.presentation.pages import NoPageFor, page_for

__all__ = ["NO_RECORDS", "Fields", "NoPageFor", "Page", "Table", "page_for"]
