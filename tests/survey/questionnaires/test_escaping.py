"""HTML typed into a questionnaire shows as text: builder, previews, interview, import."""

import copy

import sqlalchemy as sa

from survey.extensions import db
from survey.models import Case
from survey.questionnaires import service, xlsform
from tests.survey.questionnaires.conftest import EVERY_TYPE

EVIL = '<script>alert("x")</script><b onclick="y()">粗</b>'
ESCAPED = ("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"
           "&lt;b onclick=&#34;y()&#34;&gt;粗&lt;/b&gt;")


def evil_spec(code="standard_phone"):
    spec = copy.deepcopy(EVERY_TYPE)
    spec.update(code=code, title_zh=f"问卷{EVIL}")
    spec["sections"][0]["title_zh"] = f"开场{EVIL}"
    identity = spec["sections"][0]["questions"][0]
    identity.update(text_zh=f"您是{{person}}吗{EVIL}", script_zh=f"您好{EVIL}",
                    instructions_zh=f"核对{EVIL}")
    identity["options"][0]["zh"] = f"是本人{EVIL}"
    return spec


def _assert_escaped(html: str) -> None:
    assert "<script>alert" not in html and 'onclick="y()"' not in html
    assert ESCAPED in html


def test_html_in_questions_and_options_shows_as_text(app, client, make_user, make_round):
    with app.app_context():
        standard = service.latest_versions()[0]
        vid = service.save(standard, evil_spec(), by=None).id
    surveyor = make_user("surveyor", username="me")
    make_user("admin", username="boss")
    make_round({"wubao": 1}, roster_sizes={"wubao": 2})
    client.login("boss")
    pages = [f"/questionnaires/versions/{vid}", "/questionnaires/",
             f"/questionnaires/versions/{vid}/questions/identity",
             f"/questionnaires/versions/{vid}/sections/intro"]
    pages += [f"/questionnaires/versions/{vid}/preview/{m}" for m in ("phone", "field", "web")]
    for page in pages:
        html = client.get(page).get_data(as_text=True)
        assert "<script>alert" not in html and 'onclick="y()"' not in html, page
        assert "&lt;script&gt;" in html, page
    _assert_escaped(client.get(f"/questionnaires/versions/{vid}/preview/phone").get_data(
        as_text=True))
    with app.app_context():
        case_id = db.session.scalar(sa.select(Case.id).where(
            Case.assigned_to_id == surveyor.id))
    client.login("me")
    _assert_escaped(client.get(f"/fieldwork/cases/{case_id}/interview").get_data(as_text=True))


def test_html_in_an_imported_xlsform_shows_as_text(app, admin):
    data = xlsform.write(evil_spec("evil_import"), 1)
    response = admin.submit("/questionnaires/import", {"file": (_file(data), "evil.xlsx")},
                            page="/questionnaires/import", content_type="multipart/form-data")
    assert response.status_code == 302
    html = admin.get(response.location).get_data(as_text=True)
    _assert_escaped(html)


def _file(data: bytes):
    import io

    return io.BytesIO(data)
