"""Rows of side-by-side columns cut into cells (pipeline/page/cells.py): what a cut costs, how a row is
cut for a given count and width of columns, and which count and width a region's rows show."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.page import cells, layout


def cut(row: str, count: int, width: float, ended: list[bool] | None = None, spacing: cells.Spacing | None = None) -> list[str]:
    measured = cells.measured_rows([row], [layout.char_widths(row)])[0]
    assert measured is not None
    _, found = cells.cut_row(measured, count, width, ended or [False] * count, spacing)
    return [row[c.start : c.end] for c in found]


@pytest.mark.parametrize(
    ("separator", "before", "after", "cost"),
    [
        ("    ", "食", "据", cells.CUT_AT_GAP),
        (" | ", "李", "，", cells.CUT_AT_GAP),
        (" 。”", "本", "市", cells.CUT_AT_MARK),
        (" “", "城", "有", cells.CUT_AT_QUOTE_AND_SPACE),
        (" ", "联", "个", cells.CUT_AT_SPACE),
        ("“", "您", "打", cells.CUT_AT_QUOTE),
        (" ", "9", "9", cells.CUT_IN_NUMBER),
        (" ", "6", "日", cells.CUT_NEXT_TO_NUMBER),
        (" ", "o", "t", cells.CUT_IN_LATIN),
    ],
    ids=["run of spaces", "column rule", "stray full stop", "quote and space", "space", "quote", "in a number", "by a number", "between words"],
)
def test_what_a_cut_costs(separator: str, before: str, after: str, cost: float) -> None:
    assert cells.separator_cost(separator, before, after)[0] == cost


@pytest.mark.parametrize(
    ("row", "count", "width", "ended", "expected"),
    [
        # close columns an OCR engine ran together, with a stray mark or a single space where they meet
        ("二孩政策全面放开后，出生 。” 的成本高，因为抚养孩子", 2, 12.0, None, ["二孩政策全面放开后，出生", "的成本高，因为抚养孩子"]),
        ("年报社社会调查中心联 个方面的受访者都认", 2, 10.0, None, ["年报社社会调查中心联", "个方面的受访者都认"]),
        ("高效配置。在新的一年中 ，，期贷款比例、资产流动", 2, 12.0, None, ["高效配置。在新的一年中", "期贷款比例、资产流动"]),
        # a column rule read with marks at its edges: the marks are the rule's
        ("入冬以来最冷的一天，但。 | ，参观科技馆展厅。记里", 2, 11.0, None, ["入冬以来最冷的一天，但", "参观科技馆展厅。记里"]),
        # a paragraph's last line, short, then the next column
        ("造成47人死亡。    伊朗《市民报》报道说，", 2, 10.0, None, ["造成47人死亡。", "伊朗《市民报》报道说，"]),
        # a first line two characters short, its indent lost, under a paragraph's end: the cut falls after it
        ("去年杭州市城镇居民人均收入会城市。去年全市竣工住宅面积", 2, 16.0, [True, False], ["去年杭州市城镇居民人均收入", "会城市。去年全市竣工住宅面积"]),
        # a row whose first column has ended: leading white space, then the second column
        ("        了一座别具北欧色彩的冰", 2, 11.0, None, ["", "了一座别具北欧色彩的冰"]),
        # a column that has ended at the right: an empty last cell
        ("公路交通已完全中断。", 2, 10.0, None, ["公路交通已完全中断。", ""]),
        # an opening quote mark touching its text is the text's, an OCR engine's turned one too
        ("的同志在思想汇报中写道：   ”只有发扬党的密切联系", 2, 11.0, None, ["的同志在思想汇报中写道：", "”只有发扬党的密切联系"]),
    ],
    ids=[
        "stray mark", "single space", "doubled marks", "column rule", "short last line", "lost indent", "empty first cell",
        "empty last cell", "quote kept",
    ],
)
def test_a_row_is_cut_into_cells(row: str, count: int, width: float, ended: list[bool] | None, expected: list[str]) -> None:
    assert cut(row, count, width, ended) == expected


@pytest.mark.parametrize(
    ("ended", "expected"),
    [
        # the first column's last line ended a paragraph (a blank follows it in a page set with space between
        # paragraphs): the row's text is the other two columns', though no white space stands before it
        ([True, False, False], ["", "象益说： “几年前我在西", "和精密铸造要比欧洲早得"]),
        # the third column's last line ended the story: it is the one that pauses
        ([False, False, True], ["象益说： “几年前我在西", "和精密铸造要比欧洲早得", ""]),
    ],
    ids=["first column pauses", "last column ended"],
)
def test_a_column_pauses_after_a_paragraphs_end(ended: list[bool], expected: list[str]) -> None:
    assert cut("象益说： “几年前我在西“| “和精密铸造要比欧洲早得", 3, 11.0, ended) == expected


def test_a_cell_ending_in_a_colon_is_no_short_last_line() -> None:
    """象益说： is no paragraph's end: the row holds two full cells, not a short one and a cut quotation."""
    assert cut("象益说： “几年前我在西“| “和精密铸造要比欧洲早得", 2, 11.0, [True, True]) == [
        "象益说： “几年前我在西",
        "和精密铸造要比欧洲早得",
    ]


