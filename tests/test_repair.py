"""Layout recognition and line-break repair: rule tables, the seed, pd1998-derived layouts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pipeline.core.record import Document
from pipeline.page import cells, layout
from pipeline.page.reading import Evidence, Unit, continues, fragments_joined, indents_by_width, opener_runs_on
from pipeline.stages.normalize import normalize_document
from pipeline.stages.repair import repair_document

LAYOUTS = sorted((Path(__file__).parent / "fixtures" / "layouts").glob("*.txt"))


def clean(text: str, name: str = "t") -> Document:
    return repair_document(normalize_document(Document(id=name, text=text)))


def paragraphs(doc: Document, kind: str | None = None) -> list[str]:
    return [doc.text[b.start : b.end] for b in doc.blocks if kind is None or b.kind == kind]


@pytest.fixture(scope="module")
def seed() -> Document:
    text = (Path(__file__).parent / "fixtures" / "seed_zzwb_20130428.txt").read_text("utf-8")
    return clean(text, "seed")


# --- recognisers ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "found"),
    [
        ("郑州晚报 2013年4月28日", {"publication": "郑州晚报", "date": "2013-04-28"}),
        ("河南日报  1998年1月22日  星期四", {"publication": "河南日报", "date": "1998-01-22", "weekday": "星期四"}),
        ("1998年1月22日 星期四 人民日报 第3版", {"publication": "人民日报", "date": "1998-01-22", "weekday": "星期四", "page": "3"}),
        ("AA02", {"page": "AA02"}),
        ("A06", {"page": "A06"}),
        ("第4版", {"page": "4"}),
        ("郑州晚报", {"publication": "郑州晚报"}),
        ("星期四", {"weekday": "星期四"}),
        ("2013年4月28日,与会人员对各县区进行了观摩", None),
        ("集聚产业 追梦中原", None),
        ("4月26日-27日", None),
        # a section name, staff credits and a page among the fields
        (
            "人民日报　2024年3月6日　星期三　第4版　要闻　责任编辑：刘洋",
            {"publication": "人民日报", "date": "2024-03-06", "weekday": "星期三", "page": "4"},
        ),
        ("南方日报　2023年7月16日　星期日　A02　要闻", {"publication": "南方日报", "date": "2023-07-16", "weekday": "星期日", "page": "A02"}),
        ("2013年4月28日 星期日 编辑 王芳 美编 李丽", {"date": "2013-04-28", "weekday": "星期日"}),
        ("2024年3月6日电 新华社记者张三报道", None),  # a reporter's credit names no paper
        ("（下转第五版）", {}),  # a jump line: furniture without metadata
        ("（完）", {}),  # an end mark
        ("责任编辑：张三　版式设计：李四", {}),  # a line of staff credits alone
        ("编辑部的故事", None),
        # other date styles, the lunar date, serial numbers and spreads
        ("2023年7月16日 星期日 农历癸卯年五月廿九", {"date": "2023-07-16", "weekday": "星期日"}),
        ("北京青年报 2023-07-16 A05 社会新闻", {"date": "2023-07-16", "publication": "北京青年报", "page": "A05"}),
        ("2023.7.16 星期日 第5版", {"date": "2023-07-16", "weekday": "星期日", "page": "5"}),
        ("2023年7月16日 星期日 国内统一连续出版物号 CN41-0003", {"date": "2023-07-16", "weekday": "星期日"}),
        ("新京报 2024年3月6日 星期三 A08-A09 | 时事", {"date": "2024-03-06", "weekday": "星期三", "publication": "新京报", "page": "A08"}),
        ("2013年4月31日 星期日", None),  # no such day
        ("(上接第1版)", {}),
        # running heads as OCR reads them off real pages: spread over the page's width, fields lost or
        # misread, one field a line
        (
            "郑州晚报               1998年1月19日                星期一               AA05               要闻",
            {"publication": "郑州晚报", "date": "1998-01-19", "weekday": "星期一", "page": "AA05"},
        ),
        ("南方日报       1998年1月19          期         AO7      体育       责任编辑 ： 刘洋", {"publication": "南方日报", "date": "1998-01-19", "page": "A07"}),
        ("郑州晚报“ 1998年]月19日”星期一                      AA03", {"publication": "郑州晚报", "date": "1998-01-19", "weekday": "星期一", "page": "AA03"}),
        # a day OCR broke: the one date a digit away on the printed weekday (Mondays of January 1998: 5, 12, 19, 26)
        ("河南日报   1998年1月49日   星期一", {"publication": "河南日报", "date": "1998-01-19", "weekday": "星期一"}),
        ("1998年1月20日", {"date": "1998-01-20"}),
        ("AAO2    教育    责任编辑 ： 刘洋", {"page": "AA02"}),
        ("A08      要闻责任编辑，刘洋", {"page": "A08"}),
        ("星期一              BO5", {"weekday": "星期一", "page": "B05"}),
        ("北京青年报        2018年10", {"publication": "北京青年报"}),
        ("南方日报 1998年1月195日 星期一 B05 社会", {"publication": "南方日报", "date": "1998-01-19", "weekday": "星期一", "page": "B05"}),
        ("据新京报报道 星期一", None),  # a field must be whole
        ("星期一 我们", None),
        ("1998年1月46日星期五", {"date": "1998-01-16", "weekday": "星期五"}),  # a broken date the weekday sets right
        ("第一战役在北京军区200", None),
        ("1998年1月20日”星期二，B08 体育。责任编辑，张华", {"date": "1998-01-20", "weekday": "星期二", "page": "B08"}),
        ("1998年1月416日", {}),  # a date OCR broke, alone on its line
        ("1998年1月", None),  # a signature's month
        # a page numbered in Chinese
        ("人民日报 1998年1月16日 星期五 第十二版", {"publication": "人民日报", "date": "1998-01-16", "weekday": "星期五", "page": "12"}),
        ("光明日报 1998年1月16日 星期五 第二十四版 要闻", {"publication": "光明日报", "date": "1998-01-16", "weekday": "星期五", "page": "24"}),
        ("第五版", {"page": "5"}),
        # a date in Chinese numerals, as older papers print it
        ("人民日报 一九九八年一月十六日 星期五 第四版", {"publication": "人民日报", "date": "1998-01-16", "weekday": "星期五", "page": "4"}),
        ("二〇一八年十月二十九日 星期一", {"date": "2018-10-29", "weekday": "星期一"}),
        ("1998年1月16日 星期五 农历丁丑年十二月十八", {"date": "1998-01-16", "weekday": "星期五"}),  # the lunar date stays text
    ],
)
def test_parse_furniture(line: str, found: dict | None) -> None:
    assert layout.parse_furniture(line) == found


@pytest.mark.parametrize(
    ("lines", "roles", "meta"),
    [
        (
            ["Ano4              国际责任编辑：刘洋郑州晚报               19es年1月1e日星期一", "四座新建核电站进展顺利", "", "建的4座跨世纪核电工程目前进展顺利。"],
            ["furniture", "headline", "blank", "body"],
            {"weekday": "星期一"},
        ),
        (  # two signs of a head in a story's first line are no head: it is punctuated
            ["本报讯 郑州晚报记者从1998年起连续跟踪报道。", "他说。"],
            ["body", "body"],
            {},
        ),
    ],
)
def test_a_running_head_ocr_broke_past_reading(lines: list[str], roles: list[str], meta: dict) -> None:
    found = layout.analyze(lines)
    assert found.roles == roles
    assert {k: found.meta[k] for k in meta} == meta


@pytest.mark.parametrize(
    ("lines", "roles"),
    [
        (["河南日报 1998年1月20日 星期二", "", "文化", "", "A05"], ["furniture", "blank", "furniture", "blank", "furniture"]),
        (["星期二", "综合新闻", "1998年1月20日"], ["furniture"] * 3),
        (["正文第一段。", "", "AA07", "综合新闻"], ["body", "blank", "furniture", "furniture"]),  # the page's foot
        # a short headline under the running head has text after it
        (["人民日报 1998年1月16日 星期五 第3版", "", "手足情深", "", "本报讯 今天，全国各地……"], ["furniture", "blank", "headline", "blank", "body"]),
    ],
)
def test_words_of_a_running_head_on_lines_of_their_own(lines: list[str], roles: list[str]) -> None:
    assert layout.analyze(lines).roles == roles


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("郑州晚报记者 王继兵 袁帅", ["王继兵", "袁帅"]),
        ("□郑州晚报记者 王继兵 袁帅", ["王继兵", "袁帅"]),
        ("本报记者  李明", ["李明"]),
        ("记者 王继兵 通讯员 张三", ["王继兵", "张三"]),
        ("本报记者崔士鑫", ["崔士鑫"]),
        ("记者王继兵、袁帅", ["王继兵", "袁帅"]),
        ("市领导出席会议。", None),
        ("记者们在现场进行了采访，并拍摄了大量照片和视频资料", None),
    ],
)
def test_parse_byline(line: str, names: list[str] | None) -> None:
    assert layout.parse_byline(line) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("新华社北京1月15日电（记者孙杰）中国航空工业", ["孙杰"]),
        ("本报讯（记者 王继兵 袁帅）昨晚", ["王继兵", "袁帅"]),
        ("昨晚，我市召开会议", []),
        # a second role word separates names and is none; a credit may name only a correspondent
        ("本报讯（记者 陈晓 通讯员 粤统宣）7月15日", ["陈晓", "粤统宣"]),
        ("本报讯（通讯员 李明）昨日", ["李明"]),
        ("新华社北京7月15日电（记者王晓燕、李明）", ["王晓燕", "李明"]),
        ("本报讯（记者 刘 勇 通讯员 李 明）", ["刘勇", "李明"]),  # names padded to three characters
    ],
)
def test_parse_credit(text: str, names: list[str]) -> None:
    assert layout.parse_credit(text) == names


@pytest.mark.parametrize(
    ("line", "ends"),
    [
        ("确保全年目标任务圆满完成。", True),
        ("全文如下：", True),
        ("“请把急难险重的任务交给我们！”", True),
        ("（完）", True),
        ("李鹏等会见代表。（新华社发）", True),
        ("医生给病人送“红包”", False),
        ("出版了《邓小平理论与当代中国》", False),
        ("新华社北京1月19日电（记者罗辉）", False),
        ("促使企业尽", False),
        ("，不妨试试驼色系吧！（来源：", False),  # inside a bracket
        ("", False),
    ],
)
def test_ends_paragraph(line: str, ends: bool) -> None:
    assert layout.ends_paragraph(line) is ends


@pytest.mark.parametrize(
    ("raw", "width"),
    [
        ("每生每年5 5 0元", 8.0),  # full-width digits, each in its em box: OCR sets spaces between them
        ("每生每年550元", 6.5),  # half-width digits
        ("在校学生11 5万人", 9.0),
        ("达1 2 . 3 %，", 7.0),
        ("Windows 7 and 8", 7.5),  # no number run: the spaces stay
    ],
)
def test_printed_width_counts_spaced_digits_full(raw: str, width: float) -> None:
    doc = normalize_document(Document(id="t", text=raw))
    assert sum(layout.printed_widths(doc)) == width


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        ("正常经费由1 9 9 1年每生3 0", [(5, 12), (15, 18)]),  # still spaced, as in side-by-side columns
        ("由1991年", []),
        ("今年的V C D大战", [(3, 8)]),  # full-width letters read one by one
        ("a VCD player", []),
    ],
)
def test_spaced_number_runs(text: str, runs: list[tuple[int, int]]) -> None:
    assert layout.spaced_number_runs(text, list(range(len(text)))) == runs


FREE = Evidence(width=None, indents_paragraphs=False, blank_between_paragraphs=False)
WRAPPED = Evidence(width=14.0, indents_paragraphs=False, blank_between_paragraphs=False)
WRAPPED_BLANKS = Evidence(width=14.0, indents_paragraphs=False, blank_between_paragraphs=True)
INDENTED = Evidence(width=14.0, indents_paragraphs=True, blank_between_paragraphs=False)


@pytest.mark.parametrize(
    ("previous", "width", "indented", "blank", "evidence", "joined"),
    [
        ("确保经济持续健康快速发展，促使企业尽", 19, False, True, FREE, True),
        ("吴天君要求，要着眼长远，立足当前，把", 18, False, True, FREE, True),
        ("确保全年目标任务圆满完成。", 13, False, True, FREE, False),
        ("按照“一个载体、三个体系”", 13, False, True, FREE, True),  # a term in quotes ends no sentence
        ("他说：“今年要办好。”", 11, False, True, FREE, False),
        ("新华社北京1月15日电（记者孙杰）", 16, False, False, WRAPPED, True),  # a credit in brackets neither
        ("再度降价很有可能。（宋光茂）", 14, False, True, FREE, False),  # a signature after the last sentence
        ("新华社北京1月15日电外交部", 14, False, False, WRAPPED, True),
        ("进行国事访问。", 7, False, False, WRAPPED, False),
        ("中国进行国事访问。今年以来", 14, False, True, WRAPPED, True),
        ("重大成就。两国的经济稳步发展。", 15, False, False, WRAPPED, True),
        ("重大成就。两国的经济稳步发展。", 15, False, True, WRAPPED_BLANKS, False),
        ("重大成就。两国的经济稳步发展，", 14, False, True, WRAPPED_BLANKS, True),
        # no body paragraph ends on a line without sentence-final punctuation: an indent OCR saw
        # there, a short line or a blank line (a column or page break) does not end it
        ("有专人负责。袁伟民还宣布，中", 14, True, False, INDENTED, True),
        ("各地都应考虑成立专门的反兴奋", 14, False, False, INDENTED, True),
        ("少了一个字的整行文字差一", 12.5, False, False, WRAPPED, True),
        ("新华社张家口1月15日电", 11, False, False, WRAPPED, True),  # full-width digits read half-width
        ("第一战役在北京军区200", 11, False, True, WRAPPED_BLANKS, True),  # the foot of a column
        ("让灾民暖暧和和过春节", 10, False, True, FREE, True),
        ("正常经费提高到现在的每人每年1", 14.5, False, True, WRAPPED_BLANKS, True),  # | 50元
        ("但目", 2, True, True, INDENTED, True),  # | 前断言: a column's foot, an indent OCR saw
        ("有专人负责。", 6, True, False, INDENTED, False),
        ("同志们：", 4, False, False, WRAPPED, False),  # a colon ends a paragraph on a line clearly short
        ("他拇指和中指比了一个圆圈，说：", 13, False, False, WRAPPED, True),  # not on one about full
        ("，不妨试试驼色系吧！（来源：", 14, False, True, WRAPPED_BLANKS, True),  # nor inside a bracket
    ],
)
def test_continues(previous: str, width: float, indented: bool, blank: bool, evidence: Evidence, joined: bool) -> None:
    assert continues(previous, width, indented, blank, evidence) is joined


COLUMN_21 = Evidence(width=21.0, indents_paragraphs=False, blank_between_paragraphs=True)
INDENTED_21 = Evidence(width=21.0, indents_paragraphs=True, blank_between_paragraphs=True)
INDENTED_10 = Evidence(width=10.0, indents_paragraphs=True, blank_between_paragraphs=True)
INDENTED_13 = Evidence(width=13.0, indents_paragraphs=True, blank_between_paragraphs=False)


def unit(width: float, ends: bool) -> Unit:
    return Unit("body", 0, 0, width, False, None, ends)


@pytest.mark.parametrize(
    ("units", "indents"),
    [
        # after a sentence's end, the lines that run on are two characters short: indents OCR lost
        ([unit(14, True), unit(12, False), unit(14, False), unit(12, True), unit(11, False)], True),
        # after a paragraph's short last line the next paragraph is set flush: space between paragraphs
        ([unit(9, True), unit(14, False), unit(14, False), unit(8, True), unit(14, False), unit(12, True), unit(12, False)], False),
        # one such line is no habit
        ([unit(14, True), unit(12, False), unit(14, False)], False),
    ],
    ids=["indents lost", "set flush", "once"],
)
def test_indents_judged_by_width_over_the_article(units: list[Unit], indents: bool) -> None:
    assert indents_by_width(units, 14.0) is indents


@pytest.mark.parametrize(
    ("previous", "width", "opens", "following", "following_width", "evidence", "blank", "joined"),
    [
        # a paragraph's first line is full two characters short (its indent, lost to OCR)
        ("与此同时，该市千方百计提高师资队伍素质。", 20, True, "对薄弱学校经过考察要求调入的教学骨干，优先", 21, COLUMN_21, False, True),
        ("与此同时，该市千方百计提高师资队伍素质。", 20, False, "对薄弱学校经过考察要求调入的教学骨干，优先", 21, COLUMN_21, False, False),
        ("衡阳市的做法。", 7, True, "衡阳市现有普通中小学3813所，在校学", 19, COLUMN_21, True, False),
        # a full line ending a sentence, then a line two characters short that runs on: its indent was lost
        ("自考、进修等方式，获得合格学历和专业合格证。", 22, False, "他们还规定薄弱学校教师的基本功达标、参", 19, COLUMN_21, False, False),
        ("自考、进修等方式，获得合格学历和专业合格证。", 22, False, "加教改试验、参加教学竞赛、一专多能4项业", 21, COLUMN_21, False, True),
        # rule hanging_mark_outside: a paragraph's first line with a comma hung past its end is its indent short without it
        ("成为四年来全球互联网企业最大规模IPO。", 13.5, False, "当时的定价接近区间高位，", 12, INDENTED_13, False, False),
        ("成为四年来全球互联网企业最大规模IPO。", 13.5, False, "当时的定价接近区间高位每", 12, INDENTED_13, False, True),
        # where the article shows its indents, a line not indented after a full one runs on, blank or not
        ("重大成就。两国的经济稳步发展，今年的访问。", 21, False, "必将推动两国关系进一步发展，为此双方已做", 21, INDENTED_21, True, True),
        ("重大成就。两国的经济稳步发展，今年的访问。", 21, False, "必将推动两国关系进一步发展，为此双方已做", 21, COLUMN_21, True, False),
        # after a blank line (OCR's block break), a line a character short runs on no more: its indent was lost
        ("会影响自己的生育决策。", 11, False, "90.6的受访青年", 9, INDENTED_10, True, False),
        ("会影响自己的生育决策。", 11, False, "90.6的受访青年", 9, INDENTED_10, False, True),
        # a line well short ending in a character, before a paragraph's first line: OCR lost its full stop
        ("钱其琛是15日晚抵达圣马力诺进行访问的。当晚，他同加蒂举行了会谈", 9, False, "钱其琛说，圣马力诺是欧洲最古老的共和国", 19, INDENTED_21, True, False),
        ("钱其琛是15日晚抵达圣马力诺进行访问的。当晚，他同加蒂举行了会谈", 9, False, "钱其琛说，圣马力诺是欧洲最古老的共和国", 19, COLUMN_21, True, True),
        ("国家无论大小，", 7, False, "钱其琛说，圣马力诺是欧洲最古老的共和国", 19, INDENTED_21, True, True),  # a comma runs on
        ("一个国家的经济发展", 9, False, "水平和人民生活水平的提高都离不开科技", 21, INDENTED_21, True, True),  # a full line follows
        # a line all in brackets after a sentence's end: the story's signature, a paragraph of its own
        ("还可以增加室内的湿度，使空气清新。", 17, False, "（李少奇）", 5, INDENTED_21, False, False),
        ("世界游泳运动也将随之翻开崭新的一页。", 18, False, "（本报珀斯1月18日电）", 11.5, COLUMN_21, False, False),
        ("与此同时，该市千方百计提高师资队伍", 18, False, "（包括民办教师）", 8, COLUMN_21, False, True),  # no sentence ended
        # rule signature_after_lost_stop: after a line well short ending in a character, its full stop lost
        ("并将由四年一届改为两年一届，世界游泳运动也将随之翻开崭新的一页", 8, False, "（本报珀斯1月18日电）", 11.5, COLUMN_21, True, False),
        ("并将由四年一届改为两年一届，世界游泳运动也将随之翻开崭新的一页", 8, False, "（本报珀斯1月18日电）", 11.5, Evidence(None, False, True), True, True),
        ("与此同时，该市千方百计提高师资", 15, False, "（包括民办教师）", 8, COLUMN_21, False, False),  # no column line is so short
    ],
)
def test_continues_by_the_first_lines_indent(
    previous: str,
    width: float,
    opens: bool,
    following: str,
    following_width: float,
    evidence: Evidence,
    blank: bool,
    joined: bool,
) -> None:
    found = continues(
        previous, width, False, blank, evidence, opens_paragraph=opens, following=following, following_width=following_width
    )
    assert found is joined


INDENTED_15 = Evidence(width=15.0, indents_paragraphs=True, blank_between_paragraphs=False)


@pytest.mark.parametrize(
    ("previous", "width", "evidence", "following", "following_width", "ends"),
    [
        # rule lost_full_stop: short by the indent and a fifth of the column, before a paragraph's first line
        ("并将支票交给中国驻休斯敦总领事吴祖荣", 8, INDENTED_10, "谢家树在天后庙举", 8, True),
        ("号是： WINTER IS COMING", 11, INDENTED_15, "杭州“NIGHTWATCHFC”足球队", 13, True),
        ("当晚，他同加蒂举行了会谈", 9, INDENTED_21, "钱其琛说，圣马力诺是欧洲最古老的共和国", 19, True),
        # a character short: a character OCR lost, the sentence runs on
        ("并将支票交给中国驻休斯敦总领事吴", 9, INDENTED_10, "谢家树在天后庙举", 8, False),
        # the indent short but not a fifth of a wide column: as likely two characters OCR lost
        ("解放军队的尤艳春、吉林队的王", 17, INDENTED_21, "宏与齐齐哈尔队的于净，今天分别", 19, False),
        # no paragraph opens after it (a full line), or the article shows no indents, or a comma ends it
        ("并将支票交给中国驻休斯敦总领事吴祖荣", 8, INDENTED_10, "谢家树在天后庙举行", 10, False),
        ("并将支票交给中国驻休斯敦总领事吴祖荣", 8, Evidence(10.0, False, True), "谢家树在天后庙举", 8, False),
        ("并将支票交给中国驻休斯敦总领事吴祖荣，", 9, INDENTED_10, "谢家树在天后庙举", 8, False),
        # a term in brackets or quotes ends the sentence whose full stop OCR lost
        ("阿里巴巴自身以及软银愿景基金 (Vision Fund）", 8.5, INDENTED_13, "曾经参投口碑的春华资本", 11, True),
        ("大家都把这种做法叫作“红色代办”", 8, INDENTED_13, "曾经参投口碑的春华资本", 11, True),
        ("阿里巴巴自身以及软银愿景基金 (Vision Fund）", 8.5, INDENTED_13, "曾经参投口碑的春华资本和", 13, False),
    ],
    ids=[
        "narrow column",
        "latin",
        "well short",
        "a character short",
        "wide column",
        "full line after",
        "no indents",
        "comma",
        "closing bracket",
        "closing quote",
        "closing bracket, full line after",
    ],
)
def test_lost_full_stop_ends_a_paragraph(
    previous: str, width: float, evidence: Evidence, following: str, following_width: float, ends: bool
) -> None:
    joined = continues(previous, width, False, False, evidence, following=following, following_width=following_width)
    assert joined is not ends


@pytest.mark.parametrize(
    ("line", "runs_on"),
    [
        ("新华社北京1月19日电", True),
        ("新华社北京1月1 9日电。", True),  # a full stop OCR read after the opener, digits spaced
        ("本报郑州4月27日讯，", True),
        ("本报讯", True),
        ("新华社北京1月19日电（记者陈礁）", False),  # the credit after it: a line of the story
        ("新华社北京1月19日电，中共中央今天发出通知。", False),
        ("今年全村都通上了电。", False),  # a sentence ending in 电: no story opens here
    ],
)
def test_story_opener_runs_on(line: str, runs_on: bool) -> None:
    assert opener_runs_on(line) is runs_on


@pytest.mark.parametrize(
    ("previous", "last_line", "joined"),
    [
        # rule story_opener_runs_on: a line short of the column ending in a full stop, but the story's opening words
        ("环主持为政协九届一次会议作准备新华社北京1月1 9日电。", "新华社北京1月1 9日电。", True),
        ("环主持为政协九届一次会议作准备中共中央今天发出通知。", "中共中央今天发出通知。", False),
    ],
)
def test_a_story_opener_runs_on_into_its_credit(previous: str, last_line: str, joined: bool) -> None:
    found = continues(previous, 11.5, False, False, INDENTED_13, following="（记者陈礁）政协第八届全国", following_width=13.5, last_line=last_line)
    assert found is joined


def body_paragraphs(paragraphs: list[str]) -> tuple[str, list[list[Unit]]]:
    """The text of ``paragraphs`` one a line, and a body unit per line, each its own paragraph."""
    text, units = "", []
    for paragraph in paragraphs:
        units.append([Unit("body", len(text), len(text) + len(paragraph), float(len(paragraph)), False, None)])
        text += paragraph + "\n"
    return text, units


@pytest.mark.parametrize(
    ("paragraphs", "joined"),
    [
        # a sentence's tail a column cut set apart joins the paragraph before, counted without the blanks repair drops
        (["江苏田湾核电站已经完成全部土石方工程。", "式开工。", "按照计划，到2005年两台机组将全部投入运行。"], [2, 1]),
        (["江苏田湾核电站已经完成全部土石方工程。", "式开 工 。", "按照计划，到2005年两台机组将全部投入运行。"], [2, 1]),
        # the first paragraph's tail joins the one after
        (["店。", "按照计划，到2005年两台机组将全部投入运行。"], [2]),
        # a tail whose full stop OCR lost (rule lost_full_stop set it apart), between two body paragraphs
        (["并将支票交给中国驻休斯敦总领事", "吴祖荣", "谢家树在天后庙举行的新年庆典大会上致词。"], [2, 1]),
        # stays: a label ending in a colon, words without a sentence's end at the page's end, a longer paragraph
        (["克雷库总统1972年执政后不久即决定与我国恢复外交关系。", "图片：", "记者问"], [1, 1, 1]),
        (["克雷库总统1972年执政后不久即决定与我国恢复外交关系。", "新华社发。"], [1, 1]),
    ],
    ids=["a tail", "a tail with blanks", "the first", "a tail without its full stop", "labels", "five characters"],
)
def test_fragments_joined(paragraphs: list[str], joined: list[int]) -> None:
    text, units = body_paragraphs(paragraphs)
    assert [len(paragraph) for paragraph in fragments_joined(text, units)] == joined


@pytest.mark.parametrize(
    ("page", "body"),
    [
        (  # a credit's bracket closes on the next line: no sentence ends there
            "本报记者 李明\n\n新华社北京1月15日电（新华社记\n者王言彬、韩振军）\n国务院总理李鹏今天下午在人民\n大会堂会见了出席会议的代表。\n",
            ["新华社北京1月15日电（新华社记者王言彬、韩振军）国务院总理李鹏今天下午在人民大会堂会见了出席会议的代表。"],
        ),
        (  # full-width digits read spaced out: the line is full, the paragraph runs on
            "本报记者 李明\n\n市教委每年设立专项补助用于薄弱学校\n建设，每生经费由1 9 9 1年3 0 0元\n提高到现在的每年5 5 0元，增加了一\n倍。城区小学毕业生升学达1 0 0%。\n这一做法已在全省推广。\n",
            ["市教委每年设立专项补助用于薄弱学校建设，每生经费由1991年300元提高到现在的每年550元，增加了一倍。"
             "城区小学毕业生升学达100%。这一做法已在全省推广。"],
        ),
        (  # a paragraph's last line is full and the next paragraph's first line two characters short
            "本报记者 李明\n\n本报讯作为湖南的重要工业城市衡\n阳市，近年来一直致力改造学校。\n他们还规定教师的基本功达\n标、参加教改试验、参加教学竞\n赛。\n",
            ["本报讯作为湖南的重要工业城市衡阳市，近年来一直致力改造学校。", "他们还规定教师的基本功达标、参加教改试验、参加教学竞赛。"],
        ),
        (  # the tail of a sentence a column cut set apart joins the paragraph before it
            "本报记者 李明\n\n江苏田湾核电站已经完成全部土石\n方工程。\n\n式开工。\n\n按照计划，到2005年两台机组将\n全部投入运行。\n",
            ["江苏田湾核电站已经完成全部土石方工程。式开工。", "按照计划，到2005年两台机组将全部投入运行。"],
        ),
        (  # short paragraphs of their own stay: a caption's label, words without a sentence's end
            "本报记者 李明\n\n克雷库总统1972年执政后不久即决定\n与我国恢复外交关系。\n\n图片：\n\n记者问\n",
            ["克雷库总统1972年执政后不久即决定与我国恢复外交关系。", "图片：", "记者问"],
        ),
    ],
    ids=["bracket over a line end", "spaced digits", "lost indent", "a fragment", "short paragraphs"],
)
def test_reading_rules_on_pages(page: str, body: list[str]) -> None:
    assert paragraphs(clean(page), "body") == body


# --- the seed ------------------------------------------------------------------------------------
def test_seed_metadata(seed: Document) -> None:
    meta = seed.meta
    assert meta["publication"] == "郑州晚报"
    assert meta["date"] == "2013-04-28"
    assert meta["page"] == "AA02"
    assert meta["reporters"] == ["王继兵", "袁帅"]
    assert meta["headline"] == "集聚产业 追梦中原"
    assert meta["subheadline"].endswith("迅速掀起重点项目和产业集聚区建设热潮")


def test_seed_text(seed: Document) -> None:
    text = seed.text
    assert "促使企业尽快投产" in text and "立足当前，把握重点" in text
    assert not re.search(r"[\u4e00-\u9fff],[\u4e00-\u9fff]", text)
    assert "AA02" not in text and "□" not in text and "#" not in text
    assert "\n\n" not in text and text == text.strip()
    kinds = [b.kind for b in seed.blocks]
    assert kinds[:3] == ["headline", "subheadline", "byline"]
    assert kinds.count("body") == 9
    assert kinds[-4:] == ["pull_quote", "attribution", "pull_quote", "attribution"]
    assert paragraphs(seed, "attribution") == ["——吴天君", "——马懿"]
    assert len(text.split("\n")) == len(seed.blocks) == 16


def test_blocks_tile_the_text(seed: Document) -> None:
    position = 0
    for block in seed.blocks:
        assert block.start == position
        position = block.end + 1
    assert seed.blocks[-1].end == len(seed.text)


def test_repair_is_idempotent_on_clean_text(seed: Document) -> None:
    again = repair_document(seed)
    assert again.text == seed.text
    assert [b.kind for b in again.blocks] == [b.kind for b in seed.blocks]


# --- other papers and layouts --------------------------------------------------------------------
HENAN = """河南日报  1998年1月22日  星期四

