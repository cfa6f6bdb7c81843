"""``flask roster import``: a summary and exit 0, or every bad row and a non-zero exit."""

from survey.models import Person, RosterEntry, RosterVersion
from tests.fixtures import roster_csv, roster_rows
from tests.survey.rosters.helpers import count, wrong_check_digit, xlsx


def _run(runner, *args):
    return runner.invoke(args=["roster", "import", *map(str, args)])


def test_a_clean_file_is_imported_with_a_progress_bar_and_a_summary(app, runner, district,
                                                                      tmp_path):
    path = tmp_path / "名册.csv"
    path.write_bytes(roster_csv(roster_rows(25)))
    result = _run(runner, path, "--program", "cataract")
    assert result.exit_code == 0, result.output
    assert "已导入：贫困白内障患者复明工程 第1版，共25人（新增25，移除0，变更0）" in result.output
    assert "读取并检查" in result.output  # the bar itself is drawn on a terminal only
    assert count(app, RosterEntry) == 25
    result = _run(runner, path, "--program", "cataract")
    assert result.exit_code == 0 and "未生成新版本" in result.output


def test_errors_are_printed_line_by_line_and_nothing_is_imported(app, runner, district, tmp_path):
    rows = roster_rows(8)
    rows[2][1] = wrong_check_digit(rows[2][1])  # line 4
    rows[5][2] = "1381234"  # line 7
    path = tmp_path / "名册.xlsx"
    path.write_bytes(xlsx(rows))
    result = _run(runner, path, "--program", "cataract")
    assert result.exit_code == 1
    assert "第4行 [身份证号]" in result.output and "校验位错误" in result.output
    assert "第7行 [联系电话]" in result.output and "手机号码应为11位" in result.output
    assert rows[2][1] not in result.output  # masked even here
    assert "共8行，其中2行有错误" in result.output
    assert count(app, Person) == 0 and count(app, RosterVersion) == 0
    result = _run(runner, path, "--program", "cataract", "--valid-only")
    assert result.exit_code == 0, result.output
    assert "共6人" in result.output and "跳过了2个有错误的行" in result.output
    assert count(app, RosterEntry) == 6


def test_a_file_that_cannot_be_read_exits_non_zero(app, runner, district, tmp_path):
    path = tmp_path / "名册.csv"
    path.write_bytes(b"%PDF-1.7")
    result = _run(runner, path, "--program", "cataract")
    assert result.exit_code == 1 and "这是PDF文件" in result.output
    result = _run(runner, path, "--program", "nope")
    assert result.exit_code != 0 and "没有代码为 nope 的项目" in result.output
