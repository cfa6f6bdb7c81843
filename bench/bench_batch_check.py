"""Row checking benchmark: ``RowChecker.check`` row by row against ``batch.check_many``; and
reading parts of a CSV as rows (``split_rows`` + ``check_many``) against reading them as columns
(``split_columns`` + ``check_columns``).

Run from the repository root::

    python bench/bench_batch_check.py                  # 200,000 rows in batches of 20,000
    python bench/bench_batch_check.py --rows 50000 --batch 5000
    python bench/bench_batch_check.py --only parts --parts 12

The rows are those of bench_roster_import.py, as its CSV gives them (every cell a str, the index
column included). Each run starts from a fresh checker, so the first batch finds the amount and
date caches empty, as an import does; the best of three runs is printed in microseconds per row,
for all the rows and for the batches after the first (warm caches). The two results must agree.

The parts are those ``parts.plan`` cuts the benchmark CSV into (1 MB, some 10,000 rows), read
and decoded as ``parallel.stage_part`` reads them (the CSV is written first if it is not there,
which takes some minutes). After a first part that warms the caches, each part is read both ways
(each with its own checker); the best part is printed in microseconds per row, for the split, the
check and both. Both ways must give the same rows and the same results.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CSV = Path("/tmp/bench_roster_1000000.csv")

MAPPING = {"name": 1, "id_number": 2, "phone": 3, "town": 4, "village": 5, "address": 6,
           "amount": 7, "paid_on": 8}


def import_bench():
    """The import benchmark's module (bench/ is no package: load the file itself)."""
    spec = importlib.util.spec_from_file_location("bench_roster_import",
                                                  ROOT / "bench" / "bench_roster_import.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def people(rows: int):
    """The import benchmark's row generator."""
    return import_bench().people(rows)


def make_checker():
    """Areas from the demo district with made-up ids, their names normalised as
    runner.area_index normalises them."""
    from survey.demo.district import TOWNS
    from survey.rosters.validate import Areas, RowChecker
    from survey.rosters.values import place

    towns, villages = {}, {}
    for number, ((town, _), names) in enumerate(TOWNS.items(), start=1):
        towns[place(town)] = number
        for village in names:
            villages[(number, place(village))] = 100 + len(villages)
    return RowChecker(MAPPING, Areas(towns, villages))


def reference(checker, lines, rows):
    """The per-row loop check_many must equal."""
    from survey.rosters.batch import check_each

    return check_each(checker, lines, rows)


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


def bench_rows(rows_count: int, batch: int) -> None:
    """check_many against the per-row loop, on rows made in memory."""
    rows = [[str(cell) for cell in row] for row in people(rows_count)]
    lines = list(range(2, len(rows) + 2))
    batches = [(lines[i:i + batch], rows[i:i + batch]) for i in range(0, len(rows), batch)]
    from survey.rosters.batch import check_many  # before any birth_ok answer, as an import does

    expected, by_row = run(reference, batches)
    got, by_batch = run(check_many, batches)
    assert got == expected, "check_many disagrees with the per-row reference"
    assert (by_batch._amounts, by_batch._dates) == (by_row._amounts, by_row._dates)
    assert all(bad == 0 for *_, bad in got), "the benchmark's rows should all be valid"
    print(f"{len(rows):,} rows in batches of {batch:,}; the results agree")
    del expected, got
    for label, check in (("per row (reference loop)", reference), ("check_many", check_many)):
        everything, warm = timed(check, batches)
        print(f"  {label:<26} {everything:6.2f} us/row (fresh checker, all batches); "
              f"{warm:6.2f} us/row (batches after the first)")


def csv_parts(path: Path, count: int) -> list[tuple[str, int]]:
    """The text and first line of the CSV's first ``count`` parts, as stage_part reads them."""
    from survey.rosters import parts

    if not path.exists():
        print(f"writing {path} ...", flush=True)
        import_bench().write_csv(path, 1_000_000)
    texts = []
    with path.open("rb") as handle:
        for part in parts.plan(path, "utf-8", 1, part_bytes=1 << 20)[:count]:
            handle.seek(part.start)
            texts.append((handle.read(part.end - part.start).decode("utf-8"), part.first_line))
    return texts


def read_part(split, check, checker, text: str, first_line: int) -> tuple[float, float, int]:
    """One way of reading a part, its result dropped as an import hands it on: the seconds of
    the split and of the check, and the rows."""
    start = time.perf_counter()
    lines, cells = split(text, first_line)
    middle = time.perf_counter()
    check(checker, lines, cells)
    return middle - start, time.perf_counter() - middle, len(lines)


def agree(by_rows, by_columns, rows_checker, columns_checker, text: str, first_line: int):
    """Both ways give the same rows, and the same results, in which no row is bad."""
    (split_rows, check_many), (split_columns, check_columns) = by_rows, by_columns
    lines, rows = split_rows(text, first_line)
    got = split_columns(text, first_line)
    assert got is not None, "a part of the benchmark's CSV should be regular"
    column_lines, columns = got
    assert column_lines == lines and [list(c) for c in zip(*columns, strict=True)] == rows
    expected = check_many(rows_checker, lines, rows)
    assert check_columns(columns_checker, lines, columns) == expected, "the two ways disagree"
    assert expected[3] == 0, "the benchmark's rows should all be valid"


def bench_parts(path: Path, count: int) -> None:
    """Parts read as rows against parts read as columns, each way on its own checker, which way
    goes first changing from part to part; then both ways again, on other checkers, to compare
    what they give (not timed: the results of one would weigh on the memory of the other)."""
    from survey.rosters import parts
    from survey.rosters.batch import check_columns, check_many

    ways = {"split_rows + check_many": (
        lambda text, first: parts.split_rows(text, ",", first), check_many),
        "split_columns + check_columns": (
        lambda text, first: parts.split_columns(text, ",", first, 9), check_columns)}
    checkers = {label: (make_checker(), make_checker()) for label in ways}
    best = {label: [float("inf")] * 3 for label in ways}
    texts = csv_parts(path, count + 1)
    for number, (text, first_line) in enumerate(texts):
        for label in list(ways)[::1 if number % 2 else -1]:
            split, check, rows = read_part(*ways[label], checkers[label][0], text, first_line)
            if number:  # after the warm-up part, which fills the caches
                per_row = [1e6 * seconds / rows for seconds in (split, check, split + check)]
                best[label] = list(map(min, best[label], per_row))
        agree(*ways.values(), *(checker for _, checker in checkers.values()), text, first_line)
    print(f"{len(texts) - 1} parts of {path.name} (the last of {rows:,} rows) after a warm-up "
          "part; the results agree. Best part, us/row:")
    for label, (split, check, both) in best.items():
        print(f"  {label:<30} split {split:5.2f}  check {check:5.2f}  both {both:5.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=20_000)
    parser.add_argument("--parts", type=int, default=8, help="parts timed after the warm-up")
    parser.add_argument("--csv", type=Path, default=CSV)
    parser.add_argument("--only", choices=("rows", "parts"))
    args = parser.parse_args()
    if args.only != "parts":
        bench_rows(args.rows, args.batch)
    if args.only != "rows":
        bench_parts(args.csv, args.parts)


if __name__ == "__main__":
    main()
