from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

from survey.rosters.columns import FIELDS, label


class UploadForm(FlaskForm):
    program = SelectField(_l("民生工程项目"), coerce=int)
    file = FileField(
        _l("名册文件"),
        description=_l("Excel（.xlsx）或CSV（UTF-8或GBK编码）。需要的列：姓名、身份证号、街镇；"
                       "可选：联系电话、村居、住址、发放金额、发放日期。"),
        validators=[FileRequired(_l("请选择文件。")),
                    FileAllowed(["csv", "txt", "xlsx"], _l("只接受Excel（.xlsx）或CSV文件。"))],
    )
    sheet = StringField(_l("工作表"), validators=[Optional(), Length(max=100)],
                        description=_l("Excel文件有多张表时填写表名；留空导入第一张。"))
    create_areas = BooleanField(_l("文件中出现系统里没有的街镇、村居时自动新建"))


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("姓名、身份证号或电话"), validators=[Optional(), Length(max=40)])


def mapping_form(header: list[str], guessed: dict[str, int]) -> FlaskForm:
    """A form with one choice per column of the file: which field it holds, or none."""
    by_index = {index: field for field, index in guessed.items()}
    choices = [SelectChoice("", _l("（不导入）"))] + [SelectChoice(f, label(f)) for f in FIELDS]

    class MappingForm(FlaskForm):
        pass

    for index, title in enumerate(header):
        setattr(MappingForm, f"col{index}", SelectField(
            title or _l("第%(n)s列", n=index + 1), choices=choices,
            default=by_index.get(index, "")))
    return MappingForm()
