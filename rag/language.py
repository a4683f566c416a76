"""What the ingest stages know about Chinese official documents, reports and web pages.

Every word list and pattern the mechanisms use lives here, each with what it is for. They
come from the genre, not from any one file: the elements of GB/T 9704-2012 (党政机关公文
格式), the heading levels Chinese documents number their sections with, the labels that
government sites, information-disclosure pages and legal databases print around a text.
Chinese documents mix full-width and ASCII punctuation freely, so every class accepts both.
"""

from __future__ import annotations

import re

# --------------------------------------------------------------------------------------
# Characters
# --------------------------------------------------------------------------------------

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = "\u3000-\u303f\uff00-\uffef“”‘’—…·"
# Marks that end a sentence.
SENTENCE_END = "。！？!?；;…"
# Punctuation that only occurs inside running text: a line containing one is prose, not a label.
PROSE_MARKS = "。，,；;！？!?"
# Marks that end a finished sentence (a heading never ends with one).
FINAL_MARKS = "。！？!?；;"
CN_NUMERAL = "一二三四五六七八九十百零〇"

# --------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------

# A calendar date, with an optional time: "2025年9月11日", "2022-03-25 13:23", "2024/1/5",
# "2026年02月10日 07时41分".
_DATE_PATTERN = (
    r"(?P<y>(?:19|20)\d{2})\s*(?:年|[-/.])\s*(?P<m>\d{1,2})\s*(?:月|[-/.])\s*(?P<d>\d{1,2})(?:\s*日)?"
    r"(?:\s*\d{1,2}(?::\d{2}|时)(?:\s*\d{1,2}分?)?(?::\d{2})?)?"
)
DATE = re.compile(_DATE_PATTERN)
# A line that is only a date, maybe bracketed: "(2025年9月11日)", "2025-09-16 13:23". Under a
# title it is the date of a report or speech; at the end of a 公文, its 成文日期.
DATE_LINE = re.compile(rf"^[(（\[【]?\s*{_DATE_PATTERN}\s*[)）\]】]?$")
# A date in Chinese numerals, as 公文 before 2012 and many signatures print it: "二〇一六年六月二十二日".
CN_DATE = re.compile(r"(?P<y>[一二三四五六七八九〇零]{4})年(?P<m>[一二三四五六七八九十]{1,2})月(?P<d>[一二三四五六七八九十]{1,3})日")
# A news release's dateline: "（新华社北京2020年10月15日电）", "本报讯（2025年3月1日）".
DATELINE = re.compile(rf"^[(（]?\s*[{CJK}]{{0,12}}?{_DATE_PATTERN}\s*电?\s*[)）]?$")
# The day a report or speech was delivered, under its title: "2026年1月14日在浙江省第十四届人民
# 代表大会第四次会议上", "（2023年3月5日国务院总理…向十四届全国人大一次会议作的政府工作报告）".
DELIVERED = re.compile(rf"^[(（]?\s*{_DATE_PATTERN}\s*[^。；]{{0,50}}?(?:会议|大会|人大|政协|论坛|典礼|仪式|座谈会)[^。；]{{0,40}}$")

# --------------------------------------------------------------------------------------
# Official-document elements (GB/T 9704-2012)
# --------------------------------------------------------------------------------------

