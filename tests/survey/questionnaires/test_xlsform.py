"""XLSForm out and in: pyxform converts what we write, and reading it back gives the same."""

import io

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from survey.extensions import db
from survey.models import Questionnaire, QuestionnaireVersion
from survey.questionnaires import service, xlsform
from survey.questionnaires.spec import normalized
from survey.questionnaires.xlsform_import import read
from tests.survey.questionnaires.conftest import EVERY_TYPE


def _shipped(app):
    with app.app_context():
        return [service.spec_of(v) for v in service.latest_versions()]


def test_every_spec_converts_to_an_xform_and_reads_back_the_same(app):
    for spec in [*_shipped(app), normalized(EVERY_TYPE)]:
        data = xlsform.write(spec, 3)
        assert xlsform.xform_problems(data) == [], spec["code"]
        report = read(data, "whatever.xlsx")
        assert (report.errors, report.losses, report.version) == ([], [], "3")
        assert report.spec == spec


def test_the_written_sheets_follow_the_xlsform_conventions():
    book = load_workbook(io.BytesIO(xlsform.write(EVERY_TYPE, 1)))
    survey = [dict(zip(xlsform.SURVEY_COLUMNS, row, strict=True))
              for row in book["survey"].iter_rows(min_row=2, values_only=True)]
    by_name = {row["name"]: row for row in survey if row["type"] != "end_group"}
    assert by_name["block"]["type"] == "begin_group" and by_name["block"]["per_program"] == "yes"
    assert by_name["awareness"]["type"] == "select_one awareness"
    assert by_name["awareness"]["scale"] == "awareness" and by_name["awareness"]["role"] == (
        "awareness")
    assert by_name["channels"]["type"] == "select_multiple channels"
    assert by_name["amount"]["type"] == "decimal"
    assert by_name["amount"]["constraint"] == ". >= 0 and . <= 5000"
    assert by_name["amount"]["relevant"] == "${received} = 'yes'"
    assert by_name["reason"]["relevant"] == (
        "${satisfaction} = 'fairly_dissatisfied' or ${satisfaction} = 'dissatisfied'")
    assert by_name["which_media"]["relevant"] == (
        "selected(${channels}, 'tv') or selected(${channels}, 'paper')")
    assert by_name["reason"]["appearance"] == "multiline"
    assert by_name["identity"]["hint::Chinese (zh)"] == "核对身份证后四位。"
    assert by_name["identity"]["label::English (en)"] == "EN 请问您是{person}本人吗？"
    choices = list(book["choices"].iter_rows(min_row=2, values_only=True))
    assert ("channels", "refused", "拒答", "Refused", "no") in choices
    settings = list(book["settings"].iter_rows(values_only=True))
    assert settings[1][:4] == ("全部题型问卷", "every_type", "1", "Chinese (zh)")


def _upload(client, data: bytes, name: str, accept: bool = False):
    form = {"file": (io.BytesIO(data), name)}
    if accept:
        form["accept_losses"] = "y"
    return client.submit("/questionnaires/import", form, page="/questionnaires/import",
                         content_type="multipart/form-data")


def _set_form_id(data: bytes, code: str) -> bytes:
    book = load_workbook(io.BytesIO(data))
    book["settings"]["B2"] = code
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_export_then_import_through_the_web_gives_the_same_questionnaire(app, admin):
    with app.app_context():
        version = service.create(EVERY_TYPE, by=None)
        vid, original = version.id, service.spec_of(version)
    response = admin.get(f"/questionnaires/versions/{vid}/xlsform")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith("every_type_v1.xlsx")
    exported = response.data
    response = _upload(admin, _set_form_id(exported, "every_type_copy"), "copy.xlsx")
    assert response.status_code == 302
    with app.app_context():
        copy = service.spec_of(service.latest(service.by_code("every_type_copy")))
        assert copy == {**original, "code": "every_type_copy"}
        assert service.latest(service.by_code("every_type_copy")).note.startswith("导入 copy.xlsx")
    # the same file again: nothing new
    page = admin.get(_upload(admin, exported, "again.xlsx").location).get_data(as_text=True)
    assert "没有产生新版本" in page
    with app.app_context():
        versions = sa.select(sa.func.count()).select_from(QuestionnaireVersion).join(
            Questionnaire).where(Questionnaire.code == "every_type")
        assert db.session.scalar(versions) == 1


