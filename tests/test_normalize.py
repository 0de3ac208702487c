"""Normalisers: in/out tables per rule, the stage on seed lines, idempotence as a property."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core.edits import apply_replacements
from pipeline.core.record import Document, Edit
from pipeline.page.spaces import find_body_spaces
from pipeline.stages.normalize import (
    fold_fullwidth,
    fullwidth_punctuation,
    normalize_document,
    normalize_headline_spaces,
    normalize_line_ends,
    remove_invisible,
    remove_leading_bullets,
    remove_spaces_between_cjk,
    restore_quote_directions,
)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("昨晚,我市召开会议", "昨晚，我市召开会议"),
        ("各县(市)区、开发区", "各县（市）区、开发区"),
        ("要重点抓好五个方面的工作:一是", "要重点抓好五个方面的工作：一是"),
        ("投资增长;二是", "投资增长；二是"),
        ("怎么办?他说!", "怎么办？他说！"),
        ("12%的经济增速和30%,", "12%的经济增速和30%,"),
        ("增长30%,固定资产", "增长30%，固定资产"),
        ("增长11·1%,\n工业企业", "增长11·1%，\n工业企业"),
        ("Windows XP, Linux (x86): ok!", "Windows XP, Linux (x86): ok!"),
        ("4月26日-27日,与会人员", "4月26日-27日，与会人员"),
        ("1,000 tons", "1,000 tons"),
        ("中::::::’", "中：：：：：：’"),
        # a full stop ending a Chinese sentence; decimal points and Latin abbreviations stay
        ("形势总体良好. 据介绍", "形势总体良好。 据介绍"),
        ("总体良好.\n下一段", "总体良好。\n下一段"),
        ("增长4.5%", "增长4.5%"),
        ("U.S. 美国", "U.S. 美国"),
    ],
)
def test_fullwidth_punctuation(raw: str, clean: str) -> None:
    assert fullwidth_punctuation(raw) == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("１９９８年１月２２日", "1998年1月22日"),
        ("增长５％", "增长5%"),
        ("ＡＥ３１Ｘ中型客机", "AE31X中型客机"),
        ("６．２级强烈地震", "6.2级强烈地震"),
        ("１１·１％", "11·1%"),
        ("全角标点，。不动", "全角标点，。不动"),
    ],
)
def test_fold_fullwidth(raw: str, clean: str) -> None:
    assert fold_fullwidth(raw) == clean
    assert len(fold_fullwidth(raw)) == len(raw)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("正\u200b文", "正文"),
        ("正\ufeff文\u00ad", "正文"),
        ("正\x07文\x1b", "正文"),
        ("行一\t行二\n", "行一\t行二\n"),
    ],
)
def test_remove_invisible(raw: str, clean: str) -> None:
    assert remove_invisible(raw) == clean


@pytest.mark.parametrize(
    ("raw", "clean"), [("a\r\nb", "a\nb"), ("a\rb\r", "a\nb\n"), ("a\x0cb", "a\nb"), ("a\nb", "a\nb")]
)
def test_normalize_line_ends(raw: str, clean: str) -> None:
    assert normalize_line_ends(raw) == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("我市 召开 会议", "我市召开会议"),
        ("召开会议 ，传达", "召开会议，传达"),
        ("使用 Python 语言", "使用 Python 语言"),
        ("open source software", "open source software"),
        ("中 文  之间", "中文之间"),
    ],
)
def test_remove_spaces_between_cjk(raw: str, clean: str) -> None:
    assert remove_spaces_between_cjk(raw) == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        # the spaces of an in-text credit separate people: they stay; the body's go
        ("本报讯（记者 陈晓 通讯员 粤统宣）我市 召开会议", "本报讯（记者 陈晓 通讯员 粤统宣）我市召开会议"),
        ("新华社北京电(记者 王继兵 袁帅)昨 晚", "新华社北京电(记者 王继兵 袁帅)昨晚"),
        ("会议（第一 阶段）结束", "会议（第一阶段）结束"),  # no credit: a bracket is body text
        # a two-character name set to three characters' width is one name
        ("本报讯（记者 刘 勇 通讯员 李 明）昨日", "本报讯（记者 刘勇 通讯员 李明）昨日"),
    ],
)
def test_body_spaces_keep_an_in_text_credits_separators(raw: str, clean: str) -> None:
    assert apply_replacements(raw, find_body_spaces(raw)) == clean


def test_column_gaps_survive_when_asked() -> None:
    row = "据新华社北京电（记      在世界激烈竞争中"
    assert remove_spaces_between_cjk(row, keep_column_gaps=True) == row
    assert remove_spaces_between_cjk("我 市", keep_column_gaps=True) == "我市"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("迅速掀起重点项目 和产业集聚区建设热潮", "迅速掀起重点项目和产业集聚区建设热潮"),
        ("集聚产业 追梦中原", "集聚产业 追梦中原"),
        ("深化认识 坚定信心 长短结合 综合施策", "深化认识 坚定信心 长短结合 综合施策"),
        ("推进产业集 聚区建设", "推进产业集聚区建设"),
        ("集 聚 产 业", "集聚产业"),
        ("贝宁总统的 访华行程", "贝宁总统的访华行程"),
    ],
)
def test_headline_spaces(raw: str, clean: str) -> None:
    assert normalize_headline_spaces(raw) == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("□郑州晚报记者 王继兵 袁帅", "郑州晚报记者 王继兵 袁帅"),
        ("■ 本报记者 李明", "本报记者 李明"),
        ("正文□中间不动", "正文□中间不动"),
    ],
)
def test_remove_leading_bullets(raw: str, clean: str) -> None:
    assert remove_leading_bullets(raw) == clean


def normalized(text: str) -> str:
    return normalize_document(Document(id="t", text=text)).text


def test_stage_scopes_space_rules_by_line_role(fixtures: Path) -> None:
    doc = normalize_document(Document(id="seed", text=(fixtures / "seed_zzwb_20130428.txt").read_text("utf-8")))
    lines = doc.text.split("\n")
    assert "# 集聚产业 追梦中原" in lines
    assert any(line.endswith("迅速掀起重点项目和产业集聚区建设热潮") for line in lines)
    assert "郑州晚报记者 王继兵 袁帅" in lines  # byline keeps the spaces between names
    assert "郑州晚报 2013年4月28日" in lines  # furniture untouched (repair removes it)
    assert "," not in doc.text.replace("2013年4月28日", "")


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(list("中文报道记者 　,;:()!?％１Ａ\n\r\t□■#\u200b“”。，、-AB12")), max_size=60))
def test_normalisation_is_idempotent(text: str) -> None:
    once = normalize_document(Document(id="p", text=text))
    twice = normalize_document(once)
    assert twice.text == once.text
    assert twice.edits == once.edits


def test_layout_fixtures_are_idempotent(fixtures: Path) -> None:
    for path in sorted((fixtures / "layouts").glob("*.txt")):
        once = normalize_document(Document(id=path.stem, text=path.read_text("utf-8")))
        assert normalize_document(once).text == once.text, path.name


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("面实施”种子工程”，加大", "面实施“种子工程”，加大"),
        ("坚持”稳定压倒一切”的思想", "坚持“稳定压倒一切”的思想"),
        ("他说：”我们要努力。“", "他说：“我们要努力。”"),
        ("他说：\"好。\"", "他说：“好。”"),
        ("称为\"1997年\"的", "称为“1997年”的"),
        ("他说\"OK\"。", "他说\"OK\"。"),
        ("影碟机有\"DVD—P10\"和\"DVD—L10\"两种", "影碟机有\"DVD—P10\"和\"DVD—L10\"两种"),
        ("主页的”机构”一栏中调出“世界经济研究所“，又从", "主页的“机构”一栏中调出“世界经济研究所”，又从"),
        ("他说：“我读了’人民日报’。”", "他说：“我读了‘人民日报’。”"),
        ("该所的′ 出版物”一栏", "该所的“ 出版物”一栏"),
        ("”甲”\n”乙”", "“甲”\n“乙”"),
        # right already, or undecidable: left as they are
        ("实施“种子工程”，加大", "实施“种子工程”，加大"),
        ("”种子工程”，加大”行政", "”种子工程”，加大”行政"),
        ("甲”乙：”丙", "甲”乙：”丙"),
        ("”，甲”", "”，甲”"),
        ("“第一段没有后引号。\n“第二段。”", "“第一段没有后引号。\n“第二段。”"),
        ("Windows 'XP' 版", "Windows 'XP' 版"),
        ("it's 5' 长", "it's 5' 长"),
        ("东经120°30′北", "东经120°30′北"),
        ("凭借在’97赛季的出色表现，赢得了’金靴奖’", "凭借在’97赛季的出色表现，赢得了’金靴奖’"),
        ("赢得了’金靴奖’，“’金球奖’”", "赢得了‘金靴奖’，“‘金球奖’”"),
    ],
)
def test_restore_quote_directions(raw: str, clean: str) -> None:
    assert restore_quote_directions(raw) == clean


def test_stage_pairs_quote_marks_across_a_line_end() -> None:
    """A quotation over a line end: each line alone has one mark, the rejoined paragraph two."""
    raw = "记者从抗震救灾总指挥部获悉，”让灾区群众\n在保暖简易房中过春节”的第二战役今天展开。"
    doc = normalize_document(Document(id="q", text=raw))
    assert doc.text == raw.replace("，”让", "，“让")
    assert restore_quote_directions(raw) == raw
    assert doc.offsets == list(range(len(raw)))
    assert Edit("quote_direction", raw.index("”"), raw.index("”") + 1, "“") in doc.edits


def test_stage_leaves_running_head_marks() -> None:
    """Marks an OCR engine reads between the fields of a running head are not quotations."""
    head = "郑州晚报”1998年1月16日”星期五                                  BO8"
    doc = normalize_document(Document(id="h", text=head + "\n本报讯 今天，国家体委副主任说明了征求意见稿。"))
    assert doc.text.startswith("郑州晚报”1998年1月16日”星期五")
    assert not [edit for edit in doc.edits if edit.kind == "quote_direction"]


_WORDS = st.sampled_from(["中国", "种子工程", "稳定压倒一切", "记者", "出版物", "经济建设"])


@st.composite
def quoted_paragraphs(draw: st.DrawFn) -> str:
    """Well-formed Chinese paragraphs: words, quotations (some after 说：, some with a quotation inside), 。，."""
    parts = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["word", "quote", "said", "nested"]))
        word, other = draw(_WORDS), draw(_WORDS)
        parts.append(
            {
                "word": word,
                "quote": f"“{word}”",
                "said": f"他说：“{word}。”",
                "nested": f"“{word}‘{other}’{word}”",
            }[kind]
        )
        parts.append(draw(st.sampled_from(["", "，", "。", "的"])))
    return "".join(parts)


_TURNED = {"“": "“”\"", "”": "“”\"", "‘": "‘’'", "’": "‘’'"}


@settings(max_examples=300)
@given(st.lists(quoted_paragraphs(), min_size=1, max_size=3), st.data())
def test_quote_directions_come_back(paragraphs: list[str], data: st.DataObject) -> None:
    """However OCR turns the marks of well-formed paragraphs, their directions come back, and only theirs."""
    text = "\n".join(paragraphs)
    scanned = "".join(data.draw(st.sampled_from(_TURNED[ch])) if ch in _TURNED else ch for ch in text)
    restored = restore_quote_directions(scanned)
    assert restored == text
    assert restore_quote_directions(restored) == restored
    doc = normalize_document(Document(id="p", text=scanned))
    assert doc.text == text
    assert all(edit.kind == "quote_direction" and edit.raw_end - edit.raw_start == 1 for edit in doc.edits)


def pd1998_quoted_paragraphs(fixtures: Path) -> list[str]:
    """Thirty People's Daily paragraphs (pd1998, January 1998) with quotations, some with quotations inside."""
    return (fixtures / "normalize_quotes_pd1998.txt").read_text("utf-8").splitlines()


@pytest.mark.parametrize(
    "scan",
    [
        lambda text: text.replace("“", "”").replace("‘", "’"),
        lambda text: text.replace("“", '"').replace("”", '"'),
    ],
    ids=["opening_read_as_closing", "double_read_as_ascii"],
)
def test_newspaper_quotations_come_back(fixtures: Path, scan: Callable[[str], str]) -> None:
    paragraphs = pd1998_quoted_paragraphs(fixtures)
    for paragraph in paragraphs:
        assert restore_quote_directions(paragraph) == paragraph
        assert restore_quote_directions(scan(paragraph)) == paragraph
    article = "\n".join(paragraphs)
    assert normalize_document(Document(id="s", text=scan(article))).text == normalized(article)


def test_corner_brackets_become_curly_quotes() -> None:
    doc = normalize_document(Document(id="t", text="蔡斌说：「队员们说『加油』。」"))
    assert doc.text == "蔡斌说：“队员们说‘加油’。”"
    assert [e.kind for e in doc.edits] == ["corner_quote"] * 4
    assert all(len(e.replacement) == e.raw_end - e.raw_start for e in doc.edits)  # offsets survive