# 发文字号: organ abbreviation, year in 〔〕 (often typed as [], 【】 or ()), serial number 号.
DOC_NUMBER = re.compile(rf"[{CJK}]{{1,12}}[〔［\[【(（]\s*(?:19|20)\d{{2}}\s*[〕］\]】)）]\s*第?\d{{1,4}}\s*号")
# A line holding only a 发文字号 (maybe bracketed, maybe with a signer "签发人：…" beside it).
DOC_NUMBER_LINE = re.compile(rf"^[(（]?\s*(?P<number>{DOC_NUMBER.pattern})\s*[)）]?(?:\s*签发人[:：].{{0,20}})?$")
# 发文机关标志: "某某省教育厅文件", or the organ name alone above a red line.
ISSUER_MARK = re.compile(rf"^[{CJK}、\s]{{2,40}}(?:文件|文件\s*[（(]?.{{0,6}}[)）]?)$")
# Document kinds (文种) a 标题 ends with, longest first so "实施意见" wins over "意见". Each
# maps to the kind users name: 实施意见 and 若干意见 are 意见; 工作报告 a 报告; 发言 a 讲话.
KINDS: tuple[tuple[str, str], ...] = (
    ("实施意见", "意见"), ("指导意见", "意见"), ("若干意见", "意见"), ("意见", "意见"),
    ("实施方案", "方案"), ("工作方案", "方案"), ("行动方案", "方案"), ("方案", "方案"),
    ("补充通知", "通知"), ("通知", "通知"), ("通告", "通告"), ("公告", "公告"), ("通报", "通报"),
    ("决定", "决定"), ("决议", "决议"), ("命令", "命令"), ("公报", "公报"),
    ("工作报告", "报告"), ("报告", "报告"), ("请示", "请示"), ("批复", "批复"), ("议案", "议案"),
    ("复函", "函"), ("函", "函"), ("纪要", "纪要"),
    ("规划纲要", "纲要"), ("纲要", "纲要"), ("规划", "规划"), ("计划", "计划"),
    ("工作要点", "要点"), ("要点", "要点"),
    ("管理办法", "办法"), ("实施办法", "办法"), ("办法", "办法"), ("实施细则", "细则"), ("细则", "细则"),
    ("规定", "规定"), ("条例", "条例"), ("规则", "规则"), ("标准", "标准"), ("指南", "指南"), ("章程", "章程"),
    ("讲话", "讲话"), ("致辞", "讲话"), ("发言", "讲话"), ("汇报", "汇报"),
    ("综述", "综述"), ("总结", "总结"), ("摘登", "摘登"),
)
# A 标题: "<organ>关于<matter>的<kind>" (organ optional), or "<organ>印发/转发《…》(的通知)".
TITLE_SHAPE = re.compile(
    rf"^(?:(?P<issuer>[{CJK}、\s·（）()]{{2,60}}?)(?:关于|印发|转发|批转))?.{{0,120}}?"
    rf"(?:的)?(?:{'|'.join(k for k, _ in KINDS)})(?:》)?(?:[（(][^）)]{{1,20}}[)）])?$"
)
# "关于" opens the matter of a 标题; the words before it name the issuing organ(s).
TITLE_ABOUT = re.compile(rf"^(?P<issuer>[{CJK}、\s·]{{2,60}}?)(?:关于|印发|转发|批转)")
# Forwarding and issuing verbs at the start of a 标题: "转发X关于…" is forwarded, not issued, by X's reader.
TITLE_RELAY = re.compile(r"^(?:转发|印发|批转)")
# 主送机关: a line naming the recipients and ending with a colon ("各省、自治区、直辖市人民政府，…：").
RECIPIENT = re.compile(rf"^[{CJK}（）()、，,\s]{{2,120}}[：:]$")
RECIPIENT_WORDS = re.compile(r"各|人民政府|部门|单位|机构|教育厅|教育局|委员会|学校|党委|同志们|老师|代表")
# Salutations that open a speech: "各位代表：", "同志们：", "尊敬的各位领导，同志们：".
SALUTATION = re.compile(r"^(?:尊敬的)?(?:各位|同志们|老师们|同学们|女士们|朋友们)[^。]{0,30}[：:!！]$")
# 附件说明: "附件：1.……" (the attachment list under the body).
ATTACHMENT = re.compile(r"^附\s*件\s*\d*\s*[:：]")
# 版记: 抄送 line and 印发机关和印发日期 ("某某办公室 2026年3月6日印发").
COPY_TO = re.compile(r"^抄\s*送\s*[:：]")
PRINTED = re.compile(rf"^[{CJK}\s]{{2,40}}{_DATE_PATTERN}\s*印\s*发$")
# Organs that sign a document or speak in a speech set; the suffixes organs end with.
ORGAN_SUFFIX = (
    "委员会|人民政府|政府|办公厅|办公室|教育厅|教育局|厅|局|委|部|署|院|会|中心|协会|学会|大学|学院|学校|研究院|研究所|"
    "党委|党组|总局|集团|公司|联合会|妇联|团委|科室|处|司"
)
ORGAN = re.compile(rf"^(?:中共|中国共产党)?[{CJK}]{{1,30}}(?:{ORGAN_SUFFIX})$")
# The central organs whose names end in no organ suffix: "中共中央 国务院关于…".
CENTRAL_ORGANS = ("中共中央", "国务院", "中央", "党中央")
# Several organs signing together: "中共中央 国务院", "教育部 财政部".
ORGANS = re.compile(rf"^(?:(?:中共|中国共产党)?[{CJK}]{{1,30}}(?:{ORGAN_SUFFIX}|中央|国务院)[、\s]+)+(?:中共|中国共产党)?[{CJK}]{{1,30}}(?:{ORGAN_SUFFIX}|中央|国务院)$")
# A speech set's speaker line: an organisation alone on its line (the narrower, older list:
# a signature may be any organ, a speaker heads a speech).
SPEAKER_ORGAN = re.compile(rf"^[{CJK}]{{2,24}}(?:委员会|教育厅|教育局|厅|局|委|政府|办公室|大学|学院|学校|研究院|中心|协会)$")
# A speaker's byline: "四川省人民政府省长 施小琳", "青川市副市长 李明", "国务院总理 李强".
POSITIONS = "省长|副省长|市长|副市长|县长|区长|州长|主席|副主席|总理|副总理|部长|副部长|厅长|副厅长|局长|副局长|主任|副主任|书记|副书记|校长|院长|委员"
SPEAKER = re.compile(rf"^(?P<organ>[{CJK}]{{0,30}}?)(?:{POSITIONS})\s*(?P<name>[{CJK}·]{{2,4}}|[{CJK}]某某)$")

