"""Made-up Chinese policy documents in every file shape the pipeline loads, with what a reader would extract.

Every place, body and person here is imaginary (云岭省, 青川市, 临江县, 李明, 王某某 ...); no text is
copied from a real document. Everything is built in memory with no network and no randomness, so the same
bytes come out on every run (DOCX zip entries and the PDF use fixed timestamps).

Conventions used in ``Expected``:

* ``title`` is the 标题 on one line, without the 发文字号, a site suffix ("_青川市人民政府") or a label
  ("信息名称：").
* ``date`` is the 成文日期 of a 公文 (not the 印发 date, not the page's publication date); for a speech or a
  report delivered at a meeting it is the day it was delivered; for a news page it is the publication date.
* ``issuer`` is the 发文机关 (署名, 发文机关标志, the organ a 标题 names, or page metadata such as a 来源 that
  is an organ); a 讲话 or a 报告 delivered by a person has none (the speaker is metadata, not an issuer).
* ``body`` strings are exact text once markup is gone. Where the source is hard-wrapped (the GBK plan and the
  PDF) a body string may cross a line break in the file: compare with ``squash`` on both sides.
* Table cells are listed in ``body`` one string per cell, in row order.
* ``absent`` lists site chrome and metadata labels that must not be left in the document's text.
"""

from __future__ import annotations

import datetime as _dt
import io
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Expected:
    """What a careful human reader would extract from one logical document."""

    title: str
    date: str | None
    doc_number: str | None
    issuer: str | None
    kind: str | None
    headings: tuple[tuple[int, str], ...]
    body: tuple[str, ...]
    absent: tuple[str, ...]


@dataclass(frozen=True)
class Fixture:
    """One file: its name (with suffix), its bytes, and one ``Expected`` per logical document, in order."""

    name: str
    data: bytes
    expected: tuple[Expected, ...]


def squash(text: str) -> str:
    """Remove all whitespace, for comparing text whose lines were hard-wrapped (PDF, text copied from a PDF)."""
    return "".join(text.split())


def hard_wrap(text: str, width: int) -> list[str]:
    """Cut ``text`` into lines of exactly ``width`` characters (the last may be shorter), mid-sentence."""
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


# --------------------------------------------------------------------------------------------------
# 1. A 通知 laid out as GB/T 9704-2012 prescribes, as plain UTF-8 text.

_NOTICE_GONGWEN = """\
云岭省教育厅文件

云教发〔2026〕3号

云岭省教育厅关于做好2026年中小学招生工作的通知

各州（市）教育局，厅属各学校：
　　为深入贯彻落实义务教育法有关规定，进一步规范中小学招生入学秩序，保障适龄儿童少年平等接受义务教育的权利，现就做好2026年全省中小学招生工作通知如下。
　　一、总体要求
　　坚持公平公正、就近入学、阳光招生的原则，全面落实义务教育免试入学政策。2026年全省义务教育阶段计划招生约68.5万人，其中小学一年级约36.2万人，初中一年级约32.3万人。
　　二、主要任务
　　（一）严格规范招生行为。各地要按照“划片招生、就近入学”的要求，科学划定学校服务范围，做到应划尽划、不重不漏。
　　1.严格执行划片招生。公办学校服务范围调整幅度原则上不超过上一年度的10%，调整方案须于4月30日前报州（市）教育局备案。
　　2.规范民办学校招生。民办义务教育学校与公办学校同步招生，报名人数超过招生计划的，一律实行电脑随机录取。
　　3.落实随迁子女入学政策。以居住证为主要依据，保障符合条件的随迁子女在流入地接受义务教育，在公办学校就读的比例不低于85%。
　　（二）做好普通高中招生。普通高中招生计划要与办学条件相匹配，严禁跨区域违规招生，严禁提前招生、超计划招生。全省普通高中计划招生28.7万人，优质普通高中指标到校比例不低于60%。
　　（三）加强特殊群体保障。各地要做好适龄残疾儿童少年入学安置工作，确保残疾儿童少年义务教育入学率保持在97%以上。
　　三、工作要求
　　（一）强化组织领导。各州（市）教育局要成立招生工作领导小组，主要负责同志亲自抓、负总责，于5月15日前将本地招生工作实施细则报送省教育厅。
　　（二）加强信息公开。各地要通过官方网站、微信公众号等渠道，及时公开招生政策、学校服务范围、招生计划、录取结果等信息，畅通咨询举报渠道。
　　（三）严肃工作纪律。对违规招生的学校，要依法依规严肃处理，并追究相关人员责任。省教育厅将对招生工作开展专项督查，督查结果纳入年度考核。

　　附件：1.2026年云岭省中小学招生工作日程安排
　　　　　2.云岭省义务教育招生信息公开清单

　　　　　　　　　　　　　　　　　　　　云岭省教育厅
　　　　　　　　　　　　　　　　　　　　2026年3月5日
　　（此件主动公开）

抄送：云岭省人民政府办公厅，省发展改革委，省公安厅。
云岭省教育厅办公室　　　　　　　　　　2026年3月6日印发
"""


def _notice_gongwen() -> Fixture:
    """A provincial 通知 with 发文机关标志, 发文字号, three heading levels, 附件说明 and 版记."""
    expected = Expected(
        title="云岭省教育厅关于做好2026年中小学招生工作的通知",
        date="2026-03-05",
        doc_number="云教发〔2026〕3号",
        issuer="云岭省教育厅",
        kind="通知",
        headings=(
            (1, "一、总体要求"),
            (1, "二、主要任务"),
            (2, "（一）严格规范招生行为"),
            (3, "1.严格执行划片招生"),
            (3, "2.规范民办学校招生"),
            (3, "3.落实随迁子女入学政策"),
            (2, "（二）做好普通高中招生"),
            (2, "（三）加强特殊群体保障"),
            (1, "三、工作要求"),
            (2, "（一）强化组织领导"),
            (2, "（二）加强信息公开"),
            (2, "（三）严肃工作纪律"),
        ),
        body=(
            "各州（市）教育局，厅属各学校：",
            "现就做好2026年全省中小学招生工作通知如下。",
            "2026年全省义务教育阶段计划招生约68.5万人，其中小学一年级约36.2万人，初中一年级约32.3万人。",
            "公办学校服务范围调整幅度原则上不超过上一年度的10%，调整方案须于4月30日前报州（市）教育局备案。",
            "民办义务教育学校与公办学校同步招生，报名人数超过招生计划的，一律实行电脑随机录取。",
            "全省普通高中计划招生28.7万人，优质普通高中指标到校比例不低于60%。",
            "确保残疾儿童少年义务教育入学率保持在97%以上。",
            "对违规招生的学校，要依法依规严肃处理，并追究相关人员责任。",
            "附件：1.2026年云岭省中小学招生工作日程安排",
        ),
        absent=(),
    )
    return Fixture("notice-gongwen.txt", _NOTICE_GONGWEN.encode("utf-8"), (expected,))


# --------------------------------------------------------------------------------------------------
# 2. A city-government notice page, with header, breadcrumbs, info line, sidebar and footer.

