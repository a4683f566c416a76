"""What the stages know about Chinese official documents, reports, web pages and questions.

Every word list and pattern the mechanisms use lives here, each with what it is for, and
every module imports it as `from rag import language`. They come from the genre, not from
any one file: the elements of GB/T 9704-2012 (党政机关公文格式), the heading levels Chinese
documents number their sections with, the labels that government sites, information-
disclosure pages and legal databases print around a text, and the words questions ask with.
Chinese documents mix full-width and ASCII punctuation freely, so every class accepts both.
The sections follow the pipeline: characters and dates, document elements, metadata,
headings, web chrome, HTML and other formats, then questions, retrieval and answers, BM25.
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
# Runs of whitespace: squashed out of text compared regardless of spacing (and of a 发文字号).
WHITESPACE = re.compile(r"\s+")
# A line of a text: its non-blank stretches between newlines.
LINE = re.compile(r"[^\n]+")
# A run of digits: masked in a PDF page's edge lines, where page numbers change; one number
# inside a citation marker.
DIGITS = re.compile(r"\d+")
# A colon, full-width or ASCII: a metadata label's ("来源："), so a line holding one titles no report.
COLON = re.compile(r"[:：]")
# A sentence as chunking and retrieval cut them: to the FINAL_MARKS (the same marks, with any
# closing quotes after them) or to the end of its line. Unlike SENTENCE_END, "…" alone does not
# end one, since it often stands inside a quote.
SENTENCE = re.compile(rf"[^\n]*?(?:[{FINAL_MARKS}]+[”’」』）)\"']*|(?=\n)|$)")
# A finished sentence of an extracted text, at least 6 characters on one line: what ingest is
# checked to keep (rag.evaluation.extracted_sentences).
EXTRACTED_SENTENCE = re.compile(r"[^。！？\n]{6,}[。！？]")
# A letter, digit or Chinese character (CJK: extension A, the unified ideographs and the
# compatibility block; HAS_WORD's single range also takes the hexagram symbols between the
# first two, and not the compatibility block): a sentence with fewer than 4 is a stray label.
WORD_CHAR = re.compile(rf"[0-9A-Za-z{CJK}]")

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
# A date in Chinese numerals, as 公文 before 2012 and many signatures print it: "二〇一六年六月二十二日"
# (the zero is also typed as the circle ○ or a letter O).
CN_DATE = re.compile(r"(?P<y>[一二三四五六七八九〇零○OＯ]{4})年(?P<m>[一二三四五六七八九十]{1,2})月(?P<d>[一二三四五六七八九十]{1,3})日")
# A date line that names only a month, as reports and plans sign off ("二〇二二年十二月", "2021年3月"):
# the document's date at month precision (a month stays a month).
MONTH_LINE = re.compile(r"^[(（]?\s*(?P<y>(?:19|20)\d{2}|[一二三四五六七八九〇零○OＯ]{4})\s*年\s*(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})\s*月\s*[)）]?$")
# A news release's dateline: "（新华社北京2020年10月15日电）", "本报讯（2025年3月1日）".
DATELINE = re.compile(rf"^[(（]?\s*[{CJK}]{{0,12}}?{_DATE_PATTERN}\s*电?\s*[)）]?$")
# A line opening with a dash under a title: the subtitle of a report or speech ("——在全省教育工作
# 会议上的讲话", "——2019年3月4日在…人民代表大会第三次会议上"): its occasion and date, never the title.
SUBTITLE = re.compile(r"^\s*(?:[—－─―]+|-{2,})\s*(?=\S)")
# A step of a law's history under its title ("2018年12月29日第十三届全国人民代表大会常务委员会第七次
# 会议…第二次修正"): adopted, revised, amended, approved or promulgated. The latest is the date of
# the text in force.
LEGISLATIVE_STEP = re.compile(r"(?:通过|修订|修正|批准|公布)[^。，]{0,30}[)）]?$")
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
# The year of a 发文字号 in whatever brackets it was typed or read: "〔2015〕", "（2015）", "[2015]".
DOC_NUMBER_YEAR = re.compile(r"[〔［\[【(（](\d{4})[〕］\]】)）]")
# 发文机关标志: "某某省教育厅文件", or the organ name alone above a red line.
ISSUER_MARK = re.compile(rf"^[{CJK}、\s]{{2,40}}(?:文件|文件\s*[（(]?.{{0,6}}[)）]?)$")
# The "文件" of a 发文机关标志 and what follows it: the organ is what stands before.
ISSUER_MARK_TAIL = re.compile(r"\s*文件.*$")
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
    # Attachments and disclosures that travel as documents of their own: an exam's 大纲, a list
    # of names or programmes, a department's budget or final accounts.
    ("考试大纲", "大纲"), ("大纲", "大纲"), ("名单", "名单"), ("部门预算", "预算"), ("部门决算", "决算"),
    # A law's name ends with 法 ("中华人民共和国义务教育法"); last, so that 办法 is tried first.
    ("法", "法"),
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
# Footnote marks a title may carry at its end ("…统计公报①", "…公报[1]"): not part of the title.
FOOTNOTE_MARK = re.compile(r"(?:[①-⑳]|[\[［]\d{1,2}[\]］]|\*)+$")
# A bracketed note closing a 标题, "（试行）", "（摘登）": the 文种 stands before it, or is the note.
TITLE_NOTE = re.compile(r"[（(]([^）)]{1,12})[)）]$")
# Spaces PDF and Word leave between Chinese characters (or brackets, quotes) and digits in a
# title ("关于开展 2025 年暑期…"); unlike STRAY_SPACE, those between two words ("中共中央 国务院") stay.
TITLE_STRAY_SPACE = re.compile(rf"(?<=[\d{CJK}（）《》“”])\s+(?=\d)|(?<=\d)\s+(?=[{CJK}（）《》“”])")
# 主送机关: a line naming the recipients and ending with a colon ("各省、自治区、直辖市人民政府，…：").
RECIPIENT = re.compile(rf"^[{CJK}（）()、，,\s]{{2,120}}[：:]$")
RECIPIENT_WORDS = re.compile(r"各|人民政府|部门|单位|机构|教育厅|教育局|委员会|学校|党委|同志们|老师|代表")
# Salutations that open a speech: "各位代表：", "同志们：", "尊敬的各位领导，同志们：".
SALUTATION = re.compile(r"^(?:尊敬的)?(?:各位|同志们|老师们|同学们|女士们|朋友们)[^。]{0,30}[：:!！]$")
# The label set above an attachment's or annex's own title ("附件1", "附件2：", "附表3", "大纲4"): a
# short word and its number alone on a line; the title is the line(s) below it.
PART_LABEL = re.compile(rf"^(?:附\s*件|附\s*表|附\s*录)\s*[\d０-９{CN_NUMERAL}]{{0,3}}\s*[:：]?$|^[{CJK}]{{1,3}}\s*[\d０-９]{{1,2}}\s*[:：]?$")
# A title or label typeset with spaces between its characters ("政 府 工 作 报 告", "通  知"): read
# without them.
LETTER_SPACED = re.compile(rf"^[{CJK}](?:[ \t\u3000]+[{CJK}])+$")
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
# A label of META_LABELS and its colon, longest labels tried first; after the first label of a
# line, the next ones may follow a value directly (PDF tables lose the spaces between cells).
META_LABEL_COLON = re.compile(
    r"(" + "|".join(re.escape(label) for label, _ in sorted(META_LABELS, key=lambda pair: -len(pair[0]))) + r")\s*[:：]"
)
# Punctuation, brackets and spaces around a byline's date: what is left names its site or paper.
BYLINE_PUNCT = re.compile(r"[:：|｜【】\[\]()（）\s]")
# A time of day in a date ("13:23", "07时"): a byline's, never a document's own date.
CLOCK_TIME = re.compile(r"\d(?::\d{2}|时)")
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
    (ARTICLE_RANK := 6.0, "第X条", re.compile(rf"^第[{CN_NUMERAL}\d]+条")),
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
# A space between two Chinese characters (or Chinese punctuation), or between Chinese and a
# digit or "*", is extraction damage in a long line; unlike TITLE_STRAY_SPACE it also joins words.
STRAY_SPACE = re.compile(
    rf"(?<=[{CJK}{CJK_PUNCT},.;:!?)])[ ]+(?=[{CJK}{CJK_PUNCT}(])|(?<=[{CJK}{CJK_PUNCT}])[ ]+(?=[\d*])|(?<=[\d%])[ ]+(?=[{CJK}])"
)
# A decimal number broken by a space after its point ("3. 5"), mended to "3.5".
SPLIT_DECIMAL = re.compile(r"(?<=\d)\.[ ]+(?=\d)")
# Separators between a page's headline and its site name in <title>: "通知--教科室-某某中学".
TITLE_SEPARATORS = re.compile(r"\s*(?:--+|__+|\s[-_|｜—–]\s|[_|｜])\s*")
# Table-of-contents entries: a title ending in its page number ("1.某市教育综述12").
TOC_ENTRY = re.compile(r"^\d{1,3}[.、．]|\d{1,4}$")
# A table-of-contents line: a title and its page number joined by dot leaders ("1.坚持党的
# 领导………3"): it lists the outline, and answers nothing.
DOT_LEADERS = re.compile(r"(?:…{2,}|\.{4,}|·{4,})\s*\d{0,4}")
# Markers of the parts of a file of several speeches: "第二篇".
PART_MARKER = re.compile(rf"(?:^|(?<=[{SENTENCE_END}]))第[{CN_NUMERAL}\d]{{1,3}}篇", re.MULTILINE)
# Salutations a title may be glued to: "在……会上的发言尊敬的各位领导,同志们:".
GLUED_SALUTATION = re.compile(r"^(.{0,60}?)(?:尊敬的|各位领导|同志们)[^:：]{0,30}[:：]")
# Where a part's first sentence ends, for its stand-in title: a SENTENCE_END mark or the line's end.
OPENING_SENTENCE_END = re.compile(rf"[{SENTENCE_END}\n]")
# A clause with the comma or 、 that closes it: a stand-in title is made of whole clauses.
CLAUSE = re.compile(r"[^，,、]+[，,、]?")

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
# An inline style that centres a paragraph (a page's way of setting a heading apart).
CENTRED_STYLE = re.compile(r"text-align\s*:\s*center", re.IGNORECASE)
# End tags of the page itself. HTML5 parsing ignores them ("after body" content goes on in the
# body) while lxml's parser stops at the first: a stray "</html>" before the article would drop it.
PAGE_END_TAG = re.compile(r"</\s*(?:html|body)\s*>", re.IGNORECASE)
# The XML declaration some pages open with (lxml refuses a string that carries one).
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")

# --------------------------------------------------------------------------------------
# Other file formats (rag.ingest.formats)
# --------------------------------------------------------------------------------------

# YAML front matter opening a Markdown file ("---" lines around "key: value" lines), as site
# generators and document exports write it: the file's metadata, not its text.
FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(?P<body>.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)
# A Markdown heading: its #s (the depth) and its words, closing #s dropped.
MARKDOWN_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
# Markdown markup and what each becomes in plain text, applied in this order.
MARKDOWN_MARKUP: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links keep their text
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),  # bold
    (re.compile(r"^\s{0,3}(?:[-*+]|>)\s+", re.MULTILINE), ""),  # bullets and quotes
    (re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$", re.MULTILINE), ""),  # rules
)
# A web address alone on a PDF page's edge (maybe with "page/pages"): a browser's print footer.
WEB_ADDRESS = re.compile(r"^(?:https?://|www\.)\S+(?:\s+\d{1,4}\s*/\s*\d{1,4})?$")
# Word's outline paragraph styles, "Heading 2" or "标题 2": the digit is the level.
WORD_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)

# --------------------------------------------------------------------------------------
# Naming a document in a question
# --------------------------------------------------------------------------------------

# A year as questions name a document's year: "2019年的意见", "2024年政府工作报告".
YEAR = re.compile(r"(?:19|20)\d{2}(?=年)")
# Words an issuer's name is often said without: "四川省人民政府办公厅" is "四川省政府办公厅",
# "中华人民共和国教育部" is "教育部".
ISSUER_OPTIONAL = ("中华人民共和国", "人民")
# The short names the central organs go by: "中办国办印发的意见" names a document of the
# 中共中央办公厅 and the 国务院办公厅.
ORGAN_ABBREVIATIONS = {"中共中央办公厅": "中办", "国务院办公厅": "国办", "中共中央": "党中央", "全国人民代表大会常务委员会": "全国人大常委会"}
# Brackets a 发文字号's year is typed in, all read as 〔〕.
DOC_NUMBER_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "［": "〔", "］": "〕", "【": "〔", "】": "〕", "(": "〔", ")": "〕", "（": "〔", "）": "〕"})

# --------------------------------------------------------------------------------------
# Questions (rag.search.questions): what a question asks for, and what it asks about
# --------------------------------------------------------------------------------------

# A quote or passage pasted into a question: 「…」 (or “…” of at least a clause).
PASTED = re.compile(r"「(.+?)」", re.DOTALL)
# Asking where a pasted sentence comes from, or for its exact wording.
QUOTE_ASK = re.compile(r"出自|出处|原话|原文|原句|哪篇|哪份(?:文件|报告)?(?:里|中)?(?:说|提)|哪里说|谁说")
# Asking for passages saying something similar to a pasted one.
SIMILAR_ASK = re.compile(r"类似|相似|相近|相同|同样的|差不多|一样的")
# Asking to set several documents, places or years side by side.
COMPARE_ASK = re.compile(r"对比|比较|相比|异同|有何不同|有什么不同|什么不同|区别|差异|分别|各自|各是|各有|各为|都提到|都是")
# Asking how something changed over time.
CHANGE_ASK = re.compile(r"变化|演变|前后|有何调整|怎么调整|哪些调整|调整了|从.{1,12}到|增加了多少|提高了多少|下降了|减少了多少|历年|趋势")
# The change words that decide the intent even with one year ("怎样的变化趋势").
CHANGE_STRONG = re.compile(r"变化|演变|趋势|有何调整|怎么调整|哪些调整")
# Asking which places do something.
PLACES_ASK = re.compile(
    r"哪些(?:地方|地区|省份?|城市|市|县|区)|哪几个(?:地方|地区|省|市|县)|哪里(?:提出|开展|实施|建设)"
    r"|(?:各地|各省|各市|多地)(?:是|都|分别)?(?:如何|怎样|怎么|有哪些)"
)
# Asking what was done or required (the answer is a list of measures, best read in the
# document's own outline).
MEASURES_ASK = re.compile(
    r"如何|怎样|怎么(?:做|办|推进|落实|解决|保障|加强|开展|安排)|哪些[\u4e00-\u9fff]{0,3}?(?:做法|措施|举措|经验|办法|工作|要求|安排|任务|规定|政策|部署|内容|方面|路径|途径)"
    r"|哪几(?:条|项|个方面)|采取了|部署了|提出了哪些|做了哪些|有何要求|什么要求|什么措施|什么办法|什么举措|什么安排|什么规定"
    r"|(?:做法|措施|举措|经验|办法|要求|安排)(?:有|是)哪些"
)
# Asking what a term means.
DEFINITION_ASK = re.compile(r"是什么意思|什么意思|指什么|是指什么|什么是|含义|定义|具体指|内涵|是什么计划|是什么工程")
# Asking for an amount: a count, a share, a sum, a duration ("几" but not "哪几", "几乎").
QUANTITY_ASK = re.compile(r"多少|(?<!哪)几(?!乎)|多大|多高|多长|多久|多远|多重|百分之几|比例|比重|占比|增速|增幅")
# Asking for a date or deadline.
DATE_ASK = re.compile(r"什么时候|何时|哪一年|哪年|哪一天|哪天|几月|几号|日期|什么时间|时间节点|时间点|期限|截止|最后期限|之前|以前")
# A date or deadline as an answer sentence prints one ("2025年7月10日", "9月底前", "到2018年").
DATE_SAID = re.compile(r"(?:19|20)\d{2}\s*年|\d{1,2}\s*月\s*\d{1,2}\s*日|[一二三四五六七八九十\d]{1,2}月(?:底|初|中旬|上旬|下旬)|年底|年前|月底")
# Asking for a name: a person, an organ, a platform, a programme.
NAME_ASK = re.compile(r"谁|哪个(?:部门|单位|机构|司|平台|组织|网站|计划|工程|项目)|哪家|由哪|什么(?:部门|单位|机构|平台|名称|名字)|叫什么|哪一级")
# Asking for several items at once.
LIST_ASK = re.compile(r"哪些|哪几|有什么|分别|各是|和.{1,10}各")
# The unit a question asks its number in, by family: the answer must print a number in
# one of the families whose question words appear ("多少亿元" is money, "比例" a share,
# "多长时间" a duration). A share is asked before money: "经费占…的比重是多少" wants a %.
UNIT_FAMILIES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("share", re.compile(r"比例|比重|占比|百分之|百分比|(?<!效)率(?!先).{0,4}?(?:多少|几)|增速|增幅|增长.{0,8}(?:多少|几)|强度"),
     r"%|％|个百分点|成|‰"),
    ("money", re.compile(
        r"多少(?:万亿|亿|万)?元|多少钱|几(?:万亿|亿|万)元|(?:资金|经费|投资|预算)(?:(?!比例|比重|占比).){0,6}多少"
        r"|多少[\u4e00-\u9fff]{0,4}(?:资金|经费|投资|补贴|补助|奖励|奖补|费用)"),
     r"万亿元|亿元|万元|千元|元"),
    ("people", re.compile(r"多少(?:万)?(?:人|名|位)|几(?:万)?(?:人|名|位)|人数|多少(?:学生|教师|老师|干部)"),
     r"万人|人次|人|名|位"),
    ("time", re.compile(r"多长时间|多久|几年|多少年|几个月|多少天|几天|多少(?:分钟|小时|学时|课时)|几(?:分钟|小时|学时|课时)|频次|每隔"),
     r"年|个月|月|周|天|日|小时|分钟|学时|课时|次"),
    ("credit", re.compile(r"(?:多少|几)(?:个)?学分"), r"学分"),
    ("length", re.compile(r"(?:多少|几)(?:万)?(?:公里|千米|米)|里程"), r"万公里|公里|千米|米"),
    ("count", re.compile(r"(?:多少|(?<!哪)几)(?:个|所|项|家|类|批|期|次|节|门|条|座|套|部|本|件|支|处|级)(?!学分|百分点|月|小时|学时)"),
     r"个|所|项|家|类|批|期|次|节|门|条|座|套|部|本|件|支|处|级|余个|多个"),
)
# "多少名校长或名师工作室": an amount asked of several things, each maybe in its own unit.
MIXED_AMOUNTS = re.compile(r"(?:多少|几)[\u4e00-\u9fff]{1,8}?(?:或|和|及|、)")
# A change asked as a list ("有哪些调整"), not as a description ("有什么变化").
LIST_OF_CHANGES = re.compile(r"哪些|哪几")
# A number as documents print it, Arabic or Chinese ("7000", "4.06", "三", "两", "二十"); a lone
# "一" is an article ("一批", "一项"), not a count.
NUMBER = r"(?:\d+(?:[.,．]\d+)?|[二三四五六七八九十两百千万〇零半][一二三四五六七八九十两百千万〇零半]*|一[一二三四五六七八九十两百千万〇零半]+)"
# A year dating the version of a document named before it: "…办法（2024年修正）", "（2021年版）".
DOCUMENT_VERSION_YEAR = re.compile(r"[（(]((?:19|20)\d{2})年(?:修正|修订|修改|版|本)?[)）]")
# A year a document's head says it was adopted, amended or issued in ("2024年4月24日…修正"):
# the document is of that year too.
VERSION_YEAR = re.compile(r"((?:19|20)\d{2})年[^，。；\n]{0,100}?(?:修正|修订|修改|通过|公布|施行|印发|发布)")
# Particles a question glues to its words ("投了多少钱", "改过"): left out of its terms.
TRAILING_PARTICLES = "了过着"
# A year naming a document of a kind: "2019年国务院政府工作报告", "2016年的美育意见".
DOCUMENT_YEAR = re.compile(
    rf"(?:(?:19|20)\d{{2}}年(?:和|与|、|及|以及)?)+(?:的|度|印发的|发布的)?《?[{CJK}]{{0,14}}?(?:{'|'.join(word for word, _ in KINDS)})"
)
# Words that frame a question but say nothing about its subject; they are not terms the
# evidence must contain.
QUESTION_WORDS = frozenset(
    {
        "提出", "提到", "规定", "要求", "明确", "强调", "指出", "部署", "安排", "措施", "举措", "做法", "办法", "工作",
        "方面", "哪些", "什么", "多少", "如何", "怎样", "怎么", "是否", "有没有", "分别", "各自", "具体", "主要", "一下",
        "当年", "今年", "那份", "这份", "该份", "文件", "部分", "一节", "里面", "其中", "有关", "相关", "哪份", "哪个",
        "哪一", "哪里", "说法", "内容", "情况", "问题", "规划", "给出", "定为", "定在", "定了", "多大", "多高", "多长",
        "多久", "时间", "时候", "目标", "标准", "对于", "关于", "针对", "怎么样", "为何", "为什么", "采取", "做了", "提了",
        "原文", "原话", "出自", "出处", "这句", "这句话", "类似", "相似", "其他", "别的", "地方", "文件中", "报告", "意见",
        "通知", "方案", "讲话", "说", "讲", "谈", "能", "拿到", "达到", "至少", "最少", "最多", "每位", "每个",
        "各地", "各省", "各市", "之前", "以前", "什么样", "哪几", "几个", "几条", "几项", "长时间", "多长时间", "一共", "总共", "相近", "差不多", "意思", "有何", "哪篇", "份文件",
        "大概", "大约", "给", "定", "的", "了", "吗", "呢", "不同", "区别", "差异", "异同", "可以", "能够", "需要",
        "应该", "能否",
    }
)
# A section a question points into: "在“工作要求”部分", "组织保障部分", "保障措施里".
SECTION_ASK = re.compile(r"[“\"『]([^”\"』]{2,20})[”\"』](?:部分|一节|一章|这部分|里|中)|(?:^|的|在)((?:(?!的|在)[\u4e00-\u9fff]){2,6}?)(?:部分|一节|一章)")
# Words a 发文字号 found in a question may be glued to: "和国办发〔2015〕71号", "按照教体艺〔2014〕1号".
DOC_NUMBER_PREFIX = re.compile(r"^(?:和|与|及|或|、|以及|按照|根据|依据|对照|落实|贯彻)+")
# Words ending an organ's name in a question ("教育部", "四川省政府办公厅", "中办"): a jieba word
# ending so (or tagged as an organisation) is an organ, joined with the place before it.
ORGAN_WORD = re.compile(r"(?:部|厅|局|委员会|教委|政府|办公厅|办公室|中央|国务院|中办|国办)$")
# Words ending like an organ that name none ("干部" ends in 部, "内部", "全部", "结局").
NOT_ORGANS = frozenset(
    {
        "干部", "内部", "全部", "外部", "局部", "部分", "基层干部", "结局", "格局", "布局", "大局", "开局", "当局", "书局",
        "委屈", "委托",
    }
)
# The 56 peoples an autonomous place is named with ("广西壮族自治区", "黔东南苗族侗族自治州"):
# the place's short name is what is left without them.
ETHNIC_GROUPS = (
    "维吾尔族", "哈萨克族", "柯尔克孜族", "塔吉克族", "乌孜别克族", "鄂温克族", "鄂伦春族", "达斡尔族", "塔塔尔族", "俄罗斯族",
    "土家族", "蒙古族", "朝鲜族", "布依族", "哈尼族", "傈僳族", "仫佬族", "毛南族", "仡佬族", "撒拉族", "锡伯族", "普米族",
    "阿昌族", "德昂族", "保安族", "裕固族", "独龙族", "赫哲族", "门巴族", "珞巴族", "基诺族", "纳西族", "景颇族", "东乡族",
    "拉祜族", "佤族", "畲族", "高山族", "水族", "土族", "羌族", "怒族", "京族", "苗族", "侗族", "壮族", "回族", "藏族",
    "彝族", "瑶族", "白族", "傣族", "黎族", "满族", "汉族", "维吾尔",
)
# China's province-level divisions by the short names questions use: a word jieba tags as
# a place counts as one when it is one of these, ends with an administrative suffix, or is
# a place the library's titles name (jieba also tags common words such as "入园" as places).
PROVINCES = frozenset(
    {
        "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西",
        "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古",
        "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
    }
)
# Common nouns jieba tags as places; a question naming them names no place.
NOT_PLACES = frozenset(
    {
        "新建", "普及", "城镇", "城乡", "农村", "乡村", "城市", "基层", "边疆", "中西部", "东部", "西部", "中部", "东北", "地方",
        "全国", "全省", "全市", "我国", "中国", "国家", "国内", "海外", "境外", "省里", "市里", "县里", "两省", "两市",
        "各地", "普通高中",
    }
)
# The CJK Unified Ideographs block alone: narrower than CJK (no Extension A, no compatibility
# ideographs); the organ and place patterns below were written and tested with it.
CJK_UNIFIED = "\u4e00-\u9fff"
# Suffixes places are said with and without: "海西州" / "海西", "青海省" / "青海".
# The one-character suffixes of administrative places ("周口市", "万载县", "袁州区"): a title's
# word ending so names a place even where jieba tags it a noun or a person's name.
ADMIN_SUFFIXES = "省市县区州盟旗"
# jieba's tags of the stems of such words that name no place: verbs and adjectives ("示范区").
NOT_PLACE_STEM_TAGS = frozenset({"v", "vn", "vd", "a", "ad", "d"})
# A stem jieba's dictionary counts this often is a common word ("边境" 1738, "核心" 4919), not a
# place's name (周口 37, 海拉尔 52, 浦东 267).
COMMON_WORD_COUNT = 500
# A word that is only the unit of a figure ("亿元", "万吨", "公里", "万人次"): what a question
# asks the figure in, not what it is about.
UNIT_WORD = re.compile(r"[十百千万亿]*(?:元|吨|公里|千米|米|亩|公顷|人次|户|千瓦时|平方米|立方米|标准箱)")
PLACE_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "新区", "省", "市", "州", "县", "区", "盟", "旗")
# Characters that ask, and characters that only count, in a question's words ("何时", "几所";
# "万名").
ASKING = re.compile(r"[哪几何啥]|多少")
COUNTING = frozenset("万亿千百十名个所项家人位")
# A numeral and a kind of place name a group of places, not one: "四地", "三区", "两省".
NUMBERED_PLACES = re.compile(r"^[一二三四五六七八九十两][地区州省市县]$")
# The place that opens an organ's name: "浙江省政府" -> "浙江省", "海西州教育局" -> "海西州".
ORGAN_PLACE = re.compile(
    rf"^([{CJK_UNIFIED}]{{2,8}}?(?:省|市|自治区|自治州|州|县|区))(?:人民)?(?:政府|教育|党委|委员会|办公厅|[{CJK_UNIFIED}]{{0,6}}(?:厅|局|委))"
)
# Organs a question may name in two characters; other two-character organ words ("政府" of
# "政府工作报告", "中央" of "中央财政") name no document.
SHORT_ORGANS = ("中办", "国办")
# Words joining two names a comparison sets side by side ("浙江和四川", "2023年与2024年").
JOINING = re.compile(r"和|与|及|、|同|跟|以及|对比|相比")

# --------------------------------------------------------------------------------------
# Inputs, retrieval and answers (rag.search, rag.answer)
# --------------------------------------------------------------------------------------

# Halves of UTF-16 surrogate pairs alone: no character; JSON lets a caller send them.
LONE_SURROGATES = re.compile("[\ud800-\udfff]")
# A phrase a search query quotes, between 「」, “” or 『』 (any closing mark ends it). Unlike
# PASTED (「…」 only, the shortest run), it ranks chunks holding the phrase, in any query.
QUOTED_PHRASE = re.compile(r"[「“『]([^」”』]+)[」”』]")
# What separates the organs of a document's issuer field ("教育部、财政部", "中共中央 国务院").
ISSUER_SEPARATORS = re.compile(r"[、\s]+")
# Joins the cells of a table row on its line (DOCX, HTML and PDF tables alike): a line holding
# it is a table row, and the first row of its table is the header.
CELL_SEPARATOR = "｜"
# How strongly a citation supports its part of an answer, weakest first (the user guide
# explains them): cited for another reason; supports it; supports it and says most of what is asked.
SUPPORT_LEVELS = ("弱", "中", "强")
# Asking for the items of a list ("哪三项任务", "几个方面", "哪些方面", "三大攻坚战分别是什么"):
# the answer cites the items under the sentence or heading that announces them.
ITEMS_ASK = re.compile(
    rf"[{CN_NUMERAL}两\d几](?:个|项|条|类|大|种|点|方面)[^，。？?]{{0,12}}?(?:分别|是什么|是哪|有哪些|包括|指什么)"
    rf"|哪(?:几|[{CN_NUMERAL}两\d]{{1,3}})(?:个|项|条|类|大|种|点|方面)|几(?:个方面|项|条|大)|哪些方面"
)
# A sentence announcing the items that follow it ("重点抓好以下三个方面：", "主要有四项任务。",
# "具体要求如下：", "重点推进“三大工程”建设"): `n`, when given, says how many, `noun` what they are.
ANNOUNCES_ITEMS = re.compile(
    rf"(?P<n>[{CN_NUMERAL}两\d]{{1,3}})(?:个|项|条|类|大|种|点)(?P<noun>[\u4e00-\u9fff]{{2,6}})?"
    r"|(?:如下|以下)[^，。；]{0,8}[:：]|[:：]\s*$"
)
# The count a list question asks for ("哪三项", "五条基本原则", "三大攻坚战"): its numeral,
# and what the items are (the last two characters of `noun` are its head: 原则, 坚战).
ITEMS_COUNT = re.compile(rf"(?P<n>[{CN_NUMERAL}两\d]{{1,3}})(?:个|项|条|类|大|种|点)(?P<noun>[\u4e00-\u9fff]{{2,4}})?")
# Where a sentence breaks into clauses: a figure is of what its own clause names.
CLAUSE_BREAK = re.compile(r"[，,；;。！？!?]")
# How a refusal names the kind of figure a question asked for, by unit family of UNIT_FAMILIES
# ("找到的段落没有给出比例数字").
UNIT_NAMES = {
    "share": "比例（%）", "money": "金额（元）", "people": "人数", "time": "时长或次数", "credit": "学分",
    "length": "里程", "count": "个数",
}
# A number printed in each unit family of UNIT_FAMILIES ("600万元", "7个", "82%"): what a
# sentence must print to answer a question asking its number in that family.
NUMBER_IN_UNIT = {
    family: re.compile(rf"{NUMBER}\s*(?:多|余)?\s*(?:十|百|千|万|亿)?\s*(?:多|余)?\s*(?:{units})")
    for family, _, units in UNIT_FAMILIES
}
# A digit anywhere: a sentence printing one may hold a figure.
DIGIT = re.compile(r"\d")
# Marks a paragraph's lead sentence ends with ("加强民生建设。", "主要做法："): its inline heading.
LEAD_END_MARKS = "。：:"
# Marks dropped from the end of a sentence quoted inside an answer line.
ANSWER_TRIM_MARKS = "。；;，,"
# Citation markers as LLMs write them: "[2]", "[1, 3]", "【2】". Wider than the "[n]" markers
# answers print (ui.render reads those): models also use 【】 and spaces.
LLM_CITATION_MARKER = re.compile(r"[\[【]\s*(\d+(?:\s*[,，、]\s*\d+)*)\s*[\]】]")
# What separates the numbers inside one citation marker ("1, 3", "1、3").
NON_DIGITS = re.compile(r"\D+")
# Citation markers as answers print them, which the page turns into links: "[2]", "[1，3]", "[1、3]".
CITATION_MARKER = re.compile(r"\[(\d+(?:\s*[,，、]\s*\d+)*)\]")

# --------------------------------------------------------------------------------------
# BM25 tokens (rag.stores.tokens)
# --------------------------------------------------------------------------------------

# Function words and question words: they match everywhere and say nothing about a topic.
STOP_WORDS = frozenset(
    ["的", "了", "和", "与", "及", "或", "等", "是", "在", "对", "为", "以", "把", "被", "将", "从", "向", "于", "由", "并", "而", "也", "都", "就", "又", "还", "之", "其", "该", "此", "这", "那", "这些", "那些", "个", "种", "项", "中", "上", "下", "里", "各", "每", "有", "没有", "无", "我", "我们", "你", "他", "她", "它", "他们", "着", "过", "吗", "呢", "吧", "啊", "么", "让", "使", "给", "要", "会", "能", "可", "什么", "怎么", "怎样", "如何", "哪些", "哪个", "哪里", "哪", "多少", "几", "几个", "是否", "为什么", "怎么样", "请问", "分别", "大概", "一下", "方面", "情况", "有关", "关于", "the", "a", "an", "of", "to", "in", "and", "or", "for", "on", "is", "are", "what", "how", "which"]
)
# A token holding a letter, digit or CJK character: tokens without one (punctuation) are dropped.
HAS_WORD = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")