# --------------------------------------------------------------------------------------
# Page and database metadata
# --------------------------------------------------------------------------------------

# Labels of page and information-disclosure metadata, and the field each one fills. A line made
# of such "label：value" pairs is metadata, never body text. Longest labels first.
META_LABELS: tuple[tuple[str, str], ...] = (
    ("信息名称", "title"), ("文件名称", "title"), ("标题", "title"), ("名称", "title"),
    ("信息索引", "index_number"), ("索引号", "index_number"), ("索 引 号", "index_number"),
    ("发文机构", "issuer"), ("发文机关", "issuer"), ("发布机构", "issuer"), ("发布机关", "issuer"), ("制发机关", "issuer"),
    ("发文字号", "doc_number"), ("文号", "doc_number"),
    ("成文日期", "written"), ("发文日期", "written"), ("印发日期", "written"),
    ("生成日期", "published"), ("发布日期", "published"), ("发布时间", "published"), ("发表时间", "published"),
    ("公开日期", "published"), ("更新时间", "published"), ("时间", "published"), ("日期", "published"),
    ("实施日期", "effective"), ("施行日期", "effective"), ("生效日期", "effective"), ("有效性", "validity"), ("时效性", "validity"),
    ("信息类别", "category"), ("主题分类", "category"), ("主题词", "category"), ("分类", "category"), ("效力级别", "category"),
    ("内容概述", "summary"), ("摘要", "summary"),
    ("文章来源", "source"), ("信息来源", "source"), ("来源", "source"), ("稿源", "source"),
    ("作者", "author"), ("撰稿", "author"), ("编辑", "editor"), ("责任编辑", "editor"),
    ("点击数", "views"), ("浏览次数", "views"), ("浏览量", "views"), ("阅读次数", "views"), ("访问量", "views"),
    ("公开方式", "other"), ("公开范围", "other"), ("体裁分类", "other"), ("组配分类", "other"),
    ("法宝引证码", "citation_code"), ("引证码", "citation_code"), ("原文链接", "url"), ("链接地址", "url"),
)
# The fields a page prints under an article ("来源：…", "责任编辑：…"): after the last paragraph a
# line of only these is metadata; any other label there ("时间：…" of a meeting) is content.
CLOSING_FIELDS = ("source", "editor", "author", "url", "citation_code", "views")
# Page widgets printed after a metadata value on the same line: "来源：某市教育局 【字体：大 中 小】 打印本页".
VALUE_CHROME = re.compile(r"【|\s(?:打印|关闭|分享|收藏)")
# Metadata a legal database prints as "【标题】…", "【发布部门】…".
BRACKET_FIELD = re.compile(r"^[【\[](?P<label>[^】\]]{2,8})[】\]]\s*(?P<value>.*)$")
BRACKET_LABELS: dict[str, str] = {
    "标题": "title", "发布部门": "issuer", "发文字号": "doc_number", "发布日期": "written", "实施日期": "effective",
    "时效性": "validity", "效力级别": "category", "法规类别": "category", "来源": "source", "法宝引证码": "citation_code",
}
# The prefix a legal database stamps on each export: "北大法宝【法宝引证码】 CLI.12.1199446".
DATABASE_STAMP = re.compile(r"^.{0,10}【(?:法宝)?引证码】")
# Fields that are shown to the user (`rag inspect`, `Document.meta`); noise like view counts is not kept.
KEPT_FIELDS = ("published", "written", "effective", "source", "author", "index_number", "category", "summary", "citation_code", "url", "validity", "speaker", "site")

