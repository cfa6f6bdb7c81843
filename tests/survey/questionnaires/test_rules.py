"""The rules every version meets, whoever writes it: fixed scale codes, role types, skip logic."""

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from survey.extensions import db
from survey.models import Question
from survey.questionnaires import service
from survey.questionnaires.spec import problems


def _messages(spec) -> str:
    return "\n".join(str(p) for p in problems(spec))


def _question(spec, code):
    return next(q for s in spec["sections"] for q in s["questions"] if q["code"] == code)


def test_the_every_type_questionnaire_is_valid(every_type):
    assert problems(every_type) == []


def test_scale_types_keep_their_codes_whatever_the_wording(every_type):
    reworded = _question(every_type, "satisfaction")
    reworded["options"][0]["zh"] = "非常满意"  # a new wording is fine
    assert problems(every_type) == []
    reworded["options"][0]["code"] = "very_satisfied"  # a new code is not
    assert "选项代码固定为 satisfied / fairly_satisfied" in _messages(every_type)


@pytest.mark.parametrize(("code", "change", "message"), [
    ("awareness", {"options": []}, "选择题至少要有两个选项"),
    ("received", {"type": "single"}, "角色“received”的题目必须是“yes_no”题型"),
    ("delivery_cash", {"options": [{"code": "ok", "zh": "好"}, {"code": "bad", "zh": "坏"}]},
     "full_on_time / full_late / short"),
    ("amount", {"min_value": 10, "max_value": 1}, "最小值不能大于最大值"),
    ("household", {"type": "text"}, "只有数字题可以设置取值范围"),
    ("identity", {"program_kinds": ["cash"]}, "只有“每个项目分别询问”部分的题目可以限定项目类别"),
    ("channels", {"options": [{"code": "1tv", "zh": "电视"}, {"code": "x", "zh": "x"}]},
     "选项代码“1tv”无效"),
    ("phone_note", {"code": "block"}, "题目代码与部分代码相同"),
    ("household", {"max_value": float("inf")}, "取值范围必须是有限的数"),
    ("channels", {"options": [{"code": f"c{i:038d}", "zh": "x"} for i in range(6)]},
     "选项代码合计不能超过200个字符"),
])
def test_broken_questions_are_refused_with_a_message_naming_them(every_type, code, change,
                                                                 message):
    _question(every_type, code).update(change)
    assert message in _messages(every_type)


@pytest.mark.parametrize(("code", "condition", "message"), [
    # a condition on a later question, or on one that does not exist
    ("identity", {"question": "household", "in": ["1"]}, "不存在或不在本题之前"),
    ("awareness", {"question": "nothing", "in": ["x"]}, "不存在或不在本题之前"),
    ("awareness", {"question": "awareness", "in": ["know"]}, "不存在或不在本题之前"),
    # a general question cannot look into a program's block: which program would it be?
    ("household", {"question": "received", "in": ["yes"]}, "一般问题的跳转条件不能引用"),
    # received is asked of cash and service programs; a question for every kind cannot use it
    ("satisfaction", {"question": "received", "in": ["yes"]}, "并不对本题的所有项目类别提问"),
    ("reason", {"question": "satisfaction", "in": ["angry"]}, "必须是题目“satisfaction”的选项代码"),
    ("suggestion", {"question": "household", "in": ["5"]}, "只能引用选择题"),
])
def test_skip_logic_only_looks_back_at_choices_asked_of_the_same_programs(every_type, code,
                                                                          condition, message):
    _question(every_type, code)["condition"] = condition
    assert message in _messages(every_type)


def test_a_block_question_may_look_at_the_general_part(every_type):
    _question(every_type, "awareness")["condition"] = {"question": "identity", "in": ["self"]}
    assert problems(every_type) == []


def test_nothing_is_written_when_a_rule_is_broken(app, every_type):
    _question(every_type, "received")["condition"] = {"question": "later", "in": ["x"]}
    with app.app_context():
        with pytest.raises(service.SpecRefused) as refused:
            service.create(every_type, by=None)
        assert "题目 received" in str(refused.value)
        assert service.by_code("every_type") is None


def test_the_database_holds_the_role_type_rule_too(app, every_type):
    with app.app_context():
        version = service.create(every_type, by=None)
        question = db.session.scalar(sa.select(Question).where(
            Question.version_id == version.id, Question.code == "awareness"))
        with pytest.raises(IntegrityError, match="awareness_type"):
            db.session.execute(sa.update(Question).where(Question.id == question.id)
                               .values(type="single"))
            db.session.flush()
        db.session.rollback()
        with pytest.raises(IntegrityError, match="range"):
            db.session.execute(sa.update(Question).where(Question.id == question.id)
                               .values(min_value=3))
            db.session.flush()
        db.session.rollback()


def test_the_shipped_templates_are_installed_once(app):
    with app.app_context():
        assert [v.questionnaire.code for v in service.latest_versions()] == [
            "standard_phone", "public_survey"]
        service.install()
        assert len(service.latest_versions()) == 2
        public = service.spec_of(service.latest_versions()[1])
    assert public["audience"] == "public"
    assert [s["per_program"] for s in public["sections"]] == [False, True, False]
    assert all(q["text_en"] for s in public["sections"] for q in s["questions"])
