"""Roster import benchmark: a 1,000,000-row CSV and a 100,000-row xlsx, on SQLite and PostgreSQL.

Run from the repository root (PostgreSQL on 127.0.0.1 with trust auth, as in CI)::

    python bench/bench_roster_import.py                 # everything
    python bench/bench_roster_import.py --rows 200000   # a smaller CSV
    python bench/bench_roster_import.py --no-pg         # SQLite only
    python bench/bench_roster_import.py --only xlsx     # one kind of file

After the CSV, the same list "a month later" (every hundredth person moved) is imported into the
same database, the common case of a department's monthly list, and its time printed.

Targets (issue 4): at least 50,000 rows/s end to end (reading, validation, HMAC, AES-GCM,
writing) and at most 300 MB peak memory for the CSV; at least 10,000 rows/s for the xlsx; and,
side by side, a plain PostgreSQL ``COPY`` of the same CSV into a table of text columns, printed as
the ratio import time / COPY time (aim: within 10x). Each import runs in a fresh child process
against a fresh database, and its peak resident memory is read from /proc (VmHWM), which, unlike
``ru_maxrss``, does not carry over the high-water mark of the process that started it.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
HEADER = ["序号", "姓名", "身份证号", "联系电话", "街镇", "村居", "住址", "发放金额", "发放日期"]
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def people(rows: int, seed: int = 2011):
    """Valid, distinct, realistic rows in the demo district's towns and villages."""
    from survey.demo.district import TOWNS
    from survey.demo.people import GIVEN, SURNAMES

    rng = random.Random(seed)
    places = [(town, village) for (town, _), villages in TOWNS.items() for village in villages]
    start = date(1935, 1, 1)
    for index in range(rows):
        born = start + timedelta(days=index % 21900)
        first17 = f"340199{born:%Y%m%d}{index // 21900:03d}"
        check = "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]
        town, village = places[index % len(places)]
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2))))
        yield [index + 1, name, first17 + check, f"13{rng.randrange(10**9):09d}", town, village,
               f"{village}{rng.randrange(1, 200)}号", f"{rng.choice((85, 120, 260, 330))}.00",
               f"2011-{rng.randrange(1, 13):02d}-15"]


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(people(rows))


