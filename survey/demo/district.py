"""The demo district: towns and villages, rosters sized from the 2011 plan, one user per role.

Every row it creates is marked ``is_demo`` and the UI shows a banner while demo data is present.
Roster sizes follow the plan where it gives a figure (severe disability 1,012 urban + 158 rural
recipients plus 450 mental-disability medicine subsidies; 72 cataract operations; 1,700 migrant
workers trained; 500 rural hospital-delivery subsidies; 27 + 14 + 23 infectious-disease patients);
where it gives none (rural dibao, five-guarantees) the size is an assumption of ours.
"""

import csv
import io

import sqlalchemy as sa

from survey.catalog.service import program_by_code
from survey.demo.people import PersonMaker
from survey.extensions import db
from survey.models import Area, AreaKind, Person, Role, RosterEntry, User
from survey.rosters.service import import_roster
from survey.users.service import create_user

TOWNS = {
    ("城关街道", AreaKind.SUBDISTRICT): [
        "东门社区", "西门社区", "南街社区", "北街社区", "府前社区"
    ],
    ("东城街道", AreaKind.SUBDISTRICT): ["东湖社区", "朝阳社区", "新村社区", "东园社区"],
    ("西城街道", AreaKind.SUBDISTRICT): ["西苑社区", "长江社区", "和平社区", "桥西社区"],
    ("南湖街道", AreaKind.SUBDISTRICT): ["湖滨社区", "南苑社区", "渔港社区"],
    ("金桥镇", AreaKind.TOWN): ["金桥社区", "大王村", "小李村", "河口村", "杨庄村", "柳林村"],
    ("白沙镇", AreaKind.TOWN): ["白沙社区", "沙河村", "高桥村", "石门村", "刘家村"],
    ("青山镇", AreaKind.TOWN): ["青山社区", "山口村", "茶园村", "竹林村", "松岭村", "双塘村"],
    ("经济开发区", AreaKind.DEVELOPMENT_ZONE): ["创业社区", "园区社区", "新港村"],
}
#: program code -> (people on the roster, share living in the villages of towns rather than streets)
ROSTERS = {
    "rural_dibao": (1200, 0.9),
    "wubao": (260, 0.95),
    "severe_disability": (1012 + 158 + 450, 0.35),
    "cataract": (72, 0.6),
    "migrant_training": (1700, 0.7),
    "women_children_health": (500, 0.9),
    "infectious_disease": (27 + 14 + 23, 0.5),
}
PASSWORD = "minsheng2011"
USERS = (
    ("admin", "民生办管理员", Role.ADMIN, None),
    ("supervisor", "督导员", Role.SUPERVISOR, None),
    ("surveyor1", "调查员甲", Role.SURVEYOR, "金桥镇"),
    ("surveyor2", "调查员乙", Role.SURVEYOR, "城关街道"),
    ("viewer", "残联查看员", Role.VIEWER, None),
)


def is_loaded() -> bool:
    return db.session.scalar(sa.select(sa.exists().where(Area.is_demo))) or False


def _areas() -> dict[str, list[str]]:
    villages_of = {}
    for (town_name, kind), villages in TOWNS.items():
        town = Area(name=town_name, kind=kind, is_demo=True)
        for name in villages:
            village_kind = AreaKind.COMMUNITY if name.endswith("社区") else AreaKind.VILLAGE
            town.children.append(Area(name=name, kind=village_kind, is_demo=True))
        db.session.add(town)
        villages_of[town_name] = villages
    db.session.commit()
    return villages_of


def _roster_csv(maker: PersonMaker, size: int, rural: float, villages_of, pool) -> bytes:
    rural_towns = [t for (t, k) in TOWNS if k is AreaKind.TOWN]
    urban_towns = [t for (t, k) in TOWNS if k is not AreaKind.TOWN]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["姓名", "身份证号", "联系电话", "街镇", "村居", "住址"])
    shared = [p for p in pool if maker.rng.random() < 0.12]  # some are on several rosters
    for index in range(size):
        if index < len(shared):
            name, number, phone, town, village = shared[index]
        else:
            town = maker.rng.choice(rural_towns if maker.rng.random() < rural else urban_towns)
            village = maker.rng.choice(villages_of[town])
            name, number, phone = maker.name(), maker.id_number(), maker.mobile()
            pool.append((name, number, phone, town, village))
        house = f"{village}{maker.rng.randrange(1, 80)}号"
        writer.writerow([name, number, phone, town, village, house])
    return out.getvalue().encode("utf-8")


def load_demo() -> dict[str, int]:
    """Create the demo district; return the roster sizes. Does nothing if it is already there."""
    if is_loaded():
        return {}
    villages_of = _areas()
    maker, pool, sizes = PersonMaker(2011), [], {}
    for code, (size, rural) in ROSTERS.items():
        program = program_by_code(code)
        data = _roster_csv(maker, size, rural, villages_of, pool)
        report = import_roster(program, data, f"演示名册-{program.name_zh}.csv", by=None)
        if not report.ok:
            raise RuntimeError(f"demo roster {code} failed: {report.errors[:3]}")
        report.version.is_demo = True
        sizes[code] = report.version.row_count
        members = sa.select(RosterEntry.person_id).where(
            RosterEntry.in_version(program.id, report.version.number))
        db.session.execute(sa.update(Person).where(Person.id.in_(members)).values(is_demo=True))
    _users()
    db.session.commit()
    return sizes


def _users() -> None:
    query = sa.select(Area).where(Area.parent_id.is_(None))
    towns = {a.name: a.id for a in db.session.scalars(query)}
    for username, display, role, home in USERS:
        if db.session.scalar(sa.select(User).where(User.username == username)):
            continue
        scope = {}
        if role is Role.VIEWER:
            scope = {"program_ids": [program_by_code("severe_disability").id]}
        create_user(username=username, display_name=display, role=role, password=PASSWORD,
                    home_town_id=towns.get(home), **scope)