_CITY_NOTICE_HTML = """\
<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>关于做好2025年冬季校园安全工作的通知_青川市人民政府</title>
<meta name="SiteName" content="青川市人民政府">
<meta name="ColumnName" content="通知公告">
<meta name="ArticleTitle" content="关于做好2025年冬季校园安全工作的通知">
<meta name="PubDate" content="2025-11-20 09:30">
<meta name="ContentSource" content="青川市教育局">
<style>body{font-family:SimSun;} .nav li{display:inline;}</style>
<script>var siteName = "青川市人民政府门户网站"; var visits = 1234;</script>
</head>
<body>
<div class="header">
  <div class="logo"><a href="/">青川市人民政府</a></div>
  <ul class="nav">
    <li><a href="/">首页</a></li> |
    <li><a href="/zwgk/">政务公开</a></li> |
    <li><a href="/zwfw/">政务服务</a></li> |
    <li><a href="/hdjl/">互动交流</a></li> |
    <li><a href="/zjqc/">走进青川</a></li>
  </ul>
</div>
<div class="main">
  <div class="crumbs">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/tzgg/">通知公告</a></div>
  <div class="article">
    <h1>关于做好2025年冬季校园安全工作的通知</h1>
    <div class="info">发布时间：2025-11-20　来源：青川市教育局　浏览次数：1234　【字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】　<a href="javascript:window.print()">打印本页</a>　<a href="javascript:window.close()">关闭窗口</a></div>
    <div class="article-content">
      <p style="text-align:center">青教发〔2025〕41号</p>
      <p>各县（市、区）教育局，市直各学校：</p>
      <p>　　冬季是火灾、道路交通事故、一氧化碳中毒等安全事故的易发期。为切实保障全市12.6万名师生生命财产安全，确保校园安全稳定，现就做好2025年冬季校园安全工作通知如下。</p>
      <p><strong>一、提高思想认识，压实安全责任</strong></p>
      <p>　　各地各校要充分认识冬季校园安全工作的极端重要性，严格落实校长是校园安全第一责任人的要求，层层签订安全责任书，做到责任到岗、任务到人。</p>
      <p style="text-align:center">二、突出重点环节，全面排查隐患</p>
      <p>　　各地各校要在12月10日前完成一轮全覆盖的安全隐患排查，建立问题清单和整改台账。排查重点及完成时限见下表。</p>
      <table border="1">
        <tr><th>排查项目</th><th>责任部门</th><th>完成时限</th></tr>
        <tr><td>校舍及消防设施</td><td>各县（市、区）教育局</td><td>2025年12月10日</td></tr>
        <tr><td>校车及学生上下学交通安全</td><td>市教育局安全科</td><td>2025年12月15日</td></tr>
      </table>
      <p>　　对排查发现的隐患，能立即整改的要立即整改；不能立即整改的，要落实临时管控措施，限期整改到位。</p>
      <p><strong>三、加强宣传教育，提升防范能力</strong></p>
      <p>　　各校要在寒假前至少开展1次消防疏散演练和1次安全主题班会，通过致家长的一封信等方式，提醒家长切实履行监护责任，家长告知书发放率要达到100%。</p>
      <p><strong>四、严格值班值守，及时报告信息</strong></p>
      <p>　　寒假期间，各地各校要严格执行24小时值班和领导带班制度，遇有突发事件，要在1小时内向市教育局报告，不得迟报、漏报、瞒报。</p>
      <p style="text-align:right">青川市教育局</p>
      <p style="text-align:right">2025年11月18日</p>
    </div>
  </div>
  <div class="sidebar">
    <h3>最新通知</h3>
    <ul>
      <li><a href="/zwgk/tzgg/1.html">关于开展2025年秋季学生资助政策宣传的通知</a></li>
      <li><a href="/zwgk/tzgg/2.html">关于公布第二批市级示范幼儿园名单的通知</a></li>
      <li><a href="/zwgk/tzgg/3.html">关于组织开展中小学教师信息技术能力培训的通知</a></li>
      <li><a href="/zwgk/tzgg/4.html">关于做好2025年秋季学期教材发放工作的通知</a></li>
      <li><a href="/zwgk/tzgg/5.html">关于举办青川市第十届中小学生运动会的通知</a></li>
      <li><a href="/zwgk/tzgg/6.html">关于进一步规范校外培训机构收费管理的通知</a></li>
    </ul>
  </div>
</div>
<div class="footer">
  <div class="links">相关链接：<a href="#">云岭省人民政府</a> <a href="#">青川市教育局</a></div>
  <p>版权所有：青川市人民政府办公室　备案号：滇ICP备00000000号</p>
  <p>网站标识码：0000000000　主办单位：青川市人民政府办公室</p>
</div>
</body>
</html>
"""


def _city_notice() -> Fixture:
    """A notice page whose 成文日期 (11-18) differs from its PubDate (11-20); headings bold and centred."""
    expected = Expected(
        title="关于做好2025年冬季校园安全工作的通知",
        date="2025-11-18",
        doc_number="青教发〔2025〕41号",
        issuer="青川市教育局",
        kind="通知",
        headings=(
            (1, "一、提高思想认识，压实安全责任"),
            (1, "二、突出重点环节，全面排查隐患"),
            (1, "三、加强宣传教育，提升防范能力"),
            (1, "四、严格值班值守，及时报告信息"),
        ),
        body=(
            "各县（市、区）教育局，市直各学校：",
            "为切实保障全市12.6万名师生生命财产安全，确保校园安全稳定，现就做好2025年冬季校园安全工作通知如下。",
            "严格落实校长是校园安全第一责任人的要求，层层签订安全责任书，做到责任到岗、任务到人。",
            "各地各校要在12月10日前完成一轮全覆盖的安全隐患排查，建立问题清单和整改台账。",
            "不能立即整改的，要落实临时管控措施，限期整改到位。",
            "遇有突发事件，要在1小时内向市教育局报告，不得迟报、漏报、瞒报。",
            "排查项目",
            "责任部门",
            "完成时限",
            "校舍及消防设施",
            "各县（市、区）教育局",
            "2025年12月10日",
            "校车及学生上下学交通安全",
            "市教育局安全科",
            "2025年12月15日",
        ),
        absent=(
            "当前位置",
            "政务公开",
            "政务服务",
            "互动交流",
            "走进青川",
            "发布时间",
            "浏览次数",
            "【字体",
            "打印本页",
            "关闭窗口",
            "最新通知",
            "关于开展2025年秋季学生资助政策宣传的通知",
            "关于进一步规范校外培训机构收费管理的通知",
            "相关链接",
            "版权所有",
            "备案号",
            "滇ICP备00000000号",
            "网站标识码",
            "主办单位",
            "门户网站",
        ),
    )
    return Fixture("city-notice.html", _CITY_NOTICE_HTML.encode("utf-8"), (expected,))


# --------------------------------------------------------------------------------------------------
# 3. A 实施方案 copied out of a PDF: GBK bytes, lines hard-wrapped at 38 characters mid-sentence.