# --------------------------------------------------------------------------------------
# Headings
# --------------------------------------------------------------------------------------

# Heading styles by how deep they nest in Chinese documents (lower rank = outer). A document
# uses a few of them; their levels are their ranks' order within that document.
HEADING_STYLES: tuple[tuple[float, str, re.Pattern[str]], ...] = (
    (1.0, "第X编/篇/部分", re.compile(rf"^第[{CN_NUMERAL}\d]+(?:编|篇|部分)(?![，,、])")),
    (2.0, "第X章", re.compile(rf"^第[{CN_NUMERAL}\d]+章")),
    (3.0, "第X节", re.compile(rf"^第[{CN_NUMERAL}\d]+节")),
    (4.0, "一、", re.compile(rf"^[{CN_NUMERAL}]+[、.．]")),
    (5.0, "（一）", re.compile(rf"^[（(][{CN_NUMERAL}]+[)）]")),
    (6.0, "第X条", re.compile(rf"^第[{CN_NUMERAL}\d]+条")),
    (7.0, "1.", re.compile(r"^\d{1,2}[.．、](?!\d)")),
    (8.0, "（1）", re.compile(r"^[（(]\d{1,2}[)）]")),
    (8.5, "一是/第一，", re.compile(rf"^(?:[{CN_NUMERAL}]+是|第[{CN_NUMERAL}]+[,，、:：]|(?:首先|其次|再次|最后)[,，])")),
    (9.0, "①", re.compile(r"^[①-⑳]")),
)
# Rank of a heading with no enumerator (a bold, centred or styled line, or a short line alone):
# inside chapters and sections, outside 一、 headings.
PLAIN_HEADING_RANK = 3.5
# Rank of an un-numbered lead sentence used as a heading throughout ("聚焦思政建设,把牢…。").
PLAIN_LEAD_RANK = 9.5
# An inline heading: the short first sentence of a paragraph ("（一）指导思想。全面贯彻……").
LEAD = re.compile(rf"^([^{SENTENCE_END}“‘「][^{SENTENCE_END}]{{1,47}}?)[。！？!?]")
# Lead sentences longer than this are the paragraph's first sentence, not its heading.
LEAD_MAX_CHARS = 40
PLAIN_LEAD_MAX_CHARS = 32
# A standalone heading line is at most this long.
HEADING_MAX_CHARS = 60

# --------------------------------------------------------------------------------------
# Web-page chrome
# --------------------------------------------------------------------------------------

