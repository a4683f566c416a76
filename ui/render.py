"""HTML and Markdown for the app's panels, built from the engine's records, and the library
jobs' status lines.

Every piece of document or user text passes through `esc` before it reaches the page:
a report that contains `<script>` shows it as text.
"""

from __future__ import annotations

import difflib
import html
import os
import re
from collections.abc import Iterable, Sequence

from rag import language
from rag.library import Job, LibraryChange
from rag.rows import display_path
from rag.schema import Answer, Citation, Document, Hit, Match
from rag.search.queries import QueryError

# How much of the paragraph around a cited span to show on each side.
CONTEXT_CHARS = 160


def esc(text: str) -> str:
    """HTML-escaped text, with `$`, `{` and `}` as entities too, so no template syntax
    survives into the page."""
    return html.escape(text).replace("$", "&#36;").replace("{", "&#123;").replace("}", "&#125;")


def file_name(source: str) -> str:
    return os.path.basename(source)


def marked(text: str, spans: Iterable[tuple[int, int]], tag: str = "mark") -> str:
    """`text` escaped, with each (start, end) span wrapped in `<tag>`; spans may overlap."""
    covered = [False] * len(text)
    for start, end in spans:
        for i in range(max(start, 0), min(end, len(text))):
            covered[i] = True
    out, i = [], 0
    while i < len(text):
        j = i
        while j < len(text) and covered[j] == covered[i]:
            j += 1
        piece = esc(text[i:j])
        out.append(f"<{tag}>{piece}</{tag}>" if covered[i] else piece)
        i = j
    return "".join(out)


