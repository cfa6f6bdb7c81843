"""Every model, importable from one place: ``from survey.models import Round``."""

from survey.models.area import Area, AreaKind
from survey.models.audit import AuditEvent
from survey.models.base import Base, utcnow
from survey.models.fieldwork import Answer, Case, ContactAttempt, Mode, Response
from survey.models.program import Program, ProgramKind, SampledFrom
from survey.models.questionnaire import (
    Question,
    Questionnaire,
    QuestionnaireVersion,
    QuestionRole,
    QuestionType,
    Section,
)
from survey.models.roster import Person, RosterEntry, RosterVersion
from survey.models.roster_import import (
    ImportStatus,
    RosterColumnMapping,
    RosterImport,
    RosterImportProblem,
)
from survey.models.round import (
    Allocation,
    Coordination,
    PeriodKind,
    Round,
    RoundProgram,
    SampleDesign,
    SampleDraw,
    SampleUnit,
    SizeBasis,
)
from survey.models.user import LoginAttempt, Role, User

__all__ = [
    "Allocation", "Answer", "Area", "AreaKind", "AuditEvent", "Base", "Case", "ContactAttempt",
    "Coordination", "ImportStatus", "LoginAttempt", "Mode", "PeriodKind", "Person", "Program",
    "ProgramKind", "Question", "QuestionRole", "QuestionType", "Questionnaire",
    "QuestionnaireVersion", "Response", "Role", "RosterColumnMapping", "RosterEntry",
    "RosterImport", "RosterImportProblem", "RosterVersion", "Round", "RoundProgram",
    "SampleDesign", "SampleDraw", "SampleUnit", "SampledFrom", "Section", "SizeBasis", "User",
    "utcnow",
]
