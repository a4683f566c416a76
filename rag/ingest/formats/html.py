"""HTML pages: the article, the page's metadata, and the headings its markup shows.

A saved page is mostly site chrome: menus, sidebars of other articles, footers. The
article is the smallest container holding most of the page's prose (lines punctuated like
sentences, not link text); it is extended upwards to the page's headline, so that the
headline and the info line under it ("发布时间：… 来源：…") come along. Everything else
goes to the ledger as "outside the article". Headings are the hN tags and the short
paragraphs a page sets in bold or centres; a data table becomes one line per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rag import language
from rag.ingest.ledger import Removal
from rag.ingest.raw import TITLE_RANK, Hints, LoadError, RawText, outline_rank, table_rows
from rag.textshape import is_prose, squash

_DROP = {"script", "style", "noscript", "template", "iframe", "svg", "object", "embed", "canvas", "select", "button", "input", "textarea", "head", "map"}
_BLOCK = {
    "p", "div", "section", "article", "main", "header", "footer", "nav", "aside", "ul", "ol", "li", "dl", "dt", "dd",
    "table", "thead", "tbody", "tfoot", "tr", "td", "th", "blockquote", "pre", "center", "form", "fieldset",
    "address", "figure", "figcaption", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "caption",
}
# Elements that can hold a whole article (a paragraph or a list item cannot).
_CONTAINERS = {"div", "section", "article", "main", "td", "th", "body", "blockquote", "center", "form", "dd", "font"}
_HEADING_TAGS = {f"h{n}": n for n in range(1, 7)}
_BOLD = {"strong", "b"}
# The article holds at least this share of the page's prose.
ARTICLE_SHARE = 0.75
# A table cell longer than this is page layout, not data.
DATA_CELL_CHARS = 300


@dataclass
class _Line:
    text: str
    element: object  # the block element the line came from
    link_chars: int
    rank: float | None = None  # heading rank its markup implies


def html_to_text(path: Path, html: str) -> RawText:
    """The article of a page as text lines, with the page's metadata and heading marks."""
    import lxml.html

    html = language.XML_DECLARATION.sub("", html)
    # A stray end tag of the page before its article would end the parse there (HTML5 parsers
    # go on in the body): the page's own end tags are dropped before parsing.
    root = lxml.html.document_fromstring(language.PAGE_END_TAG.sub("", html) or "<html></html>")
    meta = _page_meta(root)
    body = root.find("body")
    lines = _Walker().lines(body if body is not None else root)
    if not any(line.text for line in lines):
        raise LoadError("no text found in the HTML page")
    start, end = _article(lines)
    headline = _headline(root, lines, start, meta)
    if headline is not None and headline < start:
        start = headline
    kept = lines[start:end]
    removed = tuple(Removal(line.text, "page chrome outside the article") for line in lines[:start] + lines[end:] if line.text)
    title = meta.get("title") or (lines[headline].text if headline is not None else "")
    text_lines = [line.text for line in kept]
    if title and not any(squash(title) == squash(t) for t in text_lines[:8]):
        text_lines.insert(0, title)  # the headline sits outside the markup the article came in
    headings = {squash(line.text): line.rank for line in kept if line.rank is not None and line.text}
    if headline is not None:
        headings[squash(lines[headline].text)] = TITLE_RANK
    if title:
        meta["title"] = title
        headings[squash(title)] = TITLE_RANK
    return RawText(path, "\n".join(text_lines), Hints(headings=headings, meta=meta), removed)


def _page_meta(root: object) -> dict[str, str]:
    """`<meta>` fields and the `<title>`, split from its site name ("通知--教科室-某某中学")."""
    meta: dict[str, str] = {}
    for tag in root.iter("meta"):  # type: ignore[attr-defined]
        name = (tag.get("name") or tag.get("property") or "").strip().lower()
        content = " ".join((tag.get("content") or "").split())
        field_name = language.META_TAGS.get(name)
        if field_name and content and field_name not in meta:
            meta[field_name] = content
    title = root.find(".//title")  # type: ignore[attr-defined]
    if title is not None and title.text_content().strip():
        parts = [p for p in language.TITLE_SEPARATORS.split(" ".join(title.text_content().split())) if p.strip()]
        if parts:
            meta.setdefault("page_title", parts[0].strip())
            if len(parts) > 1:
                meta.setdefault("site", parts[-1].strip())
    return meta


def _article(lines: list[_Line]) -> tuple[int, int]:
    """The [start, end) line range of the smallest container holding most of the prose."""
    prose = [_prose_chars(line) for line in lines]
    total = sum(prose)
    if not total:
        return 0, len(lines)
    held: dict[object, int] = {}
    depth: dict[object, int] = {}
    for line, chars in zip(lines, prose):
        if chars:
            for n, element in enumerate(_ancestors(line.element)):
                held[element] = held.get(element, 0) + chars
                depth.setdefault(element, n)
    candidates = [e for e, chars in held.items() if chars >= ARTICLE_SHARE * total and _tag(e) in _CONTAINERS]
    if not candidates:
        return 0, len(lines)
    best = min(candidates, key=lambda e: depth[e])
    inside = [i for i, line in enumerate(lines) if best in _ancestors(line.element)]
    return inside[0], inside[-1] + 1


