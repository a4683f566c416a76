"""Shared helpers for tests: fixtures are generated here, never copied from the gold set."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS = REPO_ROOT / "docs" / "corpus"

# A made-up report used across tests; long lines are prose, short ones headings.
PARAGRAPH_A = (
    "近年来，某市坚持把教育摆在优先发展的战略地位，全年新增公办学位1.2万个，"
    "改扩建中小学校37所，义务教育巩固率达到99.6%，教育经费投入逐年增长。"
)
PARAGRAPH_B = (
    "该市持续推进教师队伍建设，累计培训骨干教师4200人次，选派218名城镇教师赴乡村学校支教，"
    "实施“银龄讲学”计划，招募退休教师63名，乡村学校师资结构明显改善。"
)
PARAGRAPH_C = (
    "职业教育方面，该市新增智能制造、康养护理等12个专业，建成市域产教联合体2个，"
    "与86家企业开展订单培养，中职毕业生就业率达到96.5%，服务地方产业的能力持续提升。"
)


@pytest.fixture()
def corpus_dir() -> Path:
    return CORPUS
