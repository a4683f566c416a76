"""The file formats ingest reads, one module each: plain text and Markdown (`text`), HTML
pages (`html`), PDF (`pdf`), Word (`docx`) and images of pages (`ocr`, which also reads
scanned PDF pages). Each turns a file's content into `RawText`
(`rag.ingest.raw`); `rag.ingest.load` picks the reader by the file's suffix."""

from rag.ingest.formats.docx import docx_to_text
from rag.ingest.formats.html import html_to_text
from rag.ingest.formats.ocr import image_to_text
from rag.ingest.formats.pdf import pdf_to_text
from rag.ingest.formats.text import decode_text, markdown_to_text

__all__ = ["decode_text", "docx_to_text", "html_to_text", "image_to_text", "markdown_to_text", "pdf_to_text"]
