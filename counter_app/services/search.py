"""Finding a holder at the counter (RULES Q7): by ID number, card number, or name + birth date.

:func:`parse_search` turns what the clerk typed into a :class:`SearchQuery` or a
``ValidationError`` with a Chinese message; :func:`find_holders` runs one indexed query
(``holders.ssn`` unique, ``cards.card_number`` unique, ``ix_holders_name_birth_date``) and
returns at most :data:`MAX_HITS` hits with the ID number **masked**. The search is audited
(``holder.search``) with the kind of query, a masked query text and the ids of the hits —
no more than the hit list itself reveals. Seeing records needs a holder session
(``sessions.py``); a hit list is not one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, bindparam, literal_column, select
from sqlalchemy.orm import aliased

from counter_app.models.audit_actions import AuditAction
from counter_app.models.card import IN_USE_STATES, Card
from counter_app.models.holder import Holder
from counter_app.models.loss import ACTIVE_REPORT_STATES, LossReport
from counter_app.services import audit
from counter_app.services.context import Actor, ServiceContext
from counter_app.services.errors import StaffAccountDisabled
from counter_app.services.loss_records import card_state_at
from counter_app.services.permissions import Action
from counter_app.services.precompiled import Precompiled
from counter_app.services.queries.holder import HolderHit as HolderHit
from counter_app.services.refusals import require
from counter_app.services.staff_active import active_in
from counter_app.validation import ValidationError, check_card_number, parse_id_number
from counter_app.validation._normalise import fold_width
from counter_app.validation.names import MIDDLE_DOT, validate_name
from counter_app.validation.text_policy import SEARCH_TEXT, clean_text
from forms.localtime import SHANGHAI
from forms.masking import mask_card_number, mask_id_number

MAX_HITS = 50
FIELD_SEARCH = "search"

_HELP = "请输入18位身份证号码、9位社会保障卡卡号，或姓名加出生日期（如 张三 1980-01-02）。"
_DATE_FORMATS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_ID_LIKE = re.compile(r"^[0-9]{14,17}[0-9X]$")
_CARD_LIKE = re.compile(r"^[0-9A-Z]{8}[0-9X]$")
_SEPARATORS = re.compile(r"[\s\-]+")
#: Latin letters and digits only, starting with a letter: meant as a card number.
_CARD_ATTEMPT = re.compile(r"^[A-Z][0-9A-Z]*[0-9][0-9A-Z]*$")
#: A full-width full stop between two non-digits is a name's separator (阿依古丽．买买提), not
#: a date's: it must not become "." before the name is checked.
_NAME_DOT = re.compile(r"(?<=[^\d\s])\uff0e(?=[^\d\s])")


class SearchKind(StrEnum):
    SSN = "ssn"
    CARD_NUMBER = "card_number"
    NAME_BIRTH = "name_birth"


@dataclass(frozen=True)
class SearchQuery:
    kind: SearchKind
    ssn: str | None = None
    card_number: str | None = None
    name: str | None = None
    birth_date: dt.date | None = None

    def masked(self) -> str:
        """The query as it may appear in the audit trail."""
        if self.kind is SearchKind.SSN:
            return mask_id_number(self.ssn or "")
        if self.kind is SearchKind.CARD_NUMBER:
            return mask_card_number(self.card_number or "")
        return f"{(self.name or '')[:1]}* {self.birth_date.isoformat() if self.birth_date else ''}"


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, field=FIELD_SEARCH, code=code)


def _parse_date(text: str) -> dt.date | None:
    for pattern in _DATE_FORMATS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                raise _refuse(f"出生日期 {text} 不是有效日期。{_HELP}", "bad_date") from None
    return None


def parse_search(text: str, today: dt.date | None = None) -> SearchQuery:
    """What the clerk typed → a query. Raises ``ValidationError`` (Chinese message)."""
    # The input policy first: an invisible or control character anywhere is named by its
    # position, instead of making an ID number look like a name without a birth date.
    if not isinstance(text, str) or not text.strip():
        raise _refuse("未输入查询内容。" + _HELP, "empty")
    typed = clean_text(text, SEARCH_TEXT)
    raw = fold_width(_NAME_DOT.sub(MIDDLE_DOT, typed)).strip()
    if not raw:
        raise _refuse("未输入查询内容。" + _HELP, "empty")
    compact = _SEPARATORS.sub("", raw).upper()
    if compact.isdigit() or _ID_LIKE.match(compact):
        if len(compact) in (15, 18) or len(compact) > 9:
            return SearchQuery(SearchKind.SSN, ssn=parse_id_number(compact, today).number)
    if (
        _CARD_LIKE.match(compact)
        and not compact.isdigit()
        or (compact.isdigit() and len(compact) == 9)
    ):
        return SearchQuery(SearchKind.CARD_NUMBER, card_number=check_card_number(compact).number)
    if len(raw.split()) == 1 and len(compact) <= 12 and _CARD_ATTEMPT.match(compact):
        check_card_number(compact)  # raises the card number's own message (length, chars)
    if compact.isdigit():
        raise _refuse(
            f"输入的是{len(compact)}位数字，既不是身份证号码也不是卡号。{_HELP}", "digits"
        )
    parts = raw.split()
    if len(parts) < 2:
        # 张三1980-01-02 / 张三19800102 without a space
        match = re.match(r"^(.*?)(\d{4}[-/.年]?\d{1,2}[-/.月]?\d{1,2}日?)$", raw)
        if not match or not match.group(1).strip():
            raise _refuse("按姓名查询须同时输入出生日期。" + _HELP, "name_without_birth_date")
        parts = [match.group(1).strip(), match.group(2)]
    birth = _parse_date(parts[-1])
    if birth is None:
        raise _refuse(f"无法识别出生日期「{parts[-1]}」。{_HELP}", "bad_date")
    if birth > (today or dt.date.today()):
        raise _refuse(f"出生日期 {birth.isoformat()} 晚于今天。{_HELP}", "birth_future")
    name = validate_name(" ".join(parts[:-1]))
    return SearchQuery(SearchKind.NAME_BIRTH, name=name, birth_date=birth)


# The three searches, built once at import and run on the DB-API cursor
# (services/precompiled.py): building them per call cost more than running them.
_in_use = aliased(Card)


def _one_of(column: Any, values: Iterable[str]) -> Any:
    """``column IN ('a', 'b')`` with the states written into the SQL: they are the model's
    own constants, and a statement without expanding parameters can be precompiled."""
    return column.in_([literal_column("'" + v.replace("'", "''") + "'") for v in values])


# The card's active report (one per card: the partial unique index) rides along so that a
# phone report past its deadline is shown lapsed at read time (RULES L2).
_COLUMNS = select(
    Holder.id,
    Holder.name,
    Holder.ssn,
    Holder.gender,
    Holder.birth_date,
    _in_use.card_number,
    _in_use.state,
    _in_use.expiry_date,
    LossReport.id.label("report_id"),
    LossReport.kind,
    LossReport.state.label("report_state"),
    LossReport.deadline_at,
).select_from(Holder)
_HELD_IN_USE = _COLUMNS.outerjoin(
    _in_use, and_(_in_use.holder_id == Holder.id, _one_of(_in_use.state, IN_USE_STATES))
)
_BY_KIND = {
    # The card typed, whatever its state (a replaced card still finds its holder).
    SearchKind.CARD_NUMBER: _COLUMNS.join(_in_use, _in_use.holder_id == Holder.id).where(
        _in_use.card_number == bindparam("card_number")
    ),
    SearchKind.SSN: _HELD_IN_USE.where(Holder.ssn == bindparam("ssn")),
    SearchKind.NAME_BIRTH: _HELD_IN_USE.where(
        Holder.name == bindparam("name"), Holder.birth_date == bindparam("birth_date")
    ),
}
_SEARCHES = {
    kind: Precompiled(
        stmt.outerjoin(
            LossReport,
            and_(
                LossReport.card_id == _in_use.id,
                _one_of(LossReport.state, ACTIVE_REPORT_STATES),
            ),
        )
        .order_by(Holder.id)
        .limit(MAX_HITS)
    )
    for kind, stmt in _BY_KIND.items()
}


@dataclass(frozen=True)
class _Report:
    """What RULES L2 needs of a hit's active report (``loss_records.past_deadline``)."""

    kind: str
    state: str
    deadline_at: dt.datetime | None


