"""Read a roster file into numbered rows under canonical field names."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

#: Canonical field -> the headers departments use for it.
HEADERS = {
    "name": ("姓名", "名字", "户主姓名"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "身份证"),
    "phone": ("联系电话", "手机号码", "手机号", "电话", "手机", "联系方式"),
    "town": ("街镇", "街道", "乡镇", "镇", "镇街", "街道/乡镇"),
    "village": ("村居", "村", "社区", "村/社区", "村（社区）", "村(社区)"),
    "address": ("住址", "地址", "家庭住址"),
    "amount": ("发放金额", "金额", "补助金额"),
}
REQUIRED = ("name", "id_number", "town")
FIELD_LABELS = {field: names[0] for field, names in HEADERS.items()}


class FileProblem(ValueError):
    """The file as a whole cannot be read; the message says why, in Chinese."""


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GB 18030, a superset of what Chinese Excel writes."""
    if b"\x00" in data[:4096]:
        raise FileProblem("文件不是文本格式的CSV（可能是Excel文件或其他二进制文件）")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileProblem("无法识别文件编码，请另存为UTF-8或GBK编码的CSV")


def map_header(header: list[str]) -> dict[int, str]:
    """Column index -> canonical field, for the headers we recognise."""
    lookup = {alias: field for field, aliases in HEADERS.items() for alias in aliases}
    mapping = {}
    for index, title in enumerate(header):
        field = lookup.get(title.strip().replace(" ", ""))
        if field and field not in mapping.values():
            mapping[index] = field
    missing = [FIELD_LABELS[f] for f in REQUIRED if f not in mapping.values()]
    if missing:
        raise FileProblem("第1行（表头）缺少必需的列：" + "、".join(missing))
    return mapping


def read_csv(data: bytes) -> Iterator[Row]:
    """Yield the data rows; line numbers count the header as line 1."""
    reader = csv.reader(io.StringIO(decode(data), newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise FileProblem("文件是空的") from None
    except csv.Error as error:
        raise FileProblem(f"第1行无法解析：{error}") from None
    mapping = map_header(header)
    try:
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            values = {field: (record[i] if i < len(record) else "") for i, field in mapping.items()}
            yield Row(reader.line_num, values)
    except csv.Error as error:
        raise FileProblem(f"第{reader.line_num}行无法解析：{error}") from None
