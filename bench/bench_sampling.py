"""Benchmarks of the sampling library, printed as figures (not a timed test).

Run from the repository root::

    python bench/bench_sampling.py            # Python figures, and R's if Rscript exists
    python bench/bench_sampling.py --no-r

Targets: a stratified draw of 2,000 from 1,000,000 units in 30 strata in at most 0.5 s; a
design-based estimate over 100,000 responses in 30 strata in at most 0.1 s. Each figure is
the best of several runs (the first run is shown too). Where ``Rscript`` is installed the
same work runs in R (``bench/r/bench_sampling.R``: survey and sampling packages) and the
ratio R / Python is printed.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sampling import __version__, designs, estimate  # noqa: E402

R_SCRIPT = ROOT / "bench" / "r" / "bench_sampling.R"


def timed(function: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Return (first, best) wall-clock seconds of ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times[0], min(times)


def draw_figures(repeats: int) -> dict[str, tuple[float, float]]:
    n_units, n_strata = 1_000_000, 30
    keys = [hashlib.sha256(f"person {i}".encode()).hexdigest() for i in range(n_units)]
    towns = [f"town{(i * 7919) % n_strata:02d}" for i in range(n_units)]
    return {
        "stratified draw 2,000 of 1,000,000 (30 strata)": timed(
            lambda: designs.stratified(keys, towns, 2000, seed=20240501, n_reserves=5), repeats
        ),
    }


def estimate_figures(repeats: int) -> dict[str, tuple[float, float]]:
    rng = np.random.default_rng(1)
    n, n_strata = 100_000, 30
    strata = np.array([f"town{h:02d}" for h in range(n_strata)])[np.arange(n) % n_strata]
    y = (rng.random(n) < 0.6).astype(float)
    score = rng.choice([100.0, 80.0, 60.0, 30.0, 0.0], n)
    fpc = np.full(n, 50.0 * n / n_strata)
    town = rng.random(n) < 0.2
    return {
        "proportion, logit (100,000 responses, 30 strata)": timed(
            lambda: estimate.proportion(y, strata=strata, fpc=fpc), repeats
        ),
        "mean, t interval (100,000 responses, 30 strata)": timed(
            lambda: estimate.mean(score, strata=strata, fpc=fpc), repeats
        ),
        "domain proportion (one town of 20%)": timed(
            lambda: estimate.proportion(y, strata=strata, fpc=fpc, domain=town), repeats
        ),
    }


def r_figures(repeats: int) -> dict[str, float]:
    if shutil.which("Rscript") is None:
        return {}
    result = subprocess.run(
        ["Rscript", str(R_SCRIPT), str(repeats)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        print(f"R benchmark failed:\n{result.stderr}", file=sys.stderr)
        return {}
    return {
        name: float(value)
        for name, value in (line.split() for line in result.stdout.splitlines() if line.strip())
    }


def report(figures: dict[str, tuple[float, float]], target: float) -> None:
    for name, (first, best) in figures.items():
        verdict = "ok" if best <= target else "OVER TARGET"
        print(
            f"  {name:<52} best {best:7.3f} s  first {first:7.3f} s  "
            f"target {target:.2f} s  {verdict}"
        )


def compare(python_seconds: float, r: dict[str, float], pairs: list[tuple[str, str]]) -> None:
    for key, label in pairs:
        if key in r:
            print(f"  R {label:<50} {r[key]:7.3f} s  R / Python = {r[key] / python_seconds:6.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-r", action="store_true", help="skip the R comparison")
    args = parser.parse_args()
    print(f"sampling {__version__}, numpy {np.__version__}, Python {sys.version.split()[0]}")
    draws, estimates = draw_figures(args.repeats), estimate_figures(args.repeats)
    r = {} if args.no_r else r_figures(min(args.repeats, 3))
    print("Draw")
    report(draws, 0.5)
    compare(
        next(iter(draws.values()))[1],
        r,
        [
            ("draw_base", "split() + sample.int() per stratum (no hashing)"),
            ("draw_sampling_strata", "sampling::strata(method = 'srswor')"),
        ],
    )
    print("Estimate")
    report(estimates, 0.1)
    proportion_seconds = next(iter(estimates.values()))[1]
    compare(
        proportion_seconds,
        r,
        [
            ("estimate_svyciprop", "svydesign + svyciprop(method = 'logit')"),
            ("estimate_svymean", "svydesign + confint(svymean, df = degf)"),
        ],
    )
    if not r and not args.no_r:
        print("(Rscript not found or failed: no R comparison)")


if __name__ == "__main__":
    main()
