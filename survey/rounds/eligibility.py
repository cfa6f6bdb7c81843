"""The cross-area rule (异地交叉): a surveyor is never given the people of their own home town.

A case's towns are the towns of its roster entries (a person drawn for two programs may be listed
in two towns; every one of them counts). A surveyor without a home town has no town to avoid and
may take any case; the assignment page lists such surveyors so that the office can complete their
accounts. When every active surveyor lives in a case's town, the case stays unassigned and the
assignment page says which towns lack an eligible surveyor: the rule is never bent, not by the
automatic balancing, not by manual assignment, not by the release of a reserve.
"""

from survey.models import Case, User


def may_take(surveyor: User, town_ids: set[int]) -> bool:
    return surveyor.home_town_id is None or surveyor.home_town_id not in town_ids


def case_towns(case: Case) -> set[int]:
    return {unit.entry.town_id for unit in case.units}
