"""Run a recorded draw specification on a frame: the one function that draws and redraws.

The draw (:mod:`survey.rounds.draw`) and the check (:mod:`survey.rounds.verify`) both call
:func:`select` with the parameters stored on the ``SampleDraw``, so a redraw repeats exactly what
the first draw did. Selection is the sampling library's: a stratified draw is one
``designs.simple_random`` per town with that stratum's n_h and reserves (the units equal those of
``designs.stratified`` for the same sizes and seed, because a unit's random key depends only on its
own key and the seed), a systematic draw ``designs.systematic`` on the frame sorted by town and
village, a PPS draw ``designs.pps`` on the amount paid.
"""

from dataclasses import dataclass

import numpy as np

from sampling import coordination, designs
from survey.rounds.frame import ALL, Frame

DESIGNS = ("simple_random", "stratified", "systematic", "pps")


@dataclass(frozen=True)
class Chosen:
    """A selected unit or reserve and its design facts, before it becomes a SampleUnit."""

    key: str
    stratum: str
    population: int
    probability: float
    weight: float
    reserve_order: int | None = None


def select(frame: Frame, design: str, seed: int, params: dict, prn_secret: str | None) -> list:
    """The units and reserves that ``design`` with ``seed`` and ``params`` takes from ``frame``."""
    if design not in DESIGNS:
        raise ValueError(f"unknown design {design!r}; allowed: {', '.join(DESIGNS)}")
    strata = params["strata"]
    if design in ("simple_random", "stratified"):
        prn = coordination.prns(frame.keys, prn_secret) if params.get("prn") else None
        return _by_strata(frame, design, seed, strata, prn)
    (only,) = strata.values()
    if design == "systematic":
        return _systematic(frame, seed, only)
    return _pps(frame, seed, only)


def _by_strata(frame: Frame, design: str, seed: int, strata: dict, prn) -> list[Chosen]:
    labels = np.array([ALL if design == "simple_random" else r.town_label for r in frame.rows])
    keys = np.array(frame.keys, dtype=object)
    chosen = []
    for label, stratum in strata.items():
        if stratum["sample_size"] < 1:
            continue
        inside = np.flatnonzero(labels == label)
        options = {"seed": seed, "n_reserves": stratum["reserves"]}
        if prn is not None:
            options.update(prn=prn[inside], start=stratum["start"])
        draw = designs.simple_random(keys[inside].tolist(), stratum["sample_size"], **options)
        chosen += [Chosen(u.key, label, u.population, u.inclusion_probability, u.weight)
                   for u in draw.units]
        p = stratum["sample_size"] / len(inside)
        chosen += [Chosen(r.key, label, len(inside), p, len(inside) / stratum["sample_size"],
                          r.order) for r in draw.reserves]
    return chosen


def sort_key(row) -> str:
    """Systematic sampling's sort: town, then village (implicit stratification)."""
    return f"{row.town_id:010d}.{row.village_id or 0:010d}"


def _systematic(frame: Frame, seed: int, stratum: dict) -> list[Chosen]:
    draw = designs.systematic(frame.keys, stratum["sample_size"], seed=seed,
                              sort_by=[sort_key(r) for r in frame.rows],
                              n_reserves=stratum["reserves"])
    big_n, n = len(frame.rows), stratum["sample_size"]
    chosen = [Chosen(u.key, ALL, big_n, u.inclusion_probability, u.weight) for u in draw.units]
    return chosen + [Chosen(r.key, ALL, big_n, n / big_n, big_n / n, r.order)
                     for r in draw.reserves]


def _pps(frame: Frame, seed: int, stratum: dict) -> list[Chosen]:
    sizes = np.array([r.size for r in frame.rows])
    n, big_n = stratum["sample_size"], len(frame.rows)
    draw = designs.pps(frame.keys, sizes, n, seed=seed, n_reserves=stratum["reserves"])
    pik = designs.inclusion_probabilities(sizes, n)
    index = {key: i for i, key in enumerate(frame.keys)}
    chosen = [Chosen(u.key, ALL, big_n, u.inclusion_probability, u.weight) for u in draw.units]
    for r in draw.reserves:
        p = float(pik[index[r.key]])
        chosen.append(Chosen(r.key, ALL, big_n, p, 1.0 / p, r.order))
    return chosen