def test_a_long_gap_after_a_full_cell_holds_an_empty_cell() -> None:
    """Two columns of a region of three, the middle one empty: the spaces are many times the region's gap."""
    row = "区的哈拉兹公路日前发             据报道，镇上的铁路和"
    assert cut(row, 3, 10.0, spacing=cells.Spacing(1.0)) == ["区的哈拉兹公路日前发", "", "据报道，镇上的铁路和"]
    assert cut(row, 3, 10.0, spacing=cells.Spacing(12.0)) == ["区的哈拉兹公路日前发", "据报道，镇上的铁路和", ""]


FOUR_NARROW = [
    "二孩政策全面放开 。“ 的成本高 ，77. 2的受 ”的人有子女。一线城 “有三个方面，一是物质",
    "后，出生堆积高峰并未 访青年称孩子抚养成本 。” 市的占35. 3%， 二线城 ”养育的费用，比如奶粉、",
    "如期到来，抚养孩子成 ”会影响自己的生育决策。 市的占42. 2%， 三四线 。 尿片、衣物和食品等。",
    "本高让不少家庭缺乏生             90. 6；的受访青年“城市的占18. 4% ， 城镇 老二现在吃的奶粉平均",
    "育二孩的动力。针对这 。” 认为生育二孩需要社会 ”或县城的占3. 5%， 农村 1个月花1000元，尿片",
    "个问题 ，有专家提出 ，。” 提供扶持，教育 (75.6 ”的占0. 6 男性占45.1 ”大概要500元，食物之",
    "会化进程，降低家庭抚 ” 住房 (57. 0 被认为 ”仅访青年认为生育二 育费用， 孩子3岁以前",
    "养成本。日前，中国青 ”是最需要社会扶持的三 ” 孩成本高在深圳某事业 。” 买早教材料、参加早教",
    "年报社社会调查中心联 个方面。63. 5%的受访 单位工作的薛敏是两个 “培训班，平均一个月花",
    "~35岁的青年进行的一 岁幼保幼教公共服务机 ” 子1鸭7个月。              里请了保姆带小孩，一",
]
ONE_COLUMN = [
    "在万圣节来临之际，很多地方都开始为",
    "万圣节而庆祝，但你知道哪一天是真正",
    "的万圣节吗？万圣节的起源来自宗教祭",
    "祀，相传在2000多年前，欧洲的天主",
    "教会把11月1日定为“天下圣徒之日”。",
    "那时的万圣节的意义是赞美秋天，祭祀",
    "亡魂，祈福平安的；人们相信，故人的",
    "灵魂会在这一天回到故居地，在活人身",
]


@pytest.mark.parametrize(
    ("rows", "count", "widths"),
    [(FOUR_NARROW, 4, (9.5, 11.0)), (ONE_COLUMN, 1, (16.0, 18.5))],
    ids=["four narrow columns (Tesseract --psm 6)", "one column"],
)
def test_the_columns_a_region_shows(rows: list[str], count: int, widths: tuple[float, float]) -> None:
    columns = cells.read_columns(rows, [layout.char_widths(row) for row in rows])
    assert columns.count == count
    assert widths[0] <= columns.width <= widths[1]


