"""Domain errors of the counter services.

Each is an exception with a name that says what went wrong (cosmicpython style, never an
``{'ok': False}`` dict) and a Chinese message for the clerk that says what happened and what
to do next. Messages never contain a password or PIN.
"""

from __future__ import annotations

import datetime as dt


class ServiceError(Exception):
    """Base of every refusal or failure a service reports to the clerk."""

    message = "业务办理失败。请重试；如仍失败请联系系统管理员。"
    #: A short machine-readable reason, used in audit records and refusal statistics.
    reason = "error"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)


class NotPermitted(ServiceError):
    """RULES S3: the staff member's role or office may not do this."""

    reason = "not_permitted"
    message = "您所在的经办机构或岗位无权办理此业务。请引导持卡人到有权办理的机构。"


class SessionRequired(ServiceError):
    """RULES Q7: records are shown only inside a holder session."""

    reason = "no_session"
    message = "请先由持卡人插卡并输入密码，或核验有效身份证件后，再查看个人信息。"


class SessionEnded(ServiceError):
    reason = "session_ended"
    message = "本次服务已结束（卡已拔出或已注销）。如需继续，请重新开始服务。"


class HolderNotFound(ServiceError):
    reason = "holder_not_found"
    message = "未找到该参保人。请核对身份证号码、卡号或姓名与出生日期后重试。"


class HolderDeceased(ServiceError):
    """RULES Q7: staff see a holder's records only with the holder present and identified —
    a holder recorded as deceased cannot be, so nothing is looked up or done in their own
    name on an ID document (their card is void too: ``CardCancelled``)."""

    reason = "holder_deceased"
    message = (
        "系统记载该参保人已死亡，本人不可能到场，不能以本人名义查询或办理业务。"
        "请核实来人身份；家属查询工亡待遇，请使用“查询”菜单中的“工亡人员待遇查询”。"
    )

    def __init__(self, died_on: dt.date | None = None) -> None:
        self.died_on = died_on
        if died_on is None:
            super().__init__()
            return
        super().__init__(
            self.message.replace(
                "已死亡", f"已于{died_on.year}年{died_on.month:02d}月{died_on.day:02d}日死亡", 1
            )
        )


class CardNotFound(ServiceError):
    reason = "card_not_found"
    message = "数据库中没有这张卡的记录。请核对卡号；如卡片为新制发，请联系社会保障卡服务中心。"


class IdDocumentMismatch(ServiceError):
    """RULES P5/Q7/U2: the ID document shown does not match the holder."""

    reason = "id_mismatch"
    message = "所出示证件的号码与持卡人不一致。请核对证件；证件不符时不能办理。"


class IdDocumentNotAccepted(ServiceError):
    reason = "id_document_not_accepted"
    message = "此项业务不接受该类证件。请持居民身份证或户籍证明办理。"


class CardAlreadyReportedLost(ServiceError):
    """RULES L4."""

    reason = "already_reported"
    message = "该卡已挂失，不能重复挂失。可查看已有挂失记录并补打挂失登记表。"


class ReplacementAlreadyApplied(ServiceError):
    """RULES U1/U4/R2."""

    reason = "replacement_applied"
    message = "该卡已申请补卡，原卡不能再解除挂失。请告知持卡人等待领取新卡。"


class NoActiveLossReport(ServiceError):
    reason = "no_active_report"
    message = "该卡没有有效的挂失记录，无需解挂。"


class WrongDistrict(ServiceError):
    """RULES U2: lifting only at the holder's own district sub-center."""

    reason = "wrong_district"
    message = "解除挂失须到持卡人所属区县医疗保险分中心办理。请引导持卡人前往所属分中心。"


class WrongCard(ServiceError):
    """RULES U5: the card presented is not the card reported lost (the default message);
    for a password service (P2–P6) the card in the reader is not the holder's card in use
    (:data:`NOT_THE_HOLDERS_CARD`)."""

    reason = "wrong_card"
    message = "读卡器中的卡不是挂失的那张卡。请插入挂失的原卡。"


#: ``WrongCard``'s message for a password change, reset or unblock.
NOT_THE_HOLDERS_CARD = (
    "读卡器中的卡不是该参保人在用的社保卡。请取出此卡，插入持卡人本人在用的社保卡后重试。"
)


class CardNotActive(ServiceError):
    reason = "card_not_active"
    message = (
        "该卡当前状态不能办理此业务（可能已挂失、已补卡或已注销）。"
        "请在持卡人概况中查看卡状态后按相应业务办理。"
    )


class WeakPin(ServiceError):
    """RULES P7."""

    reason = "weak_pin"
    message = "新密码过于简单（不能为 123456、六位相同数字或连续数字）。请持卡人重新设置。"


class PinEntriesDiffer(ServiceError):
    """RULES P2/P3/P7: both new entries must match."""

    reason = "pins_differ"
    message = "两次输入的新密码不一致，密码未修改。请持卡人重新输入。"


class IdNumberRequired(ServiceError):
    """RULES P2: a default password may be changed only after the ID number is checked."""

    reason = "id_required"
    message = "原密码仍为初始密码，须先核对持卡人身份证号码后才能修改。"


