"""Display names of the enumerations, translated; templates reach them as ``labels``."""

from flask_babel import lazy_gettext as _l

from survey.models import Mode, PeriodKind, ProgramKind, Role

ROLE = {
    Role.ADMIN: _l("管理员（民生办）"),
    Role.SUPERVISOR: _l("督导"),
    Role.SURVEYOR: _l("调查员"),
    Role.VIEWER: _l("查看者（责任单位/街镇）"),
}
PROGRAM_KIND = {
    ProgramKind.CASH: _l("资金发放类"),
    ProgramKind.SERVICE: _l("服务类"),
    ProgramKind.WORKS: _l("工程建设类"),
}
MODE = {Mode.PHONE: _l("电话抽查"), Mode.FIELD: _l("实地走访"), Mode.WEB: _l("群众自助填答")}
PERIOD_KIND = {
    PeriodKind.MONTH: _l("月度"), PeriodKind.QUARTER: _l("季度"), PeriodKind.YEAR: _l("年度")
}
ROUND_STATE = {
    "draft": _l("草稿（未抽样）"),
    "sampled": _l("已抽样"),
    "fieldwork": _l("调查中"),
    "closed": _l("已结束"),
}
CASE_STATE = {
    "new": _l("待联系"),
    "in_progress": _l("联系中"),
    "completed": _l("已完成"),
    "closed": _l("已结束（未成功访问）"),
}


class Labels:
    role = ROLE
    program_kind = PROGRAM_KIND
    mode = MODE
    period_kind = PERIOD_KIND
    round_state = ROUND_STATE
    case_state = CASE_STATE