def test_four_narrow_columns_come_back_column_by_column() -> None:
    columns = cells.read_columns(FOUR_NARROW, [layout.char_widths(row) for row in FOUR_NARROW])
    first = "".join(row[r[0].start : r[0].end] for row, r in zip(FOUR_NARROW, columns.rows))
    assert first.startswith("二孩政策全面放开后，出生堆积高峰并未如期到来，抚养孩子成本高让不少家庭缺乏生育二孩的动力。")


TEXT = st.text(alphabet="中国的人民日报。，“”| 12ab", min_size=1, max_size=60)


@given(TEXT, st.integers(min_value=1, max_value=4), st.sampled_from([6.0, 8.5, 12.0]))
def test_cells_are_in_order_and_keep_every_character_of_text(row: str, count: int, width: float) -> None:
    measured = cells.measured_rows([row], [layout.char_widths(row)])[0]
    if measured is None:
        return
    _, found = cells.cut_row(measured, count, width, [True] * count)
    assert len(found) == count
    spans = [(c.start, c.end) for c in found if c.start < c.end]
    assert all(0 <= s < e <= len(row) for s, e in spans)
    assert all(e1 <= s2 for (_, e1), (s2, _) in zip(spans, spans[1:]))
    separators = {i for m in cells.SEPARATOR_RE.finditer(row) for i in range(*m.span())}
    kept = {i for s, e in spans for i in range(s, e)}
    assert {i for i, ch in enumerate(row) if i not in separators and ch not in cells.SPACE} <= kept


QUOTED = [
    "集42亿美元资金，成为四年来 ”全球互联网企业最大规",
    "当时的定价接近区间高位， ”每股为69港币。然而自9",
    "日上市以来，公司股价已经 ”下跌了百分之二十左右。",
    "阿里巴巴自身以及软银愿景 ”基金也参与了此次融资。",
]
CLEAN = [
    "的3000多人的企业，目    自身条件不满足感，从而影",
    "前已有近1～3职工下岗。    响工作的积极性和全心全意",
    "这家企业的特困残疾职工沈    为人民服务的责任感以及发",
    "双成一家四口月收入仅百余    扬艰苦奋斗传统的主动性、",
]


@pytest.mark.parametrize(("rows", "quoted"), [(QUOTED, True), (CLEAN, False)], ids=["quote marks in most gaps", "clean gaps"])
def test_quote_marks_read_into_the_gaps(rows: list[str], quoted: bool) -> None:
    columns = cells.read_columns(rows, [layout.char_widths(row) for row in rows])
    assert columns.count == 2
    assert cells.quoted_gaps(rows, columns) is quoted


def test_where_most_gaps_hold_a_quote_mark_no_cell_keeps_one() -> None:
    columns = cells.read_columns(QUOTED, [layout.char_widths(row) for row in QUOTED])
    assert [row[r[1].start : r[1].end][0] for row, r in zip(QUOTED, columns.rows)] == ["全", "每", "下", "基"]