A06

贝宁总统将访华

新华社北京１月１５日电外交部
发言人沈国放今天在记者招待会
上宣布:应国家主席江泽民的邀
请,贝宁共和国总统马蒂厄·克

雷库将于１月１９日至２４日对
中国进行国事访问。
这是克雷库总统第三次访问中
国。
"""


def test_plain_hard_wrapped_page_without_markdown() -> None:
    doc = clean(HENAN)
    assert doc.meta["headline"] == "贝宁总统将访华"
    assert (doc.meta["publication"], doc.meta["date"], doc.meta["weekday"], doc.meta["page"]) == (
        "河南日报",
        "1998-01-22",
        "星期四",
        "A06",
    )
    assert "reporters" not in doc.meta
    assert paragraphs(doc, "body") == [
        "新华社北京1月15日电外交部发言人沈国放今天在记者招待会上宣布：应国家主席江泽民的邀请，"
        "贝宁共和国总统马蒂厄·克雷库将于1月19日至24日对中国进行国事访问。",
        "这是克雷库总统第三次访问中国。",
    ]


SIDE_BY_SIDE = """人民日报  1998年1月16日  星期五

李鹏批示航空工业工作会议

本报记者 王继兵

　　据新华社北京电中国航空     值增长16%，占总产值的比重
工业总公司工作会议今天在京     上升到80%。
闭幕。                        　　朱育理在大会报告中要求
　　据了解，去年我国航空工     航空工业进一步解放思想。
业继续保持稳定发展势头，产
"""


def test_side_by_side_columns_are_read_in_order() -> None:
    doc = clean(SIDE_BY_SIDE)
    assert paragraphs(doc, "body") == [
        "据新华社北京电中国航空工业总公司工作会议今天在京闭幕。",
        "据了解，去年我国航空工业继续保持稳定发展势头，产值增长16%，占总产值的比重上升到80%。",
        "朱育理在大会报告中要求航空工业进一步解放思想。",
    ]
    assert doc.meta["reporters"] == ["王继兵"]


@pytest.mark.parametrize("path", LAYOUTS, ids=[p.stem for p in LAYOUTS])
def test_pd1998_layouts(path: Path) -> None:
    expected = json.loads(path.with_suffix(".json").read_text("utf-8"))
    doc = clean(path.read_text("utf-8"), path.stem)
    assert doc.meta["headline"] == expected["headline"]
    assert paragraphs(doc, "body") == expected["body"]
    for key in ("publication", "date", "page"):
        assert doc.meta[key] == expected[key]
    if expected["reporters"]:
        assert doc.meta["reporters"] == expected["reporters"]


# Rows of Tesseract's text (tests/fixtures/ocr, build/ocr_dev): close columns run together with a single
# space or a stray mark where they meet; a column read on its own with a wide space here and there.
CLOSE_COLUMNS = [
    "新华社张家口1月15日电 0余名官兵和武警部队的大力支",
    "（记者陈辉） 记者从抗震救灾总 “”援下，已经实现。为了打好第二",
    "指挥部获悉，“让灾区群众在保 ” 战役，北京军区今天又投入30",
    "暖简易房中暖暧和和过春节”的 00余名官兵抓紧施工，力争在",
    "第二战役，今天全面展开，北京 “春节前盖起1万间安全、保暖的",
    "军区投入5000余名官兵支援 ”简易住房，让4万多名受灾群众",
]
ONE_COLUMN = [
    "在万圣节来临之际，很多",
    "地方都开始为万圣节而庆祝，",
    "但你知道哪一天是真正的万圣",
    "节吗？万圣节的起源来自宗",
    "西方的传统节     万圣节 人",
    "祭祀，相传在2000多年前，欧",
    "洲的天主教会把11月1日定为",
    "“天下圣徒之日”。那时的万",
    "圣节的意义是赞美秋天，和祭礼",
    "All Hallovws “Day），10月31",
    "亡魂，祈福平安的；人们相信，",
    "故人的灵魂会在这一天回到故",
    "居地，在活人身上找寻生灵，",
    "借此再生；而活着的人则惧怕",
    "市的占35. 3%， 二线城",
    "市的占42. 2%， 三四线",
    "是一样的“trick or treat!”   （不",
]
WIDE_GAPS = ["据新华社北京电中国航空     值增长16%，占总产值的比重", "工业总公司工作会议今天在京     上升到80%。"]


@pytest.mark.parametrize(
    ("lines", "regions"),
    [
        (CLOSE_COLUMNS, [(0, 6)]),
        (ONE_COLUMN, []),
        (WIDE_GAPS, [(0, 2)]),
        (["标题", ""] + WIDE_GAPS, [(2, 4)]),
    ],
    ids=["close columns", "one column with a few wide spaces", "columns far apart", "after a headline"],
)
def test_column_regions(lines: list[str], regions: list[tuple[int, int]]) -> None:
    roles = ["blank" if not line else "headline" if line == "标题" else "body" for line in lines]
    assert layout.column_regions(lines, roles) == regions


# Four close columns of 12 characters as Tesseract (--psm 6) read them, as it wrote them: stray marks
# where they meet, now and then a run of spaces inside a column, a misread row (build/ocr_dev, 19980119-10-003).
FOUR_COLUMNS = [
    "对商业银行来说 , 取消规模“计划,逐步达到规定的资本“横向经济联合提供良好的您“打展海内外两个市场 , 实行",
    "管理并不意味着放任自流。 “充足率、资产质量比例、单“融服务，正确处理好地方、 “公司业务 、零售业务和投资",
    "相反 ， 银行内部资金管理更“个贷款比例、备付金比例、，企业和银行的关系 ; 以改革“银行业务三个领域并举 ,着",
    "要加强计划性，以保证全行“拆借资金比例、国际商业借“统揽全局“在商言商, 在商“服于有效益的地区、行业、",
    "统一调度资金，实现资源的“款比例。存贷款比例、中长“明政，以局部利益服从全局 “客户、产品四个重点的四重",
    "高效配置。在新的一年中 ，，期贷款比例、资产流动性比，利益， 积极配合国家的产业、战略， 逐步建立起适应社会",
    "中行将在进，步改进金融服“例等主要比例指标的要求 ， “区域发展政策的落实 ，更好”主义市场经济发展要求的内",
    "务的同时,加强防范和化解“全面提高资金使用的安全性、地支持国家经济发展。中行，部业务 、财务、人事管理体",
    "金融风险、提高资金使用效 “流动性和盈利水平。    将继续坚持改革、管理、 ”人制，全面提高中国银行的市",
    "益 ,通过编制，下达资金营 四他和         发展、质量.效益》的工作”场竞争力和资金配置效率 ，",
    "运、资产质量。成本利润、 元光绢人格让大和和风让呈和 指导方针，坚持城市化、国“促进中国银行各项业务和效",
    "劳动工资等业务经营和发展“优势，          际化、全能化的发展方向 ， 益再上新台阶。",
]


def test_four_close_columns_are_cut_by_the_width_of_their_lines() -> None:
    columns = cells.read_columns(FOUR_COLUMNS, [layout.char_widths(line) for line in FOUR_COLUMNS])
    assert columns.count == 4
    assert 12 <= columns.width <= 13
    rows = [[line[c.start : c.end] for c in row] for line, row in zip(FOUR_COLUMNS, columns.rows)]
    assert [row[0].strip(" “”,，") for row in rows[:2]] == ["对商业银行来说 , 取消规模", "管理并不意味着放任自流。"]
    assert rows[8][1].strip(" “”") == "流动性和盈利水平。"


@pytest.mark.parametrize(
    ("row", "cells_read"),
    [
        # after a run of spaces the text is in the next column at least, though the spaces fall short of the gap
        ("批物资。            跃，各界人士和团体继续捐款   续通过新华社香港分社转交捐", ["批物资。", "跃，各界人士和团体继续捐款", "续通过新华社香港分社转交捐", ""]),
        ("条，帐篷2700顶，方便食     据新华社香港1月17日   到昨天为止，香港红十字会收   全部捐给灾区人民。著名演员",
         ["条，帐篷2700顶，方便食", "据新华社香港1月17日", "到昨天为止，香港红十字会收", "全部捐给灾区人民。著名演员"]),
    ],
)
def test_a_row_of_four_columns_far_apart(row: str, cells_read: list[str]) -> None:
    _, found = cells.cut_row(cells.measured_rows([row], [layout.char_widths(row)])[0], 4, 13.0, [True] * 4)
    assert [row[c.start : c.end] for c in found] == cells_read


XINHUA_STYLE = """人民日报　2024年3月6日　星期三　第4版　要闻　责任编辑：刘洋

