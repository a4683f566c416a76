"""Word files (DOCX): paragraphs and tables in document order, Word's Title and Heading N
styles as hints, with the archive checked before it is opened (a zip bomb is refused).
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

from rag import language
from rag.ingest.raw import TITLE_RANK, Hints, LoadError, RawText, outline_rank, table_rows
from rag.textshape import squash

# A DOCX is a zip archive. A long report's unpacks to a few MB of XML; an archive that
# unpacks to far more, or packs its parts far tighter than XML compresses, is refused
# before parsing (a "zip bomb": 1 MB that unpacks to 1 GiB of XML would take gigabytes).
ARCHIVE_MAX_UNPACKED = 256 * 2**20
ARCHIVE_MAX_RATIO = 200  # XML compresses 5-20x; a bomb's parts 1000x and more


def check_archive(data: bytes) -> None:
    """Raise `LoadError` for an archive too big once unpacked, or packed too tightly."""
    import zipfile

    members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    unpacked = sum(m.file_size for m in members)
    if unpacked > ARCHIVE_MAX_UNPACKED:
        raise LoadError(f"refused: the archive unpacks to {unpacked / 2**20:,.0f} MB (the limit is {ARCHIVE_MAX_UNPACKED // 2**20} MB)")
    for member in members:
        if member.file_size > 2**20 and member.file_size > ARCHIVE_MAX_RATIO * max(member.compress_size, 1):
            ratio = member.file_size / max(member.compress_size, 1)
            raise LoadError(f"refused: {member.filename} in the archive is packed {ratio:,.0f}x (more than {ARCHIVE_MAX_RATIO}x: a zip bomb)")


def docx_to_text(path: Path, data: bytes) -> RawText:
    """Paragraphs and tables in document order (a table row is one line, see `table_rows`);
    Word's Title style marks the title, Heading N styles the outline; the file's creation
    date is kept as `file_date` (shown, never taken for the document's date). The archive
    is checked before it is opened (`check_archive`)."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    check_archive(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except KeyError as exc:  # a part the package names is missing ("no item named 'NULL'")
        logging.getLogger(__name__).warning("%s: %s; reading its body XML alone", path.name, exc)
        return RawText(path, "\n".join(_body_lines(data)))
    lines: list[str] = []
    headings: dict[str, float] = {}
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = block.text
            style = (block.style.name if block.style is not None else "") or ""
            if text.strip() and style.lower() in ("title", "标题"):
                headings[squash(text)] = TITLE_RANK
            elif text.strip() and (match := language.WORD_HEADING_STYLE.match(style)):
                headings[squash(text)] = outline_rank(int(match.group(1)))
            lines.append(text)
        elif isinstance(block, Table):
            lines.extend(table_rows([[cell.text for cell in row.cells] for row in block.rows]))
    created = document.core_properties.created
    meta = {"file_date": created.date().isoformat()} if created is not None else {}
    return RawText(path, "\n".join(lines), Hints(headings=headings, meta=meta))


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _body_lines(data: bytes) -> list[str]:
    """Paragraphs and table rows of word/document.xml, for a package whose other parts are
    broken (Word still opens it: the body is all that holds the text)."""
    import zipfile

    from lxml import etree

    body = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")).find(f"{_W}body")
    lines: list[str] = []
    for block in body if body is not None else []:
        if block.tag == f"{_W}p":
            lines.append("".join(block.itertext()))
        elif block.tag == f"{_W}tbl":
            rows = [["".join(cell.itertext()) for cell in row.iter(f"{_W}tc")] for row in block.iter(f"{_W}tr")]
            lines.extend(table_rows(rows))
    return lines
