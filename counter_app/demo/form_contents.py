"""The archived content of the demo's issued forms (``form_contents``), as the services
store it, so a demo form can be reprinted (补打, RULES L4) like one issued at a counter.

A written loss report keeps its 挂失登记表 (``written_reports.register_written_loss``), a
replacement application its 补卡申请表 (``replacement.apply_replacement``): a ``forms.data``
form converted with ``form_data.form_to_json`` and serialised as SQLAlchemy's ``JSON``
type does (``json.dumps``). What the holder declared — when, where and how the card was
lost — is drawn from the caller's own random stream. Forms never carry a PIN (forms/data.py),
and every text passes the database's stored-text check first, as ``registered_forms`` does.
"""

from __future__ import annotations

import datetime as dt
import json
import random

from counter_app.demo.codes import card_number
from counter_app.services.form_data import HolderFields, form_document, form_holder, form_to_json
from counter_app.services.idcheck import CheckMethod, ManualReason, check_text
from counter_app.services.registered_forms import refuse_unstorable
from forms import data as fd

#: Where demo cards were lost (挂失登记表 遗失地点; at most 60 characters, GBK).
PLACES = (
    "轨道交通2号线较场口站",
    "轨道交通3号线观音桥站",
    "轨道交通1号线沙坪坝站",
    "解放碑步行街",
    "观音桥商圈",
    "沙坪坝三峡广场",
    "杨家坪步行街",
    "南坪万达广场附近",
    "重庆北站南广场",
    "江北国际机场T3航站楼",
    "磁器口古镇",
    "公交车上（线路不详）",
    "出租车上",
    "菜市场",
    "医院门诊大厅",
    "社区药店",
    "超市收银台附近",
    "小区门口",
)
#: How (遗失经过; at most 300 characters).
CIRCUMSTANCES = (
    "乘车时钱包被盗，卡在钱包内。",
    "购物时不慎遗失，返回寻找未果。",
    "随身挎包遗失，卡在包内，已报警。",
    "就医取药后发现卡已不见，询问院方未找到。",
    "下车时卡从衣袋滑落，未能找回。",
    "外出办事途中遗失，多方寻找未果。",
    "搬家整理物品时遗失，家中反复查找未见。",
    "放在手机壳内，手机壳脱落后卡遗失。",
)
#: Most documents were read from the chip; the rest typed, with the clerk's reason.
_MANUAL_SHARE = 0.1
_MANUAL_REASONS = (ManualReason.NO_READER, ManualReason.CHIP_UNREADABLE)


def stored_form_json(form: fd.Form) -> str:
    """``form``'s data as the ``form_contents.data`` column stores it, after the stored-text
    check every issued form passes (``registered_forms.refuse_unstorable``)."""
    data = form_to_json(form)
    refuse_unstorable(data)
    return json.dumps(data)


def _id_document(ssn: str, rng: random.Random) -> fd.IdDocument:
    """The holder's resident ID card as the counter checked it (``submission``'s
    ``issue_counter_form``): read from its chip, or typed with a reason."""
    if rng.random() < _MANUAL_SHARE:
        check = check_text(CheckMethod.MANUAL.value, rng.choice(_MANUAL_REASONS).value)
    else:
        check = check_text(CheckMethod.CHIP.value, None)
    return form_document("resident_id", ssn, check)


def loss_form(
    header: fd.FormHeader,
    holder: HolderFields,
    card_id: int,
    rng: random.Random,
) -> fd.LossForm:
    """挂失登记表 of a written report (RULES L3) made at ``header.issued_at``: lost up to a
    week before (never after the day of the report), the holder's own phone as the
    contact. The demo's written reports confirm no 12333 report (their own rows)."""
    reported_on = fd.local_time(header.issued_at).date()
    return fd.LossForm(
        header=header,
        holder=form_holder(holder, holder.phone),
        card_number=card_number(card_id),
        lost_on=reported_on - dt.timedelta(days=rng.randint(0, 7)),
        lost_place=rng.choice(PLACES),
        circumstances=rng.choice(CIRCUMSTANCES),
        id_document=_id_document(holder.ssn, rng),
        phone_report=None,
    )


def replacement_form(
    header: fd.FormHeader,
    holder: HolderFields,
    card_id: int,
    loss: fd.LossReportRef,
    rng: random.Random,
) -> fd.ReplacementForm:
    """补卡申请表 (RULES R1) of the lost card ``card_id``, naming the written report it
    follows, as ``replacement.apply_replacement`` fills it."""
    return fd.ReplacementForm(
        header=header,
        holder=form_holder(holder),
        old_card_number=card_number(card_id),
        reason="遗失",
        id_document=_id_document(holder.ssn, rng),
        loss_report=loss,
    )