_PLAN_TITLE = "临江县推进义务教育优质均衡发展实施方案"
_PLAN_PARAGRAPHS = (
    "为深入贯彻落实国家和省关于推进义务教育优质均衡发展的决策部署，加快缩小城乡、校际办学差距，"
    "办好人民满意的教育，结合我县实际，制定本方案。",
    "一、总体要求",
    "(一)指导思想。坚持以人民为中心的发展思想，坚持教育优先发展战略，以促进公平和提高质量为主线，"
    "统筹推进县域内义务教育学校标准化建设，全面提升义务教育办学水平。",
    "(二)主要目标。到2027年，全县义务教育学校办学条件、师资配置、管理水平和教育质量全面达标，"
    "县域义务教育优质均衡发展通过省级督导评估；到2030年，全县32所义务教育学校全部达到优质均衡标准，"
    "生均教学及辅助用房面积小学不低于4.5平方米、初中不低于5.8平方米。",
    "二、重点任务",
    "(一)优化学校布局。根据城镇化进程和学龄人口变化，科学编制中小学布局规划，2026年底前新建、"
    "改扩建学校6所，新增学位3600个，全面消除56人以上大班额。",
    "(二)加强教师队伍建设。实施县域内教师“县管校聘”管理改革，每年交流轮岗教师不少于符合条件教师总数的15%，"
    "其中骨干教师不低于交流总数的20%。",
    "(三)提升教育教学质量。深化课堂教学改革，推进集团化办学，组建4个城乡教育共同体，实现优质教育资源共建共享。",
    "三、组织实施",
    "(一)实施步骤。2025年12月至2026年6月为启动实施阶段，2026年7月至2027年6月为全面推进阶段，"
    "2027年7月至12月为评估验收阶段。",
    "(二)督导评估。县人民政府教育督导室每学期对各乡镇和学校推进情况开展一次专项督导，督导结果向社会公开。",
    "（三）保障措施。县财政每年安排义务教育优质均衡发展专项资金不少于3000万元，并建立教育经费投入稳定增长机制。"
    "各乡镇、各有关部门要按照职责分工，密切配合，形成工作合力，确保各项任务落到实处。",
)


def _plan_text() -> str:
    """The plan as a PDF copy gives it: title, paragraphs cut every 38 characters, 署名 and date."""
    lines = [_PLAN_TITLE, ""]
    for paragraph in _PLAN_PARAGRAPHS:
        lines.extend(hard_wrap(paragraph, 38))
    lines += ["", "临江县人民政府", "2025年12月8日", ""]
    return "\n".join(lines)


def _implementation_plan() -> Fixture:
    """A county 实施方案 with 一、 and half-width (一) headings, a full-width （三）保障措施, GBK-encoded."""
    expected = Expected(
        title=_PLAN_TITLE,
        date="2025-12-08",
        doc_number=None,
        issuer="临江县人民政府",
        kind="方案",
        headings=(
            (1, "一、总体要求"),
            (2, "(一)指导思想"),
            (2, "(二)主要目标"),
            (1, "二、重点任务"),
            (2, "(一)优化学校布局"),
            (2, "(二)加强教师队伍建设"),
            (2, "(三)提升教育教学质量"),
            (1, "三、组织实施"),
            (2, "(一)实施步骤"),
            (2, "(二)督导评估"),
            (2, "（三）保障措施"),
        ),
        body=(
            "加快缩小城乡、校际办学差距，办好人民满意的教育，结合我县实际，制定本方案。",
            "到2030年，全县32所义务教育学校全部达到优质均衡标准，生均教学及辅助用房面积小学不低于4.5平方米、初中不低于5.8平方米。",
            "2026年底前新建、改扩建学校6所，新增学位3600个，全面消除56人以上大班额。",
            "每年交流轮岗教师不少于符合条件教师总数的15%，其中骨干教师不低于交流总数的20%。",
            "组建4个城乡教育共同体，实现优质教育资源共建共享。",
            "2025年12月至2026年6月为启动实施阶段，2026年7月至2027年6月为全面推进阶段，2027年7月至12月为评估验收阶段。",
            "县财政每年安排义务教育优质均衡发展专项资金不少于3000万元，并建立教育经费投入稳定增长机制。",
            "确保各项任务落到实处。",
        ),
        absent=(),
    )
    return Fixture("implementation-plan-gbk.txt", _plan_text().encode("gbk"), (expected,))


# --------------------------------------------------------------------------------------------------
# 4. A 工作要点 in DOCX with Title / Heading 1 / Heading 2 styles and a task table.

_WORK_POINTS_TITLE = "青川市教育局2026年工作要点"
_WORK_POINTS_TABLE = (
    ("任务", "责任单位", "完成时限"),
    ("新建改扩建公办幼儿园8所", "基础教育科、各县（市、区）教育局", "2026年12月底"),
    ("建成市级思政课名师工作室10个", "思政体卫艺科", "2026年10月底"),
    ("完成教师“县管校聘”改革", "人事科", "2026年8月底"),
)
# (style, text) in document order; "TABLE" marks where the table goes.
_WORK_POINTS_BLOCKS = (
    ("Normal", "2026年全市教育工作的总体要求是：坚持以人民为中心的发展思想，坚持立德树人根本任务，"
     "以建设教育强市为目标，统筹推进各级各类教育高质量发展，重点抓好以下四个方面工作。"),
    ("Heading 1", "一、坚持立德树人，落实根本任务"),
    ("Heading 2", "深化思政课改革创新"),
    ("Normal", "全面推进大中小学思政课一体化建设，2026年建成市级思政课名师工作室10个，培育思政精品课程50节。"),
    ("Heading 2", "加强学生体质健康管理"),
    ("Normal", "落实中小学生每天综合体育活动时间不低于2小时的要求，学生体质健康测试优良率达到55%以上，"
     "近视率比上年下降1个百分点。"),
    ("Heading 1", "二、推进基础教育扩优提质"),
    ("Heading 2", "扩大普惠性学前教育资源"),
    ("Normal", "新建、改扩建公办幼儿园8所，新增公办学位2400个，普惠性幼儿园覆盖率稳定在92%以上。"),
    ("Heading 2", "促进义务教育优质均衡"),
    ("Normal", "深入推进集团化办学和城乡学校共同体建设，新组建教育集团6个，确保全市义务教育巩固率保持在98.5%以上。"),
    ("Normal", "全年完成8所薄弱学校改造提升，推动临江县率先通过义务教育优质均衡发展省级督导评估，为全市创建积累经验。"),
    ("Heading 1", "三、建设高素质专业化教师队伍"),
    ("Normal", "全年公开招聘中小学教师900名，其中乡村学校不少于500名；全面完成教师“县管校聘”改革，"
     "每年交流轮岗教师比例不低于15%。"),
    ("Normal", "实施中小学名师名校长培养工程，培养市级骨干教师300名、学科带头人60名，"
     "教师培训经费按不低于学校年度公用经费预算总额的5%安排。"),
    ("Heading 1", "重点任务分解"),
    ("Normal", "各责任单位要对照下表，细化工作措施，明确时间节点，按期完成各项任务。"),
    ("TABLE", ""),
    ("Normal", "各县（市、区）教育局、局属各单位要结合实际，制定具体落实措施，于2月28日前报市教育局办公室。"),
)


