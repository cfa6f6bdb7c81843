"""Display names of the round plan's choices; templates of this blueprint reach them as ``rl``."""

from flask_babel import lazy_gettext as _l

from survey.fieldwork.dispositions import label as disposition_label
from survey.models import Allocation, Coordination, SampleDesign, SizeBasis
from survey.models.round import REPLACE_AFTER_LIMIT

DESIGN = {
    SampleDesign.SIMPLE_RANDOM: _l("简单随机抽样"),
    SampleDesign.STRATIFIED: _l("分层抽样（各项目名册内按街镇分层，即项目×街镇）"),
    SampleDesign.SYSTEMATIC: _l("系统抽样（按街镇、村居排序后等距抽取）"),
    SampleDesign.PPS: _l("按规模成比例抽样（PPS，规模为名册中的发放金额）"),
}
ALLOCATION = {
    Allocation.PROPORTIONAL: _l("按比例分配"),
    Allocation.NEYMAN: _l("奈曼（Neyman）最优分配"),
    Allocation.EQUAL: _l("各层等量分配"),
}
SIZE_BASIS = {
    SizeBasis.FIXED: _l("直接填写各项目样本量"),
    SizeBasis.PROGRAM: _l("按目标精度计算：每个项目达到目标误差"),
    SizeBasis.TOWN: _l("按目标精度计算：每个项目的每个街镇都达到目标误差"),
}
COORDINATION = {
    Coordination.NONE: _l("不轮换（与以往轮次独立抽样）"),
    Coordination.AVOID: _l("避开最近几轮已抽中的人（永久随机数轮换）"),
    Coordination.PANEL: _l("固定样本（与该项目上一轮抽中同一批人）"),
}
LIMIT = _l("达到最多接触次数仍未联系上")
STEP = {
    "z": _l("置信水平对应的正态分位数"),
    "n0": _l("总体无限大时需要的完成访问数"),
    "n_fpc": _l("有限总体校正后"),
    "n_deff": _l("再乘以设计效应（并做有限总体校正）"),
    "n_final": _l("再除以预期应答率，向上取整：应抽取的人数"),
}


class RoundLabels:
    design = DESIGN
    allocation = ALLOCATION
    size_basis = SIZE_BASIS
    coordination = COORDINATION
    step = STEP
    limit = LIMIT
    limit_code = REPLACE_AFTER_LIMIT
    disposition = staticmethod(disposition_label)
