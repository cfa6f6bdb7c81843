"""A round's attempt rules: when a case has ended without an interview, and why.

A final outcome (refusal, wrong number, ...) ends a case in the mode it was recorded in; so does
reaching the round's ``max_attempts`` in one mode without a final outcome (unreachable). Moving a
case to another mode (a phone case that failed becomes a field visit) reopens it: only the attempts
made in the case's current mode count. The derivation reads the appended attempts, nothing stored.
"""

from survey.fieldwork.dispositions import BY_CODE, COMPLETE
from survey.models import Case, ContactAttempt
from survey.models.round import REPLACE_AFTER_LIMIT


def attempts_in_mode(case: Case) -> list[ContactAttempt]:
    return [a for a in case.attempts if a.mode == case.mode]


def end_reason(case: Case) -> str | None:
    """The code that ended the case in its current mode, REPLACE_AFTER_LIMIT, or None if open."""
    current = attempts_in_mode(case)
    if not current:
        return None
    last = BY_CODE.get(current[-1].disposition)
    if last is not None and last.final:
        return last.code
    if len(current) >= case.round.max_attempts:
        return REPLACE_AFTER_LIMIT
    return None


def is_open(case: Case) -> bool:
    """Still to be worked: no response and not ended by the attempt rules."""
    return case.response is None and end_reason(case) is None


def ends_in_replacement(case: Case) -> bool:
    """True if the case ended without an interview for a reason the round replaces."""
    if case.response is not None:
        return False
    reason = end_reason(case)
    return reason is not None and reason != COMPLETE and reason in case.round.replace_on
