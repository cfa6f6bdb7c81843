"""Coordination of a program's samples across rounds by permanent random numbers (PRN).

Each person has a permanent random number from the keyed hash of their ID number and the district's
``PRN_SECRET`` (``sampling.coordination.prns``). A coordinated draw orders each stratum by it and
takes n_h consecutive people from a start point; each round alone remains an exact simple random
sample with probabilities n_h / N_h, so nobody is ever excluded outright.

- **Avoid recent rounds**: the start moves on by the previous round's sampling fraction
  (``sampling.coordination.next_start``), so the next n_h people come up. Nobody of the last k
  rounds is asked again while the fractions of those k rounds and this one add up to at most 1;
  the preview warns when they do not, and the sample page counts the people who come back.
- **Panel**: the start of the program's previous round is kept, so the same people come first.
- **First coordinated round** of a program: the start is derived from the program's seed, so it
  is random but reproducible.

A stratum the previous draw did not have (the stratification changed) starts from the mean of the
previous starts, moved on by the previous overall fraction: nearly right, and still a simple
random sample. Only simple random and stratified designs can be coordinated.
"""

import sqlalchemy as sa

from sampling.coordination import next_start
from survey.extensions import db
from survey.models import Coordination, Round, SampleDraw, SampleUnit


def previous_draws(round_: Round, program_id: int, limit: int) -> list[SampleDraw]:
    """The program's draws in other rounds, newest first."""
    query = (sa.select(SampleDraw)
             .where(SampleDraw.program_id == program_id, SampleDraw.round_id != round_.id)
             .order_by(SampleDraw.drawn_at.desc(), SampleDraw.id.desc()).limit(limit))
    return list(db.session.scalars(query))


def _fraction(draw: SampleDraw) -> float:
    return draw.params.get("n", 0) / draw.population if draw.population else 0.0


def _starts_of(draw: SampleDraw) -> dict[str, float]:
    return {label: s["start"] for label, s in draw.params.get("strata", {}).items()
            if s.get("start") is not None}


def seed_start(seed: int) -> float:
    """A start in [0, 1) from a 63-bit seed: the first coordinated round's random start."""
    return (seed % 2**53) * 2.0**-53


def starts(round_: Round, program_id: int, labels: list[str], seed: int) -> tuple[dict, dict]:
    """Each stratum's PRN start and a record of how it was chosen, for the draw's params."""
    mode = round_.coordination
    previous = next((d for d in previous_draws(round_, program_id, 20) if _starts_of(d)), None)
    record = {"mode": mode.value, "rounds": round_.coordination_rounds,
              "previous_draw": previous.id if previous else None}
    if previous is None:
        return {label: seed_start(seed) for label in labels}, record
    old = _starts_of(previous)
    strata = previous.params["strata"]
    fallback = sum(old.values()) / len(old)
    result = {}
    for label in labels:
        if label in old:
            start, step = old[label], strata[label]["sample_size"] / strata[label]["population"]
        else:
            start, step = fallback, _fraction(previous)
        result[label] = next_start(start, step) if mode is Coordination.AVOID else start
    return result, record


def crowding(round_: Round, program_id: int, n: int, population: int) -> float | None:
    """The sampling fractions of the last k rounds plus this one's, when they pass 1."""
    if round_.coordination is not Coordination.AVOID or not population:
        return None
    recent = previous_draws(round_, program_id, round_.coordination_rounds)
    total = n / population + sum(_fraction(d) for d in recent)
    return total if total > 1 + 1e-9 else None


def overlap(draw: SampleDraw, k: int) -> int:
    """How many of the draw's main sample were in the program's samples of the k rounds before."""
    earlier = (sa.select(SampleDraw.id)
               .where(SampleDraw.program_id == draw.program_id, SampleDraw.id != draw.id,
                      SampleDraw.drawn_at <= draw.drawn_at)
               .order_by(SampleDraw.drawn_at.desc(), SampleDraw.id.desc()).limit(k))
    ids = list(db.session.scalars(earlier))
    if not ids:
        return 0
    before = sa.select(SampleUnit.person_id).where(SampleUnit.draw_id.in_(ids),
                                                   SampleUnit.reserve_order.is_(None))
    query = sa.select(sa.func.count()).select_from(SampleUnit).where(
        SampleUnit.draw_id == draw.id, SampleUnit.reserve_order.is_(None),
        SampleUnit.person_id.in_(before))
    return db.session.scalar(query) or 0
