"""The walking skeleton in a real browser: roster -> round and sample -> interviews -> figures."""

import re

import pytest

from tests.fixtures import PASSWORD, roster_csv, roster_rows

pytestmark = [
    pytest.mark.browser,
    # The development server leaves a static file open when the browser drops a connection it
    # no longer needs (a cached icon); that is the test server's habit, not the app's.
    pytest.mark.filterwarnings(
        r"ignore:Exception ignored in.*static/:pytest.PytestUnraisableExceptionWarning"),
]

ANSWERS = [  # per interview: awareness, received, delivery, satisfaction
    ("知道", "享受了", "按时足额", "满意"),
    ("听说过", "享受了", "足额但不及时", "比较满意"),
    ("不知道", "未享受", None, "不满意"),
    ("知道", "享受了", "按时足额", "一般"),
]


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/auth/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def _logout(page) -> None:
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(re.compile(r".*/auth/login"))


def _interview(page, answers) -> None:
    awareness, received, delivery, satisfaction = answers
    page.locator("[id$=_identity]").get_by_label("是本人", exact=True).check()
    block = lambda code: page.locator(f"fieldset[id$='_{code}']")  # noqa: E731
    block("awareness").get_by_label(awareness, exact=True).check()
    block("received").get_by_label(received, exact=True).check()
    if delivery:
        block("delivery_cash").get_by_label(delivery, exact=True).check()
    else:
        assert block("delivery_cash").is_hidden()  # skip logic hides the follow-up
    block("satisfaction").get_by_label(satisfaction, exact=True).check()
    if satisfaction == "不满意":
        block("reason").locator("textarea").fill("一直没有收到")
    page.get_by_role("button", name="提交答卷").click()
    page.get_by_text("答卷已提交").wait_for()


def test_admin_surveyor_admin(app, live_server, browser, make_user, district, tmp_path):
    make_user("admin", username="boss")
    make_user("surveyor", username="caller")
    page = browser.new_page()

    # a. the admin uploads a roster: a faulty file is refused with its line, a clean one imported
    _login(page, live_server, "boss")
    rows = roster_rows(30)
    bad = [list(r) for r in rows]
    bad[2][1] = bad[2][1][:17] + ("0" if bad[2][1][-1] != "0" else "1")
    (tmp_path / "bad.csv").write_bytes(roster_csv(bad))
    (tmp_path / "good.csv").write_bytes(roster_csv(rows))
    page.goto(f"{live_server}/rosters/upload")
    page.get_by_label("民生工程项目").select_option(label="农村五保供养")
    page.locator("input[type=file]").set_input_files(str(tmp_path / "bad.csv"))
    page.get_by_role("button", name="检查并导入").click()
    errors = page.locator("#import-errors")
    assert "校验位错误" in errors.inner_text()
    assert errors.locator("td.num").first.inner_text() == "4"  # the header is line 1
    page.get_by_label("民生工程项目").select_option(label="农村五保供养")
    page.locator("input[type=file]").set_input_files(str(tmp_path / "good.csv"))
    page.get_by_role("button", name="检查并导入").click()
    page.get_by_text("名册已导入").wait_for()

    # b. a round with a sample of 16, drawn with a recorded seed, then assigned
    page.get_by_role("navigation").get_by_role("link", name="调查轮次").click()
    page.get_by_role("link", name="新建轮次").click()
    page.get_by_label("轮次名称").fill("2011年第三季度电话抽查")
    page.get_by_label("周期").select_option(label="季度")
    page.get_by_label("期别").fill("2011-Q3")
    page.get_by_label("农村五保供养").fill("16")
    page.get_by_role("button", name="创建轮次").click()
    page.get_by_label("随机种子").fill("20110901")
    page.get_by_role("button", name="抽样").click()
    page.get_by_text("抽样完成").wait_for()
    assert "20110901" in page.content()
    page.get_by_role("button", name="自动分配（按工作量均衡）").click()
    page.get_by_text("已自动分配16个调查任务").wait_for()
    _logout(page)

    # c. the surveyor works the queue: one no-answer, twelve interviews
    _login(page, live_server, "caller")
    cases = page.locator("li.case-row a")
    assert cases.count() == 16
    cases.first.click()
    page.get_by_label("接触结果").select_option(label="无人接听")
    page.get_by_role("button", name="保存接触记录").click()
    page.get_by_text("接触记录已保存").wait_for()
    for i in range(12):
        page.locator("li.case-row.state-in_progress a, li.case-row.state-new a").first.click()
        page.get_by_role("link", name="已接通，开始访问").click()
        _interview(page, ANSWERS[i % len(ANSWERS)])
    assert page.locator("li.case-row.state-completed").count() == 12
    _logout(page)

    # d. the admin reads the figures: 9 of 12 aware, Wilson interval, the count behind it
    _login(page, live_server, "boss")
    page.get_by_role("navigation").get_by_role("link", name="统计结果").click()
    page.get_by_role("link", name="2011年第三季度电话抽查").click()
    awareness = page.locator("tr[data-figure=awareness]")
    assert "75.0%" in awareness.inner_text()
    assert "46.8% – 91.1%" in awareness.inner_text()  # R: prop.test(9, 12, correct=FALSE)
    assert "12" in awareness.locator("td.num").last.inner_text()
    page.close()
