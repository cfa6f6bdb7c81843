"""Tell a real CSV or xlsx file from anything else, by its content, before parsing it.

An xlsx file is a zip archive of XML: its member count and declared uncompressed sizes are checked
before openpyxl opens it (Python's zipfile never inflates a member past its declared size), and
openpyxl parses the XML through defusedxml, which refuses entity declarations ("billion laughs").
A CSV file is decoded as UTF-8 (with or without BOM) when the whole file is valid UTF-8, as
UTF-16 when it starts with a UTF-16 BOM (Excel's "Unicode text"), and as GB 18030 (a superset of
GBK, what Chinese Excel writes) otherwise.
"""

import codecs
import zipfile
from pathlib import Path

import openpyxl

CHUNK = 1 << 20
#: An xlsx has a dozen members; thousands mean something else.
MAX_ZIP_MEMBERS = 2000
#: Uncompressed size of all members together (a full 1,048,576-row sheet is well under this).
MAX_UNZIPPED_BYTES = 2 << 30
#: Sheet XML compresses 10-20 times; a bomb compresses thousands of times.
MAX_RATIO = 200
#: Where a DTD would have to be declared: before the root element, at the top of a part.
PROLOG_BYTES = 64 << 10
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class FileProblem(ValueError):
    """The file as a whole cannot be read; the message says why, in Chinese."""


def sniff(path: Path) -> str:
    """"csv" or "xlsx", from the first bytes of the file; anything else is refused."""
    with path.open("rb") as handle:
        head = handle.read(8192)
    if not head:
        raise FileProblem("文件是空的")
    if head.startswith(_ZIP):
        check_xlsx(path)
        return "xlsx"
    if head.startswith(_OLE):
        raise FileProblem("这是旧版Excel（.xls）或其他Office文件：请在Excel中“另存为”.xlsx或"
                          "CSV（UTF-8）后再导入")
    if head.startswith(b"%PDF"):
        raise FileProblem("这是PDF文件，不是CSV或Excel文件")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "csv"
    if b"\x00" in head or sum(b < 9 or 13 < b < 32 for b in head) > 2:
        raise FileProblem("文件不是CSV或Excel（.xlsx）文件（含有二进制内容）")
    return "csv"


def check_xlsx(path: Path) -> None:
    """Refuse a zip that is not an xlsx workbook, or that would inflate to too much."""
    if not openpyxl.DEFUSEDXML:
        raise FileProblem("服务器未启用安全的XML解析（defusedxml），暂不能导入Excel文件")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise FileProblem("Excel文件已损坏，无法打开") from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise FileProblem(f"Excel文件内含{len(members)}个部件，不像正常的工作簿，已拒绝")
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise FileProblem("这是一个压缩包，不是Excel（.xlsx）工作簿")
    total = sum(m.file_size for m in members)
    if total > MAX_UNZIPPED_BYTES:
        raise FileProblem("Excel文件解压后超过2GB，已拒绝（疑似压缩炸弹）")
    for member in members:
        if member.file_size > 10 << 20 and member.file_size > MAX_RATIO * max(
                member.compress_size, 1):
            raise FileProblem(f"Excel文件中的“{member.filename}”压缩比异常，已拒绝（疑似压缩炸弹）")
    _refuse_declarations(path, members)


def _refuse_declarations(path: Path, members: list[zipfile.ZipInfo]) -> None:
    """Refuse a part that declares a DTD (Excel never writes one): entities ("billion laughs")
    are refused whichever reader opens the file, not left to each parser's settings."""
    with zipfile.ZipFile(path) as archive:
        for member in members:
            if not member.filename.endswith((".xml", ".rels")):
                continue
            try:
                with archive.open(member) as part:
                    prolog = part.read(PROLOG_BYTES)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError):
                raise FileProblem("Excel文件已损坏，无法打开") from None
            if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
                raise FileProblem("Excel文件含有不安全的XML内容（实体定义），已拒绝")


def encoding_of(path: Path) -> str:
    """The encoding of a CSV file: the whole file is checked, not a guess from its start."""
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig" if _decodes(path, "utf-8") else _refuse()
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16" if _decodes(path, "utf-16") else _refuse()
    for encoding in ("utf-8", "gb18030"):
        if _decodes(path, encoding):
            return encoding
    return _refuse()


def _refuse() -> str:
    raise FileProblem("无法识别文件编码：请在Excel中另存为“CSV UTF-8”或GBK编码的CSV")


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True