CLEAN_TWO = [
    "新华社北京电记者今天从有关部门    获悉，全国春运工作会议日前在京",
    "获悉，今年春运将于一月二十日开    召开。会议要求各地做好准备。",
    "始，历时四十天。                  ",
    "　　铁路部门将增开临客二百对，    　　民航部门将增加航班一千架次，",
]
# Three columns; the first row's second and third runs start two characters in (a paragraph's first line),
# which the engine shows only as gaps three spaces wider than the others; a spaced number (``1 6``) makes
# the first column's runs as measured uneven, so the runs' starts alone do not tell.
INDENTED_IN_GAP = [
    "新华社北京1月1 6 日电记者从" + " " * 11 + "铁路部门获悉今年春运将于一月" + " " * 11 + "民航部门也将增加航班一千架次",
    "有关部门获悉， 1 6 日起各地" + " " * 8 + "二十日开始，历时四十天，各地" + " " * 8 + "以满足旅客出行需要，各机场将",
    "做好春运准备工作，确保旅客安" + " " * 8 + "要提前做好准备，确保旅客安全" + " " * 8 + "延长服务时间，方便旅客出行。",
    "全顺利地回家过年，各部门要通" + " " * 8 + "有序出行，平安回家过年团聚。" + " " * 8 + "民航部门将认真做好安全工作。",
]
RAGGED = [
    "新华社北京电记者今天从有关部门 获悉，全国春运工作会议日前在京",
    "获悉，今年春运将于一月二十日开 召开。会议要求各地做好准备。",
    "始，历时四十天。   铁路部门将增开临客",
]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            CLEAN_TWO,
            [
                [("新华社北京电记者今天从有关部门", False), ("获悉，全国春运工作会议日前在京", False)],
                [("获悉，今年春运将于一月二十日开", False), ("召开。会议要求各地做好准备。", False)],
                [("始，历时四十天。", False), ("", False)],
                [("铁路部门将增开临客二百对，", True), ("民航部门将增加航班一千架次，", True)],
            ],
        ),
        (
            INDENTED_IN_GAP,
            [
                [("新华社北京1月1 6 日电记者从", False), ("铁路部门获悉今年春运将于一月", True), ("民航部门也将增加航班一千架次", True)],
                [("有关部门获悉， 1 6 日起各地", False), ("二十日开始，历时四十天，各地", False), ("以满足旅客出行需要，各机场将", False)],
                [("做好春运准备工作，确保旅客安", False), ("要提前做好准备，确保旅客安全", False), ("延长服务时间，方便旅客出行。", False)],
                [("全顺利地回家过年，各部门要通", False), ("有序出行，平安回家过年团聚。", False), ("民航部门将认真做好安全工作。", False)],
            ],
        ),
        (RAGGED, None),  # single spaces between the columns, a run that starts nowhere near a column: the costs decide
        (["甲乙丙丁戊己庚辛壬癸    子丑寅卯辰巳午未", "甲乙丙    子丑寅卯辰巳午未申酉戌亥甲乙丙丁戊己庚辛壬癸"], None),  # runs starting at uneven steps
    ],
    ids=["clean two columns", "indents shown by the gaps", "ragged OCR", "uneven columns"],
)
def test_clear_reading_of_clean_columns(rows: list[str], expected: list[list[tuple[str, bool]]] | None) -> None:
    found = cells.clear_columns(rows, [layout.char_widths(row) for row in rows])
    if expected is None:
        assert found is None
        return
    assert found is not None and found.count == len(expected[0])
    assert [[(row[c.start : c.end], c.indented) for c in cut] for row, cut in zip(rows, found.rows)] == expected


def test_clean_columns_are_read_clearly() -> None:
    """read_columns takes the clear reading where there is one, and cuts by cost where there is none."""
    widths = [layout.char_widths(row) for row in CLEAN_TWO]
    assert cells.read_columns(CLEAN_TWO, widths).rows == cells.clear_columns(CLEAN_TWO, widths).rows  # type: ignore[union-attr]
    ragged = cells.read_columns(RAGGED, [layout.char_widths(row) for row in RAGGED])
    assert ragged.count == 2 and ragged.cost != 0.0


SET_APART_STOP = [
    "新华社北京电记者今天从有关部门获悉 全国春运工作会议日前在京召开会议",
    "今年春运将于一月二十日开始历时四十 。 要求各地做好准备工作确保旅客安全",
    "天各地要做好准备 。        有序出行平安回家过年团聚各部门要通",
    "铁路部门将增开临客二百对民航部门将 力协作做好春运各项服务保障工作。",
]


@pytest.mark.parametrize(
    ("row", "first_cell"),
    [
        (1, "今年春运将于一月二十日开始历时四十"),  # a full line: the mark between the columns is the white's
        (2, "天各地要做好准备 。"),  # a line well short of the column: the mark a space apart is its sentence's end
    ],
    ids=["stray mark after a full line", "stop set apart after a short line"],
)
def test_a_stop_set_apart_after_a_short_line_is_kept(row: int, first_cell: str) -> None:
    columns = cells.read_columns(SET_APART_STOP, [layout.char_widths(line) for line in SET_APART_STOP])
    assert columns.count == 2
    cell = columns.rows[row][0]
    assert SET_APART_STOP[row][cell.start : cell.end] == first_cell
