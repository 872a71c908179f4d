"""Demo benefits beside the insurance history (``histories.py``): work injury and work
death (工亡 survivors, 工伤保险条例 §39), maternity, 低保 and 优抚, qualifications. Amounts are
integer fen."""

from __future__ import annotations

import datetime as dt
import random

from counter_app.demo.bulk import date_text
from counter_app.demo.context import Context
from counter_app.demo.names import person_name
from counter_app.demo.people import Person

QUALIFICATIONS = (
    "电工",
    "焊工",
    "育婴员",
    "养老护理员",
    "中式烹调师",
    "美发师",
    "汽车维修工",
    "企业人力资源管理师",
    "保安员",
    "茶艺师",
    "电子商务师",
    "钳工",
)
#: The demo's 低保 lines (fen per person and month) and the share of eligible holders
#: (``dibao_eligible``) drawn as recipients.
DIBAO_LINE_FEN = {"urban": 79_000, "rural": 62_000}
DIBAO_SHARE = 0.08
#: 工伤保险条例 §39: of the deceased's wage, the spouse 40 %, every other dependant 30 %,
#: an orphan 10 % more (per mille).
SURVIVOR_SHARE = {"spouse": 400, "child": 300, "parent": 300}
ORPHAN_EXTRA = 100


def dibao_eligible(p: Person) -> bool:
    """Whose income can plausibly lie under the 低保 line: a resident-scheme holder out of
    work or retired on a 城乡居民养老 (far under the line); never an employee or a wage."""
    return p.scheme == "resident" and p.status in ("unemployed", "retired")


