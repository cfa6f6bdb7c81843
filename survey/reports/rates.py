"""The three rates the office reads, defined on the coded answers (see DESIGN.md).

The statistics read a question's role and the standard answer codes, never its wording, so a
department may reword a question without breaking the figures.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from survey.models import QuestionRole

#: The national statistics convention for the five-point scale; 说不清 has no score.
SATISFACTION_SCORES = {
    "satisfied": 100.0, "fairly_satisfied": 80.0, "neutral": 60.0,
    "fairly_dissatisfied": 30.0, "dissatisfied": 0.0,
}
UNSURE = "unsure"
SUPPRESS_BELOW = 10
FLAG_BELOW = 100


@dataclass(frozen=True)
class RateRule:
    """A proportion over the answers of one role: which codes count as yes, which leave the base."""

    key: str
    label: object
    role: QuestionRole
    yes: frozenset[str]
    excluded: frozenset[str] = frozenset()


RATES = (
    RateRule("awareness", _l("知晓率（知道＋听说过）"), QuestionRole.AWARENESS,
             frozenset({"know", "heard"})),
    RateRule("awareness_know", _l("其中“知道”"), QuestionRole.AWARENESS, frozenset({"know"})),
    RateRule("satisfaction", _l("满意率（满意＋比较满意）"), QuestionRole.SATISFACTION,
             frozenset({"satisfied", "fairly_satisfied"}), frozenset({UNSURE})),
    RateRule("satisfaction_unsure", _l("“说不清”占比"), QuestionRole.SATISFACTION,
             frozenset({UNSURE})),
    RateRule("delivery", _l("落实率（按时足额／按承诺提供）"), QuestionRole.DELIVERY,
             frozenset({"full_on_time", "as_promised"}), frozenset({UNSURE})),
    RateRule("mismatch", _l("名册不符率（未享受）"), QuestionRole.RECEIVED, frozenset({"no"})),
)