def _normalized_zip(data: bytes) -> bytes:
    """Rewrite a zip (DOCX) with fixed entry timestamps so the same bytes come out on every run."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 12, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def _work_points_docx() -> bytes:
    """Build the DOCX with python-docx; the last paragraph is the 署名 and the date, one line each."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document()
    props = document.core_properties
    props.title = _WORK_POINTS_TITLE
    props.author = ""
    props.last_modified_by = ""
    props.comments = ""
    props.revision = 1
    props.created = _dt.datetime(2026, 1, 12, 9, 0, 0)
    props.modified = _dt.datetime(2026, 1, 12, 9, 0, 0)

    document.add_paragraph(_WORK_POINTS_TITLE, style="Title")
    for style, text in _WORK_POINTS_BLOCKS:
        if style == "TABLE":
            table = document.add_table(rows=len(_WORK_POINTS_TABLE), cols=3)
            table.style = "Table Grid"
            for row, cells in zip(table.rows, _WORK_POINTS_TABLE):
                for cell, value in zip(row.cells, cells):
                    cell.text = value
        else:
            document.add_paragraph(text, style=style)
    signature = document.add_paragraph()
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    signature.add_run("青川市教育局").add_break()
    signature.add_run("2026年1月12日")
    buffer = io.BytesIO()
    document.save(buffer)
    return _normalized_zip(buffer.getvalue())


def _work_points() -> Fixture:
    """A municipal 工作要点: styled headings with and without enumerators, a 3x3 task table, 署名 last."""
    expected = Expected(
        title=_WORK_POINTS_TITLE,
        date="2026-01-12",
        doc_number=None,
        issuer="青川市教育局",
        kind="要点",
        headings=(
            (1, "一、坚持立德树人，落实根本任务"),
            (2, "深化思政课改革创新"),
            (2, "加强学生体质健康管理"),
            (1, "二、推进基础教育扩优提质"),
            (2, "扩大普惠性学前教育资源"),
            (2, "促进义务教育优质均衡"),
            (1, "三、建设高素质专业化教师队伍"),
            (1, "重点任务分解"),
        ),
        body=(
            "全面推进大中小学思政课一体化建设，2026年建成市级思政课名师工作室10个，培育思政精品课程50节。",
            "新建、改扩建公办幼儿园8所，新增公办学位2400个，普惠性幼儿园覆盖率稳定在92%以上。",
            "全年公开招聘中小学教师900名，其中乡村学校不少于500名；",
            "培养市级骨干教师300名、学科带头人60名，教师培训经费按不低于学校年度公用经费预算总额的5%安排。",
            "各责任单位要对照下表，细化工作措施，明确时间节点，按期完成各项任务。",
            "制定具体落实措施，于2月28日前报市教育局办公室。",
        )
        + tuple(cell for row in _WORK_POINTS_TABLE for cell in row),
        absent=(),
    )
    return Fixture("work-points.docx", _work_points_docx(), (expected,))


# --------------------------------------------------------------------------------------------------
# 5. A legal-database export: citation code and source link on top, the title twice, CRLF lines.

_PKULAW_LINES = (
    "      北大法宝【法宝引证码】 CLI.12.123456",
    "原文链接：https://www.example.com/lar/abc.html",
    "云岭省人民政府办公厅关于进一步加强城乡学校校舍安全管理的通知",
    "                云岭省人民政府办公厅关于进一步加强城乡学校校舍安全管理的通知   ",
    "（云政办发〔2024〕12号）",
    "",
    "各州、市人民政府，省直各委、办、厅、局：",
    "",
    "　　校舍安全事关广大师生生命安全和社会和谐稳定。近年来，全省累计投入校舍安全改造资金21.6亿元，"
    "改造校舍面积185万平方米，校舍安全状况明显改善。为进一步加强城乡学校校舍安全管理，经省人民政府同意，"
    "现就有关事项通知如下：",
    "",
    "　　一、全面开展校舍安全排查",
    "",
    "　　（一）明确排查范围。排查范围覆盖全省各级各类学校的教学用房、学生宿舍、食堂等全部校舍，"
    "重点排查建成年限超过30年的校舍和建在地质灾害易发区的校舍。",
    "",
    "　　（二）建立排查台账。各地要于2024年9月30日前完成首轮排查，对排查出的C级、D级危房逐栋建立台账，实行销号管理。",
    "",
    "　　二、加快实施危房改造",
    "",
    "　　（一）优先安排改造项目。对鉴定为D级的危房，要立即停止使用，并于2025年底前全部完成拆除或加固改造。",
    "",
    "　　（二）落实改造资金。省级财政每年安排校舍安全专项资金3亿元，州、市和县级财政要按不低于1:1的比例安排配套资金。",
    "",
    "　　三、健全长效管理机制",
    "",
    "　　（一）落实管理责任。学校是校舍日常安全管理的责任主体，要明确专人负责，每学期开学前后各开展1次全面检查。",
    "",
    "　　（二）强化监督检查。省教育厅、省住房城乡建设厅要会同有关部门每年开展1次校舍安全联合督查，"
    "督查结果作为分配校舍安全专项资金的重要依据。",
    "",
    "　　（三）严格责任追究。对校舍安全工作责任不落实、排查整改不到位，造成安全事故或者严重后果的，"
    "依法依规追究有关单位和人员的责任。",
    "",
    "　　各州、市人民政府要将本通知落实情况于2024年12月31日前报省人民政府，同时抄送省教育厅。",
    "",
    "　　云岭省人民政府办公厅",
    "",
    "　　2024年5月16日",
    "",
)


def _pkulaw_export() -> Fixture:
    """A 通知 as a legal database exports it, UTF-8 with BOM and Windows line ends."""
    text = "\r\n".join(_PKULAW_LINES)
    expected = Expected(
        title="云岭省人民政府办公厅关于进一步加强城乡学校校舍安全管理的通知",
        date="2024-05-16",
        doc_number="云政办发〔2024〕12号",
        issuer="云岭省人民政府办公厅",
        kind="通知",
        headings=(
            (1, "一、全面开展校舍安全排查"),
            (2, "（一）明确排查范围"),
            (2, "（二）建立排查台账"),
            (1, "二、加快实施危房改造"),
            (2, "（一）优先安排改造项目"),
            (2, "（二）落实改造资金"),
            (1, "三、健全长效管理机制"),
            (2, "（一）落实管理责任"),
            (2, "（二）强化监督检查"),
            (2, "（三）严格责任追究"),
        ),
        body=(
            "各州、市人民政府，省直各委、办、厅、局：",
            "近年来，全省累计投入校舍安全改造资金21.6亿元，改造校舍面积185万平方米，校舍安全状况明显改善。",
            "重点排查建成年限超过30年的校舍和建在地质灾害易发区的校舍。",
            "各地要于2024年9月30日前完成首轮排查，对排查出的C级、D级危房逐栋建立台账，实行销号管理。",
            "对鉴定为D级的危房，要立即停止使用，并于2025年底前全部完成拆除或加固改造。",
            "省级财政每年安排校舍安全专项资金3亿元，州、市和县级财政要按不低于1:1的比例安排配套资金。",
            "每学期开学前后各开展1次全面检查。",
            "督查结果作为分配校舍安全专项资金的重要依据。",
            "各州、市人民政府要将本通知落实情况于2024年12月31日前报省人民政府，同时抄送省教育厅。",
        ),
        absent=(
            "北大法宝",
            "法宝引证码",
            "CLI.12.123456",
            "原文链接",
            "https://www.example.com/lar/abc.html",
        ),
    )
    return Fixture("pkulaw-export.txt", text.encode("utf-8-sig"), (expected,))


