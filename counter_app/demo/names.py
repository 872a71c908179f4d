"""Name pools for demo people and employers: common surnames, given-name characters, and a
few minority names written with the middle dot (U+00B7) as ID cards print them."""

from __future__ import annotations

import random

# Common surnames, roughly by frequency (the first ones more often).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺"
    "顾毛郝龚邵万钱覃武戴孔汤庞樊兰殷施冉向牟谯"
)
GIVEN_MALE = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳坤峰建国志文斌亮海东"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀英玲桂兰燕萍红梅莉婷雪琳晶颖倩琴云洁佳欣怡慧巧月凤"
COMMON_GIVEN = "子思雨晨嘉一梓俊宏振家兴春玉德成永光荣天"

# Minority names (Uyghur, Tibetan style) as written on Chinese ID cards, with "·".
MINORITY_NAMES = (
    ("阿依古丽·买买提", "2", "05"),
    ("艾尔肯·吐尔逊", "1", "05"),
    ("古丽娜尔·艾力", "2", "05"),
    ("买买提江·阿不都", "1", "05"),
    ("扎西·多吉", "1", "04"),
    ("卓玛·次仁", "2", "04"),
)


def person_name(rng: random.Random, gender: str) -> str:
    """A plausible Han name (surname + one or two given characters) for ``gender``."""
    # Bias towards the frequent surnames at the start of the pool.
    index = min(int(rng.expovariate(1 / 25)), len(SURNAMES) - 1)
    surname = SURNAMES[index]
    pool = GIVEN_MALE if gender == "1" else GIVEN_FEMALE
    if rng.random() < 0.3:
        return surname + rng.choice(pool)
    return surname + rng.choice(COMMON_GIVEN + pool) + rng.choice(pool)


EMPLOYER_WORDS = (
    "渝江",
    "山城",
    "嘉陵",
    "长江",
    "朝天门",
    "解放碑",
    "两江",
    "缙云",
    "南山",
    "歌乐山",
    "巴渝",
    "三峡",
    "武陵",
    "大足",
    "金佛山",
    "仙女山",
    "龙门",
    "江州",
    "渝新",
    "天府",
)
EMPLOYER_TRADES = (
    ("机械制造", "manufacturing"),
    ("汽车配件", "manufacturing"),
    ("电子科技", "it"),
    ("建筑工程", "construction"),
    ("物流", "logistics"),
    ("商贸", "retail"),
    ("餐饮管理", "catering"),
    ("火锅", "catering"),
    ("医药", "healthcare"),
    ("教育咨询", "education"),
    ("物业管理", "services"),
    ("软件", "it"),
    ("摩托车", "manufacturing"),
    ("化工", "chemicals"),
    ("食品", "food"),
)
EMPLOYER_SUFFIXES = ("有限公司", "有限责任公司", "股份有限公司")
STREETS = (
    "解放碑街道",
    "朝天门街道",
    "大坪街道",
    "观音桥街道",
    "杨家坪街道",
    "南坪街道",
    "沙坪坝街道",
    "天生街道",
    "龙溪街道",
    "鱼洞街道",
    "北城街道",
    "人民路",
    "新华路",
    "民生路",
    "建设路",
)