政府工作报告提出

今年经济增长预期目标为5%左右

新华社北京3月5日电（记者 张晓松 朱基钗）国务院总理李强5日在政府工作报告中
说，今年发展主要预期目标是：国内生产总值增长5%左右；城镇新增就业1200万人以
上；居民消费价格涨幅3%左右。

李强指出，过去一年，我国经济总体回升向好。

（下转第五版）
"""


def test_a_page_without_markdown_a_full_running_head_and_an_in_text_credit() -> None:
    doc = clean(XINHUA_STYLE, "xinhua")
    assert {key: doc.meta.get(key) for key in ("date", "page", "publication", "reporters")} == {
        "date": "2024-03-06",
        "page": "4",
        "publication": "人民日报",
        "reporters": ["张晓松", "朱基钗"],
    }
    assert (doc.meta["headline"], doc.meta["subheadline"]) == ("政府工作报告提出", "今年经济增长预期目标为5%左右")
    body = paragraphs(doc, "body")
    assert [p[:13] for p in body] == ["新华社北京3月5日电（记者", "李强指出，过去一年，我国经"]
    assert body[0].endswith("居民消费价格涨幅3%左右。")  # hard-wrapped lines rejoined
    assert "下转" not in doc.text


CROSSHEAD_PAGE = """本报记者 李晓燕

