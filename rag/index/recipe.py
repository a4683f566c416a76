"""What gets embedded and tokenised for a chunk, and how sentences are tied to chunks.
The manifest names this recipe (`TEXT_RECIPE`): segments made by another are not reused."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from functools import lru_cache

from rag.chunking import sentence_spans
from rag.index.segment import SegmentRecords
from rag.schema import Chunk, Document, Sentence
from rag.stores.tokens import tokenize
from rag.textshape import squash

# Bump when `embedding_text` or `lexical_tokens` change what is embedded or tokenised:
# vectors and tokens from an index built the old way are then not reused.
TEXT_RECIPE = 3


def document_label(document: Document) -> str:
    """The words users name a document by: its title, then the issuer, 发文字号, year and
    kind the title does not already say ("…的意见（国务院办公厅 国办发〔2015〕71号 2015年）")."""
    year = f"{document.date[:4]}年" if document.date else None
    title = squash(document.title)
    extra = [x for x in (document.issuer, document.doc_number, year, document.kind) if x and squash(x) not in title]
    return document.title + (f"（{' '.join(extra)}）" if extra else "")


def embedding_text(document: Document, span: Chunk | Sentence, with_context: bool) -> str:
    """A chunk or sentence as the model sees it: after its title (and, for a chunk, its
    heading path) when `with_context`, since a passage like "新增学位4.8万个" is only
    findable by its region. Sentences get the title only: a heading is often a whole lead
    sentence that would outweigh the short sentence it stands over (benchmarks/retrieval.py).
    The rest of the document's label (issuer, year, 发文字号) goes to BM25 and to the
    ranking of documents a query names (`retrieval`), not into the vectors: measured with
    it there, the sample corpus lost a question (benchmarks/metadata.py)."""
    text = document.text[span.start : span.end]
    if not with_context:
        return text
    headings = document.heading_path(span.start) if isinstance(span, Chunk) else ()
    return " > ".join((document.title, *headings)) + "\n" + text


def segment_texts(segment: SegmentRecords, spans: Sequence[Chunk | Sentence], with_context: bool) -> list[str]:
    """`embedding_text` of each of a segment's chunks (or sentences)."""
    documents = {d.doc_id: d for d in segment.documents}
    return [embedding_text(documents[s.doc_id], s, with_context) for s in spans]


def document_sentences(documents: list[Document], chunks: list[Chunk]) -> list[Sentence]:
    """Every sentence of `documents`, each tied to the chunk (position in `chunks`) that
    holds most of it (the first such chunk on a tie)."""
    sentences = []
    rows_by_doc: dict[str, list[int]] = {}
    for row, chunk in enumerate(chunks):
        rows_by_doc.setdefault(chunk.doc_id, []).append(row)
    for document in documents:
        rows = rows_by_doc.get(document.doc_id, [])
        if not rows:
            continue
        # Chunks and sentences both run in text order: sweep them together (linear time
        # even for a report of thousands of chunks).
        first = 0
        for start, end in sentence_spans(document.text):
            while first < len(rows) - 1 and chunks[rows[first]].end <= start:
                first += 1
            best, best_row = None, rows[first]
            for row in rows[first:]:
                chunk = chunks[row]
                if chunk.start >= end:
                    break
                shared = min(end, chunk.end) - max(start, chunk.start)
                if best is None or shared > best:
                    best, best_row = shared, row
            sentences.append(Sentence(document.doc_id, start, end, best_row))
    return sentences


def lexical_tokens(document: Document, chunk: Chunk) -> tuple[str, ...]:
    """BM25 sees the document's label too: questions name the region, the issuing body, the
    year or the 发文字号, passages often do not."""
    return tokens_of(f"{document_label(document)}\n{chunk.text}")


def chunk_tokens(documents: list[Document], chunks: list[Chunk]) -> list[tuple[str, ...]]:
    """`lexical_tokens` of each chunk."""
    by_id = {d.doc_id: d for d in documents}
    return [lexical_tokens(by_id[c.doc_id], c) for c in chunks]


@lru_cache(maxsize=4096)
def tokens_of(text: str) -> tuple[str, ...]:
    """Tokens of one chunk text. Reports repeat boilerplate and compilations repeat whole
    reports, so recent texts are remembered; tokens are interned so that a long file's
    millions of tokens share one string per word."""
    return tuple(sys.intern(t) for t in tokenize(text))
