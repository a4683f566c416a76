"""Search structures and where they are served from: dense vectors (dense), BM25 (bm25)
over jieba's tokens (tokens), the interfaces retrieval asks them through (protocols), and
the embedded and Milvus backends (backends, milvus).

The stores are re-exported here. The backends are not: they serve a loaded index
(`rag.index`), whose segments are built on these stores, so importing them here would
tie the two packages in a loop; import them as `from rag.stores.backends import open_backend`.
"""

from rag.stores.bm25 import LexicalStore, TermCounts, Vocabulary, bm25_idf, bm25_norm
from rag.stores.dense import DenseStore
from rag.stores.protocols import TextSearch, VectorSearch
from rag.stores.tokens import dictionary_count, dictionary_tag, load_tokenizer, tagged_words, tokenize, word_bounds

__all__ = [
    "DenseStore",
    "LexicalStore",
    "TermCounts",
    "TextSearch",
    "VectorSearch",
    "Vocabulary",
    "bm25_idf",
    "bm25_norm",
    "dictionary_count",
    "dictionary_tag",
    "load_tokenizer",
    "tagged_words",
    "tokenize",
    "word_bounds",
]