昨日，记者从郑州地铁集团获悉，6号线将于4月28日开通运营。

■ 早高峰发车间隔6分钟

郑州地铁集团副总经理赵刚介绍，开通初期，早晚高峰发车间隔6分钟。
"""


def test_a_bulleted_paragraph_that_runs_on_is_no_crosshead() -> None:
    page = "记者 刘洋\n\n●各地利用已归集的住房公积金建\n立住房委员会，发放个人住房贷款。\n"
    doc = clean(page, "bullets")
    assert paragraphs(doc, "crosshead") == []
    assert paragraphs(doc, "body") == ["各地利用已归集的住房公积金建立住房委员会，发放个人住房贷款。"]


def test_a_crosshead_stands_alone_without_its_bullet() -> None:
    doc = clean(CROSSHEAD_PAGE, "crosshead")
    assert paragraphs(doc, "crosshead") == ["早高峰发车间隔6分钟"]
    assert [p[:6] for p in paragraphs(doc, "body")] == ["昨日，记者从", "郑州地铁集团"]
    start = doc.text.index("早高峰")
    assert CROSSHEAD_PAGE[doc.offsets[start]] == "早"  # offsets still point into the raw page
    bullet = CROSSHEAD_PAGE.index("■")
    assert any(e.kind == "stray_symbol" and e.raw_start <= bullet < e.raw_end for e in doc.edits)


@pytest.mark.parametrize(
    ("line", "crosshead"),
    [
        ("■ 早高峰发车间隔6分钟", True),
        ("◆坚持稳中求进", True),
        ("□郑州晚报记者 王继兵 袁帅", False),  # a byline
        ("■ 记者从郑州地铁集团获悉，6号线将于4月28日开通运营。", False),  # a sentence
        ("早高峰发车间隔6分钟", False),  # no bullet
    ],
)
def test_is_crosshead(line: str, crosshead: bool) -> None:
    assert layout.is_crosshead(line) is crosshead


NOISY_GBK_PAGE = """河南日报  ２０２３年５月１２日  星期五  第２版
全省春播工作基本结束
本报讯（记者 刘 勇）记者５月１１日从省农业农村厅获悉,截至目前,全省春播粮食作物已完
成９８.５％,比去年同期快２个百分点. 省农业农村厅厅长 张 明 表示,今年全省粮食生产
形势总体良好.
  据介绍,今年一季度全省农业增加值同比增长４.２％,高于全国平均水平.
