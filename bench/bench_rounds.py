"""Benchmarks of rounds and samples in the app, printed as figures (not a timed test).

Run from the repository root::

    python bench/bench_rounds.py              # a 20,000-person roster, SQLite in a temp folder
    python bench/bench_rounds.py --people 50000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench python bench/bench_rounds.py

It builds the demo district, imports one large roster, then times what the office does with it:
the preview of a stratified plan sized per town, the draw, the verification by redrawing, the
automatic assignment under the cross-area rule, the call-list export; and the balancing rule
alone on 20,000 cases. Targets: preview and draw of a 20,000-person roster within 2 s each on a
laptop, assignment of 1,000 cases within 2 s.
"""

from __future__ import annotations

import argparse
import base64
import csv
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def timed(label: str, function):
    start = time.perf_counter()
    result = function()
    print(f"{label:<58} {time.perf_counter() - start:7.3f} s")
    return result


def _roster(people: int) -> bytes:
    from survey.demo.district import TOWNS
    from survey.demo.people import PersonMaker

    maker, out = PersonMaker(7), io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["姓名", "身份证号", "联系电话", "街镇", "村居", "发放金额"])
    places = [(town, village) for (town, _), villages in TOWNS.items() for village in villages]
    for i in range(people):
        town, village = places[(i * 7919) % len(places)]
        writer.writerow([maker.name(), maker.id_number(), maker.mobile(), town, village,
                         100 + (i % 13) * 25])
    return out.getvalue().encode()


def _app(url: str):
    from survey import create_app

    key = base64.urlsafe_b64encode(b"b" * 32).decode()
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "PII_HASH_KEY": key,
                       "PII_ENCRYPTION_KEY": key, "PRN_SECRET": key})


def _prepare(people: int):
    """Demo district, one large roster, 20 surveyors with home towns, a draft round."""
    from flask_migrate import upgrade

    from survey.catalog.service import load_catalog, program_by_code
    from survey.demo.district import load_demo
    from survey.extensions import db
    from survey.models import Area, PeriodKind, Role, SampleDesign, SizeBasis
    from survey.questionnaires.service import install, latest_versions
    from survey.rosters.service import import_roster
    from survey.rounds import service
    from survey.users.service import create_user

    upgrade()
    load_catalog()
    install()
    load_demo()
    program = program_by_code("rural_dibao")
    timed(f"import a roster of {people:,} people (set-up)",
          lambda: import_roster(program, _roster(people), "big.csv", by=None))
    towns = list(db.session.scalars(db.select(Area).where(Area.parent_id.is_(None))))
    for i in range(20):
        create_user(username=f"bench{i}", display_name=f"调查员{i}", role=Role.SURVEYOR,
                    password="bench-password", home_town_id=towns[i % len(towns)].id)
    sizes = {program.id: None, program_by_code("wubao").id: None,
             program_by_code("severe_disability").id: None}
    return service.create_round(
        name="性能测试", period_kind=PeriodKind.QUARTER, period="2011-Q4",
        questionnaire_version=latest_versions()[0], sizes=sizes, by=None,
        design=SampleDesign.STRATIFIED, size_basis=SizeBasis.TOWN, target_margin=0.1)


def run(people: int, url: str) -> None:
    from survey.extensions import db
    from survey.models import Role, Round
    from survey.rounds import assign, cases, plan, service, verify
    from survey.users.service import create_user

    with _app(url).app_context():
        round_ = _prepare(people)
        plans = timed("preview: 3 programs, per-town sizes (frames + cochran)",
                      lambda: plan.plan_round(round_))
        timed(f"draw: {sum(p.n for p in plans):,} units + reserves, 3 programs x 8 towns",
              lambda: service.draw_round(round_, 20111001, by=None))
        round_ = db.session.get(Round, round_.id)
        checks = timed("verify: redraw every program and compare unit by unit",
                       lambda: verify.verify_round(round_))
        assert all(c.ok for c in checks)
        result = timed("assign automatically: 20 surveyors, cross-area rule",
                       lambda: assign.assign_automatically(round_, by=None))
        print(f"{'':<4}assigned {result.assigned:,}, left for lack of an eligible surveyor "
              f"{sum(result.unassignable.values())}")
        boss = create_user(username="benchboss", display_name="督导", role=Role.SUPERVISOR,
                           password="bench-password")
        rows = timed("list the round's cases (assignment page)",
                     lambda: cases.case_rows(round_, {}))
        timed(f"call-list export of {len(rows):,} cases (xlsx)",
              lambda: cases.call_list_xlsx(round_, rows, by=boss))


def balance_only() -> None:
    from survey.rounds.balance import Group, Worker, balance

    groups = [Group((i,), frozenset({i % 8})) for i in range(20_000)]
    workers = [Worker(w, w % 8 if w % 5 else None, load=w % 7) for w in range(50)]
    given, _ = timed("balance rule alone: 20,000 cases, 50 surveyors, 8 towns",
                     lambda: balance(groups, workers))
    loads = [w.load + len(given[w.id]) for w in workers]
    print(f"{'':<4}workloads from {min(loads)} to {max(loads)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL")
    with tempfile.TemporaryDirectory() as folder:
        url = url or f"sqlite:///{folder}/bench.sqlite"
        print(f"database: {url.split('@')[-1]}")
        run(args.people, url)
    balance_only()


if __name__ == "__main__":
    main()
