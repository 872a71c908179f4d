"""The schema: SQLAlchemy 2.0 typed models, one module per subject.

Importing this package registers every table on :data:`Base.metadata` (alembic's
``target_metadata``). The models import no Qt and open no connection.
"""

from counter_app.models.audit import AuditChainHead, AuditCheckpoint, AuditEvent
from counter_app.models.base import Base, UtcDateTime, utcnow
from counter_app.models.card import Card, CardState
from counter_app.models.career import EmploymentRecord, Qualification
from counter_app.models.case import ServiceCase as ServiceCase
from counter_app.models.catalogue import Drug, TreatmentItem
from counter_app.models.employer import Employer
from counter_app.models.form_content import FormContent as FormContent
from counter_app.models.forms import FormDocument, FormSerialCounter
from counter_app.models.holder import Holder, HolderStatus
from counter_app.models.holder_session import HolderSessionRow as HolderSessionRow
from counter_app.models.injury import DeathCase, InjuryBenefit, InjuryCase, SurvivorBenefit
from counter_app.models.insurance import ContributionRecord, Insurance, Participation
from counter_app.models.loss import (
    LossChannel,
    LossKind,
    LossReport,
    LossState,
    ReplacementApplication,
)
from counter_app.models.maternity import MaternityBenefit
from counter_app.models.medical import MedicalAccount, MedicalTransaction
from counter_app.models.office import Office, OfficeKind, Role, Staff
from counter_app.models.pension import PensionAccount, PensionPayment
from counter_app.models.security import (
    Approval,
    IdempotencyKey,
    Outcome,
    PasswordEvent,
    PasswordEventKind,
    ServicePassword,
    StaffLoginEvent,
    StaffSession,
)
from counter_app.models.unemployment import UnemploymentClaim, UnemploymentPayment
from counter_app.models.welfare import LivingAllowance, SpecialCare

__all__ = [
    "Approval",
    "AuditChainHead",
    "AuditCheckpoint",
    "AuditEvent",
    "Base",
    "Card",
    "CardState",
    "ContributionRecord",
    "DeathCase",
    "Drug",
    "Employer",
    "EmploymentRecord",
    "FormDocument",
    "FormSerialCounter",
    "Holder",
    "HolderStatus",
    "IdempotencyKey",
    "InjuryBenefit",
    "InjuryCase",
    "Insurance",
    "LivingAllowance",
    "LossChannel",
    "LossKind",
    "LossReport",
    "LossState",
    "MaternityBenefit",
    "MedicalAccount",
    "MedicalTransaction",
    "Office",
    "OfficeKind",
    "Outcome",
    "Participation",
    "PasswordEvent",
    "PasswordEventKind",
    "PensionAccount",
    "PensionPayment",
    "Qualification",
    "ReplacementApplication",
    "Role",
    "ServicePassword",
    "SpecialCare",
    "Staff",
    "StaffLoginEvent",
    "StaffSession",
    "SurvivorBenefit",
    "TreatmentItem",
    "UnemploymentClaim",
    "UnemploymentPayment",
    "UtcDateTime",
    "utcnow",
]