# Short unpunctuated lines containing one of these are navigation, sharing widgets, contact or
# legal chrome of a web page. (A line with a comma or full stop is a sentence, never chrome.)
CHROME = re.compile(
    r"设为首页|加入收藏|无障碍|站内搜索|当前位置|您的位置|您现在的位置|欢迎(?:您|访问|光临)|网站地图|联系我们"
    r"|返回顶部|^顶部$|打印本页|关闭窗口|^【?(?:关闭|打印|收藏|下载|全屏|分享)】?$|分享到|^分享[:：]?$|扫一扫|微信咨询|在线咨询|咨询热线|服务热线"
    r"|微信订阅号|版权所有|copyright|©|ICP备|公网安备|网站标识码|主办单位|承办单位|技术支持|我要投稿|我要纠错"
    r"|(?:^|【)\s*(?:字号|字体)[:：]|^[【\[]?\s*(?:大|中|小|加大|还原|减小|默认)\s*[】\]]?$|^[【\[】\]]$"
    r"|^(?:相关(?:附件|链接|文件|报道|阅读|新闻))\s*[>》]*\s*[:：]?$",
    re.IGNORECASE,
)
# After the body has begun, one of these opens the page footer: everything from it on is
# dropped, unless more real paragraphs follow (several pages saved into one file), when only
# the label line goes. A list heading stands alone on its line; a label is followed by a colon.
FOOTER = re.compile(
    r"^(?:(?:相关(?:阅读|新闻|文章|链接|推荐|报道|附件|文件)|推荐阅读|热点推荐|延伸阅读|热门文章)\s*[>》]*\s*[:：]?\s*$"
    r"|(?:上一(?:条|篇)|下一(?:条|篇)|(?:版权与)?免责声明|版权声明|本文标题|本文链接|链接地址|原文链接|责任编辑)\s*[:：])"
)
# Separators of a navigation bar ("首页 | 新闻 | 通知", "首页 > 政务公开 >> 正文").
NAV_SEPARATOR = re.compile(r"\s[|｜]\s|>>|»|\s>\s|&gt;")
# View counters glued into bylines: "围观2908次", "阅读量：5120".
VIEW_COUNTER = re.compile(r"(?:围观|浏览|阅读|点击|访问)(?:次数|量|数)?\s*[:：]?\s*\d+\s*次?")
# Lines that are only a page number: "3", "- 3 -", "第3页", "3/12".
PAGE_NUMBER_LINE = re.compile(r"^(?:\d{1,4}|[-—]\s*\d{1,4}\s*[-—]|第\s*\d{1,4}\s*页.*|\d{1,4}\s*/\s*\d{1,4})$")
# A page number glued to the start of a page: "2、专业学校……".
PAGE_PREFIX = re.compile(r"^(\d{1,4})、\s*")
# Zero-width characters some sites insert; they are never content.
INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
# Separators between a page's headline and its site name in <title>: "通知--教科室-某某中学".
TITLE_SEPARATORS = re.compile(r"\s*(?:--+|__+|\s[-_|｜—–]\s|[_|｜])\s*")
# Table-of-contents entries: a title ending in its page number ("1.某市教育综述12").
TOC_ENTRY = re.compile(r"^\d{1,3}[.、．]|\d{1,4}$")
# Markers of the parts of a file of several speeches: "第二篇".
PART_MARKER = re.compile(rf"(?:^|(?<=[{SENTENCE_END}]))第[{CN_NUMERAL}\d]{{1,3}}篇", re.MULTILINE)
# Salutations a title may be glued to: "在……会上的发言尊敬的各位领导,同志们:".
GLUED_SALUTATION = re.compile(r"^(.{0,60}?)(?:尊敬的|各位领导|同志们)[^:：]{0,30}[:：]")

# --------------------------------------------------------------------------------------
# HTML pages
# --------------------------------------------------------------------------------------

# `<meta name|property=…>` tags that state a page's metadata, and the field each fills
# (government sites use the ArticleTitle/PubDate/ContentSource set; others Open Graph).
META_TAGS: dict[str, str] = {
    "articletitle": "title", "og:title": "title", "title": "title", "dc.title": "title",
    "pubdate": "published", "publishdate": "published", "article:published_time": "published",
    "og:article:published_time": "published", "dc.date": "published", "firstpublishedtime": "published",
    "contentsource": "source", "source": "source", "og:site_name": "site", "sitename": "site",
    "author": "author", "dc.creator": "author", "columnname": "category",
}
# Class or id words that mark a page's headline element ("title", "biaoti", "bt", "headline").
HEADLINE_CLASS = re.compile(r"(?:^|[\s_-])(?:title|headline|biaoti|bt|tit)(?:$|[\s_-])", re.IGNORECASE)

# --------------------------------------------------------------------------------------
# Naming a document in a question
# --------------------------------------------------------------------------------------

# A year as questions name a document's year: "2019年的意见", "2024年政府工作报告".
YEAR = re.compile(r"(?:19|20)\d{2}(?=年)")
# Words an issuer's name is often said without: "四川省人民政府办公厅" is "四川省政府办公厅",
# "中华人民共和国教育部" is "教育部".
ISSUER_OPTIONAL = ("中华人民共和国", "人民")
# Brackets a 发文字号's year is typed in, all read as 〔〕.
DOC_NUMBER_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "［": "〔", "］": "〕", "【": "〔", "】": "〕", "(": "〔", ")": "〕", "（": "〔", "）": "〕"})
