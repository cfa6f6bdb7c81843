"""Browsing rosters: versions per program, people with search and pages, counts per place."""

import re

from tests.fixtures import TOWNS, program_id, roster_rows


def _version_url(app, client, make_roster, size=120, rows=None):
    version_id = make_roster("cataract", size, rows=rows)
    return f"/rosters/versions/{version_id}"


def _names(page: str) -> list[str]:
    return re.findall(r"<tr><td>([^<]+)</td><td class=\"mono\">", page)


def test_people_are_listed_masked_fifty_to_a_page(app, client, make_user, make_roster):
    url = _version_url(app, client, make_roster)
    make_user("supervisor", username="sup")
    client.login("sup")
    first = client.get(url).get_data(as_text=True)
    assert len(_names(first)) == 50 and "第1页，共3页" in first
    third = client.get(url + "?page=3").get_data(as_text=True)
    assert len(_names(third)) == 20
    assert all(name.endswith("*") or len(name) == 1 for name in _names(first))


def test_search_by_name_id_number_or_phone(app, client, make_user, make_roster):
    rows = roster_rows(60)
    rows[7][0] = "阿依古丽·买买提"
    url = _version_url(app, client, make_roster, rows=rows)
    make_user("admin", username="boss")
    client.login("boss")
    page = client.get(url, query_string={"q": "古丽"}).get_data(as_text=True)
    assert "“古丽”的查找结果：1人" in page and _names(page) == ["阿*******"]
    page = client.get(url, query_string={"q": rows[20][1].lower()}).get_data(as_text=True)
    assert "查找结果：1人" in page and rows[20][1][:4] + "**********" + rows[20][1][-4:] in page
    phone = rows[33][2]
    page = client.get(url, query_string={"q": f"{phone[:3]}-{phone[3:7]} {phone[7:]}"}
                      ).get_data(as_text=True)
    assert "查找结果：1人" in page and phone[:3] + "****" + phone[-4:] in page
    page = client.get(url, query_string={"q": "%"}).get_data(as_text=True)
    assert "查找结果：0人" in page and "没有找到" in page


def test_counts_per_town_and_village(app, client, make_user, make_roster):
    url = _version_url(app, client, make_roster, size=50)
    make_user("admin", username="boss")
    client.login("boss")
    page = client.get(url).get_data(as_text=True)
    table = page.split('id="area-counts"')[1].split("</table>")[0]
    villages = [v for vs in TOWNS.values() for v in vs]
    assert all(v in table for v in villages)
    assert "<th>金桥镇</th><th></th><th class=\"num\">20</th>" in table  # 2 of 5 places
    assert "<td>沙河村</td><td class=\"num\">10</td>" in table


def test_versions_per_program(app, client, make_user, make_roster):
    make_roster("cataract", rows=roster_rows(8))
    make_roster("cataract", rows=roster_rows(8)[:6])
    make_user("admin", username="boss")
    client.login("boss")
    page = client.get(f"/rosters/programs/{program_id(app, 'cataract')}").get_data(as_text=True)
    assert page.index("第2版") < page.index("第1版")
    assert re.search(r"第2版</a></td>\s*<td class=\"num\">6</td><td class=\"num\">0</td>"
                     r"<td class=\"num\">2</td>", page)
    index = client.get("/rosters/").get_data(as_text=True)
    assert "第2版" in index and "全部版本" in index


def test_viewers_and_surveyors_do_not_browse_rosters(app, client, make_user, make_roster):
    url = _version_url(app, client, make_roster, size=3)
    for role in ("viewer", "surveyor"):
        make_user(role, username=role)
        client.login(role)
        assert client.get(url).status_code == 403
        assert client.get("/rosters/").status_code == 403
