"""Specs and helpers shared by the questionnaire tests."""

import copy

import pytest

from survey.questionnaires.spec import standard_options


def _q(code, type_, text, **extra):
    return {"code": code, "type": type_, "text_zh": text, "text_en": f"EN {text}", **extra}


CHOICES = [{"code": "tv", "zh": "电视", "en": "TV", "read_out": True},
           {"code": "paper", "zh": "报纸", "en": "Paper", "read_out": True},
           {"code": "refused", "zh": "拒答", "en": "Refused", "read_out": False}]
RECEIVED = [{"code": "yes", "zh": "享受了", "en": "Yes", "read_out": True},
            {"code": "no", "zh": "未享受", "en": "No", "read_out": True},
            {"code": "unsure", "zh": "说不清", "en": "Not sure", "read_out": False}]
DELIVERY = [{"code": c, "zh": zh, "en": c, "read_out": c != "unsure"} for c, zh in (
    ("full_on_time", "按时足额"), ("full_late", "足额但不及时"), ("short", "不足额"),
    ("unsure", "说不清"))]
SELF = [{"code": "self", "zh": "是本人", "en": "Self", "read_out": True},
        {"code": "proxy", "zh": "家属代答", "en": "Proxy", "read_out": True}]

#: A questionnaire with every type, a per-program block, program kinds and skip logic.
EVERY_TYPE = {
    "code": "every_type", "title_zh": "全部题型问卷", "title_en": "Every type",
    "audience": "roster",
    "sections": [
        {"code": "intro", "title_zh": "开场", "title_en": "Intro", "per_program": False,
         "questions": [
             _q("identity", "single", "请问您是{person}本人吗？", role="identity", options=SELF,
                script_zh="您好，这里是区民生办。", script_en="Hello, district office.",
                instructions_zh="核对身份证后四位。", instructions_en="Check the ID."),
             _q("visit_date", "date", "访问日期", required=False),
         ]},
        {"code": "block", "title_zh": "项目", "title_en": "Program", "per_program": True,
         "questions": [
             _q("awareness", "awareness", "您知道“{program}”吗？", role="awareness",
                options=standard_options("awareness")),
             _q("received", "yes_no", "您享受了“{program}”吗？", role="received",
                options=RECEIVED, program_kinds=["cash", "service"]),
             _q("delivery_cash", "single", "是否按时足额？", role="delivery", options=DELIVERY,
                program_kinds=["cash"], condition={"question": "received", "in": ["yes"]}),
             _q("amount", "number", "领取了多少元？", role="amount", min_value=0, max_value=5000,
                program_kinds=["cash"], condition={"question": "received", "in": ["yes"]}),
             _q("satisfaction", "satisfaction", "您对“{program}”满意吗？", role="satisfaction",
                options=standard_options("satisfaction"),
                instructions_zh="说不清不读出。", instructions_en="Do not read out not sure."),
             _q("reason", "long_text", "不满意的原因？", role="reason", required=False,
                condition={"question": "satisfaction",
                           "in": ["fairly_dissatisfied", "dissatisfied"]}),
             _q("channels", "multiple", "从哪里知道？", options=CHOICES, required=False,
                condition={"question": "awareness", "in": ["know", "heard"]}),
             _q("which_media", "text", "哪家媒体？", required=False,
                condition={"question": "channels", "in": ["tv", "paper"]}),
         ]},
        {"code": "closing", "title_zh": "结束", "title_en": "Closing", "per_program": False,
         "questions": [
             _q("household", "number", "家里几口人？", min_value=1, max_value=20),
             _q("phone_note", "text", "备用联系方式", required=False),
             _q("suggestion", "long_text", "意见建议", required=False,
                condition={"question": "identity", "in": ["self"]}),
         ]},
    ],
}


@pytest.fixture
def every_type():
    return copy.deepcopy(EVERY_TYPE)


@pytest.fixture
def admin(client, make_user):
    """The test client, logged in as an admin."""
    make_user("admin", username="boss")
    client.login("boss")
    return client
