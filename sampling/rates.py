"""AAPOR Standard Definitions outcome rates from counts of final dispositions.

Categories (AAPOR, *Standard Definitions: Final Dispositions of Case Codes and Outcome Rates
for Surveys*, 10th edition 2023, final disposition tables and "Calculating outcome rates"):

====  =====================================================================
I     complete interview (1.1)
P     partial interview (1.2)
R     refusal and break-off (2.10)
NC    non-contact (2.20)
O     other eligible non-interview (2.30)
UH    unknown if household / occupied (3.10); for a roster: unknown if reachable
UO    unknown, other (3.20, 3.90)
NE    not eligible (4.0)
====  =====================================================================

Mapping each case's disposition code to a category is the application's job.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["CATEGORIES", "OutcomeRates", "outcome_rates"]

CATEGORIES = ("I", "P", "R", "NC", "O", "UH", "UO", "NE")


@dataclass(frozen=True)
class OutcomeRates:
    """Response (RR), cooperation (COOP), refusal (REF) and contact (CON) rates.

    A rate whose denominator is 0 is None; so are those that need ``e`` when ``e`` is None.
    """

    rr1: float | None
    rr2: float | None
    rr3: float | None
    rr4: float | None
    rr5: float | None
    rr6: float | None
    coop1: float | None
    coop2: float | None
    coop3: float | None
    coop4: float | None
    ref1: float | None
    ref2: float | None
    ref3: float | None
    con1: float | None
    con2: float | None
    con3: float | None
    e: float | None


def outcome_rates(counts: Mapping[str, int], *, e: float | None = None) -> OutcomeRates:
    """Compute the AAPOR outcome rates from counts of final dispositions.

    Parameters
    ----------
    counts : Mapping[str, int]
        Count per category of :data:`CATEGORIES`; missing categories count 0.
    e : float, optional
        Estimated share of the cases of unknown eligibility (UH + UO) that are eligible.
        Default: the share eligible among cases whose eligibility was resolved,
        (I + P + R + NC + O) / (I + P + R + NC + O + NE), the "proportional allocation" (CASRO)
        estimate AAPOR describes; None when no case was resolved.

    Returns
    -------
    OutcomeRates

    Notes
    -----
    With E = (I + P) + (R + NC + O) the known eligible cases and U = UH + UO (AAPOR 2023)::

        RR1 = I / (E + U)          RR2 = (I + P) / (E + U)
        RR3 = I / (E + e U)        RR4 = (I + P) / (E + e U)
        RR5 = I / E                RR6 = (I + P) / E
        COOP1 = I / ((I + P) + R + O)       COOP2 = (I + P) / ((I + P) + R + O)
        COOP3 = I / ((I + P) + R)           COOP4 = (I + P) / ((I + P) + R)
        REF1 = R / (E + U)   REF2 = R / (E + e U)   REF3 = R / E
        CON1 = ((I + P) + R + O) / (E + U)
        CON2 = ((I + P) + R + O) / (E + e U)
        CON3 = ((I + P) + R + O) / E

    Examples
    --------
    >>> rates = outcome_rates({"I": 400, "P": 50, "R": 150, "NC": 200, "O": 20,
    ...                        "UH": 80, "UO": 20, "NE": 80})
    >>> round(rates.rr1, 4), round(rates.rr3, 4), round(rates.coop1, 4), round(rates.e, 4)
    (0.4348, 0.439, 0.6452, 0.9111)
    """
    c = _check_counts(counts)
    e = _default_e(c) if e is None else _check_e(e)
    interviews = c["I"] + c["P"]
    contacted = interviews + c["R"] + c["O"]
    known = interviews + c["R"] + c["NC"] + c["O"]
    unknown = c["UH"] + c["UO"]
    everyone = known + unknown
    estimated = None if e is None else known + e * unknown
    return OutcomeRates(
        rr1=_ratio(c["I"], everyone),
        rr2=_ratio(interviews, everyone),
        rr3=_ratio(c["I"], estimated),
        rr4=_ratio(interviews, estimated),
        rr5=_ratio(c["I"], known),
        rr6=_ratio(interviews, known),
        coop1=_ratio(c["I"], contacted),
        coop2=_ratio(interviews, contacted),
        coop3=_ratio(c["I"], interviews + c["R"]),
        coop4=_ratio(interviews, interviews + c["R"]),
        ref1=_ratio(c["R"], everyone),
        ref2=_ratio(c["R"], estimated),
        ref3=_ratio(c["R"], known),
        con1=_ratio(contacted, everyone),
        con2=_ratio(contacted, estimated),
        con3=_ratio(contacted, known),
        e=e,
    )


def _check_counts(counts: Mapping[str, int]) -> dict[str, int]:
    unknown = [key for key in counts if key not in CATEGORIES]
    if unknown:
        allowed = ", ".join(CATEGORIES)
        raise ValueError(f"unknown disposition category {unknown[0]!r}; allowed: {allowed}")
    checked = {}
    for category in CATEGORIES:
        value = counts.get(category, 0)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"count of {category} must be an int >= 0, got {value!r}")
        checked[category] = value
    return checked


def _default_e(c: dict[str, int]) -> float | None:
    eligible = c["I"] + c["P"] + c["R"] + c["NC"] + c["O"]
    return _ratio(eligible, eligible + c["NE"])


def _check_e(e: float) -> float:
    if not 0.0 <= e <= 1.0:
        raise ValueError(f"e must be between 0 and 1, got {e!r}")
    return float(e)


def _ratio(numerator: float, denominator: float | None) -> float | None:
    if denominator is None or denominator == 0:
        return None
    return numerator / denominator
