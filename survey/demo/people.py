"""Fake but valid-looking people for the demo district: names, ID numbers, mobile numbers."""

import random
from datetime import date, timedelta

from survey.rosters.idnumber import check_digit

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁"
    "潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱"
    "江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国文辉玉珍红梅"
    "志成德福春生海燕晓东林荣凤兵宏斌鹏金凤琴云峰雪婷慧佳俊浩然"
)
#: Names a roster must carry intact: a middle dot, characters outside the Basic Multilingual Plane.
RARE_NAMES = ("阿依古丽·买买提", "欧阳𠈌", "𪚥文", "司马䶮")
#: The first six digits: a made-up county-level code of the demo district.
REGION = "340199"
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151",
                   "152", "153", "155", "156", "157", "158", "159", "177", "180", "181", "186",
                   "187", "188", "189", "199")


class PersonMaker:
    """Deterministic fake people: the same seed gives the same district."""

    def __init__(self, seed: int = 2011):
        self.rng = random.Random(seed)
        self.used_ids: set[str] = set()

    def name(self) -> str:
        given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
        if self.rng.random() < 0.004:
            return self.rng.choice(RARE_NAMES)
        return self.rng.choice(SURNAMES) + given

    def id_number(self, oldest: int = 1935, youngest: int = 1995) -> str:
        while True:
            born = date(oldest, 1, 1) + timedelta(
                days=self.rng.randrange((date(youngest, 12, 31) - date(oldest, 1, 1)).days)
            )
            first17 = REGION + born.strftime("%Y%m%d") + f"{self.rng.randrange(1000):03d}"
            number = first17 + check_digit(first17)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def mobile(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
