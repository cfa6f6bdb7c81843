"""An import's problem report: on screen page by page, and as a CSV file Excel opens."""

import csv
import io

import sqlalchemy as sa
from flask import Response

from survey.extensions import db
from survey.models import RosterImport, RosterImportProblem

#: Cells starting with these are formulas to a spreadsheet: prefix them so that they stay text.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def problems_query(job: RosterImport):
    return (sa.select(RosterImportProblem).where(RosterImportProblem.import_id == job.id)
            .order_by(RosterImportProblem.line, RosterImportProblem.id))


def _cell(value) -> str:
    text = str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def problems_csv(job: RosterImport) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["行号", "列", "内容（已脱敏）", "问题"])
    for problem in db.session.scalars(problems_query(job)):
        writer.writerow([problem.line or "", _cell(problem.column), _cell(problem.value),
                         _cell(problem.reason)])
    return out.getvalue()


def problems_response(job: RosterImport) -> Response:
    """UTF-8 with a BOM, so that Chinese Excel opens it as it is."""
    body = "\ufeff" + problems_csv(job)
    name = f"roster-import-{job.id}-problems.csv"
    return Response(body.encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
