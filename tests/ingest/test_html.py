"""HTML pages (rag.ingest.formats.html): the article is kept with its headline and info line, site
chrome (menus, footers) goes to the ledger, and the page's metadata comes along."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.ingest import LoadError
from rag.ingest.formats import html_to_text

pytestmark = pytest.mark.fast

FIRST = "各县（区）教育局：为进一步提升教师专业能力，全市将于2026年暑期组织中小学教师全员培训，每名教师参训不少于72学时，培训经费由市级财政统筹安排。"
SECOND = "各地要按照分级负责的原则，认真制定本地培训方案，确保参训教师覆盖全部乡村学校，培训结束后组织考核并记入教师继续教育档案。"
PAGE = f"""<html><head><title>关于做好教师培训工作的通知_青川市教育局</title></head><body>
<div class="nav"><a href="/">首页</a> <a href="/a">机构概况</a> <a href="/b">政务公开</a></div>
<div class="main"><h1>关于做好教师培训工作的通知</h1><p>发布时间：2026-03-04 来源：青川市教育局</p>
<p>{FIRST}</p>
<p>{SECOND}</p><script>var tracker = 1;</script></div>
<div class="footer"><p>版权所有：青川市教育局 网站标识码1234 ICP备案号</p></div></body></html>"""


def test_the_article_keeps_its_headline_info_line_and_body() -> None:
    raw = html_to_text(Path("notice.html"), PAGE)
    assert raw.text.splitlines() == ["关于做好教师培训工作的通知", "发布时间：2026-03-04 来源：青川市教育局", FIRST, SECOND]


def test_menus_and_footers_go_to_the_ledger() -> None:
    raw = html_to_text(Path("notice.html"), PAGE)
    assert [(r.text, r.rule) for r in raw.removed] == [
        ("首页 机构概况 政务公开", "page chrome outside the article"),
        ("版权所有：青川市教育局 网站标识码1234 ICP备案号", "page chrome outside the article"),
    ]
    assert "tracker" not in raw.text and "首页" not in raw.text


def test_the_page_title_is_split_from_the_site_name() -> None:
    hints = html_to_text(Path("notice.html"), PAGE).hints
    assert hints.meta["title"] == "关于做好教师培训工作的通知" and hints.meta["site"] == "青川市教育局"
    assert "关于做好教师培训工作的通知" in hints.headings


def test_a_page_without_text_is_refused() -> None:
    with pytest.raises(LoadError, match="no text found in the HTML page"):
        html_to_text(Path("empty.html"), "<html><body><script>x = 1</script></body></html>")


def test_a_stray_end_of_page_before_the_article_loses_nothing() -> None:
    page = (
        "<html><head><title>某县关于做好防汛工作的通知_某县人民政府</title></head><body><div class='nav'>首页 政务公开</div>"
        "</body></html>\n<div class='article'><h1>某县关于做好防汛工作的通知</h1>"
        "<p>各乡镇人民政府：入汛以来，全县降雨明显偏多，各地要压实防汛责任，加强隐患排查，确保群众生命财产安全。</p>"
        "<p>请于6月30日前报送排查情况。各地要落实24小时值班制度，发现险情及时上报。</p></div></body></html>"
    )
    raw = html_to_text(Path("page.html"), page)
    assert "请于6月30日前报送排查情况。" in raw.text and "入汛以来" in raw.text