# --------------------------------------------------------------------------------------------------
# 6. A government-information page printed to PDF (reportlab, built-in CID font STSong-Light).

_GOV_INFO_TITLE = "云岭省教育厅关于进一步加强和规范中小学课后服务工作的意见"
_GOV_INFO_SUMMARY = "就进一步加强和规范全省中小学课后服务工作提出意见。"
_GOV_INFO_URL = "https://jyt.yunling.example.gov/zfxxgk/2025/0610/art_2.html"
_GOV_INFO_PARAGRAPHS = (
    "为深入落实立德树人根本任务，进一步提升课后服务质量，切实减轻学生过重课业负担和家长负担，"
    "现就进一步加强和规范全省中小学课后服务工作提出如下意见。",
    "#一、明确服务要求",
    "（一）保障服务时间。课后服务结束时间原则上不早于当地正常下班时间，每周5天、每天不少于2小时，"
    "确保有需求的学生应参加尽参加。",
    "（二）丰富服务内容。各校要统筹安排作业辅导、体育锻炼、艺术活动、科普实践等内容，每周开设特色活动项目不少于3类。",
    "#二、强化条件保障",
    "（一）完善经费保障机制。各地可采取财政补贴、收取服务性收费等方式筹措经费，"
    "服务性收费标准每生每学期不超过600元，家庭经济困难学生予以减免。",
    "（二）统筹师资力量。鼓励引进退休教师、科技人员、非遗传承人等参与课后服务，校外人员占比原则上不超过30%。",
    "（三）加强安全管理。各校要建立健全课后服务学生考勤、安全巡查和离校交接制度，"
    "制定突发事件应急预案，每学期至少开展1次应急演练，确保学生在校期间安全。",
    "#三、加强组织管理",
    "各州（市）教育局要将课后服务工作纳入对县（市、区）教育督导评估的重要内容，每学年开展不少于1次专项检查，"
    "及时纠正违规行为。",
    "各州（市）教育局可结合本地实际制定课后服务实施细则，并于2025年9月30日前报省教育厅备案。",
    "本意见自2025年7月1日起施行，有效期5年。",
)


def _gov_info_lines() -> list[tuple[str, float, str]]:
    """The printed page as (text, font size, alignment) lines, body wrapped at 30 characters."""
    lines: list[tuple[str, float, str]] = [
        ("信息名称： " + _GOV_INFO_TITLE, 9.5, "left"),
        ("索引号： 000000-00-2025-0001 生成日期： 2025-06-10 发文机构： 云岭省教育厅", 9.5, "left"),
        ("发文字号： 云教规〔2025〕2号 信息类别： 基础教育", 9.5, "left"),
        ("内容概述： " + _GOV_INFO_SUMMARY, 9.5, "left"),
        ("", 12, "left"),
        (_GOV_INFO_TITLE[:23], 16, "center"),
        (_GOV_INFO_TITLE[23:], 16, "center"),
        ("云教规〔2025〕2号", 12, "center"),
        ("", 12, "left"),
        ("各州（市）教育局，厅属各学校：", 12, "left"),
    ]
    for paragraph in _GOV_INFO_PARAGRAPHS:
        if paragraph.startswith("#"):
            lines.append(("　　" + paragraph[1:], 12, "left"))
        else:
            lines.extend((line, 12, "left") for line in hard_wrap("　　" + paragraph, 30))
    lines += [("", 12, "left"), ("云岭省教育厅", 12, "right"), ("2025年6月3日", 12, "right")]
    return lines


def _gov_info_pdf() -> bytes:
    """Draw the lines on two A4 pages, a browser-style print header and footer on each, a paragraph split across."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    width, height = A4
    left, right, top, step = 90.0, width - 90.0, height - 70.0, 21.0
    per_page = 31  # page 1 ends inside the paragraph under 三、 ("…及时纠正违规" | "行为。")
    lines = _gov_info_lines()
    pages = [lines[i : i + per_page] for i in range(0, len(lines), per_page)]
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle(_GOV_INFO_TITLE + "_云岭省教育厅")
    for number, page in enumerate(pages, start=1):
        pdf.setFont(font, 8)
        pdf.drawString(36, height - 30, "2025/6/12 10:21")
        pdf.drawRightString(width - 36, height - 30, _GOV_INFO_TITLE + "_云岭省教育厅")
        pdf.drawString(36, 24, _GOV_INFO_URL)
        pdf.drawRightString(width - 36, 24, f"{number}/{len(pages)}")
        y = top
        for text, size, align in page:
            pdf.setFont(font, size)
            if align == "center":
                pdf.drawCentredString(width / 2, y, text)
            elif align == "right":
                pdf.drawRightString(right, y, text)
            else:
                pdf.drawString(left, y, text)
            y -= step
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _gov_info() -> Fixture:
    """An 意见 behind a 政府信息公开 metadata block; 生成日期 06-10 is not the 成文日期 06-03."""
    expected = Expected(
        title=_GOV_INFO_TITLE,
        date="2025-06-03",
        doc_number="云教规〔2025〕2号",
        issuer="云岭省教育厅",
        kind="意见",
        headings=(
            (1, "一、明确服务要求"),
            (2, "（一）保障服务时间"),
            (2, "（二）丰富服务内容"),
            (1, "二、强化条件保障"),
            (2, "（一）完善经费保障机制"),
            (2, "（二）统筹师资力量"),
            (2, "（三）加强安全管理"),
            (1, "三、加强组织管理"),
        ),
        body=(
            "各州（市）教育局，厅属各学校：",
            "切实减轻学生过重课业负担和家长负担，现就进一步加强和规范全省中小学课后服务工作提出如下意见。",
            "课后服务结束时间原则上不早于当地正常下班时间，每周5天、每天不少于2小时，确保有需求的学生应参加尽参加。",
            "服务性收费标准每生每学期不超过600元，家庭经济困难学生予以减免。",
            "鼓励引进退休教师、科技人员、非遗传承人等参与课后服务，校外人员占比原则上不超过30%。",
            "制定突发事件应急预案，每学期至少开展1次应急演练，确保学生在校期间安全。",
            "每学年开展不少于1次专项检查，及时纠正违规行为。",
            "并于2025年9月30日前报省教育厅备案。",
            "本意见自2025年7月1日起施行，有效期5年。",
        ),
        absent=(
            "信息名称",
            "索引号",
            "000000-00-2025-0001",
            "生成日期",
            "发文机构",
            "发文字号：",
            "信息类别",
            "内容概述",
            _GOV_INFO_SUMMARY,
            "2025/6/12 10:21",
            _GOV_INFO_URL,
        ),
    )
    return Fixture("gov-info.pdf", _gov_info_pdf(), (expected,))


# --------------------------------------------------------------------------------------------------
# 7. A 讲话 in Markdown.

_SPEECH_MD = """\
# 在全市教育工作会议上的讲话

