"""Previews: the surveyor on the phone, on a field visit, a resident on a phone screen."""

import re

import sqlalchemy as sa

from survey.extensions import db
from survey.models import Program, Response
from survey.questionnaires import service


def _versions(app):
    with app.app_context():
        return [v.id for v in service.latest_versions()]


def _visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_each_audience_sees_what_is_meant_for_it(app, admin):
    standard, _public = _versions(app)
    url = f"/questionnaires/versions/{standard}/preview"
    phone = admin.get(f"{url}/phone").get_data(as_text=True)
    field = admin.get(f"{url}/field").get_data(as_text=True)
    web = admin.get(f"{url}/web").get_data(as_text=True)
    script = "正在对民生工程的落实情况做电话回访"
    instruction = "核对身份：可请对方报出身份证号后四位"
    # the surveyor on the phone: script, instructions, options marked not read out
    assert script in phone and instruction in phone and "（不读出）" in phone
    # on a visit the surveyor is there: no phone script, the rest stays
    assert script not in field and instruction in field and "（不读出）" in field
    # a resident: the questions and every option, nothing meant for the surveyor
    assert script not in web and instruction not in web and "（不读出）" not in web
    assert "依次读出" not in web and "说不清" in _visible_text(web)
    assert 'data-mode="web"' in web and "device-phone" in web and "device-tablet" in field
    # typical roster programs by default: one cash and one service program
    assert "农村居民最低生活保障" in phone and "城市低收入家庭与公共租赁住房保障" in phone


def test_the_public_version_asks_about_the_public_programs(app, admin):
    _standard, public = _versions(app)
    html = admin.get(f"/questionnaires/versions/{public}/preview/web").get_data(as_text=True)
    headings = re.findall(r'<h2 class="block-title">([^<]+)</h2>', html)
    programs = [h.split(" · ")[1] for h in headings if " · " in h]
    assert programs == ["城乡义务教育经费保障机制改革", "校舍安全工程", "城乡卫生服务体系建设",
                        "一事一议财政奖补试点", "乡镇综合文化站建设"]


def test_the_preview_checks_answers_like_an_interview_and_stores_nothing(app, admin):
    standard, _public = _versions(app)
    with app.app_context():
        wubao, cataract = (db.session.scalar(sa.select(Program.id).where(Program.code == c))
                           for c in ("wubao", "cataract"))
    url = f"/questionnaires/versions/{standard}/preview/phone?program={wubao}&program={cataract}"
    html = admin.get(url).get_data(as_text=True)
    assert f"p{wubao}_delivery_cash" in html and f"p{cataract}_delivery_service" in html
    assert f"p{cataract}_delivery_cash" not in html
    data = {"q_identity": "self"}
    for pid in (wubao, cataract):
        data.update({f"p{pid}_awareness": "know", f"p{pid}_received": "no",
                     f"p{pid}_satisfaction": "neutral"})
    data[f"p{wubao}_delivery_cash"] = "full_on_time"  # skipped: received "no"
    html = admin.submit(url, data, page=url).get_data(as_text=True)
    assert "此题已跳过，不应有答案" in html and "预览：有未完成" in html
    del data[f"p{wubao}_delivery_cash"]
    assert "预览：答案全部通过检查" in admin.submit(url, data, page=url).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0