def workbook(survey, choices=(), settings=None, extra_sheet=False) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in survey:
        sheet.append(list(row))
    if choices:
        sheet = book.create_sheet("choices")
        for row in choices:
            sheet.append(list(row))
    if settings:
        sheet = book.create_sheet("settings")
        for row in settings:
            sheet.append(list(row))
    if extra_sheet:
        book.create_sheet("entities").append(["list_name", "label"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


KOBO_SURVEY = [
    ("type", "name", "label", "hint", "required", "relevant", "constraint",
     "constraint_message", "$kuid"),
    ("start", "start", "", "", "", "", "", "", "a1"),
    ("select_one yn", "consent", "您同意接受访问吗？", "先读知情同意书", "yes", "", "", "", "a2"),
    ("integer", "age", "您的年龄", "", "yes", "${consent} = 'yes'", ". >= 18 and . <= 99",
     "18到99岁", "a3"),
    ("note", "thanks", "谢谢", "", "", "", "", "", "a4"),
    ("integer", "people", "家里几口人", "", "no", "${age} > 60", ". > 0", "", "a5"),
    ("select_multiple src", "source", "信息来源", "", "no", "selected(${source_x}, 'tv')", "", "",
     "a6"),
    ("calculate", "score", "", "", "", "", "", "", "a7"),
]
KOBO_CHOICES = [("list_name", "name", "label"), ("yn", "yes", "是"), ("yn", "no", "否"),
                ("src", "tv", "电视"), ("src", "web", "网络")]


def test_what_does_not_map_is_reported_by_sheet_and_row_and_imported_only_when_accepted(
        app, admin):
    survey = [list(r) for r in KOBO_SURVEY]
    survey[6][5] = ""  # source's relevant names an unknown question: that would be an error
    data = workbook(survey, KOBO_CHOICES, extra_sheet=True)
    html = _upload(admin, data, "town survey.xlsx").get_data(as_text=True)
    for expected in [
        "工作表“entities”无法对应，将被忽略",
        "survey 表“constraint_message”列无法对应，第 4 行的内容将被忽略",
        "survey 表“$kuid”列无法对应，第 2、3、4、5、6、7、8 行的内容将被忽略",
        "survey 表第 2 行：题型“start”无法对应，此行将被忽略",
        "survey 表第 5 行：题型“note”无法对应，此行将被忽略",
        "survey 表第 6 行：relevant“${age} &gt; 60”无法对应：导入后本题将总是提问",
        "survey 表第 6 行：constraint“. &gt; 0”无法对应，将被忽略",
        "survey 表第 8 行：题型“calculate”无法对应，此行将被忽略",
    ]:
        assert expected in html
    with app.app_context():
        assert service.by_code("town_survey") is None  # nothing written before the admin accepts
    response = _upload(admin, data, "town survey.xlsx", accept=True)
    assert response.status_code == 302
    with app.app_context():
        spec = service.spec_of(service.latest(service.by_code("town_survey")))
    (section,) = spec["sections"]
    consent, age, people, source = section["questions"]
    assert consent["text_zh"] == "您同意接受访问吗？"
    assert consent["instructions_zh"] == "先读知情同意书"
    assert (age["type"], age["min_value"], age["max_value"]) == ("number", 18, 99)
    assert age["condition"] == {"question": "consent", "in": ["yes"]}
    assert people["condition"] is None and people["required"] is False
    assert source["type"] == "multiple" and [o["code"] for o in source["options"]] == [
        "tv", "web"]
    assert {q["role"] for q in section["questions"]} == {"other"}


@pytest.mark.parametrize(("row", "message"), [
    (("begin_repeat", "members", "成员"), "survey 表第 3 行：不支持重复组（begin_repeat）"),
    (("select_one nolist", "x", "X"), "survey 表第 3 行：选项列表“nolist”在 choices 表中不存在"),
    (("geotrace_plus", "x", "X"), "survey 表第 3 行：未知题型“geotrace_plus”"),
    (("end_group", "", ""), "survey 表第 3 行：end_group 没有对应的 begin_group"),
    (("select_one yn", "consent", "重复"), "survey 表第 3 行（consent）：题目代码重复"),
])
def test_a_broken_file_is_refused_whole_with_the_row_named(app, admin, row, message):
    survey = [("type", "name", "label"), ("select_one yn", "consent", "同意吗？"), row]
    html = _upload(admin, workbook(survey, KOBO_CHOICES), "broken.xlsx", accept=True).get_data(
        as_text=True)
    assert message in html and "未导入任何内容" in html
    with app.app_context():
        assert service.by_code("broken") is None


def test_a_condition_on_a_later_question_is_refused_at_import(app, admin):
    survey = [("type", "name", "label", "relevant"),
              ("text", "first", "第一题", "${second} = 'yes'"),
              ("select_one yn", "second", "第二题", "")]
    html = _upload(admin, workbook(survey, KOBO_CHOICES), "later.xlsx").get_data(as_text=True)
    assert "survey 表第 2 行（first）：跳转条件引用的题目“second”不存在或不在本题之前" in html


def test_groups_nest_one_level_and_a_file_must_be_an_xlsform(app, admin):
    survey = [("type", "name", "label", "per_program"), ("begin_group", "a", "A", ""),
              ("begin_group", "b", "B", "yes"), ("text", "t", "T", ""), ("end_group", "", "", ""),
              ("end_group", "", "", "")]
    html = _upload(admin, workbook(survey), "nested.xlsx").get_data(as_text=True)
    assert "survey 表第 3 行：不支持嵌套分组" in html
    html = _upload(admin, b"name,phone\n", "roster.xlsx").get_data(as_text=True)
    assert "无法读取文件" in html
    html = _upload(admin, _without_survey(), "x.xlsx").get_data(as_text=True)
    assert "文件中没有 survey 工作表" in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Questionnaire)) == 2


def _without_survey() -> bytes:
    book = Workbook()
    book.active.title = "questions"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_importing_onto_a_frozen_version_makes_a_new_version(app, admin):
    with app.app_context():
        version = service.create(EVERY_TYPE, by=None)
        version.frozen_at = version.created_at
        db.session.commit()
        spec = service.spec_of(version)
    spec["sections"][1]["questions"][0]["text_zh"] = "您听说过“{program}”吗？"
    response = _upload(admin, xlsform.write(spec, 1), "every.xlsx")
    assert response.status_code == 302
    with app.app_context():
        questionnaire = service.by_code("every_type")
        assert [v.number for v in questionnaire.versions] == [1, 2]
        assert service.spec_of(questionnaire.versions[1]) == spec
        assert service.spec_of(questionnaire.versions[0])["sections"][1]["questions"][0][
            "text_zh"] == "您知道“{program}”吗？"
