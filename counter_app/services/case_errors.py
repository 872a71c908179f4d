"""Domain errors of service cases, ratings and follow-ups (RULES E1–E3), each with a Chinese
message that says what happened and what to do."""

from __future__ import annotations

from counter_app.services.errors import ServiceError


class CaseNotFound(ServiceError):
    reason = "case_not_found"
    message = "未找到该办件。请核对办件编号；如为其他窗口的办件，请到该窗口处理。"


class CaseStillOpen(ServiceError):
    reason = "case_open"
    message = "本次服务尚未结束，不能评价。请先点“结束服务”(F12)。"


class CaseAlreadyClosed(ServiceError):
    reason = "case_closed"
    message = "该办件已结束，无需再次结束。"


class RatingAlreadyRecorded(ServiceError):
    """RULES E2: a case is rated once."""

    reason = "already_rated"
    message = "该办件已评价，每次服务只能评价一次。"


class RatingInvalid(ServiceError):
    reason = "rating_invalid"
    message = "评价内容无效：原因和意见只能在“不满意”或“非常不满意”时填写。请重新选择。"


class RatingCommentTooLong(ServiceError):
    reason = "comment_too_long"

    def __init__(self, limit: int) -> None:
        super().__init__(f"意见不能超过 {limit} 个字。请删减后再提交。")


class QueueTicketInvalid(ServiceError):
    reason = "queue_ticket_invalid"
    message = "排队号只能由字母、数字和“-”组成，最长 20 位。请核对后重新输入或扫描。"


class FollowUpNotFound(ServiceError):
    reason = "followup_not_found"
    message = "未找到该整改事项，或它不属于本机构。请刷新列表后重试。"


class FollowUpAlreadyClosed(ServiceError):
    reason = "followup_closed"
    message = "该整改事项已办结，无需再次办结。请刷新列表。"


class FollowUpTextRequired(ServiceError):
    reason = "followup_text_required"
    message = "请填写整改措施和回访结果（各不超过 500 字）后再办结。"