def _statement_for(query: SearchQuery) -> tuple[Precompiled, dict[str, Any]]:
    if query.kind is SearchKind.CARD_NUMBER:
        return _SEARCHES[query.kind], {"card_number": query.card_number}
    if query.kind is SearchKind.SSN:
        return _SEARCHES[query.kind], {"ssn": query.ssn}
    return _SEARCHES[query.kind], {"name": query.name, "birth_date": query.birth_date}


def find_holders(ctx: ServiceContext, actor: Actor, text: str) -> list[HolderHit]:
    """RULES Q7: the holders matching ``text`` (one indexed query), audited as a search —
    one transaction: the account check (S1–S3), the query, the audit append."""
    if not actor.may(Action.VIEW_RECORDS):
        require(ctx, actor, Action.VIEW_RECORDS)  # refuses, audited
    query = parse_search(text, today=ctx.now().date())
    stmt, params = _statement_for(query)
    now = ctx.now()
    today = now.astimezone(SHANGHAI).date()  # 有效期至 is a local day (as CardInfo.expired)
    with ctx.lookup() as unit:
        if not active_in(unit.db, actor):
            unit.rollback()
            require(ctx, actor, Action.VIEW_RECORDS)  # refuses (disabled), audited
            raise StaffAccountDisabled()  # enabled again between the two reads
        hits = [
            HolderHit(
                r.id,
                r.name,
                mask_id_number(r.ssn),
                r.gender,
                r.birth_date,
                r.card_number,
                None
                if r.state is None
                else card_state_at(
                    r.state,
                    None if r.report_id is None else _Report(r.kind, r.report_state, r.deadline_at),
                    now,
                ),
                r.expiry_date,
                r.expiry_date is not None and r.expiry_date < today,
            )
            for r in stmt.rows(unit.db, params)
        ]
        audit.record(
            unit,
            actor,
            AuditAction.HOLDER_SEARCH,
            at=now,
            holder_id=hits[0].holder_id if len(hits) == 1 else None,
            details={
                "kind": query.kind.value,
                "query": query.masked(),
                "hits": len(hits),
                "holder_ids": [h.holder_id for h in hits],
            },
        )
        unit.commit()
    return hits
