"""Plain results the interface returns where a service returns a database row."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SupervisorApproval:
    """A supervisor's approval of one request (four-eyes): what a use case needs of it
    (``approvals.ApprovalLike``: its id) and who approved, for the screen."""

    id: int
    approver_staff_no: str