class ApprovalRequired(ServiceError):
    reason = "approval_required"
    message = "此项业务须由本机构主管当场复核批准。请主管输入工号和密码。"


class ApprovalInvalid(ServiceError):
    reason = "approval_invalid"
    message = "复核无效（主管不符、已被使用或与本次业务不符）。请主管重新复核。"


class AlreadyDone(ServiceError):
    """The same submission (idempotency key) was already carried out; nothing was repeated."""

    reason = "already_done"
    message = "该业务已办理成功（重复提交已忽略）。"


class ConcurrentChange(ServiceError):
    reason = "concurrent_change"
    message = "另一窗口正在办理同一张卡的业务，请稍候片刻后重试。"


class DatabaseUnavailable(ServiceError):
    reason = "db_unavailable"
    #: What could not be reached, as a clause for a longer message (``AnswerNotRecorded``).
    outage = "无法连接数据库"
    message = f"{outage}，本次操作未保存。请稍后重试；已填写的内容仍保留。"


class CardOperationFailed(ServiceError):
    """The card refused or could not complete the operation; nothing was recorded as done."""

    reason = "card_failed"


class OutcomeUnknownRecorded(ServiceError):
    """The card command went out but its answer was lost; recorded as unknown."""

    reason = "outcome_unknown"
    message = "卡片在操作过程中被拔出，结果未知，已记录为“待核实”。请重新插卡核实。"


# --- holder sessions, staff login (services/sessions.py, services/staff_login.py) -----------------


class PinBlockedOfferReset(ServiceError):
    """RULES P6: the card's PIN is blocked; the clerk can offer unblock (P6) or reset (P5)."""

    reason = "pin_blocked"
    message = (
        "该卡密码已锁定（输错次数已达上限），不能凭密码查询。"
        "请核验持卡人有效身份证件后办理密码解锁或密码重置，或改用证件核验方式查询。"
    )


class CardCancelled(ServiceError):
    """The card in the reader was cancelled by the issuer (e.g. its holder died): it no longer
    identifies anyone, whatever PIN it still holds."""

    reason = "card_cancelled"
    message = (
        "该卡已注销，不能凭此卡查询或办理业务，也无需输入密码。"
        "如需查询本人信息，请持卡人出示有效身份证件，按证件核验方式办理。"
    )


class CardReplaced(ServiceError):
    """The card in the reader is an old card whose replacement was applied for (RULES R2,
    U4): it stays void for good, whatever PIN it still holds."""

    reason = "card_replaced"
    message = (
        "该卡已申请补卡，原卡已永久作废，不能凭此卡查询或办理业务，也无需输入密码。"
        "请使用新卡，或请持卡人出示有效身份证件，按证件核验方式办理。"
    )


#: The issuer's card states (``CardState`` values) in which a card identifies nobody: no
#: PIN is asked for, and the session is refused with this error.
VOID_CARD_ERRORS: dict[str, type[ServiceError]] = {
    "cancelled": CardCancelled,
    "replacement_applied": CardReplaced,
}


class CardApplicationBlocked(ServiceError):
    """The card's application is blocked (e.g. by a hospital terminal after a loss report)."""

    reason = "app_blocked"
    message = (
        "该卡的社保应用已被锁定（通常因挂失），不能凭密码查询。"
        "请改用证件核验方式查询；如卡已找回，可到所属区县医疗保险分中心办理解除挂失。"
    )


class ReasonRequired(ServiceError):
    """RULES Q7: a look-up without the card records why."""

    reason = "reason_required"
    message = "凭证件查询须填写查询事由。请填写后重试。"


class LoginFailed(ServiceError):
    """Staff login refused. One message for every cause: no user enumeration (RULES S1–S3)."""

    reason = "login_failed"
    message = (
        "工号或密码错误，或账户已锁定/停用。请重新输入；"
        "连续多次错误后账户将被锁定，可请本机构主管解锁。"
    )


class OtherOfficeWorkstation(ServiceError):
    """A city workstation serves the office its certificate names (RULES S3: a clerk works
    for their own office). Raised after the password was found right, so naming the two
    offices tells nothing a guesser could use."""

    reason = "other_office"
    message = "此工作站不属于您所在的经办机构，不能在此登录。请到本机构的工作站登录。"

    def __init__(self, workstation_office: str = "", own_office: str = "") -> None:
        if workstation_office and own_office:
            super().__init__(
                f"此工作站属于{workstation_office}，您的工号属于{own_office}，不能在此登录。"
                "请到本机构的工作站登录；如已调到本机构，请管理员修改工号所属机构。"
            )
        else:
            super().__init__()


class PasswordChangeRequired(ServiceError):
    """An initial or reset staff password must be changed before any work (RULES S1–S3)."""

    reason = "password_change_required"
    message = "这是初始密码或已被重置的密码，请先修改密码后再办理业务。"


class WeakStaffPassword(ServiceError):
    reason = "weak_staff_password"
    message = "新密码不符合要求：至少 10 个字符，不能与工号或原密码相同。请重新设置。"


class StaffNotFound(ServiceError):
    reason = "staff_not_found"
    message = "没有该工号的工作人员。请核对工号。"