def term_spans(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Where any of `terms` occurs in `text` (case-insensitive)."""
    lowered = text.lower()
    spans = []
    for term in terms:
        at = lowered.find(term)
        while term and at >= 0:
            spans.append((at, at + len(term)))
            at = lowered.find(term, at + len(term))
    return spans


def in_context(document: Document, start: int, end: int, tag: str = "mark") -> str:
    """The span highlighted inside its paragraph, cut to `CONTEXT_CHARS` on each side."""
    text = document.text
    para_start = text.rfind("\n", 0, start) + 1
    para_end = text.find("\n", end)
    para_end = len(text) if para_end < 0 else para_end
    left, right = max(para_start, start - CONTEXT_CHARS), min(para_end, end + CONTEXT_CHARS)
    before = ("…" if left > para_start else "") + esc(text[left:start])
    after = esc(text[end:right]) + ("…" if right < para_end else "")
    return f"{before}<{tag}>{esc(text[start:end])}</{tag}>{after}"


def _head(title: str, source: str, extra: str = "") -> str:
    return (
        f'<div class="rag-head"><span class="rag-title">{esc(title)}</span>'
        f'<span class="rag-source">{esc(file_name(source))}</span>{extra}</div>'
    )


# --------------------------------------------------------------------------------------
# 问答
# --------------------------------------------------------------------------------------


def answer_html(answer: Answer) -> str:
    """The answer with each [n] a link to its source below."""

    def link(match: re.Match[str]) -> str:
        numbers = language.DIGITS.findall(match.group(1))
        return "".join(f'<a class="rag-cite" href="#rag-src-{n}">[{n}]</a>' for n in numbers)

    lines = []
    for line in answer.text.splitlines():
        pieces, last = [], 0
        for m in language.CITATION_MARKER.finditer(line):
            pieces += [esc(line[last : m.start()]), link(m)]
            last = m.end()
        pieces.append(esc(line[last:]))
        lines.append("".join(pieces))
    body = "<br>".join(lines)
    kind = "rag-abstained" if answer.abstained else "rag-answer"
    notes = "".join(f'<p class="rag-note">{esc(n)}</p>' for n in answer.notes)
    notes += "".join(f'<p class="rag-note">未找到依据：{esc(s)}</p>' for s in answer.unsupported)
    return f'<div class="{kind}">{body}</div>{notes}'


def draft_html(text: str) -> str:
    """An LLM answer while it streams, before its citations are checked."""
    return f'<div class="rag-draft">{esc(text)}</div>'


def sources_html(answer: Answer, documents: dict[str, Document]) -> str:
    """One card per citation: title, source file and the cited sentence in its paragraph;
    for an abstention, the closest passages instead."""
    if answer.abstained:
        if not answer.sources:
            return ""
        cards = "".join(hit_card(h, i, ()) for i, h in enumerate(answer.sources[:3], start=1))
        return f'<p class="rag-note">最接近的段落（不足以回答）：</p>{cards}'
    return "".join(_citation_card(c, documents.get(c.doc_id)) for c in answer.citations)


def _citation_card(citation: Citation, document: Document | None) -> str:
    level = f'<span class="rag-level">依据{esc(citation.level)}</span> ' if citation.level else ""
    span = f'{level}<span class="rag-span">第 {citation.start}–{citation.end} 字</span>'
    body = in_context(document, citation.start, citation.end) if document else f"<mark>{esc(citation.text)}</mark>"
    return (
        f'<div class="rag-card" id="rag-src-{citation.n}"><span class="rag-n">[{citation.n}]</span>'
        f"{_head(citation.title, citation.source, span)}<p>{body}</p></div>"
    )


def answer_markdown(answer: Answer) -> str:
    """The answer and its sources as Markdown, for copying into a note or report."""
    lines = [f"**问题：** {answer.question}", "", answer.text]
    lines += [f"> {note}" for note in answer.notes]
    if answer.abstained and answer.sources:
        lines += ["", "**最接近的段落**", ""]
        lines += [f"- 《{h.title}》（{display_path(h.source)}）：{h.text}" for h in answer.sources[:3]]
    if answer.citations:
        lines += ["", "**来源**", ""]
        lines += [
            f"{c.n}. 《{c.title}》（{display_path(c.source)}，第 {c.start}–{c.end} 字{f'，依据{c.level}' if c.level else ''}）：{c.text}"
            for c in answer.citations
        ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------
# 检索, 相似段落
# --------------------------------------------------------------------------------------


def hit_card(hit: Hit, rank: int, terms: Sequence[str]) -> str:
    heading = " › ".join(hit.heading)
    extra = f'<span class="rag-score">得分 {hit.score:.4f}</span>'
    path = f'<div class="rag-heading">{esc(heading)}</div>' if heading else ""
    return (
        f'<div class="rag-card rag-hit"><span class="rag-n">{rank}</span>{_head(hit.title, hit.source, extra)}'
        f"{path}<p>{marked(hit.text, term_spans(hit.text, terms))}</p></div>"
    )


def similar_html(groups: Sequence[tuple[Hit, tuple[int, int]]]) -> str:
    """Similar passages, one group per document: the similarity and the passage with its
    closest sentence highlighted (`(start, end)` in document offsets)."""
    if not groups:
        return '<p class="rag-note">其他文档中没有找到相似段落。</p>'
    cards = []
    for rank, (hit, (start, end)) in enumerate(groups, start=1):
        extra = f'<span class="rag-score">相似度 {hit.score:.0%}</span>'
        body = marked(hit.text, [(start - hit.start, end - hit.start)])
        cards.append(
            f'<div class="rag-card rag-similar"><span class="rag-n">{rank}</span>'
            f"{_head(hit.title, hit.source, extra)}<p>{body}</p></div>"
        )
    return "".join(cards)


# --------------------------------------------------------------------------------------
# 原文定位
# --------------------------------------------------------------------------------------


def diff_html(pasted: str, original: str) -> tuple[str, str]:
    """The pasted text with what the original lacks struck out, and the original with
    what the paste lacks marked: character by character."""
    matcher = difflib.SequenceMatcher(None, pasted, original, autojunk=False)
    mine, theirs = [], []
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            mine.append(esc(pasted[a0:a1]))
            theirs.append(esc(original[b0:b1]))
            continue
        if a1 > a0:
            mine.append(f"<del>{esc(pasted[a0:a1])}</del>")
        if b1 > b0:
            theirs.append(f"<ins>{esc(original[b0:b1])}</ins>")
    return "".join(mine), "".join(theirs)


def matches_html(pasted: str, matches: Sequence[Match], documents: dict[str, Document]) -> str:
    if not matches:
        return '<p class="rag-note">没有找到这句话的出处。</p>'
    cards = []
    for rank, match in enumerate(matches, start=1):
        badge = "原文一致" if match.exact else f"相似度 {match.similarity:.0%}"
        extra = f'<span class="rag-score">{badge}</span>'
        document = documents.get(match.doc_id)
        context = in_context(document, match.start, match.end) if document else esc(match.text)
        mine, theirs = diff_html(pasted.strip(), match.text)
        diff = (
            f'<div class="rag-diff"><div><b>您输入的：</b>{mine}</div><div><b>原文：</b>{theirs}</div></div>'
            if not match.exact or pasted.strip() != match.text
            else ""
        )
        cards.append(
            f'<div class="rag-card rag-match"><span class="rag-n">{rank}</span>'
            f"{_head(match.title, match.source, extra)}<p>{context}</p>{diff}</div>"
        )
    return "".join(cards)


# What each input box asks for, when it is empty.
EMPTY_PROMPTS = {
    "question": "请输入问题。",
    "query": "请输入检索词。",
    "passage": "请粘贴一段文字。",
    "text": "请粘贴要查找出处的句子。",
}


def query_error_html(error: QueryError) -> str:
    """Why an input cannot be searched, in the page's language."""
    if error.reason == "empty":
        return message_html([(False, EMPTY_PROMPTS.get(error.field, "请输入内容。"))])
    return message_html([(False, "输入中没有可检索的文字（只有标点、符号或表情），请换个说法。")])


def notes_html(notes: Sequence[str | None]) -> str:
    """Notes above results (e.g. that a long paste was cut); None entries are skipped."""
    return "".join(f'<p class="rag-note">{esc(note)}</p>' for note in notes if note)


def message_html(lines: Sequence[tuple[bool, str]]) -> str:
    """Status lines for the library: (ok, text)."""
    return "".join(f'<p class="{"rag-ok" if ok else "rag-error"}">{esc(text)}</p>' for ok, text in lines)


# --------------------------------------------------------------------------------------
# 文档库
# --------------------------------------------------------------------------------------


def job_lines(job: Job[LibraryChange], ahead: int) -> list[tuple[bool, str]]:
    """Where a library job is, or what it did, as status lines for the page."""
    what = {"upload": f"上传 {job.subject}", "delete": f"删除《{job.subject}》", "rebuild": "重建索引"}[job.kind]
    if job.state == "queued":
        return [(True, f"排队中：{what}（前面还有 {ahead} 个任务）")]
    if job.state == "failed":
        return [(False, f"未完成：{what}：{job.error}")]
    if job.state == "done" and job.result is not None:
        return _report_lines(job.result) or [(True, f"已完成：{what}")]
    p = job.progress
    if p is None:
        return [(True, f"正在进行：{what}")]
    line = f"正在进行：{what}：已读取 {p.files_done}/{p.files_total} 个文件"
    if p.texts_total:
        line += f"，已向量化 {p.texts_done}/{p.texts_total} 段文本"
    if p.seconds_left is not None:
        line += f"，预计还需 {p.seconds_left:.0f} 秒"
    return [(True, line + ("，正在写入索引" if p.stage == "writing" else ""))]


def _report_lines(change: LibraryChange) -> list[tuple[bool, str]]:
    """What a library change did, as status lines for the page."""
    lines = [(True, f"已加入 {name}：{len(titles)} 篇文档（{'、'.join(titles)}）") for name, titles in change.added]
    lines += [(False, f"未加入 {name}：{reason}") for name, reason in change.rejected]
    if change.removed:
        lines.append((True, f"已删除 {len(change.removed)} 篇文档：{'、'.join(change.removed)}"))
    if change.report is not None:
        r = change.report
        lines.append((True, f"索引已更新：{r.documents} 篇文档，{r.chunks} 个段落，用时 {r.seconds:.1f} 秒。"))
    return lines