（2026年2月20日）

青川市副市长 李明

同志们：

今天，我们召开全市教育工作会议，主要任务是总结2025年全市教育工作，分析当前形势，部署2026年重点任务。刚才，市教育局主要负责同志作了工作报告，3个县（市、区）作了交流发言，讲得都很好，我完全同意。下面，我讲三点意见。

## 一、充分肯定2025年全市教育工作取得的成绩

过去一年，全市教育系统坚持立德树人根本任务，攻坚克难、真抓实干，各项工作取得新的进展。

### （一）教育资源供给持续扩大

全年新建、改扩建学校23所，新增学位1.2万个，学前教育毛入园率达到93.6%，比上年提高1.4个百分点。

### （二）教育质量稳步提升

全市高考本科上线率达到58.2%，义务教育巩固率保持在98.5%以上，学生体质健康测试优良率达到53.7%。

## 二、清醒认识当前教育工作面临的挑战

在肯定成绩的同时，我们也要清醒地看到，全市教育发展不平衡不充分的问题依然突出，城乡之间、校际之间办学差距仍然较大，部分农村学校生源持续减少，教师结构性缺编问题尚未根本解决。同时，学生心理健康、课后服务质量、职业教育与产业发展契合度等方面还有不少短板。对这些问题，我们必须高度重视，切实加以解决。

## 三、扎实做好2026年各项重点工作

### （一）加快推进义务教育优质均衡

今年要完成8所薄弱学校改造，推动全市所有县（市、区）在2027年前通过义务教育优质均衡发展省级督导评估。

### （二）着力建设高素质教师队伍

全年计划招聘中小学教师900名，培训校长和教师1.5万人次，确保教师平均工资收入水平不低于当地公务员平均工资收入水平。

### （三）切实守牢校园安全底线

各地各校要健全校园安全风险防控体系，确保全市学校“护学岗”设置率、封闭化管理达标率均达到100%。

同志们，教育是功在当代、利在千秋的事业。让我们勇于担当、真抓实干，为加快建设教育强市作出新的更大贡献！
"""


def _speech() -> Fixture:
    """A vice-mayor's speech with a date line, a speaker line and ## / ### headings."""
    expected = Expected(
        title="在全市教育工作会议上的讲话",
        date="2026-02-20",
        doc_number=None,
        issuer=None,
        kind="讲话",
        headings=(
            (1, "一、充分肯定2025年全市教育工作取得的成绩"),
            (2, "（一）教育资源供给持续扩大"),
            (2, "（二）教育质量稳步提升"),
            (1, "二、清醒认识当前教育工作面临的挑战"),
            (1, "三、扎实做好2026年各项重点工作"),
            (2, "（一）加快推进义务教育优质均衡"),
            (2, "（二）着力建设高素质教师队伍"),
            (2, "（三）切实守牢校园安全底线"),
        ),
        body=(
            "同志们：",
            "今天，我们召开全市教育工作会议，主要任务是总结2025年全市教育工作，分析当前形势，部署2026年重点任务。",
            "全年新建、改扩建学校23所，新增学位1.2万个，学前教育毛入园率达到93.6%，比上年提高1.4个百分点。",
            "全市高考本科上线率达到58.2%，义务教育巩固率保持在98.5%以上，学生体质健康测试优良率达到53.7%。",
            "部分农村学校生源持续减少，教师结构性缺编问题尚未根本解决。",
            "全年计划招聘中小学教师900名，培训校长和教师1.5万人次，确保教师平均工资收入水平不低于当地公务员平均工资收入水平。",
            "让我们勇于担当、真抓实干，为加快建设教育强市作出新的更大贡献！",
        ),
        absent=(),
    )
    return Fixture("speech.md", _SPEECH_MD.encode("utf-8"), (expected,))


# --------------------------------------------------------------------------------------------------
# 8. A compilation of three reports behind a table of contents, UTF-16 with BOM.

_COMPILATION = """\
青川市教育信息汇编
2025年第3期
目录
1.青川市2025年秋季开学工作综述1
2.临江县教育体育局关于学校食堂食品安全专项检查情况的报告3
3.关于青川市乡村教师队伍建设的调研报告5

青川市2025年秋季开学工作综述
(2025年9月11日)
　　9月1日，全市1286所中小学、幼儿园如期开学，共有在校学生46.8万人，其中新入学一年级学生5.9万人、初中一年级学生5.4万人。开学前，市教育局会同市公安局、市市场监管局等部门组成8个检查组，对全市学校开学准备工作开展联合检查，累计检查学校612所，发现并督促整改问题143个。
　　在学位保障方面，全市今年新建、改扩建中小学和幼儿园19所，新增学位1.1万个，城区学校大班额比例下降到1.8%。在教师配备方面，全市新招聘中小学教师860名，其中农村学校占62%，有效缓解了农村学校结构性缺编问题。在学生资助方面，秋季学期预计资助家庭经济困难学生3.2万人次，发放资助资金2100余万元。
　　在课后服务方面，全市义务教育学校全部开展课后服务，参与学生达到32.5万人，参与率为88.6%，较上学期提高3.1个百分点。各校共开设科技、体育、艺术等特色课程1400余门，满足学生多样化需求。
　　开学首周，各校普遍开展了“开学第一课”、安全教育和入学适应教育等活动，全市教育系统总体平稳有序，未发生安全责任事故。下一步，市教育局将持续加强校园安全、食品安全和校车安全管理，巩固开学工作成果。

临江县教育体育局关于学校食堂食品安全专项检查情况的报告
(2025年9月18日)
　　根据县人民政府工作安排，9月8日至16日，县教育体育局会同县市场监督管理局，对全县学校食堂食品安全开展了专项检查。现将有关情况报告如下。
　　一、检查基本情况
　　此次检查共抽查学校食堂47个，占全县学校食堂总数的78%，覆盖城区学校12所、乡镇学校35所。检查采取查阅资料、现场查看、抽样检测相结合的方式，重点检查食材采购查验、加工制作过程、餐具清洗消毒和从业人员健康管理等内容，共抽检食品样品96批次，合格率为100%。
　　二、存在的主要问题
　　检查发现，部分乡镇学校食堂仍存在进货查验记录不完整、留样数量不足125克、冷藏设施老化等问题，共涉及学校9所、问题21个。个别学校陪餐制度落实不到位，陪餐记录填写不规范。
　　三、下一步工作打算
　　对检查发现的问题，已下发整改通知书9份，要求相关学校于10月15日前整改到位。县教育体育局将于10月下旬组织复查，并将食品安全工作纳入学校年度考核，考核结果与学校评优评先挂钩。同时，计划投入资金180万元，为14所乡镇学校更新冷藏和消毒设备，从源头上提升食堂保障能力。

关于青川市乡村教师队伍建设的调研报告
(2025年10月9日)
　　为全面了解全市乡村教师队伍建设情况，9月下旬，市教育局调研组深入3个县的21所乡村学校，通过座谈交流、问卷调查、个别访谈等方式开展专题调研，共发放问卷1350份，回收有效问卷1288份。
　　调研显示，全市现有乡村教师1.36万人，占全市中小学教师总数的47.3%。近三年来，全市通过公开招聘、特岗计划、公费师范生等渠道为乡村学校补充教师2140名，乡村教师平均年龄由45.6岁下降到41.2岁，本科及以上学历教师占比由58%提高到71%。乡村教师生活补助按学校艰苦边远程度分档发放，月人均达到620元。
　　调研也发现，乡村教师队伍建设仍面临一些困难：一是结构性缺编依然存在，音乐、体育、美术、信息科技等学科教师缺口约430人；二是青年教师流失较多，近三年乡村学校调出、辞职教师累计达到386人；三是专业发展机会偏少，乡村教师年人均参加市级以上培训不足1次。
　　为此，建议进一步完善乡村教师补充机制，扩大公费师范生定向培养规模；落实乡村教师职称评聘倾斜政策，在评聘中单列指标；建设一批乡村教师周转宿舍，切实改善乡村教师工作生活条件，让乡村教师安心从教、热心从教。
"""