class StaffSessionEnded(ServiceError):
    """The staff member's login no longer holds: its session was ended elsewhere (logout,
    a new login, a password reset, a move to another office). The subclasses say when the
    account was disabled, or when only the login's token is no longer valid — the clerk is
    told what is true, and the window locks for all of them."""

    reason = "staff_session_ended"
    message = "您的登录已结束（已在别处注销或重新登录，或密码已被重置）。请重新登录。"


class StaffAccountDisabled(StaffSessionEnded):
    """The account was disabled (or removed) since its login: it cannot log in again."""

    reason = "staff_account_disabled"
    message = "您的账户已停用，登录已失效。如需继续办理业务，请联系主管。"


class StaffLoginInvalid(StaffSessionEnded):
    """``counter-server`` no longer accepts the login's token (expired, or its token secret
    was replaced): nothing is wrong with the account; logging in again gives a new one."""

    reason = "staff_login_invalid"
    message = "您的登录已失效，请重新登录。"


# --- passwords, loss reports, lifting, replacement, forms (services B) --------------------


class PhoneIdentificationFailed(ServiceError):
    """RULES L1: the 12333 caller's ID number or query password is wrong. One message for
    both, so a caller cannot find out which ID numbers exist."""

    reason = "phone_auth_failed"
    message = "身份证号码或查询密码不正确，未能挂失。请核对后重新输入，或到经办机构窗口办理。"


class ServicePasswordLocked(ServiceError):
    reason = "service_password_locked"
    message = "查询密码连续输错次数过多，已暂时锁定。请稍后再试，或持有效身份证件到窗口办理。"


class LossReportRequired(ServiceError):
    """RULES R1/R2: a replacement (补领) is for a card reported lost."""

    reason = "loss_report_required"
    message = "该卡没有有效的挂失记录，不能申请补卡。请先为持卡人办理书面挂失。"


class InvalidLossDetails(ServiceError):
    reason = "invalid_loss_details"
    message = "挂失登记内容不完整或不正确（遗失日期、地点、经过、联系电话）。请核对后重试。"


class FormNotFound(ServiceError):
    reason = "form_not_found"
    message = "没有这个编号的表单。请核对表单编号（如 500103-YB-2026-000123）后重试。"


class ReprintReasonRequired(ServiceError):
    reason = "reprint_reason_required"
    message = "补打表单必须注明原因。请填写补打原因后重试。"


class SubmissionKeyReused(ServiceError):
    """An idempotency key already used for a different kind of submission."""

    reason = "idempotency_key_reused"
    message = "提交编号已被另一项业务使用。请关闭本业务窗口后重新办理。"


class PasswordEventNotFound(ServiceError):
    reason = "password_event_not_found"
    message = "没有待核实的密码业务记录（可能已核实）。请刷新后重试。"


class EmployerNotFound(ServiceError):
    """RULES Q5: no employer with that social insurance unit number."""

    reason = "employer_not_found"
    message = "没有该单位社会保险编号。请核对单位编号后重试。"


class EmployerNumberExpected(EmployerNotFound):
    """RULES Q5: the employer is looked up by its unit number; the text typed is not one at
    all (a company name, letters only) — the clerk is told what to type, not that no such
    number exists."""

    reason = "employer_number_expected"
    message = "请输入14位单位社会保险编号（如 50010300000031），不是单位名称。请核对后重试。"


class SearchTextRequired(ServiceError):
    reason = "search_text_required"
    message = "请输入药品或诊疗项目的名称、编码或拼音首字母。"


# --- the ID document check read from the chip (IDCARD.md; RULES P5, P6, L3, U2, Q7) ------


class IdNameMismatch(ServiceError):
    """The name read from the ID card's chip is not the holder's registered name."""

    reason = "id_name_mismatch"
    message = "身份证上的姓名与参保人登记的姓名不一致。请核对证件与本人；证件不符时不能办理。"


class IdDocumentExpired(ServiceError):
    reason = "id_expired"
    message = "该证件已超过有效期限。请持有效期内的证件办理（证件过期请先到公安机关换领）。"


class ManualIdCheckForbidden(ServiceError):
    """Settings (``idcard_manual_forbidden``) require the chip for this action."""

    reason = "manual_id_forbidden"
    message = (
        "此项业务必须读取身份证芯片核验，不能手工录入证件号码。"
        "请将身份证放在阅读器上读取；阅读器故障请联系系统管理员。"
    )


class ManualReasonRequired(ServiceError):
    """A typed (manual) ID document without a reason from the fixed list (IDCARD.md typed
    fallback; RULES Q7, P5, L3, U2)."""

    reason = "manual_reason_required"
    message = (
        "手工录入证件号码须选择未读取芯片的原因（阅读器故障、芯片无法读取或证件无芯片）。"
        "请选择原因后重新核验。"
    )


class IdCheckIncomplete(ServiceError):
    """A chip check that lacks what it needs (the SAM ID, the holder's name to compare)."""

    reason = "id_check_incomplete"
    message = "证件核验信息不完整，未能完成核验。请将身份证取下后重新放置读取，再办理业务。"