def _headline(root: object, lines: list[_Line], start: int, meta: dict[str, str]) -> int | None:
    """The line of the page's headline: an h1-h3 or "title"-classed element before the
    article whose text the page's <title> or meta title holds (the nearest one wins)."""
    names = [squash(meta[k]) for k in ("title", "page_title") if meta.get(k)]
    best = None
    for i, line in enumerate(lines[: start + 8]):
        text = squash(line.text)
        if len(text) < 4 or not names:
            continue
        element = line.element
        marked = _tag(element) in ("h1", "h2", "h3") or language.HEADLINE_CLASS.search(
            f"{element.get('class') or ''} {element.get('id') or ''}"  # type: ignore[attr-defined]
        )
        if marked and any(text == n or (len(text) >= 6 and (text in n or n in text)) for n in names):
            best = i if best is None or i <= start else best
    return best


def _prose_chars(line: _Line) -> int:
    """Characters of running text in a line (link text is menus and lists, not prose)."""
    chars = len(line.text) - line.link_chars
    return chars if is_prose(line.text) and line.link_chars * 2 < len(line.text) else 0


def _ancestors(element: object) -> list[object]:
    chain = [element]
    chain.extend(element.iterancestors())  # type: ignore[attr-defined]
    return chain


def _tag(element: object) -> str:
    tag = getattr(element, "tag", "")
    return tag.lower() if isinstance(tag, str) else ""


class _Walker:
    """Turns a DOM into text lines: block elements break lines, inline text joins."""

    def lines(self, root: object) -> list[_Line]:
        self.out: list[_Line] = []
        self.parts: list[tuple[str, bool, bool]] = []  # (text, in a link, in bold)
        self.block = root
        self._walk(root, in_link=False, in_bold=False)
        self._flush()
        return self.out

    def _walk(self, element: object, in_link: bool, in_bold: bool) -> None:
        tag = _tag(element)
        if tag in _DROP or not isinstance(getattr(element, "tag", None), str):
            self._tail(element, in_link, in_bold)
            return
        if tag == "br":
            self._flush()
            self._tail(element, in_link, in_bold)
            return
        if tag == "tr" and self._is_data_row(element):
            self._flush()
            cells = [c.text_content() for c in element if _tag(c) in ("td", "th")]  # type: ignore[attr-defined]
            for row in table_rows([cells]):
                self.out.append(_Line(row, element, 0))
            self._tail(element, in_link, in_bold)
            return
        block = tag in _BLOCK
        if block:
            self._flush()
            outer, self.block = self.block, element
        link = in_link or tag == "a"
        bold = in_bold or tag in _BOLD
        if element.text:  # type: ignore[attr-defined]
            self.parts.append((element.text, link, bold))  # type: ignore[attr-defined]
        for child in element:  # type: ignore[attr-defined]
            self._walk(child, link, bold)
        if block:
            self._flush()
            self.block = outer
        self._tail(element, in_link, in_bold)

    def _tail(self, element: object, in_link: bool, in_bold: bool) -> None:
        tail = getattr(element, "tail", None)
        if tail:
            self.parts.append((tail, in_link, in_bold))

    def _flush(self) -> None:
        text = " ".join("".join(p for p, _, _ in self.parts).split())
        if text:
            links = sum(len(" ".join(p.split())) for p, link, _ in self.parts if link)
            self.out.append(_Line(text, self.block, links, self._rank(text)))
        self.parts = []

    def _rank(self, text: str) -> float | None:
        """The heading rank the markup gives this line: hN tags state it; a short line set
        wholly in bold, or centred, is a heading of the rank its numbering implies."""
        block = self.block
        tag = _tag(block)
        if tag in _HEADING_TAGS:
            return outline_rank(_HEADING_TAGS[tag])
        if len(text) > language.HEADING_MAX_CHARS or text[-1] in language.FINAL_MARKS:
            return None
        visible = squash("".join(p for p, _, _ in self.parts))
        bold = squash("".join(p for p, _, b in self.parts if b))
        style = f"{block.get('style') or ''} align={block.get('align') or ''}"  # type: ignore[attr-defined]
        centred = bool(language.CENTRED_STYLE.search(style)) or "align=center" in style.lower() or tag == "center"
        if (bold and bold == visible) or centred:
            return next((rank for rank, _, pattern in language.HEADING_STYLES if pattern.match(text)), language.PLAIN_HEADING_RANK)
        return None

    @staticmethod
    def _is_data_row(row: object) -> bool:
        """A row of a data table: two or more cells, none holding a table or a long text."""
        cells = [c for c in row if _tag(c) in ("td", "th")]  # type: ignore[attr-defined]
        return len(cells) >= 2 and all(
            c.find(".//table") is None and len(c.text_content()) <= DATA_CELL_CHARS for c in cells  # type: ignore[attr-defined]
        )
