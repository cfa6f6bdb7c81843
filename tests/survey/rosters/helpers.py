"""Roster files as departments send them, and the uploads and counts the tests need."""

import io
import threading
import time

import sqlalchemy as sa
from openpyxl import Workbook

from survey.extensions import db
from tests.fixtures import program_id

HEADER = ("姓名", "身份证号", "联系电话", "街镇", "村居")


def upload(client, app, data: bytes, code="cataract", filename="名册.csv", **fields):
    """Post a file through the upload form, as the clerk does; follow nothing."""
    form = {"program": program_id(app, code), "file": (io.BytesIO(data), filename)}
    form.update(fields)
    return client.submit("/rosters/upload", form, page="/rosters/upload",
                         content_type="multipart/form-data")


def count(app, model, *where) -> int:
    with app.app_context():
        query = sa.select(sa.func.count()).select_from(model)
        return db.session.scalar(query.where(*where) if where else query)


def xlsx(rows, header=HEADER, title: str | None = None, sheet: str = "Sheet1") -> bytes:
    """An xlsx workbook; cells keep their Python types (a float ID is what Excel does)."""
    book = Workbook()
    ws = book.active
    ws.title = sheet
    if title:
        ws.append([title])
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def wait_until_finished(client, url: str, seconds: float = 60) -> str:
    """Reload an import's page, as its refresh does, until it stops refreshing."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = client.get(url).get_data(as_text=True)
        if 'http-equiv="refresh"' not in page:
            _join_import_threads(deadline)
            return page
        time.sleep(0.1)
    raise AssertionError(f"import at {url} still running after {seconds} s")


def _join_import_threads(deadline: float) -> None:
    """Let a background import's thread finish what it does after its page says done (it
    deletes the upload), so that it does not outlive the test's database."""
    for thread in threading.enumerate():
        if thread.name.startswith("roster-import-"):
            thread.join(max(deadline - time.monotonic(), 0.1))


def wrong_check_digit(number: str) -> str:
    return number[:17] + ("0" if number[-1] != "0" else "1")


def database_dump(app) -> tuple[str, bytes]:
    """Every value of every table, as text and as bytes."""
    texts, blobs = [], []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(sa.select(table)):
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        blobs.append(bytes(value))
                    else:
                        texts.append(str(value))
    return "\n".join(texts), b"\n".join(blobs)
