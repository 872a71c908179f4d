"""The reports call things by the names the clerk's screens use (STYLE "Screens a clerk
reads"), so a supervisor need not translate (from a new clerk's trial): the access slip is
个人信息查阅告知单 (the slip's own title), not 查询凭条; the overview is 卡状态与历史 (the record
page), not 基本信息概览."""

from __future__ import annotations

from counter_app.services.queries.category import OVERVIEW, Category
from counter_app.services.queries.category import category_label as screen_category
from forms.data import FormKind
from reports import actions


def test_Q7_the_access_slip_is_named_as_it_is_printed() -> None:
    assert actions.form_kind_label("access_slip") == FormKind.ACCESS_SLIP.heading
    assert actions.form_kind_label("access_slip") == "个人信息查阅告知单"


def test_Q2_categories_are_named_as_on_screen() -> None:
    assert actions.category_label(OVERVIEW) == screen_category(OVERVIEW) == "卡状态与历史"
    for category in Category:
        assert actions.category_label(category.value) == category.label
