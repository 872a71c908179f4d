"""The well-known demo accounts and demo card holders — a table README, login screen and
tests can show. **Demo only**: these passwords are public; a real deployment has none.

Every demo database has them, whatever ``--holders`` and ``--seed`` are: staff numbers follow
one rule per office (below), and the fixed holders are the first holders and cards (ids
1–13) with the same ID numbers, card numbers, PINs and states every time. Loss-report
times are relative to the day the demo was generated (``as_of``).

Staff numbers: ``CK<district>-0n`` at a district's service window (经办机构窗口),
``YB<district>-0n`` at its medical insurance sub-center (医保分中心), ``KZX500000-0n`` at the
city card service center (社会保障卡服务中心); ``-01``/``-02`` do the daily work, ``-03`` is the
supervisor (主管); at the card center ``-04`` is the supervisor and ``-05`` the admin.
"""

from __future__ import annotations

from dataclasses import dataclass

#: One demo password per role (argon2id-hashed once per run; must_change is off in the demo).
ROLE_PASSWORDS: dict[str, str] = {
    "clerk": "Chuangkou#2024",
    "subcenter_staff": "Yibao#2024",
    "card_center_staff": "Kazhongxin#2024",
    "supervisor": "Zhuguan#2024",
    "admin": "Guanli#2024",
}

#: The default card PIN (RULES P1) and web/12333 query password (Q3).
DEFAULT_PIN = "123456"
DEFAULT_SERVICE_PASSWORD = "123456"


@dataclass(frozen=True)
class DemoAccount:
    staff_no: str
    name: str
    office_code: str
    office_name: str
    role: str

    @property
    def password(self) -> str:
        return ROLE_PASSWORDS[self.role]


#: The accounts to show first (渝中区, 江北区, 九龙坡区, 北碚区 and the card center); every
#: district has the same pattern.
DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("CK500103-01", "窗口员甲", "500103-CK01", "渝中区社会保险经办窗口", "clerk"),
    DemoAccount("CK500103-03", "窗口主管", "500103-CK01", "渝中区社会保险经办窗口", "supervisor"),
    DemoAccount(
        "YB500103-01", "医保经办甲", "500103-YB", "渝中区医疗保险分中心", "subcenter_staff"
    ),
    DemoAccount(
        "YB500103-02", "医保经办乙", "500103-YB", "渝中区医疗保险分中心", "subcenter_staff"
    ),
    DemoAccount("YB500103-03", "分中心主管", "500103-YB", "渝中区医疗保险分中心", "supervisor"),
    DemoAccount(
        "YB500105-01", "医保经办甲", "500105-YB", "江北区医疗保险分中心", "subcenter_staff"
    ),
    # 九龙坡区: 刘芳's household district, whose list shows her phone report about to lapse (L2).
    DemoAccount(
        "YB500107-01", "医保经办甲", "500107-YB", "九龙坡区医疗保险分中心", "subcenter_staff"
    ),
    # 北碚区: 黄敏's household district, where her blocked chip's loss report is lifted (U2).
    DemoAccount(
        "YB500109-01", "医保经办甲", "500109-YB", "北碚区医疗保险分中心", "subcenter_staff"
    ),
    DemoAccount("YB500109-03", "分中心主管", "500109-YB", "北碚区医疗保险分中心", "supervisor"),
    DemoAccount(
        "KZX500000-01",
        "卡中心经办甲",
        "500000-KZX",
        "重庆市社会保障卡服务中心",
        "card_center_staff",
    ),
    DemoAccount(
        "KZX500000-04", "卡中心主管", "500000-KZX", "重庆市社会保障卡服务中心", "supervisor"
    ),
    DemoAccount("KZX500000-05", "系统管理员", "500000-KZX", "重庆市社会保障卡服务中心", "admin"),
)