"""


def test_a_headline_run_into_the_story_and_an_ascii_full_stop() -> None:
    doc = clean(NOISY_GBK_PAGE, "noisy")
    assert doc.meta["headline"] == "全省春播工作基本结束"  # the story's opening words (本报讯) end it
    assert doc.meta["reporters"] == ["刘勇"]
    body = paragraphs(doc, "body")
    assert len(body) == 2 and body[0].startswith("本报讯（记者 刘勇）记者5月11日")
    assert body[0].endswith("形势总体良好。") and body[1].startswith("据介绍，")


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("本报记者 刘  勇", ["刘勇"]),
        ("本报记者 李晓燕  实习生 王宁", ["李晓燕", "王宁"]),
        ("□ 本报记者 刘洋 文/图", ["刘洋"]),  # what the reporter did, after the name
        ("本报记者 张华 摄", ["张华"]),
    ],
)
def test_byline_names_padded_to_three_characters(line: str, names: list[str]) -> None:
    assert layout.parse_byline(line) == names


EDITORS_NOTE_PAGE = """郑州日报 2022年10月20日 星期四 第05版 民生

【编者按】 今年以来，我市持续推进老旧小区改造。本报今起推出系列报道，敬请关注。

老旧小区焕新颜

□ 本报记者 刘洋 文/图