def _compilation() -> Fixture:
    """Three short reports in one file; the header and table of contents belong to none of them."""
    chrome = ("青川市教育信息汇编", "2025年第3期", "目录")
    first = Expected(
        title="青川市2025年秋季开学工作综述",
        date="2025-09-11",
        doc_number=None,
        issuer=None,
        kind="综述",
        headings=(),
        body=(
            "9月1日，全市1286所中小学、幼儿园如期开学，共有在校学生46.8万人，其中新入学一年级学生5.9万人、初中一年级学生5.4万人。",
            "累计检查学校612所，发现并督促整改问题143个。",
            "全市今年新建、改扩建中小学和幼儿园19所，新增学位1.1万个，城区学校大班额比例下降到1.8%。",
            "参与学生达到32.5万人，参与率为88.6%，较上学期提高3.1个百分点。",
            "全市教育系统总体平稳有序，未发生安全责任事故。",
        ),
        absent=chrome,
    )
    second = Expected(
        title="临江县教育体育局关于学校食堂食品安全专项检查情况的报告",
        date="2025-09-18",
        doc_number=None,
        issuer="临江县教育体育局",
        kind="报告",
        headings=(
            (1, "一、检查基本情况"),
            (1, "二、存在的主要问题"),
            (1, "三、下一步工作打算"),
        ),
        body=(
            "现将有关情况报告如下。",
            "此次检查共抽查学校食堂47个，占全县学校食堂总数的78%，覆盖城区学校12所、乡镇学校35所。",
            "共抽检食品样品96批次，合格率为100%。",
            "共涉及学校9所、问题21个。",
            "计划投入资金180万元，为14所乡镇学校更新冷藏和消毒设备，从源头上提升食堂保障能力。",
        ),
        absent=chrome,
    )
    third = Expected(
        title="关于青川市乡村教师队伍建设的调研报告",
        date="2025-10-09",
        doc_number=None,
        issuer=None,
        kind="报告",
        headings=(),
        body=(
            "共发放问卷1350份，回收有效问卷1288份。",
            "调研显示，全市现有乡村教师1.36万人，占全市中小学教师总数的47.3%。",
            "乡村教师平均年龄由45.6岁下降到41.2岁，本科及以上学历教师占比由58%提高到71%。",
            "一是结构性缺编依然存在，音乐、体育、美术、信息科技等学科教师缺口约430人；",
            "让乡村教师安心从教、热心从教。",
        ),
        absent=chrome,
    )
    text = _COMPILATION.replace("\n", "\r\n")
    return Fixture("compilation.txt", b"\xff\xfe" + text.encode("utf-16-le"), (first, second, third))


# --------------------------------------------------------------------------------------------------
# 9. A news digest page: one article with five bold sub-headlines.

_NEWS_DIGEST_HTML = """\
<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>全市教育系统一周工作动态_青川市教育局</title>
<meta name="ArticleTitle" content="全市教育系统一周工作动态">
<meta name="PubDate" content="2025-12-05 17:45">
<meta name="ContentSource" content="青川市教育局">
</head>
<body>
<div class="top"><a href="/">网站首页</a> | <a href="/jyxw/">教育新闻</a> | <a href="/xxgk/">信息公开</a> | <a href="/bsfw/">办事服务</a></div>
<div class="position">您现在的位置：<a href="/">网站首页</a> &gt;&gt; <a href="/jyxw/">教育新闻</a></div>
<div class="content">
  <h1 class="title">全市教育系统一周工作动态</h1>
  <div class="source">发布时间：2025-12-05 17:45　来源：青川市教育局　阅读次数：568</div>
  <div class="TRS_Editor">
    <p><strong>市教育局召开冬季校园安全工作推进会</strong></p>
    <p>　　12月1日，市教育局召开全市冬季校园安全工作推进会，通报前期安全隐患排查情况，部署下一阶段重点工作。会议指出，截至11月底，全市已排查学校427所，发现并整改隐患186处，整改率达到93.5%。</p>
    <p>　　会议要求，各县（市、区）教育局要在12月15日前完成剩余隐患整改，确保寒假前全部清零。</p>
    <p><strong>临江县3所新建学校通过竣工验收</strong></p>
    <p>　　12月2日，临江县城东小学、河湾中学、南山幼儿园3所新建学校通过竣工验收，总建筑面积4.2万平方米，可新增学位2700个，预计2026年春季学期投入使用。3所学校总投资3.1亿元，配套建设了标准化运动场、学生食堂和教师周转宿舍。</p>
    <p><strong>全市中小学教师教学能力大赛落下帷幕</strong></p>
    <p>　　12月3日，为期3天的全市中小学教师教学能力大赛在青川市第一中学落下帷幕。来自全市8个县（市、区）的216名教师参加比赛，共评出一等奖32名、二等奖65名、三等奖97名。</p>
    <p><strong>我市新增5所省级文明校园</strong></p>
    <p>　　近日，云岭省文明委公布第五批省级文明校园名单，青川市实验小学等5所学校榜上有名。至此，全市省级文明校园总数达到41所。</p>
    <p>　　市教育局有关负责人表示，将持续深化文明校园创建，力争到2027年省级文明校园占比达到15%以上。</p>
    <p><strong>市教育局开展课后服务专项督查</strong></p>
    <p>　　12月4日至5日，市教育局组成4个督查组，采取“四不两直”方式，对全市36所中小学课后服务开展情况进行专项督查。督查发现，全市义务教育学校课后服务覆盖率达到100%，学生参与率为91.2%。</p>
    <p>　　对督查中发现的服务内容单一、收费公示不规范等问题，督查组已当场反馈，要求相关学校于12月20日前完成整改。</p>
  </div>
  <div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
</div>
<div class="bottom">
  <p>青川市教育局 版权所有　地址：青川市文昌路1号　邮编：000000</p>
  <p>技术支持：青川市信息中心</p>
</div>
</body>
</html>
"""


