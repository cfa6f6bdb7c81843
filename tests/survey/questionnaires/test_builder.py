"""An admin builds a questionnaire through the web: sections, every type, options, skip logic."""

import sqlalchemy as sa

from survey.extensions import db
from survey.models import AuditEvent, Questionnaire, QuestionnaireVersion
from survey.questionnaires import service


def question_data(section, code, type_, text, *, role="other", options=(), required=True,
                  condition=None, kinds=(), low="", high="", **extra):
    data = {"section": section, "code": code, "type": type_, "role": role, "text_zh": text,
            "text_en": extra.pop("text_en", ""), "condition_question": "",
            "condition_values": "", "min_value": low, "max_value": high,
            "program_kinds": list(kinds), **extra}
    if required:
        data["required"] = "y"
    if condition:
        data["condition_question"], data["condition_values"] = condition
    for i, (code_, zh, en, read_out) in enumerate(options):
        data.update({f"options-{i}-code": code_, f"options-{i}-zh": zh, f"options-{i}-en": en})
        if not read_out:
            data[f"options-{i}-not_read_out"] = "y"
    return data


def _spec(app, code="town_check"):
    with app.app_context():
        return service.spec_of(service.latest(service.by_code(code)))


def _version_id(app, code="town_check"):
    with app.app_context():
        return service.latest(service.by_code(code)).id


def build_town_check(admin, app) -> int:
    """Create a questionnaire with a general part and a per-program block, through the web."""
    response = admin.submit("/questionnaires/new", {
        "code": "town_check", "title_zh": "街镇回访问卷", "title_en": "Town check",
        "audience": "roster"}, page="/questionnaires/new")
    assert response.status_code == 302
    vid = _version_id(app)
    page = f"/questionnaires/versions/{vid}"
    admin.submit(f"{page}/sections/new", {"code": "block", "title_zh": "项目",
                                          "title_en": "Program", "per_program": "y"}, page=page)
    post = [
        question_data("main", "identity", "single", "是本人吗？", role="identity",
                      options=[("self", "是", "Yes", True), ("proxy", "代答", "Proxy", True)],
                      script_zh="您好，这里是区民生办。", instructions_zh="核对后四位。"),
        question_data("block", "awareness", "awareness", "知道“{program}”吗？", role="awareness"),
        question_data("block", "received", "yes_no", "享受了吗？", role="received",
                      kinds=["cash"], options=[("yes", "享受了", "", True),
                                               ("no", "未享受", "", True),
                                               ("unsure", "说不清", "", False)]),
        question_data("block", "amount", "number", "领了多少元？", role="amount", kinds=["cash"],
                      low="0", high="5000", condition=("received", "yes")),
        question_data("block", "satisfaction", "satisfaction", "满意吗？", role="satisfaction"),
        question_data("block", "channels", "multiple", "从哪里知道？", required=False,
                      options=[("tv", "电视", "TV", True), ("refused", "拒答", "", False)]),
        question_data("main", "visit_date", "date", "访问日期", required=False),
        question_data("main", "note", "text", "备注", required=False),
        question_data("main", "suggestion", "long_text", "建议", required=False,
                      condition=("identity", "self")),
    ]
    for data in post:
        response = admin.submit(f"{page}/questions/new", data, page=page)
        assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    return vid


def test_an_admin_builds_every_type_with_blocks_and_skip_logic(app, admin):
    build_town_check(admin, app)
    spec = _spec(app)
    assert [s["code"] for s in spec["sections"]] == ["main", "block"]
    main, block = spec["sections"]
    assert [q["code"] for q in main["questions"]] == ["identity", "visit_date", "note",
                                                       "suggestion"]
    assert block["per_program"] and [q["type"] for q in block["questions"]] == [
        "awareness", "yes_no", "number", "satisfaction", "multiple"]
    satisfaction = block["questions"][3]
    # a scale left without options gets the standard ones, 说不清 not read out
    assert [o["code"] for o in satisfaction["options"]][-1] == "unsure"
    assert satisfaction["options"][-1]["read_out"] is False
    amount = block["questions"][2]
    assert (amount["min_value"], amount["max_value"]) == (0, 5000)
    assert amount["condition"] == {"question": "received", "in": ["yes"]}
    assert block["questions"][4]["options"][1]["read_out"] is False
    assert main["questions"][0]["script_zh"] == "您好，这里是区民生办。"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.action.like("questionnaire.%"))) == 11  # create, section, 9 questions