10月19日上午，记者来到金水区文化路街道的一处老旧小区。

(完)
"""


def test_an_editors_note_is_no_headline_and_an_end_mark_goes() -> None:
    doc = clean(EDITORS_NOTE_PAGE, "note")
    assert (doc.meta["headline"], doc.meta["reporters"]) == ("老旧小区焕新颜", ["刘洋"])
    assert [p[:6] for p in paragraphs(doc, "body")] == ["【编者按】今", "10月19日"]
    assert "（完）" not in doc.text and "(完)" not in doc.text


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("本报讯 记者 张三 通讯员 李四 王五", ["张三", "李四", "王五"]),
        ("◎ 本报记者 张三", ["张三"]),
        ("本报特派记者 张三 发自北京", ["张三"]),
        ("河南日报客户端记者 张三 李四", ["张三", "李四"]),
        ("大河报·大河客户端记者 张三", ["张三"]),
        ("本报驻京记者 张三", ["张三"]),
        ("本报讯 记者 张三 昨日，我市召开会议", None),  # the story begins on this line
        ("记者 张三 昨日我市召开了全市会议", None),  # a phrase is no name
    ],
)
def test_bylines_of_more_papers(line: str, names: list[str] | None) -> None:
    assert layout.parse_byline(line) == names


PAGES = Path(__file__).parent / "fixtures" / "pages"
# Pages of other papers and layouts, written for the tests: what ingest, normalise and repair must make of them.
PAGE_EXPECTATIONS = {
    "nanfang_running_head_pull_quote": ("2023-07-16", "南方日报", "A02", ["陈晓", "粤统宣"], "稳字当头 拼经济促发展"),
    "xinhua_kicker_headline": ("2024-03-06", "人民日报", "4", ["张晓松", "朱基钗"], "政府工作报告提出"),
    "local_crosshead_caption": ("2023-04-28", "大河报", "A03", ["李晓燕", "王宁"], "郑州地铁6号线一期"),
    "quotes_across_paragraphs": ("2023-09-08", "经济日报", "3", ["周明"], "专家：消费市场持续回暖"),
    "noisy_gb18030": ("2023-05-12", "河南日报", "2", ["刘勇"], "全省春播工作基本结束"),
    "editors_note_end_mark": ("2022-10-20", "郑州日报", "05", ["刘洋"], "老旧小区焕新颜"),
    "indented_hard_wrapped": ("2023-04-28", "河南日报", "2", ["孙静"], "全力以赴抓好安全生产"),
    "world_news": ("2023-11-16", "参考消息", "1", ["王晓", "李明"], "中美元首举行会晤"),  # a paper without 报, from the list
}


@pytest.mark.parametrize("name", sorted(PAGE_EXPECTATIONS))
def test_pages_of_other_papers(name: str) -> None:
    from pipeline.stages.ingest import read_article

    article = read_article(PAGES / f"{name}.txt")
    doc = repair_document(normalize_document(article))
    date, publication, page, reporters, headline = PAGE_EXPECTATIONS[name]
    found = tuple(doc.meta.get(key) for key in ("date", "publication", "page", "reporters", "headline"))
    assert found == (date, publication, page, reporters, headline)
    for block in doc.blocks:  # every body paragraph ends a sentence or a photo credit: nothing cut
        paragraph = doc.text[block.start : block.end]
        if block.kind == "body":
            assert layout.ends_paragraph(paragraph) or paragraph.endswith("摄"), paragraph
