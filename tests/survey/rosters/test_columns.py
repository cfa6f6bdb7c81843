"""Columns the system does not recognise are mapped by hand, once per program."""

from survey.models import ImportStatus, RosterColumnMapping, RosterEntry, RosterImport
from tests.fixtures import roster_csv, roster_rows
from tests.survey.rosters.helpers import count, upload

ODD = ("户名", "证件", "手机", "所在镇", "所在村", "备注")


def _odd_file(seed=1) -> bytes:
    return roster_csv([[*row, "无"] for row in roster_rows(5, seed=seed)], header=ODD)


def _map(client, url: str, fields: list[str]):
    form = {f"col{i}": field for i, field in enumerate(fields)}
    return client.submit(url, form, page=url)


def test_unknown_headers_are_mapped_by_hand_and_remembered(app, client, make_user, district):
    make_user("admin", username="boss")
    client.login("boss")
    response = upload(client, app, _odd_file())
    assert response.location.endswith("/columns")
    page = client.get(response.location).get_data(as_text=True)
    assert "户名" in page and "所在村" in page and "表头在第1行" in page
    assert count(app, RosterImport, RosterImport.status == ImportStatus.MAPPING) == 1
    response = _map(client, response.location,
                    ["name", "id_number", "phone", "town", "village", ""])
    assert "/versions/" in response.location and count(app, RosterEntry) == 5
    assert count(app, RosterColumnMapping) == 1
    # next month the same department's file goes straight through
    response = upload(client, app, _odd_file(seed=2))
    assert "/versions/" in response.location and count(app, RosterEntry) == 10
    # another program's files are not mapped by this one's choices
    assert upload(client, app, _odd_file(), code="wubao").location.endswith("/columns")


def test_a_mapping_without_the_required_fields_is_refused(app, client, make_user, district):
    make_user("admin", username="boss")
    client.login("boss")
    url = upload(client, app, _odd_file()).location
    page = _map(client, url, ["name", "name", "phone", "town", "", ""]).get_data(as_text=True)
    assert "每个字段只能对应一列" in page and "姓名被选了多次" in page
    page = _map(client, url, ["name", "", "phone", "town", "", ""]).get_data(as_text=True)
    assert "还没有指定这些必需的列：身份证号" in page
    assert count(app, RosterEntry) == 0


def test_a_refused_import_may_be_checked_again_with_other_columns(
        app, client, make_user, district):
    make_user("admin", username="boss")
    client.login("boss")
    rows = [[r[0], r[2], r[1], r[3], r[4]] for r in roster_rows(4)]  # phone and ID swapped
    header = ("姓名", "身份证号", "联系电话", "街镇", "村居")
    job_url = upload(client, app, roster_csv(rows, header=header)).location
    page = client.get(job_url).get_data(as_text=True)
    assert "未导入" in page and "修改列对应后重新检查" in page
    response = _map(client, job_url + "/columns", ["name", "phone", "id_number", "town",
                                                   "village"])
    assert "/versions/" in response.location and count(app, RosterEntry) == 4