def write_injury(ctx: Context, p: Person, employer: int, end_year: int) -> None:
    rng = ctx.rng
    year = rng.randint(max(end_year - 10, p.birth.year + 18), end_year)
    # Injured at least 90 days before ``as_of``: recognised and paid (90 days on) by then.
    injured = min(
        dt.date(year, rng.randint(1, 12), rng.randint(1, 28)),
        ctx.as_of - dt.timedelta(days=90),
    )
    year = injured.year
    grade = rng.choices(
        [None, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [15, 1, 1, 2, 3, 4, 6, 10, 14, 18, 26]
    )[0]
    case_id = ctx.next_id("injury_cases")
    ctx.writer.add(
        "injury_cases",
        (
            case_id,
            f"GS{year}{case_id:08d}",
            p.id,
            employer,
            date_text(injured),
            date_text(injured + dt.timedelta(days=rng.randint(20, 60))),
            1 if rng.random() < 0.1 else 0,
            rng.choice(
                (
                    "机械伤害致手部骨折",
                    "高处坠落致腰椎损伤",
                    "交通事故致下肢骨折",
                    "职业性噪声聋",
                    "烫伤",
                    "矽肺",
                )
            ),
            grade,
            "open" if grade is None else "assessed",
        ),
    )
    paid = injured + dt.timedelta(days=90)
    ctx.writer.add(
        "injury_benefits",
        (
            ctx.next_id("injury_benefits"),
            case_id,
            "medical",
            None,
            rng.randint(3_000, 80_000) * 100,
            date_text(paid),
        ),
    )
    if grade is not None:
        ctx.writer.add(
            "injury_benefits",
            (
                ctx.next_id("injury_benefits"),
                case_id,
                "lump_sum",
                None,
                (11 - grade) * rng.randint(8_000, 12_000) * 100,
                date_text(paid),
            ),
        )
        if grade <= 6:
            ctx.writer.add(
                "injury_benefits",
                (
                    ctx.next_id("injury_benefits"),
                    case_id,
                    "monthly_allowance",
                    ctx.as_of.year * 100 + max(ctx.as_of.month - 1, 1),
                    (11 - grade) * 40_000,
                    date_text(ctx.as_of.replace(day=1)),
                ),
            )


def death_day(ctx: Context) -> dt.date:
    """The day of a work death: 30 days to five and a half years before ``as_of``."""
    return ctx.as_of - dt.timedelta(days=ctx.rng.randint(30, 2000))


def write_death_case(ctx: Context, p: Person, employer: int | None, died: dt.date) -> None:
    """A work death (工亡) of ``p`` (already marked deceased, his history ending in the
    month he ``died``) at ``employer``, with survivors."""
    rng = ctx.rng
    case_id = ctx.next_id("death_cases")
    ctx.writer.add(
        "death_cases",
        (
            case_id,
            f"GW{died.year}{case_id:08d}",
            p.id,
            employer,
            date_text(died),
            rng.randint(40_000, 60_000) * 100,
            rng.randint(900_000, 1_000_000) * 100,
        ),
    )
    kin = random.Random(case_id)  # names from a stream of their own: the rest stays as it was
    wage = rng.randint(400, 1_200) * 1_000  # the deceased's monthly wage, ¥10 steps
    relations = rng.sample(("spouse", "child", "parent"), rng.randint(1, 3))
    for relation in relations:
        share = SURVIVOR_SHARE[relation]
        if relation == "child" and "spouse" not in relations:
            share += ORPHAN_EXTRA  # 孤儿
        ctx.writer.add(
            "survivor_benefits",
            (
                ctx.next_id("survivor_benefits"),
                case_id,
                _survivor_name(kin, p, relation),
                relation,
                None,
                wage * share // 1000,
                date_text(died + dt.timedelta(days=30)),
                None,
            ),
        )


def _survivor_name(rng: random.Random, p: Person, relation: str) -> str:
    """A spouse has a surname of their own; a child or parent shares the deceased's."""
    if relation == "spouse":
        return person_name(rng, "2" if p.gender == "1" else "1")
    return p.name[0] + person_name(rng, rng.choice("12"))[1:]


def write_maternity(ctx: Context, p: Person, employer: int) -> None:
    rng = ctx.rng
    # Paid 60 days after the birth, which is therefore at least 60 days (+30) back: a
    # benefit the demo lists as paid was paid by ``as_of``. (The same draw as before.)
    born = ctx.as_of - dt.timedelta(days=rng.randint(30, 1500) + 60)
    for kind, amount in (
        ("medical", rng.randint(3_000, 8_000)),
        ("allowance", rng.randint(15_000, 40_000)),
    ):
        ctx.writer.add(
            "maternity_benefits",
            (
                ctx.next_id("maternity_benefits"),
                p.id,
                employer,
                kind,
                date_text(born),
                amount * 100,
                date_text(born + dt.timedelta(days=60)),
            ),
        )


def write_allowance(
    ctx: Context, p: Person, pension: int | None, *, still_paid: bool = False
) -> None:
    """A 低保 allowance topping the household up to the local line: the line for each member
    less the holder's own ``pension`` (fen) and what the others earn. One in five ended a
    month ago, unless ``still_paid`` (the fixed holder the README presents as a 低保
    recipient). The draws are the same either way."""
    rng = ctx.rng
    since = ctx.as_of - dt.timedelta(days=rng.randint(60, 2500))
    ended = rng.random() < 0.2 and not still_paid
    area = "urban" if p.household <= "500120" else "rural"
    size = rng.randint(1, 5)
    others = rng.randint(0, (size - 1) * 300) * 100  # the rest of the household's income
    line = size * DIBAO_LINE_FEN[area] - (pension or 0)
    monthly = max(line - others, min(line, 10_000)) // 100 * 100
    ctx.writer.add(
        "living_allowances",
        (
            ctx.next_id("living_allowances"),
            p.id,
            p.household,
            area,
            size,
            monthly,
            date_text(since),
            date_text(ctx.as_of - dt.timedelta(days=30)) if ended else None,
            "ended" if ended else "active",
        ),
    )


def write_special_care(ctx: Context, p: Person) -> None:
    rng = ctx.rng
    category = rng.choice(("veteran", "disabled_serviceman", "martyr_family", "serviceman_family"))
    grade = rng.randint(1, 10) if category == "disabled_serviceman" else None
    ctx.writer.add(
        "special_care",
        (
            ctx.next_id("special_care"),
            p.id,
            category,
            grade,
            rng.randint(500, 4000) * 100,
            date_text(ctx.as_of - dt.timedelta(days=rng.randint(100, 5000))),
            None,
        ),
    )


def write_qualification(ctx: Context, p: Person) -> None:
    rng = ctx.rng
    qid = ctx.next_id("qualifications")
    issued = ctx.as_of - dt.timedelta(days=rng.randint(30, 4000))
    ctx.writer.add(
        "qualifications",
        (
            qid,
            p.id,
            rng.choice(QUALIFICATIONS),
            rng.choices([1, 2, 3, 4, 5], [1, 3, 6, 8, 8])[0],
            f"{issued.year}50{qid:010d}",
            date_text(issued),
            "重庆市职业技能鉴定指导中心",
        ),
    )
