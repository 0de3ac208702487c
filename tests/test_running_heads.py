"""Running heads read however OCR broke them: the issue date set right by the weekday printed beside it,
page labels in the papers' form, a listed paper's name found by position (the page's first or last lines)
and by the list, and numbers OCR strewed over the page that are no page."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.core.record import Document
from pipeline.page import layout
from pipeline.stages.normalize import normalize_document
from pipeline.stages.repair import repair_document

WEEKDAY_NAMES = "一二三四五六日"


def meta(text: str) -> dict:
    return repair_document(normalize_document(Document(id="t", text=text))).meta


@pytest.mark.parametrize(
    ("printed", "weekday", "date"),
    [
        ("1998年1月16日", "星期五", "1998-01-16"),
        ("1998年1月46日", "星期五", "1998-01-16"),  # a digit misread: Fridays of January 1998 are 2, 9, 16, 23, 30
        ("1998年1月195日", "星期一", "1998-01-19"),  # a digit doubled
        ("1998年1月49日", "蜂期一", "1998-01-19"),  # the weekday's first character lost too
        ("1998年1月49日", None, None),  # no weekday: no telling
        ("1998年1月2日", "星期五", "1998-01-02"),  # a date that is one stands as printed
        ("1998年1月2日", None, "1998-01-02"),  # ... with no weekday beside it too
        ("1998年10月11日", "星期二", "1998-10-13"),  # date_against_weekday: 10/11 a Sunday; the one Tuesday a digit away
        ("1998年1月2日", "星期二", "1998-01-02"),  # 1/2 a Friday; Tuesdays 1/6, 1/20, 1/27 a digit away: as printed
        ("1998年1月9日", "星期四", "1998-01-09"),  # 1/9 a Friday; Thursdays 1/1, 1/8, 1/29 a digit away: as printed
        ("1998年3月3日", "星期一", "1998-03-03"),  # a Tuesday; Mondays 3/2, 3/23, 3/30 a digit away: as printed
        ("1998年5月3日", "星期三", "1998-05-03"),  # a Sunday; Wednesdays 5/13 and 6/3 a digit away: as printed
        ("1998年1月32日", "星期五", None),  # 1月2日 and 1月30日 both Fridays, a digit away: no telling
        ("2018年10月31日", "星期三", "2018-10-31"),
    ],
)
def test_issue_date(printed: str, weekday: str | None, date: str | None) -> None:
    match = layout.find_date(printed)
    assert match is not None
    assert layout.issue_date(match, weekday) == date


@given(st.dates(min_value=datetime.date(1950, 1, 1), max_value=datetime.date(2030, 12, 31)), st.sampled_from("0123456789"))
def test_a_date_with_a_digit_misread_is_read_back_or_not_at_all(date: datetime.date, digit: str) -> None:
    """Whatever digit of the day OCR misreads, the reading is the printed date, or none when the misread
    makes another date or leaves several a digit away on that weekday."""
    day = str(date.day)
    broken = f"{date.year}年{date.month}月{digit}{day[1:]}日"
    match = layout.find_date(broken)
    assert match is not None
    read = layout.issue_date(match, "星期" + WEEKDAY_NAMES[date.weekday()])
    try:
        as_printed = datetime.date(date.year, date.month, int(digit + day[1:])).isoformat()
    except ValueError:
        as_printed = None
    assert read in (date.isoformat(), as_printed, None)


@pytest.mark.parametrize(
    ("text", "weekday", "date"),
    [
        ("AO3 大河报 1998年志17日 呈期六", "呈期六", "1998-01-17"),  # 1/17, not 10/17 (also a Saturday), two characters away
        ("北京青年报 2018年10 13 星期六 AO5", "星期六", "2018-10-13"),  # the day on the head's next line
        ("2018年10 13", "星期五", None),  # 13 October 2018 is a Saturday: no date a character away is the one
        ("2018年10月:日", "星期一", None),  # 10/1 and 10/8 both Mondays: no telling
        ("1998年志17日", None, None),  # no weekday: no telling
        ("19es年1月1e日", "星期一", None),  # no year
    ],
)
def test_garbled_issue_date(text: str, weekday: str | None, date: str | None) -> None:
    assert layout.garbled_issue_date(text, weekday) == date


@pytest.mark.parametrize(
    ("token", "page"),
    [
        ("AAOT7", "AA07"),  # a letter between the digits
        ("AOT7", "A07"),
        ("Ano4", None),  # a letter before the number: a section letter as like as not
        ("Asot", None),
        ("A05", None),  # no letter to take out: page_number's
    ],
)
def test_broken_page_number(token: str, page: str | None) -> None:
    assert layout.broken_page_number(token) == page


@pytest.mark.parametrize(
    ("token", "placed", "page"),
    [
        ("AO5", False, "A05"),
        ("Al10", False, "A10"),  # a character strewn before the number
        ("AA1", False, "AA01"),  # a digit lost: section pages have two
        ("BO02", False, "B02"),  # a digit doubled
        ("A0o7", False, "A07"),
        ("Al", True, "A01"),
        ("BOL", True, "B01"),  # all letters read for digits, where a running head prints its page
        ("BOL", False, None),
        ("0", False, None),  # no page 0
        ("3", False, "3"),
        ("12", False, "12"),
    ],
)
def test_page_number(token: str, placed: bool, page: str | None) -> None:
    assert layout.page_number(token, placed=placed) == page


@pytest.mark.parametrize(
    ("line", "found"),
    [
        ("大河报", {"publication": "大河报"}),
        ("大m报", {"publication": "大河报", "publication_raw": "大m报"}),  # a character garbled
        ("南方日报 ”20184", {"publication": "南方日报"}),  # the date cut off
        ("Ano4 国际 责任编辑 : 刘洋 郑州晚报 19es年1月1e日 星期一", {"publication": "郑州晚报", "weekday": "星期一"}),
        ("AO3  责任编辑 : 张华  大河报  1998年志17日  呈期六", {"publication": "大河报", "weekday": "呈期六", "page": "A03"}),
        ("南方日报 1998年1有49日 星期 A0o7 体育。 责任编辑 ; 刘洋", {"publication": "南方日报", "page": "A07"}),
        ("四座新建核电站进展顺利", None),  # a headline
        ("人民日报社论", None),  # a name inside a headline is no masthead
        ("人民日报 发表 社论 说明 我国 经济 形势", None),  # more words than a running head's
        ("AAOT7                 体育", {"page": "AA07"}),  # a page label OCR broke, and a section
        ("198昨区区    星     Asot 评论 责任编辑 ： 王芳", {}),  # a staff credit, and what OCR left of a date
        ("体育", None),  # a section's name alone: a headline, as like as not
        ("本报记者 黄蔓 孙静", None),
    ],
)
def test_edge_head_fields(line: str, found: dict | None) -> None:
    assert layout.edge_head_fields(line) == found


BODY = "新华社北京1月19日电国务院今天召开常务会议，研究部署春运工作。\n会议指出，各地要切实做好旅客运输组织工作。\n"


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        # a garbled masthead on a line of its own above the dated head line
        ("大m报\n1998年1月20日”星期二，B08 体育。责任编辑，张华\n\n" + BODY, {"publication": "大河报", "date": "1998-01-20", "page": "B08"}),
        # a staff credit and the paper's name on one line: the name is no editor's
        ("A06  综合新闻\n责任编辑: 赵刚                      大河报\n1998年1月19日   星期一\n\n" + BODY, {"publication": "大河报", "page": "A06"}),
        # a date with a little noise around it, on the page's last line
        (BODY + "\n报                  1998年1月20                  拥一\n", {"date": "1998-01-20"}),
        # the date broken on one line, the weekday on another: read together
        (BODY + "\n河南日报\nA05\n1998年1月416日\n星期五\n", {"publication": "河南日报", "date": "1998-01-16", "page": "A05"}),
        # the date's day cut onto a line of its own (read for a page), the weekday and the page on the next
        ("北京青年报        2018年10\n13\n星期六      AO5\n教\n\n" + BODY, {"publication": "北京青年报", "date": "2018-10-13", "page": "A05"}),
    ],
    ids=["garbled masthead", "credit and paper", "date at the foot", "weekday from another line", "day on its own line"],
)
def test_running_heads_by_position(page: str, expected: dict) -> None:
    found = meta(page)
    assert {key: found.get(key) for key in expected} == expected


def test_a_number_strewn_over_the_page_is_no_page() -> None:
    page = "郑州晚报  1998年1月20日  星期二\n\n" + BODY + "1\n" + BODY + "AO08                 要闻\n"
    assert meta(page)["page"] == "A08"


COLUMNS = (
    "近些年来，为了适应现代化的需要，       智和精神，总之，当今从客观上要求成人\n"
    "我国的教育结构适当向应用科学和成人教          高等教育必须加强素质教育，改革教育的\n"
    "育进行倾斜，但目前在成人教育中存在着       过程，改善教育的方法。\n"
    "一些不容忽视的问题。如：专业面过窄，             加强成人素质教育，是一项系统工程，\n"
    "课程设置单调；高校经费严重短缺，创收         它不仅需要教育者和学习者的努力，而且\n"
    "渐成“压倒一切”的硬任务，甚至使高校         需要紧紧依托社会的力量。这就要求教育\n"
)


@pytest.mark.parametrize(
    ("top", "roles"),
    [
        # a headline and a sub-headline set one under the other, a blank line after them
        ("成人素质教育新探\n邯郸市第二教育学院崔河\n\n", ["headline", "subheadline"]),
        # a headline standing apart, then the story
        ("成人素质教育新探\n\n", ["headline"]),
        # a headline run straight into a line with no blank after it: that line is the story's
        ("成人素质教育新探\n邯郸市第二教育学院崔河\n", ["headline", "body"]),
    ],
    ids=["headline block", "headline alone", "no blank after"],
)
def test_a_heading_block_a_blank_line_closes(top: str, roles: list[str]) -> None:
    lines = (top + COLUMNS).split("\n")
    analysed = layout.analyze(lines)
    assert [role for role in analysed.roles if role != "blank"][: len(roles)] == roles


@pytest.mark.parametrize(
    "top",
    [
        "迟浩田欢宴美国防部长\n",  # straight above the columns' rows, no blank between
        "                            钱其琛访问圣马力诺\n",  # centred: the engine set spaces before it
    ],
    ids=["above the columns", "centred"],
)
def test_a_headline_set_across_the_columns(top: str) -> None:
    analysed = layout.analyze((top + COLUMNS).split("\n"))
    assert [role for role in analysed.roles if role != "blank"][:2] == ["headline", "body"]


STORY = [
    "据新华社北京1月19日电国务院今天召开",
    "常务会议，研究部署今年春运工作，会议",
    "要求各地切实做好旅客运输组织工作。",
]


@pytest.mark.parametrize(
    ("lines", "noise"),
    [
        # scraps after the story's last sentence: what OCR read from the page's specks and borders
        (STORY + ["", "y 寺痢男对六", "", "他", "", "加"], [4, 6, 8]),
        (STORY + ["", "一一", "", "河南日报  1998年1月20日  星期二"], [4]),
        # a rule under the running head, read as dashes and marks
        (["郑州晚报  1998年1月16日  星期五  AA06", "一 一- 一” 一 和", "伊朗大雪死亡数十", ""] + STORY, [1]),
        # the story's last line lost its full stop: no scrap after a finished sentence, so nothing goes
        (STORY[:2] + ["要求各地切实做好旅客运输", "组织工作"], []),
        # a short last paragraph that ends a sentence is text
        (STORY + ["", "（完）", "", "会议强调安全第一。"], []),
        # a short line right under the story, or a term in quotes, is text
        (STORY + ["他们"], []),
        (STORY + ["", "“中国”"], []),
        (STORY + ["", "记者问"], []),  # one short line of words
        (STORY + ["", "得"], [4]),  # one speck
    ],
    ids=[
        "scraps at the foot", "dashes at the foot", "rule under the head", "unfinished last line", "short last paragraph",
        "no blank line before", "a term in quotes", "a line of words", "a speck",
    ],
)
def test_ocr_noise_at_the_page_edges(lines: list[str], noise: list[int]) -> None:
    roles = layout.analyze(lines).roles
    assert [i for i, role in enumerate(roles) if role == layout.NOISE] == noise


@pytest.mark.parametrize(
    ("lines", "index", "role"),
    [
        # rule section_label: a section's name set apart by --psm 3, two lines from the running head's credit line
        (STORY + ["", "文化", "", "“有这么大。", "", "责任编辑：陈晓燕", ""] + STORY, 4, "furniture"),
        (STORY + ["", "责任编辑：陈晓燕", "", "国际", ""] + STORY, 6, "furniture"),
        # the same word far from the running head: a crosshead of the story, text
        (STORY + ["", "文化", ""] + STORY, 4, "body"),
        (["河南日报  1998年1月20日  星期二  A05", ""] + STORY + ["", "文化", ""] + STORY, 6, "body"),
        # next to the running head but no section's name: a short line of the story
        (STORY + ["", "记者问", "", "责任编辑：陈晓燕", ""] + STORY, 4, "body"),
        # a section's name inside a sentence's line is text wherever it stands
        (STORY + ["文化事业繁荣发展。", "责任编辑：陈晓燕", ""] + STORY, 3, "body"),
    ],
    ids=["two lines from the head", "right under the head", "far from the head", "far below the head", "no section", "in a sentence"],
)
def test_a_section_label_next_to_the_running_head_is_furniture(lines: list[str], index: int, role: str) -> None:
    assert layout.analyze(lines).roles[index] == role
