"""XLSForm sheets as rows of mapped cells, and the report of what did not map (by sheet and row)."""

from dataclasses import dataclass, field

from flask_babel import gettext as _

MAX_ROWS = 3000
YES = {"yes", "true", "true()", "1", "y", "是"}
NO = {"", "no", "false", "false()", "0", "n", "否"}
MAPPED = {
    "survey": {"type", "name", "label:zh", "label:en", "hint:zh", "hint:en", "required",
               "relevant", "constraint", "appearance", "role", "scale", "program_kinds",
               "per_program", "script:zh", "script:en"},
    "choices": {"list_name", "name", "label:zh", "label:en", "read_out"},
    "settings": {"form_title", "form_id", "version", "default_language", "title_en", "audience"},
}
IGNORED_TYPES = {"note", "calculate", "hidden", "start", "end", "today", "deviceid", "audit",
                 "subscriberid", "simserial", "phonenumber", "username", "email", "image",
                 "audio", "video", "file", "geopoint", "geotrace", "geoshape", "barcode",
                 "acknowledge", "datetime", "time", "rank", "start-geopoint", "background-audio"}
SIMPLE_TYPES = {"integer": "number", "decimal": "number", "range": "number", "date": "date",
                "text": "text"}


@dataclass
class Report:
    spec: dict | None = None
    errors: list[str] = field(default_factory=list)
    losses: list[str] = field(default_factory=list)
    version: str = ""  #: the settings sheet's version, for the note
    unchanged: bool = False  #: the file equals the latest version: nothing was written


def _lang(text: str) -> str | None:
    text = text.lower()
    if "(zh" in text or "chinese" in text or "中文" in text:
        return "zh"
    if "(en" in text or "english" in text or "英文" in text:
        return "en"
    return None


def _key(header: str) -> str | None:
    base, sep, lang = (header or "").strip().partition("::")
    base = base.strip().lower().replace(" ", "_")
    if not sep:
        return base or None
    code = _lang(lang)
    return f"{base}:{code}" if code else f"{base}::{lang.strip()}"


class Sheet:
    """A sheet's rows as dicts of mapped keys, each with its row number; unmapped cells noted."""

    def __init__(self, name: str, rows: list[tuple], report: Report):
        self.name, self.rows = name, []
        header = [_key(str(h)) if h is not None else None for h in (rows[0] if rows else ())]
        for plain in ("label", "hint"):  # a label without a language is the default (Chinese)
            if plain in header:
                index = header.index(plain)
                header[index] = f"{plain}:zh" if f"{plain}:zh" not in header else (
                    f"{plain}:en" if f"{plain}:en" not in header else plain)
        unmapped: dict[str, list[int]] = {}
        for number, row in enumerate(rows[1:], start=2):
            values = {}
            for key, cell in zip(header, row, strict=False):
                text = "" if cell is None else str(cell).strip()
                if key in MAPPED[name]:
                    values[key] = text
                elif text and key:
                    unmapped.setdefault(key, []).append(number)
            if any(values.values()):
                self.rows.append((number, values))
        for key, numbers in unmapped.items():
            report.losses.append(_(
                "%(sheet)s 表“%(column)s”列无法对应，第 %(rows)s 行的内容将被忽略。",
                sheet=name, column=key, rows=_rows(numbers)))

    def at(self, number: int) -> str:
        return _("%(sheet)s 表第 %(row)s 行", sheet=self.name, row=number)


def _rows(numbers: list[int]) -> str:
    shown = "、".join(str(n) for n in numbers[:10])
    return shown + ("…" if len(numbers) > 10 else "")


def flag(value: str, where: str, column: str, report: Report) -> bool:
    if value.lower() in YES:
        return True
    if value.lower() not in NO:
        report.losses.append(_("%(where)s：%(column)s 的值“%(value)s”无法对应，按“否”处理。",
                               where=where, column=column, value=value))
    return False
