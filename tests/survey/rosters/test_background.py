"""A large web upload runs in the background, in a thread or on a Redis queue, with its progress
kept in the database so any web worker can show it."""

import os
import uuid

import pytest
import sqlalchemy as sa

from survey.extensions import db
from survey.models import ImportStatus, RosterEntry, RosterImport
from survey.rosters import jobs
from tests.fixtures import roster_csv, roster_rows
from tests.survey.rosters.helpers import count, upload, wait_until_finished, wrong_check_digit

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_queue(app):
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown

    try:
        Redis.from_url(REDIS_URL).ping()
    except RedisDown:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL}")
    app.config.update(REDIS_URL=REDIS_URL, ROSTER_QUEUE=f"test-rosters-{uuid.uuid4().hex}")
    yield
    with app.app_context():
        jobs.queue().delete(delete_jobs=True)


def _status(app, import_id: int) -> RosterImport:
    with app.app_context():
        job = db.session.get(RosterImport, import_id)
        db.session.expunge(job)
        return job


def test_a_large_upload_runs_in_a_thread_and_the_page_follows_it(app, client, make_user,
                                                                   district):
    app.config.update(ROSTER_INLINE_BYTES=0, REDIS_URL=None)
    make_user("admin", username="boss")
    client.login("boss")
    response = upload(client, app, roster_csv(roster_rows(3000)))
    assert "/imports/" in response.location  # the request did not wait for the import
    page = wait_until_finished(client, response.location)
    assert "已导入" in page and "共读取3000行" in page and "查看第1版名册" in page
    job = _status(app, int(response.location.rsplit("/", 1)[1]))
    assert job.status is ImportStatus.DONE and job.progress == 1.0 and job.rows_read == 3000
    assert count(app, RosterEntry) == 3000


def test_a_refused_background_import_reports_like_any_other(app, client, make_user, district):
    app.config.update(ROSTER_INLINE_BYTES=0, REDIS_URL=None)
    make_user("admin", username="boss")
    client.login("boss")
    rows = roster_rows(500)
    rows[499][1] = wrong_check_digit(rows[499][1])
    response = upload(client, app, roster_csv(rows))
    page = wait_until_finished(client, response.location)
    assert "未导入：文件中有1处错误" in page and '<td class="num">501</td>' in page
    assert count(app, RosterEntry) == 0


def test_with_redis_the_upload_is_queued_for_the_worker(app, client, runner, make_user, district,
                                                         redis_queue):
    app.config.update(ROSTER_INLINE_BYTES=0)
    make_user("admin", username="boss")
    client.login("boss")
    response = upload(client, app, roster_csv(roster_rows(800)))
    page = client.get(response.location).get_data(as_text=True)
    assert "排队中" in page and 'http-equiv="refresh"' in page and count(app, RosterEntry) == 0
    result = runner.invoke(args=["roster", "worker", "--burst"])
    assert result.exit_code == 0, result.output
    page = wait_until_finished(client, response.location, seconds=10)
    assert "已导入" in page and "共读取800行" in page
    assert count(app, RosterEntry) == 800
    with app.app_context():
        assert db.session.scalar(sa.select(RosterImport.status)) is ImportStatus.DONE


def test_the_worker_needs_redis(app, runner):
    app.config["REDIS_URL"] = None
    result = runner.invoke(args=["roster", "worker", "--burst"])
    assert result.exit_code != 0 and "REDIS_URL" in result.output


def test_the_page_of_a_running_import_shows_its_progress(app, client, make_user, district):
    from survey.catalog.service import program_by_code

    make_user("admin", username="boss")
    client.login("boss")
    with app.app_context():
        job = RosterImport(program_id=program_by_code("cataract").id, filename="大名册.csv",
                           file_kind="csv", status=ImportStatus.RUNNING, progress=0.42,
                           rows_read=420_000)
        db.session.add(job)
        db.session.commit()
        url = f"/rosters/imports/{job.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'http-equiv="refresh"' in page and '<progress max="100" value="42">' in page
    assert "已读取420000行（约42%）" in page and "正在导入" in page


def test_stale_uploads_are_purged(app, client, runner, make_user, district, upload_dir):
    make_user("admin", username="boss")
    client.login("boss")
    rows = roster_rows(3)
    rows[0][1] = wrong_check_digit(rows[0][1])
    upload(client, app, roster_csv(rows))  # refused: its upload is kept for "valid rows only"
    assert len(list(upload_dir.iterdir())) == 1
    with app.app_context():
        for job in db.session.scalars(sa.select(RosterImport)):
            job.created_at -= jobs.KEEP_REFUSED * 2
        db.session.commit()
    result = runner.invoke(args=["roster", "purge"])
    assert "已删除1个过期的上传文件" in result.output and not list(upload_dir.iterdir())
