"""Guided workflows: one dialog per counter action, each step validated,
each ending in a result page. ``open_workflow(window, action)`` is what the main window's
action buttons call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from counter_app.services.permissions import Action

if TYPE_CHECKING:
    from counter_app.ui.workflows.host import WorkflowHost


def open_workflow(window: WorkflowHost, action: Action) -> None:
    from counter_app.ui.workflows.registry import WORKFLOWS

    factory = WORKFLOWS.get(action)
    if factory is None:
        window.show_message(window.tr("此项业务的办理流程尚未安装。"))
        return
    dialog = factory(window)
    dialog.id_check_purpose = action  # the ID step asks the service at once (id_chip)
    window.workflow = dialog
    dialog.finished.connect(lambda _r: _closed(window, dialog))
    dialog.show()


def _closed(window: WorkflowHost, dialog: object) -> None:
    if window.workflow is dialog:
        window.workflow = None
    window.holder.reload() if window.holder.session is not None else None
    window.refresh_actions()
