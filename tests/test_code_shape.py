"""The bars the code is held to (docs/architecture.md), measured by benchmarks/code_shape.py:
no import cycles, no module over 450 lines (the language data excepted), no function over
100 lines, and the regular expressions in rag/language.py."""

from __future__ import annotations

import pytest
from conftest import load_benchmark

pytestmark = pytest.mark.fast

code_shape = load_benchmark("code_shape")


@pytest.fixture(scope="module")
def shape():  # type: ignore[no-untyped-def]
    return code_shape.measure()


def test_no_import_cycles(shape) -> None:  # type: ignore[no-untyped-def]
    assert shape.cycles == []


def test_no_module_over_the_line_limit(shape) -> None:  # type: ignore[no-untyped-def]
    long = {m: n for m, n in shape.module_lines.items() if n > code_shape.MAX_MODULE_LINES and m != code_shape.LANGUAGE_DATA}
    assert long == {}


def test_no_function_over_the_line_limit(shape) -> None:  # type: ignore[no-untyped-def]
    assert shape.long_functions == []


def test_regex_literals_live_in_the_language_data(shape) -> None:  # type: ignore[no-untyped-def]
    assert len(shape.regex_literals) <= code_shape.MAX_REGEX_LITERALS, shape.regex_literals
