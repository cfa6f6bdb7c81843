"""Row checking benchmark: ``RowChecker.check`` row by row against ``batch.check_many``.

Run from the repository root::

    python bench/bench_batch_check.py                  # 200,000 rows in batches of 20,000
    python bench/bench_batch_check.py --rows 50000 --batch 5000

The rows are those of bench_roster_import.py, as its CSV gives them (every cell a str, the index
column included). Each run starts from a fresh checker, so the first batch finds the amount and
date caches empty, as an import does; the best of three runs is printed in microseconds per row,
for all the rows and for the batches after the first (warm caches). The two results must agree.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MAPPING = {"name": 1, "id_number": 2, "phone": 3, "town": 4, "village": 5, "address": 6,
           "amount": 7, "paid_on": 8}


def people(rows: int):
    """The import benchmark's row generator (bench/ is no package: load the file itself)."""
    spec = importlib.util.spec_from_file_location("bench_roster_import",
                                                  ROOT / "bench" / "bench_roster_import.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.people(rows)


def make_checker():
    """Areas from the demo district with made-up ids, as runner.area_index builds them."""
    from survey.demo.district import TOWNS
    from survey.rosters.validate import Areas, RowChecker

    towns, villages = {}, {}
    for number, ((town, _), names) in enumerate(TOWNS.items(), start=1):
        towns[town] = number
        for village in names:
            villages[(number, village)] = 100 + len(villages)
    return RowChecker(MAPPING, Areas(towns, villages))


def reference(checker, lines, rows):
    """The per-row loop check_many must equal."""
    good_lines, cleans, problems, bad = [], [], [], 0
    for line, cells in zip(lines, rows, strict=True):
        clean, found = checker.check(line, cells)
        if found:
            bad += 1
            problems.extend(found)
        else:
            good_lines.append(line)
            cleans.append(clean)
    return good_lines, cleans, problems, bad


def run(check, batches, checker=None):
    """Check every batch with ``check``; return the results and the checker."""
    checker = checker or make_checker()
    return [check(checker, lines, rows) for lines, rows in batches], checker


def timed(check, batches, runs: int = 3) -> tuple[float, float]:
    """Best of ``runs``, each from a fresh checker and dropping each batch's result as an import
    does: microseconds per row over all the rows, and over the batches after the first."""
    rows = sum(len(lines) for lines, _ in batches)
    warm_rows = rows - len(batches[0][0])
    totals, warm = [], []
    for _ in range(runs):
        checker = make_checker()
        times = []
        for lines, cells in batches:
            start = time.perf_counter()
            check(checker, lines, cells)
            times.append(time.perf_counter() - start)
        totals.append(sum(times))
        warm.append(sum(times[1:]))
    return 1e6 * min(totals) / rows, 1e6 * min(warm) / max(warm_rows, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=20_000)
    args = parser.parse_args()
    rows = [[str(cell) for cell in row] for row in people(args.rows)]
    lines = list(range(2, len(rows) + 2))
    batches = [(lines[i:i + args.batch], rows[i:i + args.batch])
               for i in range(0, len(rows), args.batch)]
    from survey.rosters.batch import check_many  # before any birth_ok answer, as an import does

    expected, by_row = run(reference, batches)
    got, by_batch = run(check_many, batches)
    assert got == expected, "check_many disagrees with the per-row reference"
    assert (by_batch._amounts, by_batch._dates) == (by_row._amounts, by_row._dates)
    assert all(bad == 0 for *_, bad in got), "the benchmark's rows should all be valid"
    print(f"{len(rows):,} rows in batches of {args.batch:,}; the results agree")
    del expected, got
    for label, check in (("per row (reference loop)", reference), ("check_many", check_many)):
        everything, warm = timed(check, batches)
        print(f"  {label:<26} {everything:6.2f} us/row (fresh checker, all batches); "
              f"{warm:6.2f} us/row (batches after the first)")


if __name__ == "__main__":
    main()