def test_a_condition_on_a_later_question_is_refused_and_nothing_saved(app, admin):
    vid = build_town_check(admin, app)
    page = f"/questionnaires/versions/{vid}"
    data = question_data("main", "identity", "single", "是本人吗？", role="identity",
                         options=[("self", "是", "", True), ("proxy", "代答", "", True)],
                         condition=("suggestion", "x"))
    html = admin.submit(f"{page}/questions/identity", data, page=page).get_data(as_text=True)
    assert "未保存" in html and "跳转条件引用的题目“suggestion”不存在或不在本题之前" in html
    # the block comes after the general part here, so its questions are later ones
    data = question_data("main", "late", "text", "晚一点", condition=("awareness", "know"))
    html = admin.submit(f"{page}/questions/new", data, page=page).get_data(as_text=True)
    assert "跳转条件引用的题目“awareness”不存在或不在本题之前" in html
    # an unknown question is not even offered
    data = question_data("main", "early", "text", "早一点", condition=("nothing", "x"))
    assert admin.submit(f"{page}/questions/new", data, page=page).status_code == 200
    spec = _spec(app)
    assert "late" not in str(spec) and "early" not in str(spec)
    assert spec["sections"][0]["questions"][0]["condition"] is None


def test_the_scale_codes_cannot_be_changed_in_the_builder(app, admin):
    vid = build_town_check(admin, app)
    page = f"/questionnaires/versions/{vid}"
    options = [(c, zh, "", True) for c, zh in (
        ("satisfied", "很满意"), ("fairly_satisfied", "比较满意"), ("neutral", "一般"),
        ("fairly_dissatisfied", "不太满意"), ("dissatisfied", "不满意"), ("meh", "说不清"))]
    data = question_data("block", "satisfaction", "satisfaction", "满意吗？",
                         role="satisfaction", options=options)
    html = admin.submit(f"{page}/questions/satisfaction", data, page=page).get_data(as_text=True)
    assert "可以改写选项文字，不能改代码" in html
    options[-1] = ("unsure", "讲不清", "", False)  # new wording, same code: fine
    data = question_data("block", "satisfaction", "satisfaction", "您满意吗？",
                         role="satisfaction", options=options)
    assert admin.submit(f"{page}/questions/satisfaction", data, page=page).status_code == 302
    satisfaction = _spec(app)["sections"][1]["questions"][3]
    assert satisfaction["options"][0]["zh"] == "很满意" and satisfaction["text_zh"] == "您满意吗？"


def test_moving_and_deleting(app, admin):
    vid = build_town_check(admin, app)
    page = f"/questionnaires/versions/{vid}"
    admin.submit(f"{page}/question/note/up", page=page)
    admin.submit(f"{page}/section/block/up", page=page)
    spec = _spec(app)
    assert [s["code"] for s in spec["sections"]] == ["block", "main"]
    assert [q["code"] for q in spec["sections"][1]["questions"]][:3] == [
        "identity", "note", "visit_date"]
    # identity is what suggestion's condition looks at: it cannot simply go
    html = admin.get(admin.submit(f"{page}/question/identity/delete", page=page)
                     .location).get_data(as_text=True)
    assert "跳转条件引用的题目“identity”不存在" in html
    html = admin.get(admin.submit(f"{page}/section/main/delete", page=page)
                     .location).get_data(as_text=True)
    assert "该部分还有题目" in html
    admin.submit(f"{page}/question/note/delete", page=page)
    assert "note" not in [q["code"] for q in _spec(app)["sections"][1]["questions"]]


def test_only_admins_edit_and_only_the_office_reads(app, client, make_user):
    with app.app_context():
        vid = service.latest_versions()[0].id
    page = f"/questionnaires/versions/{vid}"
    make_user("supervisor", username="sup")
    client.login("sup")
    listing = client.get("/questionnaires/").get_data(as_text=True)
    assert "民生工程知晓率满意度电话抽查问卷" in listing
    assert client.get(f"{page}/preview/phone").status_code == 200
    assert client.get(f"{page}/questions/identity").status_code == 403
    data = question_data("intro", "x", "text", "x")
    assert client.submit(f"{page}/questions/new", data, page=page).status_code == 403
    assert client.submit(f"{page}/question/identity/delete", page=page).status_code == 403
    for role in ("surveyor", "viewer"):
        make_user(role, username=role)
        client.login(role)
        assert client.get("/questionnaires/").status_code == 403
        assert client.get(f"{page}/preview/web").status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(QuestionnaireVersion)) == 2


def test_an_old_or_unknown_version_is_not_edited(app, admin):
    vid = build_town_check(admin, app)
    page = f"/questionnaires/versions/{vid}"
    assert admin.get(f"{page}/questions/nothing").status_code == 404
    assert admin.get("/questionnaires/versions/99999").status_code == 404
    assert admin.submit(f"{page}/question/identity/sideways", page=page).status_code == 404
    response = admin.submit("/questionnaires/new", {
        "code": "town_check", "title_zh": "重复", "audience": "roster"}, page="/questionnaires/new")
    assert "问卷代码“town_check”已被使用" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Questionnaire)) == 3