def write_xlsx(path: Path, rows: int) -> None:
    """A workbook as Excel writes it: shared strings, amounts as numbers, dates as dates."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("名册")
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    text = book.add_format({"num_format": "@"})
    sheet.write_row(0, 0, HEADER)
    for index, row in enumerate(people(rows, seed=7), start=1):
        sheet.write_number(index, 0, row[0])
        for column in (1, 4, 5, 6):
            sheet.write_string(index, column, row[column])
        sheet.write_string(index, 2, row[2], text)
        sheet.write_string(index, 3, row[3], text)
        sheet.write_number(index, 7, float(row[7]))
        sheet.write_datetime(index, 8, datetime.strptime(row[8], "%Y-%m-%d"), day)
    book.close()


def write_next_month(path: Path, next_path: Path) -> None:
    """The same list a month later: every hundredth person has a new address."""
    with path.open(encoding="utf-8", newline="") as source, \
            next_path.open("w", encoding="utf-8", newline="") as target:
        writer = csv.writer(target)
        for index, row in enumerate(csv.reader(source)):
            if index and index % 100 == 0:
                row[6] = row[6] + "之一"
            writer.writerow(row)


def fresh_database(backend: str, tag: str) -> str:
    if backend == "sqlite":
        path = Path(f"/tmp/bench_roster_{tag}.sqlite")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    name = f"bench_roster_{tag}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + "/" + name


def child(url: str, path: str, then: str | None = None) -> None:
    """Import one file into a fresh database, then the ``then`` file if given (the next
    version); print the figures as JSON."""
    import base64
    import logging

    from flask_migrate import upgrade

    from survey import create_app
    from survey.catalog.service import load_catalog, program_by_code
    from survey.demo.district import _areas
    from survey.extensions import db
    from survey.rosters.parallel import peak_mb
    from survey.rosters.service import import_file

    workers, phases = [], {}

    class Peak(logging.Handler):
        def emit(self, record):
            workers.append(getattr(record, "worker_peak_mb", 0.0))
            phases.update(getattr(record, "phases", {}))

    logging.getLogger("survey.rosters").addHandler(Peak())
    logging.getLogger("survey.rosters").setLevel(logging.INFO)
    key = base64.urlsafe_b64encode(b"k" * 32).decode()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "PII_HASH_KEY": key,
                      "PII_ENCRYPTION_KEY": key.replace("a", "b"), "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        load_catalog()
        _areas()
        program = program_by_code("rural_dibao")
        base = peak_mb()
        start = time.perf_counter()
        result = import_file(program, Path(path), by=None)
        seconds = time.perf_counter() - start
        peak = peak_mb()
        assert result.ok, [(e.line, e.reason) for e in result.errors[:5]]
        figures = {"rows": result.version.row_count, "seconds": seconds, "peak_mb": peak,
                   "before_mb": base, "worker_mb": max(workers, default=0.0),
                   "phases": dict(phases), "checkpoint": _checkpoint()}
        if then:
            phases.clear()
            start = time.perf_counter()
            result = import_file(program, Path(then), by=None)
            version = result.version
            figures["next"] = {"seconds": time.perf_counter() - start, "changed": (
                version.added, version.removed, version.changed), "phases": phases,
                "checkpoint": _checkpoint()}
        print(json.dumps(figures))
        db.engine.dispose()


def _checkpoint() -> float:
    """The seconds of what a large import left running in the background after its commit
    (SQLite's checkpoint, PostgreSQL's validation of the keys given back), waited for here so
    that the next figures do not share the machine with it; 0 if nothing."""
    from survey.rosters import apply, bulk

    seconds = 0.0
    for started in (apply.last_checkpoint, bulk.last_validation):
        thread = started.get("thread")
        if thread is not None:
            thread.join()
            seconds += started.get("seconds", 0.0)
            started.clear()
    return seconds


def run_child(backend: str, tag: str, path: Path, then: Path | None = None) -> dict:
    url = fresh_database(backend, tag)
    files = [str(path)] + ([str(then)] if then else [])
    out = subprocess.run([sys.executable, __file__, "--child", url, *files], check=True,
                         capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": ""})
    return json.loads(out.stdout.strip().splitlines()[-1])


def plain_copy(path: Path) -> float:
    """A plain COPY of the CSV into a table of text columns: the floor for any import."""
    import psycopg

    url = fresh_database("postgresql", "copy").replace("postgresql+psycopg://", "postgresql://")
    columns = ", ".join(f"c{i} text" for i in range(len(HEADER)))
    with psycopg.connect(url) as conn:
        conn.execute(f"CREATE TABLE plain ({columns})")
        start = time.perf_counter()
        with conn.cursor().copy("COPY plain FROM STDIN (FORMAT csv, HEADER true)") as copy, \
                path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        conn.commit()
        return time.perf_counter() - start


def show(label: str, figures: dict, target: float) -> None:
    rate = figures["rows"] / figures["seconds"]
    verdict = "meets" if rate >= target else f"MISSES by {100 * (1 - rate / target):.0f}%"
    print(f"{label:<22} {figures['rows']:>9,} rows {figures['seconds']:6.1f} s "
          f"{rate:>7,.0f} rows/s ({verdict} {target:,.0f}/s); peak memory "
          f"{figures['peak_mb']:.0f} MB (app loaded: {figures['before_mb']:.0f} MB)"
          + (f", worker process {figures['worker_mb']:.0f} MB"
             if figures["worker_mb"] else ""))
    print("  " + ", ".join(f"{name} {seconds:.1f} s"
                           for name, seconds in figures["phases"].items() if seconds >= 0.05))
    if figures.get("checkpoint"):
        print(f"  then, in the background after the commit (SQLite's checkpoint, PostgreSQL's "
              f"validation of the keys): {figures['checkpoint']:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--only", choices=("csv", "xlsx"), help="run one kind of file only")
    parser.add_argument("--child", nargs="+", metavar="URL FILE [NEXT]")
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    backends = ["sqlite"] + ([] if args.no_pg else ["postgresql"])
    csv_path = Path(f"/tmp/bench_roster_{args.rows}.csv")
    xlsx_path = Path(f"/tmp/bench_roster_{args.xlsx_rows}.xlsx")
    if not csv_path.exists():
        write_csv(csv_path, args.rows)
    if not xlsx_path.exists():
        write_xlsx(xlsx_path, args.xlsx_rows)
    sizes = csv_path.stat().st_size / 1e6, xlsx_path.stat().st_size / 1e6
    print(f"CSV {sizes[0]:.0f} MB, xlsx {sizes[1]:.0f} MB; {os.cpu_count()} cores")
    next_path = csv_path.with_name(csv_path.stem + "_next.csv")
    if args.only != "xlsx" and not next_path.exists():
        write_next_month(csv_path, next_path)
    for backend in backends if args.only != "xlsx" else ():
        figures = run_child(backend, "csv", csv_path, next_path)
        show(f"CSV into {backend}", figures, 50_000)
        following = figures["next"]
        print(f"  next month's list (1% moved house), imported into the same database: "
              f"{following['seconds']:.1f} s, added/removed/changed {following['changed']}")
        print("    " + ", ".join(f"{name} {seconds:.1f} s"
                               for name, seconds in following["phases"].items()
                               if seconds >= 0.05))
        total = figures["peak_mb"] + figures["worker_mb"]
        print(f"  memory, the import process and its worker, both at their peaks: {total:.0f} MB"
              f" ({'within' if total <= 300 else 'OVER'} 300 MB)")
        if backend == "postgresql":
            copy = plain_copy(csv_path)
            print(f"  plain PostgreSQL COPY of the same file: {copy:.1f} s; import / COPY = "
                  f"{figures['seconds'] / copy:.1f}x (aim: within 10x)")
    for backend in backends if args.only != "csv" else ():
        show(f"xlsx into {backend}", run_child(backend, "xlsx", xlsx_path), 10_000)


if __name__ == "__main__":
    main()
