"""Word files (DOCX): paragraphs and tables in document order, Word's Title and Heading N
styles as hints, with the archive checked before it is opened (a zip bomb is refused).
"""

from __future__ import annotations

import io
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
    Word's Title style marks the title, Heading N styles the outline. The archive is
    checked before it is opened (`check_archive`)."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    check_archive(data)
    document = docx.Document(io.BytesIO(data))
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
    return RawText(path, "\n".join(lines), Hints(headings=headings))
