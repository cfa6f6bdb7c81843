"""Column mappings: read a file's header, guess its columns, remember what the admin chose."""

import sqlalchemy as sa

from survey.extensions import db
from survey.models import ImportStatus, RosterColumnMapping, RosterImport, User
from survey.rosters import columns, jobs
from survey.rosters.formats import FileProblem
from survey.rosters.reader import RosterFile


class MappingProblem(ValueError):
    """The chosen mapping cannot be used; the message says why, in Chinese."""


def remembered(program_id: int) -> dict[str, str]:
    query = sa.select(RosterColumnMapping.columns).where(
        RosterColumnMapping.program_id == program_id)
    return db.session.scalar(query) or {}


def header_of(job: RosterImport) -> tuple[int, list[str], dict[str, int]]:
    """The header line, its titles and the guessed field -> column mapping of a kept upload."""
    path = jobs.stored_path(job)
    if path is None or not path.exists():
        raise FileProblem("上传的文件已不存在，请重新上传")
    known = remembered(job.program_id)
    with RosterFile(path, job.file_kind, job.sheet, known) as roster:
        return roster.header_line, roster.header, columns.guess(roster.header, known)


def needs_mapping(job: RosterImport) -> bool:
    """True, and the import waits for the admin, when the required columns are not recognised."""
    try:
        _, _, guessed = header_of(job)
    except FileProblem:
        return False  # the import itself will refuse the file and say why
    if columns.missing(guessed):
        job.status = ImportStatus.MAPPING
        db.session.commit()
        return True
    return False


def save(job: RosterImport, header: list[str], chosen: dict[int, str], by: User | None) -> None:
    """Remember, for the job's program, which field each header holds ("" to ignore it)."""
    fields = [field for field in chosen.values() if field]
    repeated = {columns.label(f) for f in fields if fields.count(f) > 1}
    if repeated:
        raise MappingProblem("每个字段只能对应一列：" + "、".join(sorted(repeated)) + "被选了多次")
    absent = [columns.label(f) for f in columns.REQUIRED if f not in fields]
    if absent:
        raise MappingProblem("还没有指定这些必需的列：" + "、".join(absent))
    known = dict(remembered(job.program_id))
    for index, title in enumerate(header):
        key = columns.normalise_header(title)
        if key:
            known[key] = chosen.get(index, "")
    row = db.session.get(RosterColumnMapping, job.program_id)
    if row is None:
        row = RosterColumnMapping(program_id=job.program_id)
        db.session.add(row)
    row.columns = known
    row.updated_by_id = by.id if by else None
    db.session.commit()
