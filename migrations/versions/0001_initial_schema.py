"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    audit_chain_head = op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_audit_chain_head_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    # The single chain-head row every audit append locks (models/audit.py).
    op.bulk_insert(audit_chain_head, [{"id": 1, "last_seq": 0, "last_hash": "0" * 64}])
    op.create_table(
        "audit_checkpoints",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_audit_checkpoints")),
    )
    op.create_table(
        "drugs",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("dosage_form", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=1), nullable=False),
        sa.Column("self_pay_percent", sa.Integer(), nullable=False),
        sa.Column("pinyin_initials", sa.String(length=30), nullable=False),
        sa.Column("restriction", sa.String(length=100), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint("category IN ('甲', '乙', '丙')", name=op.f("ck_drugs_category")),
        sa.CheckConstraint(
            "self_pay_percent BETWEEN 0 AND 100", name=op.f("ck_drugs_self_pay_range")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drugs")),
        sa.UniqueConstraint("code", name=op.f("uq_drugs_code")),
    )
    with op.batch_alter_table("drugs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_drugs_name"), ["name"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_drugs_pinyin_initials"), ["pinyin_initials"], unique=False
        )

    op.create_table(
        "employers",
        sa.Column("unit_number", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("district_code", sa.String(length=6), nullable=False),
        sa.Column("industry", sa.String(length=40), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employers")),
        sa.UniqueConstraint("unit_number", name=op.f("uq_employers_unit_number")),
    )
    with op.batch_alter_table("employers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_employers_district_code"), ["district_code"], unique=False
        )

    op.create_table(
        "holders",
        sa.Column("ssn", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("gender", sa.String(length=1), nullable=False),
        sa.Column("ethnicity", sa.String(length=2), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("birthplace", sa.String(length=6), nullable=False),
        sa.Column("household_district", sa.String(length=6), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint("gender IN ('1', '2', '9')", name=op.f("ck_holders_gender")),
        sa.CheckConstraint(
            "status IN ('employed', 'unemployed', 'retired', 'deceased')",
            name=op.f("ck_holders_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holders")),
        sa.UniqueConstraint("ssn", name=op.f("uq_holders_ssn")),
    )
    with op.batch_alter_table("holders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_holders_household_district"), ["household_district"], unique=False
        )
        batch_op.create_index("ix_holders_name_birth_date", ["name", "birth_date"], unique=False)

    op.create_table(
        "offices",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("district_code", sa.String(length=6), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind = 'card_center' OR district_code IS NOT NULL",
            name=op.f("ck_offices_district_required"),
        ),
        sa.CheckConstraint(
            "kind IN ('service_window', 'district_subcenter', 'card_center')",
            name=op.f("ck_offices_kind"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offices")),
        sa.UniqueConstraint("code", name=op.f("uq_offices_code")),
    )
    with op.batch_alter_table("offices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_offices_district_code"), ["district_code"], unique=False
        )

    op.create_table(
        "treatment_items",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=False),
        sa.Column("price_fen", sa.BigInteger(), nullable=False),
        sa.Column("category", sa.String(length=1), nullable=False),
        sa.Column("self_pay_percent", sa.Integer(), nullable=False),
        sa.Column("pinyin_initials", sa.String(length=30), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "category IN ('甲', '乙', '丙')", name=op.f("ck_treatment_items_category")
        ),
        sa.CheckConstraint(
            "self_pay_percent BETWEEN 0 AND 100", name=op.f("ck_treatment_items_self_pay_range")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_treatment_items")),
        sa.UniqueConstraint("code", name=op.f("uq_treatment_items_code")),
    )
    with op.batch_alter_table("treatment_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_treatment_items_name"), ["name"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_treatment_items_pinyin_initials"), ["pinyin_initials"], unique=False
        )

    op.create_table(
        "cards",
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("card_number", sa.String(length=9), nullable=False),
        sa.Column("card_id_code", sa.String(length=32), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("card_type", sa.String(length=1), nullable=False),
        sa.Column("spec_version", sa.String(length=4), nullable=False),
        sa.Column("init_org", sa.String(length=24), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("expiry_date", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("state_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaces_card_id", sa.Integer(), nullable=True),
        sa.Column("issuing_office_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint("spec_version IN ('2.00', '3.00')", name=op.f("ck_cards_spec_version")),
        sa.CheckConstraint(
            "state IN ('active', 'phone_reported_lost', 'lost', "
            "'replacement_applied', 'cancelled')",
            name=op.f("ck_cards_state"),
        ),
        sa.ForeignKeyConstraint(
            ["holder_id"], ["holders.id"], name=op.f("fk_cards_holder_id_holders")
        ),
        sa.ForeignKeyConstraint(
            ["issuing_office_id"], ["offices.id"], name=op.f("fk_cards_issuing_office_id_offices")
        ),
        sa.ForeignKeyConstraint(
            ["replaces_card_id"], ["cards.id"], name=op.f("fk_cards_replaces_card_id_cards")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cards")),
        sa.UniqueConstraint("card_id_code", name=op.f("uq_cards_card_id_code")),
        sa.UniqueConstraint("card_number", name=op.f("uq_cards_card_number")),
    )
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cards_holder_id"), ["holder_id"], unique=False)
        batch_op.create_index(
            "uq_cards_holder_in_use",
            ["holder_id"],
            unique=True,
            sqlite_where=sa.text("state IN ('active', 'phone_reported_lost', 'lost')"),
            postgresql_where=sa.text("state IN ('active', 'phone_reported_lost', 'lost')"),
        )

    op.create_table(
        "contribution_records",
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("insurance", sa.String(length=16), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=True),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("base_fen", sa.BigInteger(), nullable=False),
        sa.Column("employer_fen", sa.BigInteger(), nullable=False),
        sa.Column("personal_fen", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "insurance IN ('pension', 'medical', 'unemployment', 'work_injury', 'maternity')",
            name=op.f("ck_contribution_records_insurance"),
        ),
        sa.CheckConstraint(
            "status IN ('paid', 'arrears')", name=op.f("ck_contribution_records_status")
        ),
        sa.CheckConstraint(
            "months BETWEEN 1 AND 12", name=op.f("ck_contribution_records_months_range")
        ),
        sa.CheckConstraint(
            "period BETWEEN 190001 AND 299912", name=op.f("ck_contribution_records_period_range")
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employers.id"],
            name=op.f("fk_contribution_records_employer_id_employers"),
        ),
        sa.ForeignKeyConstraint(
            ["holder_id"], ["holders.id"], name=op.f("fk_contribution_records_holder_id_holders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contribution_records")),
    )
    with op.batch_alter_table("contribution_records", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contribution_records_employer_period", ["employer_id", "period"], unique=False
        )
        batch_op.create_index(
            "ix_contribution_records_holder_period",
            ["holder_id", "insurance", "period"],
            unique=False,
        )

    op.create_table(
        "death_cases",
        sa.Column("case_no", sa.String(length=24), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=True),
        sa.Column("death_date", sa.Date(), nullable=False),
        sa.Column("funeral_grant_fen", sa.BigInteger(), nullable=False),
        sa.Column("lump_sum_fen", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["employer_id"], ["employers.id"], name=op.f("fk_death_cases_employer_id_employers")
        ),
        sa.ForeignKeyConstraint(
            ["holder_id"], ["holders.id"], name=op.f("fk_death_cases_holder_id_holders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_death_cases")),
        sa.UniqueConstraint("case_no", name=op.f("uq_death_cases_case_no")),
        sa.UniqueConstraint("holder_id", name=op.f("uq_death_cases_holder_id")),
    )
    op.create_table(
        "employment_records",
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.String(length=40), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employers.id"],
            name=op.f("fk_employment_records_employer_id_employers"),
        ),
        sa.ForeignKeyConstraint(
            ["holder_id"], ["holders.id"], name=op.f("fk_employment_records_holder_id_holders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employment_records")),
    )
    with op.batch_alter_table("employment_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_employment_records_holder_id"), ["holder_id"], unique=False
        )

    op.create_table(
        "form_serial_counters",
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_sequence", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "last_sequence >= 0", name=op.f("ck_form_serial_counters_last_sequence_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["office_id"], ["offices.id"], name=op.f("fk_form_serial_counters_office_id_offices")
        ),
        sa.PrimaryKeyConstraint("office_id", "year", name=op.f("pk_form_serial_counters")),
    )
    op.create_table(
        "injury_cases",
        sa.Column("case_no", sa.String(length=24), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=True),
        sa.Column("injury_date", sa.Date(), nullable=False),
        sa.Column("recognised_on", sa.Date(), nullable=False),
        sa.Column("occupational_disease", sa.Boolean(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("disability_grade", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'assessed', 'closed')", name=op.f("ck_injury_cases_status")
        ),
        sa.CheckConstraint(
            "disability_grade IS NULL OR disability_grade BETWEEN 1 AND 10",
            name=op.f("ck_injury_cases_disability_grade_range"),
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"], ["employers.id"], name=op.f("fk_injury_cases_employer_id_employers")
        ),
        sa.ForeignKeyConstraint(
            ["holder_id"], ["holders.id"], name=op.f("fk_injury_cases_holder_id_holders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_injury_cases")),
        sa.UniqueConstraint("case_no", name=op.f("uq_injury_cases_case_no")),
    )
    with op.batch_alter_table("injury_cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_injury_cases_holder_id"), ["holder_id"], unique=False)

    op.create_table(
        "insurance_participations",
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("insurance", sa.String(length=16), nullable=False),
        sa.Column("scheme", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("employer_id", sa.Integer(), nullable=True),
        sa.Column("total_months", sa.Integer(), nullable=False),
        sa.Column("continuous_months", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "insurance IN ('pension', 'medical', 'unemployment', 'work_injury', 'maternity')",
            name=op.f("ck_insurance_participations_insurance"),
        ),
        sa.CheckConstraint(
            "scheme IN ('employee', 'resident')", name=op.f("ck_insurance_participations_scheme")
        ),
        sa.CheckConstraint(
            "status IN ('active', 'suspended', 'terminated')",
            name=op.f("ck_insurance_participations_status"),
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employers.id"],
            name=op.f("fk_insurance_participations_employer_id_employers"),
        ),
        sa.ForeignKeyConstraint(
            ["holder_id"],
            ["holders.id"],
            name=op.f("fk_insurance_participations_holder_id_holders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insurance_participations")),
    )
    with op.batch_alter_table("insurance_participations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_insurance_participations_employer_id"), ["employer_id"], unique=False
        )
        batch_op.create_index(
            "uq_insurance_participations_holder_insurance", ["holder_id", "insurance"], unique=True
        )

    op.create_table(
        "living_allowances",
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("district_code", sa.String(length=6), nullable=False),
        sa.Column("area", sa.String(length=5), nullable=False),
        sa.Column("household_size", sa.Integer(), nullable=False),
        sa.Column("monthly_fen", sa.BigInteger(), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=6), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint("area IN ('urban', 'rural')", name=op.f("ck_living_allowances_area")),
        sa.CheckConstraint(
            "status IN ('active', 'ended')", name=op.f("ck_living_allowances_status")
        ),
        sa.ForeignKeyConstraint(
            ["holder_id"], ["holders.id"], name=op.f("fk_living_allowances_holder_id_holders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_living_allowances")),
    )
    with op.batch_alter_table("living_allowances", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_living_allowances_holder_id"), ["holder_id"], unique=False
        )

    op.create_table(
        "maternity_benefits",
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('medical', 'allowance', 'family_planning')",
            name=op.f("ck_maternity_benefits_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employers.id"],
            name=op.f("fk_maternity_benefits_employer_id_employers"),
        ),
        sa.ForeignKeyConstraint(
            ["holder_id"], ["holders.id"], name=op.f("fk_maternity_benefits_holder_id_holders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maternity_benefits")),
    )
    with op.batch_alter_table("maternity_benefits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_maternity_benefits_holder_id"), ["holder_id"], unique=False
        )

    op.create_table(
        "medical_accounts",
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("balance_fen", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["holder_id"], ["holders.id"], name=op.f("fk_medical_accounts_holder_id_holders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medical_accounts")),
        sa.UniqueConstraint("holder_id", name=op.f("uq_medical_accounts_holder_id")),
    )
    op.create_table(
        "medical_transactions",
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("balance_after_fen", sa.BigInteger(), nullable=False),
        sa.Column("institution", sa.String(length=100), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('credit', 'outpatient', 'pharmacy', 'inpatient', 'adjustment')",
            name=op.f("ck_medical_transactions_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["holder_id"], ["holders.id"], name=op.f("fk_medical_transactions_holder_id_holders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medical_transactions")),
    )
    with op.batch_alter_table("medical_transactions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_medical_transactions_holder_at", ["holder_id", "at"], unique=False
        )

    op.create_table(
        "pension_accounts",
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("balance_fen", sa.BigInteger(), nullable=False),
        sa.Column("contribution_months", sa.Integer(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("retired_on", sa.Date(), nullable=True),
        sa.Column("monthly_benefit_fen", sa.BigInteger(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["holder_id"], ["holders.id"], name=op.f("fk_pension_accounts_holder_id_holders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pension_accounts")),
        sa.UniqueConstraint("holder_id", name=op.f("uq_pension_accounts_holder_id")),
    )
    op.create_table(
        "pension_payments",
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["holder_id"], ["holders.id"], name=op.f("fk_pension_payments_holder_id_holders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pension_payments")),
    )
    with op.batch_alter_table("pension_payments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_pension_payments_holder_period", ["holder_id", "period"], unique=False
        )

    op.create_table(
        "qualifications",
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=60), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("certificate_no", sa.String(length=24), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("issuer", sa.String(length=100), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint("level BETWEEN 1 AND 5", name=op.f("ck_qualifications_level_range")),
        sa.ForeignKeyConstraint(
            ["holder_id"], ["holders.id"], name=op.f("fk_qualifications_holder_id_holders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qualifications")),
        sa.UniqueConstraint("certificate_no", name=op.f("uq_qualifications_certificate_no")),
    )
    with op.batch_alter_table("qualifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_qualifications_holder_id"), ["holder_id"], unique=False
        )

    op.create_table(
        "special_care",
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=True),
        sa.Column("monthly_fen", sa.BigInteger(), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "category IN ('veteran', 'disabled_serviceman', 'martyr_family', 'serviceman_family')",
            name=op.f("ck_special_care_category"),
        ),
        sa.ForeignKeyConstraint(
            ["holder_id"], ["holders.id"], name=op.f("fk_special_care_holder_id_holders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_special_care")),
    )
    with op.batch_alter_table("special_care", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_special_care_holder_id"), ["holder_id"], unique=False)

    op.create_table(
        "staff",
        sa.Column("staff_no", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=24), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "role IN ('clerk', 'subcenter_staff', 'card_center_staff', 'supervisor', 'admin')",
            name=op.f("ck_staff_role"),
        ),
        sa.CheckConstraint("failed_logins >= 0", name=op.f("ck_staff_failed_logins_non_negative")),
        sa.ForeignKeyConstraint(
            ["office_id"], ["offices.id"], name=op.f("fk_staff_office_id_offices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
        sa.UniqueConstraint("staff_no", name=op.f("uq_staff_staff_no")),
    )
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_office_id"), ["office_id"], unique=False)

    op.create_table(
        "unemployment_claims",
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("entitlement_months", sa.Integer(), nullable=False),
        sa.Column("monthly_fen", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'closed')", name=op.f("ck_unemployment_claims_status")
        ),
        sa.ForeignKeyConstraint(
            ["holder_id"], ["holders.id"], name=op.f("fk_unemployment_claims_holder_id_holders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unemployment_claims")),
    )
    with op.batch_alter_table("unemployment_claims", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_unemployment_claims_holder_id"), ["holder_id"], unique=False
        )

    op.create_table(
        "approvals",
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("request_digest", sa.String(length=64), nullable=False),
        sa.Column("initiator_staff_id", sa.Integer(), nullable=False),
        sa.Column("approver_staff_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=8), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('approved', 'rejected')", name=op.f("ck_approvals_outcome")
        ),
        sa.CheckConstraint(
            "approver_staff_id <> initiator_staff_id", name=op.f("ck_approvals_not_self_approved")
        ),
        sa.ForeignKeyConstraint(
            ["approver_staff_id"], ["staff.id"], name=op.f("fk_approvals_approver_staff_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["initiator_staff_id"], ["staff.id"], name=op.f("fk_approvals_initiator_staff_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["office_id"], ["offices.id"], name=op.f("fk_approvals_office_id_offices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approvals")),
        sa.UniqueConstraint("request_digest", name=op.f("uq_approvals_request_digest")),
    )
    op.create_table(
        "audit_events",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("office_id", sa.Integer(), nullable=True),
        sa.Column("workstation", sa.String(length=32), nullable=True),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=True),
        sa.Column("holder_id", sa.Integer(), nullable=True),
        sa.Column("card_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("outcome", sa.String(length=8), nullable=False),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('success', 'failed', 'refused', 'unknown')",
            name=op.f("ck_audit_events_outcome"),
        ),
        sa.CheckConstraint("seq >= 1", name=op.f("ck_audit_events_seq_positive")),
        sa.ForeignKeyConstraint(
            ["card_id"], ["cards.id"], name=op.f("fk_audit_events_card_id_cards")
        ),
        sa.ForeignKeyConstraint(
            ["holder_id"], ["holders.id"], name=op.f("fk_audit_events_holder_id_holders")
        ),
        sa.ForeignKeyConstraint(
            ["office_id"], ["offices.id"], name=op.f("fk_audit_events_office_id_offices")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_audit_events_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_events")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_events_hash")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_at"), ["at"], unique=False)
        batch_op.create_index("ix_audit_events_holder_id_at", ["holder_id", "at"], unique=False)

    op.create_table(
        "form_documents",
        sa.Column("serial", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=True),
        sa.Column("card_id", sa.Integer(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reprint_count", sa.Integer(), nullable=False),
        sa.Column("last_printed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "reprint_count >= 0", name=op.f("ck_form_documents_reprint_count_non_negative")
        ),
        sa.CheckConstraint("sequence >= 1", name=op.f("ck_form_documents_sequence_positive")),
        sa.ForeignKeyConstraint(
            ["card_id"], ["cards.id"], name=op.f("fk_form_documents_card_id_cards")
        ),
        sa.ForeignKeyConstraint(
            ["holder_id"], ["holders.id"], name=op.f("fk_form_documents_holder_id_holders")
        ),
        sa.ForeignKeyConstraint(
            ["office_id"], ["offices.id"], name=op.f("fk_form_documents_office_id_offices")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_form_documents_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_documents")),
        sa.UniqueConstraint(
            "office_id", "year", "sequence", name=op.f("uq_form_documents_office_id_year_sequence")
        ),
        sa.UniqueConstraint("serial", name=op.f("uq_form_documents_serial")),
    )
    with op.batch_alter_table("form_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_form_documents_card_id"), ["card_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_form_documents_holder_id"), ["holder_id"], unique=False
        )

    op.create_table(
        "idempotency_keys",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("result_ref", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_idempotency_keys_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_idempotency_keys")),
    )
    op.create_table(
        "injury_benefits",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("period", sa.Integer(), nullable=True),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('medical', 'lump_sum', 'monthly_allowance', 'nursing', 'meal')",
            name=op.f("ck_injury_benefits_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["injury_cases.id"], name=op.f("fk_injury_benefits_case_id_injury_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_injury_benefits")),
    )
    with op.batch_alter_table("injury_benefits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_injury_benefits_case_id"), ["case_id"], unique=False)

    op.create_table(
        "loss_reports",
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("office_id", sa.Integer(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("id_doc_type", sa.String(length=20), nullable=True),
        sa.Column("id_doc_number", sa.String(length=30), nullable=True),
        sa.Column("form_serial", sa.String(length=40), nullable=True),
        sa.Column("closed_office_id", sa.Integer(), nullable=True),
        sa.Column("closed_staff_id", sa.Integer(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint("channel IN ('phone', 'counter')", name=op.f("ck_loss_reports_channel")),
        sa.CheckConstraint(
            "id_doc_type IN ('resident_id', 'temporary_id', 'household_register')",
            name=op.f("ck_loss_reports_id_doc_type"),
        ),
        sa.CheckConstraint(
            "kind <> 'temporary' OR deadline_at IS NOT NULL",
            name=op.f("ck_loss_reports_temporary_has_deadline"),
        ),
        sa.CheckConstraint(
            "kind <> 'written' OR office_id IS NOT NULL",
            name=op.f("ck_loss_reports_written_has_office"),
        ),
        sa.CheckConstraint("kind IN ('temporary', 'written')", name=op.f("ck_loss_reports_kind")),
        sa.CheckConstraint(
            "state IN ('open', 'confirmed', 'lapsed', 'lifted', 'replaced')",
            name=op.f("ck_loss_reports_state"),
        ),
        sa.ForeignKeyConstraint(
            ["card_id"], ["cards.id"], name=op.f("fk_loss_reports_card_id_cards")
        ),
        sa.ForeignKeyConstraint(
            ["closed_office_id"],
            ["offices.id"],
            name=op.f("fk_loss_reports_closed_office_id_offices"),
        ),
        sa.ForeignKeyConstraint(
            ["closed_staff_id"], ["staff.id"], name=op.f("fk_loss_reports_closed_staff_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["holder_id"], ["holders.id"], name=op.f("fk_loss_reports_holder_id_holders")
        ),
        sa.ForeignKeyConstraint(
            ["office_id"], ["offices.id"], name=op.f("fk_loss_reports_office_id_offices")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_loss_reports_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loss_reports")),
        sa.UniqueConstraint("form_serial", name=op.f("uq_loss_reports_form_serial")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_loss_reports_idempotency_key")),
    )
    with op.batch_alter_table("loss_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_loss_reports_card_id"), ["card_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_loss_reports_holder_id"), ["holder_id"], unique=False)
        batch_op.create_index(
            "ix_loss_reports_state_deadline_at", ["state", "deadline_at"], unique=False
        )
        batch_op.create_index(
            "uq_loss_reports_active_card",
            ["card_id"],
            unique=True,
            sqlite_where=sa.text("state IN ('open', 'confirmed')"),
            postgresql_where=sa.text("state IN ('open', 'confirmed')"),
        )

    op.create_table(
        "password_events",
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("office_id", sa.Integer(), nullable=True),
        sa.Column("workstation", sa.String(length=32), nullable=True),
        sa.Column("outcome", sa.String(length=8), nullable=False),
        sa.Column("resolved_outcome", sa.String(length=8), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("detail", sa.String(length=200), nullable=True),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "channel IN ('counter', 'phone', 'terminal', 'web')",
            name=op.f("ck_password_events_channel"),
        ),
        sa.CheckConstraint(
            "kind IN ('pin_change', 'pin_reset', 'pin_unblock', "
            "'service_password_reset', 'service_password_change')",
            name=op.f("ck_password_events_kind"),
        ),
        sa.CheckConstraint(
            "outcome IN ('success', 'failed', 'refused', 'unknown')",
            name=op.f("ck_password_events_outcome"),
        ),
        sa.CheckConstraint(
            "resolved_outcome IN ('success', 'failed')",
            name=op.f("ck_password_events_resolved_outcome"),
        ),
        sa.ForeignKeyConstraint(
            ["card_id"], ["cards.id"], name=op.f("fk_password_events_card_id_cards")
        ),
        sa.ForeignKeyConstraint(
            ["holder_id"], ["holders.id"], name=op.f("fk_password_events_holder_id_holders")
        ),
        sa.ForeignKeyConstraint(
            ["office_id"], ["offices.id"], name=op.f("fk_password_events_office_id_offices")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_password_events_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_events")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_password_events_idempotency_key")),
    )
    with op.batch_alter_table("password_events", schema=None) as batch_op:
        batch_op.create_index("ix_password_events_holder_at", ["holder_id", "at"], unique=False)

    op.create_table(
        "service_passwords",
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("must_change", sa.Boolean(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("set_by_staff_id", sa.Integer(), nullable=True),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "failed_attempts >= 0", name=op.f("ck_service_passwords_failed_attempts_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["holder_id"], ["holders.id"], name=op.f("fk_service_passwords_holder_id_holders")
        ),
        sa.ForeignKeyConstraint(
            ["set_by_staff_id"],
            ["staff.id"],
            name=op.f("fk_service_passwords_set_by_staff_id_staff"),
        ),
        sa.PrimaryKeyConstraint("holder_id", name=op.f("pk_service_passwords")),
    )
    op.create_table(
        "staff_login_events",
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("staff_no_tried", sa.String(length=40), nullable=False),
        sa.Column("workstation", sa.String(length=32), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('success', 'wrong_password', 'unknown_user', 'locked', 'disabled')",
            name=op.f("ck_staff_login_events_outcome"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_staff_login_events_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_login_events")),
    )
    with op.batch_alter_table("staff_login_events", schema=None) as batch_op:
        batch_op.create_index("ix_staff_login_events_staff_id_at", ["staff_id", "at"], unique=False)

    op.create_table(
        "staff_sessions",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("workstation", sa.String(length=32), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=20), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_staff_sessions_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_sessions")),
    )
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_sessions_staff_id"), ["staff_id"], unique=False)

    op.create_table(
        "survivor_benefits",
        sa.Column("death_case_id", sa.Integer(), nullable=False),
        sa.Column("survivor_name", sa.String(length=50), nullable=False),
        sa.Column("relation", sa.String(length=8), nullable=False),
        sa.Column("survivor_ssn", sa.String(length=18), nullable=True),
        sa.Column("monthly_fen", sa.BigInteger(), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "relation IN ('spouse', 'child', 'parent', 'other')",
            name=op.f("ck_survivor_benefits_relation"),
        ),
        sa.ForeignKeyConstraint(
            ["death_case_id"],
            ["death_cases.id"],
            name=op.f("fk_survivor_benefits_death_case_id_death_cases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survivor_benefits")),
    )
    with op.batch_alter_table("survivor_benefits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survivor_benefits_death_case_id"), ["death_case_id"], unique=False
        )

    op.create_table(
        "unemployment_payments",
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["unemployment_claims.id"],
            name=op.f("fk_unemployment_payments_claim_id_unemployment_claims"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unemployment_payments")),
    )
    with op.batch_alter_table("unemployment_payments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_unemployment_payments_claim_id"), ["claim_id"], unique=False
        )

    op.create_table(
        "replacement_applications",
        sa.Column("old_card_id", sa.Integer(), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("loss_report_id", sa.Integer(), nullable=True),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("id_doc_type", sa.String(length=20), nullable=False),
        sa.Column("id_doc_number", sa.String(length=30), nullable=False),
        sa.Column("form_serial", sa.String(length=40), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("new_card_id", sa.Integer(), nullable=True),
        sa.Column("ready_on", sa.Date(), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "id_doc_type IN ('resident_id', 'temporary_id', 'household_register')",
            name=op.f("ck_replacement_applications_id_doc_type"),
        ),
        sa.CheckConstraint(
            "state IN ('applied', 'issued', 'cancelled')",
            name=op.f("ck_replacement_applications_state"),
        ),
        sa.ForeignKeyConstraint(
            ["holder_id"],
            ["holders.id"],
            name=op.f("fk_replacement_applications_holder_id_holders"),
        ),
        sa.ForeignKeyConstraint(
            ["loss_report_id"],
            ["loss_reports.id"],
            name=op.f("fk_replacement_applications_loss_report_id_loss_reports"),
        ),
        sa.ForeignKeyConstraint(
            ["new_card_id"],
            ["cards.id"],
            name=op.f("fk_replacement_applications_new_card_id_cards"),
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_replacement_applications_office_id_offices"),
        ),
        sa.ForeignKeyConstraint(
            ["old_card_id"],
            ["cards.id"],
            name=op.f("fk_replacement_applications_old_card_id_cards"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_replacement_applications_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replacement_applications")),
        sa.UniqueConstraint("form_serial", name=op.f("uq_replacement_applications_form_serial")),
        sa.UniqueConstraint(
            "idempotency_key", name=op.f("uq_replacement_applications_idempotency_key")
        ),
        sa.UniqueConstraint("new_card_id", name=op.f("uq_replacement_applications_new_card_id")),
        sa.UniqueConstraint("old_card_id", name=op.f("uq_replacement_applications_old_card_id")),
    )
    with op.batch_alter_table("replacement_applications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_replacement_applications_holder_id"), ["holder_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("replacement_applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_replacement_applications_holder_id"))

    op.drop_table("replacement_applications")
    with op.batch_alter_table("unemployment_payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unemployment_payments_claim_id"))

    op.drop_table("unemployment_payments")
    with op.batch_alter_table("survivor_benefits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survivor_benefits_death_case_id"))

    op.drop_table("survivor_benefits")
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_sessions_staff_id"))

    op.drop_table("staff_sessions")
    with op.batch_alter_table("staff_login_events", schema=None) as batch_op:
        batch_op.drop_index("ix_staff_login_events_staff_id_at")

    op.drop_table("staff_login_events")
    op.drop_table("service_passwords")
    with op.batch_alter_table("password_events", schema=None) as batch_op:
        batch_op.drop_index("ix_password_events_holder_at")

    op.drop_table("password_events")
    with op.batch_alter_table("loss_reports", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_loss_reports_active_card",
            sqlite_where=sa.text("state IN ('open', 'confirmed')"),
            postgresql_where=sa.text("state IN ('open', 'confirmed')"),
        )
        batch_op.drop_index("ix_loss_reports_state_deadline_at")
        batch_op.drop_index(batch_op.f("ix_loss_reports_holder_id"))
        batch_op.drop_index(batch_op.f("ix_loss_reports_card_id"))

    op.drop_table("loss_reports")
    with op.batch_alter_table("injury_benefits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_injury_benefits_case_id"))

    op.drop_table("injury_benefits")
    op.drop_table("idempotency_keys")
    with op.batch_alter_table("form_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_form_documents_holder_id"))
        batch_op.drop_index(batch_op.f("ix_form_documents_card_id"))

    op.drop_table("form_documents")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_holder_id_at")
        batch_op.drop_index(batch_op.f("ix_audit_events_at"))

    op.drop_table("audit_events")
    op.drop_table("approvals")
    with op.batch_alter_table("unemployment_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unemployment_claims_holder_id"))

    op.drop_table("unemployment_claims")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_office_id"))

    op.drop_table("staff")
    with op.batch_alter_table("special_care", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_special_care_holder_id"))

    op.drop_table("special_care")
    with op.batch_alter_table("qualifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_qualifications_holder_id"))

    op.drop_table("qualifications")
    with op.batch_alter_table("pension_payments", schema=None) as batch_op:
        batch_op.drop_index("ix_pension_payments_holder_period")

    op.drop_table("pension_payments")
    op.drop_table("pension_accounts")
    with op.batch_alter_table("medical_transactions", schema=None) as batch_op:
        batch_op.drop_index("ix_medical_transactions_holder_at")

    op.drop_table("medical_transactions")
    op.drop_table("medical_accounts")
    with op.batch_alter_table("maternity_benefits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_maternity_benefits_holder_id"))

    op.drop_table("maternity_benefits")
    with op.batch_alter_table("living_allowances", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_living_allowances_holder_id"))

    op.drop_table("living_allowances")
    with op.batch_alter_table("insurance_participations", schema=None) as batch_op:
        batch_op.drop_index("uq_insurance_participations_holder_insurance")
        batch_op.drop_index(batch_op.f("ix_insurance_participations_employer_id"))

    op.drop_table("insurance_participations")
    with op.batch_alter_table("injury_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_injury_cases_holder_id"))

    op.drop_table("injury_cases")
    op.drop_table("form_serial_counters")
    with op.batch_alter_table("employment_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_employment_records_holder_id"))

    op.drop_table("employment_records")
    op.drop_table("death_cases")
    with op.batch_alter_table("contribution_records", schema=None) as batch_op:
        batch_op.drop_index("ix_contribution_records_holder_period")
        batch_op.drop_index("ix_contribution_records_employer_period")

    op.drop_table("contribution_records")
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_cards_holder_in_use",
            sqlite_where=sa.text("state IN ('active', 'phone_reported_lost', 'lost')"),
            postgresql_where=sa.text("state IN ('active', 'phone_reported_lost', 'lost')"),
        )
        batch_op.drop_index(batch_op.f("ix_cards_holder_id"))

    op.drop_table("cards")
    with op.batch_alter_table("treatment_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_treatment_items_pinyin_initials"))
        batch_op.drop_index(batch_op.f("ix_treatment_items_name"))

    op.drop_table("treatment_items")
    with op.batch_alter_table("offices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offices_district_code"))

    op.drop_table("offices")
    with op.batch_alter_table("holders", schema=None) as batch_op:
        batch_op.drop_index("ix_holders_name_birth_date")
        batch_op.drop_index(batch_op.f("ix_holders_household_district"))

    op.drop_table("holders")
    with op.batch_alter_table("employers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_employers_district_code"))

    op.drop_table("employers")
    with op.batch_alter_table("drugs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_drugs_pinyin_initials"))
        batch_op.drop_index(batch_op.f("ix_drugs_name"))

    op.drop_table("drugs")
    op.drop_table("audit_checkpoints")
    op.drop_table("audit_chain_head")
