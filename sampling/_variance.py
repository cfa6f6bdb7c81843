"""Taylor-linearisation variance for a stratified single-stage design.

The design is the one R builds with ``svydesign(ids=~1, strata=~h, fpc=~N_h, weights=~w)``:
units drawn without replacement inside strata, each with a design weight. Estimators are
written as totals of per-unit *influence values* ``z``; this module turns influence values
into a variance the way R's ``survey:::onestrat`` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from sampling._checks import as_labels, as_mask, as_vector, choose

LonelyRule = Literal["adjust", "remove", "fail"]

#: R treats a stratum whose sampling fraction is within this of 1 as fully enumerated.
CENSUS_TOLERANCE = 1e-7


@dataclass(frozen=True)
class Design:
    """A stratified design over the units that answered.

    ``codes`` is the stratum index of each unit, ``n_h`` the units per stratum in the whole
    design (domain or not), ``fpc_factor`` the per-stratum ``(N_h - n_h) / N_h`` (1 without
    a finite population correction) and ``domain`` the units of the subpopulation.
    """

    weights: np.ndarray
    codes: np.ndarray
    labels: tuple
    n_h: np.ndarray
    fpc_factor: np.ndarray
    domain: np.ndarray
    lonely: LonelyRule


def make_design(
    n: int,
    weights: object = None,
    strata: object = None,
    fpc: object = None,
    domain: object = None,
    lonely: LonelyRule = "adjust",
) -> Design:
    """Check the design arguments of ``n`` units and return a :class:`Design`."""
    choose("lonely rule", lonely, _LONELY)
    if strata is None:
        codes, labels = np.zeros(n, dtype=np.intp), ["all"]
    else:
        codes, labels = as_labels(strata, "strata", n)
    n_h = np.bincount(codes, minlength=len(labels))
    population = None if fpc is None else _stratum_population(fpc, codes, labels, n_h, n)
    if weights is None:
        w = np.ones(n) if population is None else (population / n_h)[codes]
    else:
        w = as_vector(weights, "weights", n)
        if np.any(w <= 0):
            bad = int(np.flatnonzero(w <= 0)[0])
            raise ValueError(f"weights must be > 0; position {bad} is {w[bad]!r}")
    factor = np.ones(len(labels)) if population is None else (population - n_h) / population
    mask = np.ones(n, dtype=bool) if domain is None else as_mask(domain, "domain", n)
    return Design(w, codes, tuple(labels), n_h, factor, mask, lonely)


def _stratum_population(
    fpc: object, codes: np.ndarray, labels: list, n_h: np.ndarray, n: int
) -> np.ndarray:
    """Return N_h per stratum from the per-unit ``fpc``, checking it is one number per stratum."""
    values = as_vector(fpc, "fpc", n)
    population = np.zeros(len(labels))
    population[codes] = values
    mismatch = np.flatnonzero(values != population[codes])
    if mismatch.size:
        label = labels[codes[mismatch[0]]]
        raise ValueError(f"fpc must be the same for every unit of stratum {label!r}")
    short = np.flatnonzero(population < n_h)
    if short.size:
        h = int(short[0])
        raise ValueError(
            f"fpc (population size) of stratum {labels[h]!r} is {population[h]:g}, "
            f"smaller than its {n_h[h]} sampled units"
        )
    return population


def variance(design: Design, z: np.ndarray) -> float:
    """Return the linearised variance of the total of influence values ``z``.

    Notes
    -----
    For stratum h with n_h units, sampling fraction f_h = n_h / N_h and influence values
    z_hi (zero outside the domain)::

        v = sum_h (1 - f_h) * n_h / (n_h - 1) * sum_i (z_hi - mean_h(z))^2

    (Lohr 2022, eq. 3.6 and section 9.1; Wolter 2007, ch. 6). A fully enumerated stratum
    contributes 0. A stratum with one unit follows ``design.lonely``, as R's option
    ``survey.lonely.psu``: ``"adjust"`` uses (1 - f_h) * z_h1^2 (the deviation from the
    overall centre, conservative), ``"remove"`` contributes 0, ``"fail"`` raises.
    """
    codes, count = design.codes, design.n_h.astype(float)
    sums = np.bincount(codes, weights=z, minlength=count.size)
    deviation = z - (sums / count)[codes]
    squares = np.bincount(codes, weights=deviation * deviation, minlength=count.size)
    scale = design.fpc_factor * count / np.maximum(count - 1.0, 1.0)
    lonely = (design.n_h == 1) & (design.fpc_factor >= CENSUS_TOLERANCE)
    if np.any(lonely):
        squares[lonely] = _LONELY[design.lonely](design, z, np.flatnonzero(lonely))
    contributions = np.where(design.fpc_factor < CENSUS_TOLERANCE, 0.0, scale * squares)
    return float(np.sum(contributions))


def _lonely_adjust(design: Design, z: np.ndarray, strata: np.ndarray) -> np.ndarray:
    return np.bincount(design.codes, weights=z * z, minlength=design.n_h.size)[strata]


def _lonely_remove(design: Design, z: np.ndarray, strata: np.ndarray) -> np.ndarray:
    return np.zeros(strata.size)


def _lonely_fail(design: Design, z: np.ndarray, strata: np.ndarray) -> np.ndarray:
    label = design.labels[int(strata[0])]
    raise ValueError(
        f"stratum {label!r} has a single unit, so its variance cannot be estimated; "
        "pass lonely='adjust' or lonely='remove'"
    )


_LONELY = {"adjust": _lonely_adjust, "remove": _lonely_remove, "fail": _lonely_fail}


def degrees_of_freedom(design: Design) -> int:
    """Return units minus strata among the domain's units, as R's ``degf`` of a subset."""
    codes = design.codes[design.domain]
    return int(codes.size - np.unique(codes).size)


def is_census(design: Design) -> bool:
    """Return True when every stratum holding domain units was fully enumerated."""
    present = np.unique(design.codes[design.domain])
    return bool(np.all(design.fpc_factor[present] < CENSUS_TOLERANCE))


def srs_variance(design: Design, x: np.ndarray, centre: float) -> float | None:
    """Return the variance of a mean under simple random sampling of the same size.

    Notes
    -----
    As R's ``svymean(..., deff=TRUE)``: with r domain units of total weight W,
    s^2 = r / (r - 1) * sum w (x - centre)^2 / W and the SRS variance is
    s^2 (W - r) / (W r), i.e. without replacement from a population of W. When W <= r the
    weights do not describe a population and s^2 / r is used (R's ``deff="replace"``).
    Returns None with fewer than two domain units.
    """
    mask = design.domain
    r = int(np.count_nonzero(mask))
    if r < 2:
        return None
    w = design.weights[mask]
    total_weight = float(np.sum(w))
    s2 = r / (r - 1) * float(np.sum(w * (x[mask] - centre) ** 2)) / total_weight
    if total_weight > r:
        return s2 * (total_weight - r) / (total_weight * r)
    return s2 / r
