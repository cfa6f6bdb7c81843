from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField


class UploadForm(FlaskForm):
    program = SelectField(_l("民生工程项目"), coerce=int)
    file = FileField(_l("名册文件（CSV，列：姓名、身份证号、联系电话、街镇、村居）"), validators=[
        FileRequired(_l("请选择文件。")),
        FileAllowed(["csv", "txt"], _l("只接受CSV文件。")),
    ])
