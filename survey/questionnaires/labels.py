"""Display names of question roles, types and audiences, translated."""

from flask_babel import lazy_gettext as _l

from survey.models import QuestionRole, QuestionType, SampledFrom

QUESTION_ROLE = {
    QuestionRole.OTHER: _l("其他（不进入统计）"),
    QuestionRole.IDENTITY: _l("身份核对"),
    QuestionRole.AWARENESS: _l("知晓（知晓率）"),
    QuestionRole.RECEIVED: _l("是否享受（名册不符率）"),
    QuestionRole.DELIVERY: _l("是否按时足额／按承诺（落实率）"),
    QuestionRole.AMOUNT: _l("领取金额"),
    QuestionRole.SATISFACTION: _l("满意度（满意率、满意度得分）"),
    QuestionRole.REASON: _l("原因"),
}
QUESTION_TYPE = {
    QuestionType.SINGLE: _l("单选"),
    QuestionType.MULTIPLE: _l("多选"),
    QuestionType.SATISFACTION: _l("满意度五级量表（含说不清）"),
    QuestionType.AWARENESS: _l("知晓（知道／听说过／不知道）"),
    QuestionType.YES_NO: _l("是／否"),
    QuestionType.NUMBER: _l("数字"),
    QuestionType.DATE: _l("日期"),
    QuestionType.TEXT: _l("简短文字"),
    QuestionType.LONG_TEXT: _l("长文字"),
}
AUDIENCE = {
    SampledFrom.ROSTER: _l("名册抽样对象（按所抽中的项目提问）"),
    SampledFrom.PUBLIC: _l("公众（按非名册类项目提问）"),
}
MODE = {
    "phone": _l("调查员·电话抽查"),
    "field": _l("调查员·实地走访"),
    "web": _l("群众·手机填答"),
}
