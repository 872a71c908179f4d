"""The page of any record the services return: :func:`page_for` picks the designed view
by the read model's type, so the Qt view needs no knowledge of each one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from counter_app.presentation import benefit_pages as benefits
from counter_app.presentation import holder_pages as holder
from counter_app.presentation import insurance_pages as insurance
from counter_app.presentation import public_pages as public
from counter_app.presentation.page import NO_RECORDS, Fields, Page
from counter_app.services.queries import benefits as b
from counter_app.services.queries import holder as h
from counter_app.services.queries import insurance as i
from counter_app.services.queries import public as p

_PAGES: dict[type[Any], Callable[[Any], Page]] = {
    h.HolderOverview: holder.overview_page,
    h.CardBasicView: holder.card_basic_page,
    h.PublicDataView: holder.public_page,
    i.EmploymentView: insurance.employment_page,
    i.SocialInsuranceView: insurance.social_insurance_page,
    i.PensionView: insurance.pension_page,
    i.MedicalView: insurance.medical_page,
    i.UnemploymentView: insurance.unemployment_page,
    b.AssistanceView: benefits.assistance_page,
    b.LifeHealthView: benefits.life_health_page,
    b.InjuryView: benefits.injury_page,
    b.DeathView: benefits.death_page,
    b.MaternityView: benefits.maternity_page,
    b.CareerView: benefits.career_page,
    p.EmployerContributions: public.employer_page,
}


class NoPageFor(TypeError):
    """A read model without a designed page: a programming error, caught by the tests."""


def page_for(record: Any) -> Page:
    """The designed page of ``record``; a list of catalogue rows is the catalogue's page,
    an empty list a page saying :data:`NO_RECORDS`."""
    if isinstance(record, (list, tuple)):
        if not record:
            return Page("", (Fields("", (("", NO_RECORDS),)),))
        if isinstance(record[0], p.DrugRow):
            return public.drugs_page(record)
        if isinstance(record[0], p.TreatmentRow):
            return public.treatments_page(record)
    make = _PAGES.get(type(record))
    if make is None:
        raise NoPageFor(f"no record page for {type(record).__name__}")
    return make(record)