def _news_digest() -> Fixture:
    """Five dated news items under bold sub-headlines: one document, five level-1 headings."""
    expected = Expected(
        title="全市教育系统一周工作动态",
        date="2025-12-05",
        doc_number=None,
        issuer="青川市教育局",
        kind=None,
        headings=(
            (1, "市教育局召开冬季校园安全工作推进会"),
            (1, "临江县3所新建学校通过竣工验收"),
            (1, "全市中小学教师教学能力大赛落下帷幕"),
            (1, "我市新增5所省级文明校园"),
            (1, "市教育局开展课后服务专项督查"),
        ),
        body=(
            "会议指出，截至11月底，全市已排查学校427所，发现并整改隐患186处，整改率达到93.5%。",
            "总建筑面积4.2万平方米，可新增学位2700个，预计2026年春季学期投入使用。",
            "来自全市8个县（市、区）的216名教师参加比赛，共评出一等奖32名、二等奖65名、三等奖97名。",
            "至此，全市省级文明校园总数达到41所。",
            "督查发现，全市义务教育学校课后服务覆盖率达到100%，学生参与率为91.2%。",
            "要求相关学校于12月20日前完成整改。",
        ),
        absent=(
            "网站首页",
            "办事服务",
            "您现在的位置",
            "发布时间",
            "来源：",
            "阅读次数",
            "分享到",
            "版权所有",
            "技术支持",
            "邮编",
        ),
    )
    return Fixture("news-digest.html", _NEWS_DIGEST_HTML.encode("utf-8"), (expected,))


# --------------------------------------------------------------------------------------------------
# 10. A government work report scraped from a news page, page chrome above and below.

_REPORT_SCRAPED = """\
下载
打印
【字号：
加大
还原
减小
】
2026年云岭省政府工作报告
2026年1月20日在云岭省第十四届人民代表大会第四次会议上
来源：云岭日报
时间：2026-01-28
云岭省省长 王某某
各位代表：
　　现在，我代表省人民政府，向大会报告工作，请予审议，并请省政协委员和其他列席人员提出意见。
　　一、2025年工作回顾
　　过去一年，面对复杂严峻的外部环境，全省上下团结奋斗，经济社会发展取得新的成绩。全省地区生产总值达到2.86万亿元、增长5.3%，一般公共预算收入2180亿元、增长4.1%，城乡居民人均可支配收入分别增长4.6%和6.8%。
　　（一）经济运行稳中向好。扎实推进重大项目建设，全年实施省级重点项目1200个，完成投资6500亿元。规模以上工业增加值增长6.2%，社会消费品零售总额增长5.0%。
　　（二）民生保障持续改善。全省民生支出占一般公共预算支出的比重保持在75%以上，城镇新增就业52.3万人，新建、改扩建中小学和幼儿园426所，新增学位18.5万个。
　　（三）生态环境质量稳定提升。全省地级城市空气质量优良天数比例达到98.6%，主要河流国控断面水质优良率达到92.4%。
　　二、2026年主要目标任务
　　今年经济社会发展的主要预期目标是：地区生产总值增长5%左右，城镇新增就业50万人以上，城镇调查失业率控制在5.5%以内，居民收入增长与经济增长基本同步。
　　（一）着力扩大有效需求。全年计划实施省级重点项目1300个，完成投资7000亿元以上，持续提振消费，力争社会消费品零售总额增长5.5%。
　　（二）着力办好民生实事。实施10件省级民生实事，新增普惠性托位2万个，新建、改扩建中小学和幼儿园300所以上，进一步提高城乡居民基本养老保险基础养老金标准。
　　三、全面加强政府自身建设
　　各级政府要坚持依法行政，自觉接受人大监督和政协民主监督，持续深化作风建设，坚决纠治形式主义、官僚主义，以实干实绩回应人民期待。
　　各位代表！新的一年，让我们紧密团结，锐意进取，埋头苦干，为谱写云岭发展新篇章而努力奋斗！
责任编辑：张三
扫一扫在手机打开当前页
相关链接>>
云岭省召开全省经济工作会议
全省教育工作会议召开
"""


def _report_scraped() -> Fixture:
    """A 政府工作报告 delivered 01-20 and posted 01-28, with 字号 controls and editor/QR/related-link chrome."""
    expected = Expected(
        title="2026年云岭省政府工作报告",
        date="2026-01-20",
        doc_number=None,
        issuer=None,
        kind="报告",
        headings=(
            (1, "一、2025年工作回顾"),
            (2, "（一）经济运行稳中向好"),
            (2, "（二）民生保障持续改善"),
            (2, "（三）生态环境质量稳定提升"),
            (1, "二、2026年主要目标任务"),
            (2, "（一）着力扩大有效需求"),
            (2, "（二）着力办好民生实事"),
            (1, "三、全面加强政府自身建设"),
        ),
        body=(
            "各位代表：",
            "现在，我代表省人民政府，向大会报告工作，请予审议，并请省政协委员和其他列席人员提出意见。",
            "全省地区生产总值达到2.86万亿元、增长5.3%，一般公共预算收入2180亿元、增长4.1%，城乡居民人均可支配收入分别增长4.6%和6.8%。",
            "扎实推进重大项目建设，全年实施省级重点项目1200个，完成投资6500亿元。",
            "城镇新增就业52.3万人，新建、改扩建中小学和幼儿园426所，新增学位18.5万个。",
            "今年经济社会发展的主要预期目标是：地区生产总值增长5%左右，城镇新增就业50万人以上，城镇调查失业率控制在5.5%以内，居民收入增长与经济增长基本同步。",
            "实施10件省级民生实事，新增普惠性托位2万个，新建、改扩建中小学和幼儿园300所以上，进一步提高城乡居民基本养老保险基础养老金标准。",
            "为谱写云岭发展新篇章而努力奋斗！",
        ),
        absent=(
            "下载",
            "打印",
            "【字号",
            "加大",
            "还原",
            "减小",
            "来源：",
            "云岭日报",
            "时间：2026-01-28",
            "责任编辑",
            "扫一扫在手机打开当前页",
            "相关链接",
            "云岭省召开全省经济工作会议",
            "全省教育工作会议召开",
        ),
    )
    return Fixture("report-scraped.txt", _REPORT_SCRAPED.encode("utf-8"), (expected,))


# --------------------------------------------------------------------------------------------------


def fixtures() -> list[Fixture]:
    """All fixtures, built fresh, in a fixed order."""
    return [
        _notice_gongwen(),
        _city_notice(),
        _implementation_plan(),
        _work_points(),
        _pkulaw_export(),
        _gov_info(),
        _speech(),
        _compilation(),
        _news_digest(),
        _report_scraped(),
    ]


def write_fixtures(folder: Path) -> dict[str, Fixture]:
    """Write every fixture's bytes into ``folder`` (created if needed); return them by file name."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Fixture] = {}
    for fixture in fixtures():
        (folder / fixture.name).write_bytes(fixture.data)
        written[fixture.name] = fixture
    return written


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/synthetic.py FOLDER")
    target = Path(sys.argv[1])
    for name, fixture in write_fixtures(target).items():
        titles = " / ".join(e.title for e in fixture.expected)
        print(f"{target / name}\t{len(fixture.data)} bytes\t{len(fixture.expected)} doc(s)\t{titles}")