@dataclass(frozen=True)
class DemoHolder:
    """A fixed demo holder and the state of their card (database and chip)."""

    key: str
    name: str
    ssn: str
    card_number: str
    card_state: str
    pin: str
    pin_tries_left: int
    app_state: str
    #: Household district: only its sub-center may lift this holder's loss report (U2).
    household_district: str
    note: str


FIXED_HOLDERS: tuple[DemoHolder, ...] = (
    DemoHolder(
        "active_default_pin",
        "王建国",
        "500103196803150310",
        "A12424866",
        "active",
        "123456",
        3,
        "ok",
        "500103",
        "正常卡，初始密码 123456（P2 改密需核对身份证号）",
    ),
    DemoHolder(
        "active_changed_pin",
        "李秀英",
        "500106197508220420",
        "A12504057",
        "active",
        "135790",
        3,
        "ok",
        "500106",
        "正常卡，密码已改为 135790",
    ),
    DemoHolder(
        "phone_lost",
        "张伟",
        "500112199011020171",
        "A12583242",
        "phone_reported_lost",
        "123456",
        3,
        "ok",
        "500112",
        "12333 电话挂失（临时），3 天前，尚未书面挂失",
    ),
    DemoHolder(
        "phone_lost_lapsing",
        "刘芳",
        "500107198505300266",
        "A12662434",
        "phone_reported_lost",
        "123456",
        3,
        "ok",
        "500107",
        "电话挂失 2 天内到期（L2 到期提醒）",
    ),
    DemoHolder(
        "written_lost",
        "陈明",
        "500105197901090531",
        "A12741626",
        "lost",
        "123456",
        3,
        "ok",
        "500105",
        "书面挂失（江北区医保分中心），可在江北区解挂",
    ),
    DemoHolder(
        "replacement_applied",
        "杨丽",
        "500108198212120647",
        "A12820818",
        "replacement_applied",
        "123456",
        3,
        "ok",
        "500108",
        "已申请补卡，旧卡不能解挂（U4）",
    ),
    DemoHolder(
        "pin_blocked",
        "赵强",
        "500104199507070754",
        "A12900009",
        "active",
        "123456",
        0,
        "ok",
        "500104",
        "正常卡，密码已锁（连续输错 3 次），需解锁（P6）",
    ),
    DemoHolder(
        "app_blocked",
        "黄敏",
        "500109197004180882",
        "A12979191",
        "lost",
        "123456",
        3,
        "blocked",
        "500109",
        "书面挂失，医院终端已临时锁定应用；解挂时发送应用解锁",
    ),
    DemoHolder(
        "retired",
        "周国华",
        "500101195509010192",
        "A13058386",
        "active",
        "123456",
        3,
        "ok",
        "500101",
        "退休人员，有养老金发放记录",
    ),
    DemoHolder(
        "work_injury",
        "吴志刚",
        "500102197206250370",
        "A13137578",
        "active",
        "123456",
        3,
        "ok",
        "500102",
        "工伤七级，有工伤待遇",
    ),
    DemoHolder(
        "minority_name",
        "阿依古丽·买买提",
        "650102198802140466",
        "A1321676X",
        "active",
        "123456",
        3,
        "ok",
        "500106",
        "少数民族姓名（含间隔号 ·），户籍沙坪坝区",
    ),
    DemoHolder(
        "dibao",
        "冉秀珍",
        "500241196010100229",
        "A13295955",
        "active",
        "123456",
        3,
        "ok",
        "500241",
        "低保对象（秀山县），土家族",
    ),
    DemoHolder(
        "work_death",
        "孙建军",
        "500110197808080591",
        "A13375146",
        "cancelled",
        "123456",
        3,
        "ok",
        "500110",
        "工亡（已故），有供养亲属抚恤金；卡已注销",
    ),
)


def fixed_holder(key: str) -> DemoHolder:
    """The fixed demo holder named ``key`` (KeyError if there is none)."""
    for holder in FIXED_HOLDERS:
        if holder.key == key:
            return holder
    raise KeyError(key)
