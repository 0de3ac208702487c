"""Exact rules for entities, applied on top of the statistical model.

Each rule family is a small function ``text -> [(start, end, label)]``; ``merge_entities``
combines them with the model's spans: rule spans win where they overlap, titles are
cut off PERSON spans, vague time words are dropped, and every name found is propagated
to its other mentions in the same document.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from pipeline.entities.dates import VAGUE_TIME_WORDS, find_dates
from pipeline.entities.percent import find_percents
from pipeline.entities.transliteration import NAME_DOT

DATA = Path(__file__).parent / "data"
HAN = "\u3400-\u9fff\U00020000-\U0003ffff"


class Entity(NamedTuple):
    start: int
    end: int
    label: str


def _word_list(name: str) -> list[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [word for line in lines if not line.startswith("#") for word in line.split()]


def write_word_list(name: str, comment: str, body: str) -> Path:
    """Write a list in ``data/`` as :func:`_word_list` reads it: a comment line, then the words."""
    path = DATA / name
    path.write_text(f"# {comment}\n{body}\n", encoding="utf-8")
    return path


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    return frozenset(_word_list("surnames.txt"))


@lru_cache(maxsize=1)
def transliteration_characters() -> frozenset[str]:
    """Phonetic characters of foreign names (see :mod:`pipeline.entities.transliteration`)."""
    return frozenset("".join(_word_list("transliteration.txt")))


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Words that name no one and no organisation (see :mod:`pipeline.entities.common_words`)."""
    return frozenset(_word_list("common_words.txt"))


@lru_cache(maxsize=1)
def places() -> list[str]:
    return sorted(set(_word_list("places.txt")), key=len, reverse=True)


@lru_cache(maxsize=1)
def _place_set() -> frozenset[str]:
    return frozenset(places())


def _alternation(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, longest first, as a prefix tree (中(?:共中央|国)...).

    Python's ``re`` tries a flat alternation word by word at every position; factored
    by shared prefixes it rejects a position after one character, which makes the
    gazetteer patterns several times faster with the same matches.
    """
    return _prefix_tree_pattern(frozenset(words))


@lru_cache(maxsize=64)
def _prefix_tree_pattern(words: frozenset[str]) -> str:
    tree: dict = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _tree_regex(tree)


def _tree_regex(node: dict) -> str:
    branches = [re.escape(ch) + _tree_regex(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" in node:  # a word ends here: the longer continuations are optional, tried first
        return f"(?:{body})?"
    return body


# Titles that precede a name (市委书记吴天君, 常务副市长胡荃); longest first in the regex.
TITLES = (
    "总书记 书记 副书记 市长 副市长 常务副市长 省长 副省长 常务副省长 县长 副县长 区长 副区长 镇长 乡长 村长 "
    "主任 副主任 部长 副部长 局长 副局长 厅长 副厅长 处长 科长 主席 副主席 国家主席 总理 副总理 秘书长 "
    "常委 委员 董事长 总经理 副总经理 经理 院长 副院长 校长 副校长 教授 研究员 总裁 司令员 政委 大使 "
    "记者 通讯员 实习生 主持人 负责人 发言人 队长 所长 站长 行长 会长 理事长 检察长 庭长 法官 警官 民警"
).split()
HONORIFICS = "小姐 先生 女士 师傅 老师 大夫 大爷 大妈 阿姨 大姐 大哥 老汉 大娘 大叔".split()
# Characters that, right after a two-character name, usually start the next word (在会上, 对..., 指出;
# 摄 and 报 of photo and report credits: 记者李刚摄, 记者刘杰报道).
AFTER_NAME = set("摄报在说指表强要对和与的是等也就还会讲主出参向为从到带率一同提认介称发作进接视调听看了将已曾又都并以于给把被来去上下今昨明、，,。；;：:（(“\"")
# Surnames that are too often ordinary words to trust after a title without other evidence.
WEAK_SURNAMES = set("和于向时党都信由平国来公相门原明全应那但利万文成高关安常方程金石白华龙")

_DEPARTMENT_STEMS = (
    "财政 公安 教育 发展改革 发改 统计 民政 交通运输 交通 商务 文化 卫生 卫生计生 环保 环境保护 国土资源 国土 "
    "住房和城乡建设 住建 城乡建设 城乡规划 规划 水利 农业 林业 审计 工商 税务 国税 地税 质监 安监 人力资源和社会保障 "
    "人社 科技 司法 外事 旅游 物价 粮食 工业和信息化 工信 经信 组织 宣传 统战 政法 纪检 监察 编制 信访 "
    "外贸 经贸 建设 城建 房管 文物 体育 广电 新闻出版 食品药品监督管理 药监 人口计生 扶贫 移民 档案 机关事务 "
    "市场监督管理 市场监管 生态环境 应急管理 自然资源 退役军人事务 医疗保障 医保 大数据 网信 金融工作 政务服务"
).split()
_ORGAN_SUFFIXES = "委员会 人民政府 政府 人大常委会 人大 政协 纪委 党委 人民法院 中级人民法院 人民检察院 委".split()
_ADMIN = "自治区 自治州 省 市 县 区 州 盟 旗"
# Last characters of organisation names (政治局, 委员会, 外办, 政府, 公司 ...).
ORG_FINAL_CHARS = set("局会部院办委府厅处室所社团司行校军队组署站馆心园场厂店台报盟")
# Offices of an organ that are named bodies themselves (省政府新闻办, 国务院新闻办公室).
_OFFICES = "新闻办公室 新闻办 办公厅 办公室 研究室 参事室".split()


# Bodies named by their place alone: in pd1998 train and dev, place + one of these is ORG
# in 86% (足协) to 100% of its occurrences, 队 in 119 of 120, once ministers' titles
# (外交部长) are set aside; 代表团, 博物馆, 电台, 公司 and 银行 are ORG less than half the time.
_PLACE_BODIES = "队 男队 女队 红十字会 足协 奥委会 驻华大使馆 档案馆 图书馆 通讯社 外交部 国防部".split()


def _first_characters(words: Iterable[str]) -> str:
    """The characters the words start with, escaped for a character class.

    A pattern led by ``(?=[...])`` of these is rejected at a position in one test, where
    the place alternation alone is tried branch by branch: about three times faster here.
    """
    return "".join(sorted({re.escape(word[0]) for word in words if word}))


@lru_cache(maxsize=1)
def _org_patterns() -> list[tuple[re.Pattern[str], re.Pattern[str] | None]]:
    """Each organisation pattern with the words one of which a text must hold for it to match
    (its suffixes): a text without them is not scanned place name by place name."""
    place = f"(?:{_alternation(places())})"
    admin = f"(?:{_alternation(_ADMIN.split())})"
    organ = f"(?:{_alternation(_ORGAN_SUFFIXES)})"
    dept = f"(?:{_alternation(_DEPARTMENT_STEMS)})(?:局|厅|委员会|委|部(?![门分])|办公室|办)"
    office = f"(?:{_alternation(_OFFICES)})?"
    place_first = _first_characters(places())
    admin_first = _first_characters(_ADMIN.split())
    bodies = _alternation(_PLACE_BODIES)
    schools = "海关|大学|师范大学|理工大学|中级人民法院|人民医院|中心医院"
    papers = "日报|晚报|晨报|商报|都市报|广播电视台|电视台"
    return [
        (re.compile(f"(?:{_alternation(_word_list('orgs.txt'))}){office}"), None),
        # (中共)(郑州)(市)委, (河南)省人民政府(新闻办), 省委 — not 全市/各市; every place before the
        # organ is in its name (北京市朝阳区委, 河北省高邑县委: 12 of 12 in pd1998 train)
        (
            re.compile(
                rf"(?=[中{place_first}{admin_first}])(?:中共)?(?:(?:{place}{admin}?)+|(?<![全各本该我特])(?={admin}){admin}){organ}{office}"
            ),
            re.compile(organ),
        ),
        # 伊朗队, 湖北省红十字会, 圣马力诺外交部: a place's team or body (ORG 99% of the time in pd1998)
        (re.compile(rf"(?=[{place_first}])(?:{place}{admin}?)+(?:{bodies})"), re.compile(bodies)),
        # 郑州海关, 郑州大学
        (re.compile(rf"(?=[{place_first}]){place}(?:{schools})"), re.compile(schools)),
        # 省财政厅, 郑州市公安局, 国家统计局
        (
            re.compile(
                rf"(?=[{place_first}{admin_first}国中市省县])(?:{place}{admin}?|(?<![全各本该我特]){admin}|国家|中央|市委|省委|县委){dept}"
            ),
            None,
        ),
        # 郑州晚报, 河南日报(社)
        (re.compile(rf"(?=[{place_first}]){place}(?:{papers})(?:社)?"), re.compile(papers)),
        (re.compile(rf"[{HAN}]{{2,8}}报社"), None),
        # 政协四川省第八届委员会, 政协第九届全国委员会(常务委员会): a session of a political consultative
        # conference is the body itself (pd1998 dev labels it ORG 13 times in 21, train never: 0 in 11)
        (re.compile(rf"政协(?:{place}{admin}?)?第[一二三四五六七八九十]+届(?:全国)?委员会(?:常务委员会)?"), None),
    ]


def _ministry_in_title(text: str, end: int) -> bool:
    """国防部长, 外交部长: the title 部长, not the ministry (国防部 is ORG 1 time in 38 in pd1998 train)."""
    return text[end - 1 : end] == "部" and text[end : end + 1] == "长"


def _departments(text: str, end: int) -> bool:
    """Whether a ministry's name ending at ``end`` is the start of 部门, departments (公安部门, 财政部门),
    or of 部分, part (市财政部分预算外资金)."""
    return text[end - 1 : end + 1] in ("部门", "部分")


def find_orgs(text: str) -> list[Entity]:
    spans = [
        Entity(m.start(), m.end(), "ORG")
        for pattern, suffixes in _org_patterns()
        if suffixes is None or suffixes.search(text)
        for m in pattern.finditer(text)
        if not _ministry_in_title(text, m.end()) and not _departments(text, m.end())
    ]
    return _leftmost_longest(spans)


def _name_at(text: str, pos: int, known: set[str], weak_ok: bool = False) -> int:
    """Length of the name starting at ``pos`` (0 if none): a known name, else surname + 1-2 characters."""
    for length in (4, 3, 2):
        if text[pos : pos + length] in known:
            return length
    compound = text[pos : pos + 2] in surnames()
    first = text[pos : pos + 1]
    if not compound and (first not in surnames() or (first in WEAK_SURNAMES and not weak_ok)):
        return 0
    rest = text[pos + (2 if compound else 1) : pos + 4]
    given = 0
    for ch in rest[:2]:
        if not re.match(f"[{HAN}]", ch) or ch in AFTER_NAME:
            break
        given += 1
    if given == 0:
        return 0
    return (2 if compound else 1) + given


def _looks_like_name(item: str, known: set[str]) -> bool:
    """A whole list item that is a name: known, or surname (single or compound) + one or two
    characters that are no common word (银行 is a bank, though 银 is a surname)."""
    if item in known:
        return True
    if not re.fullmatch(f"[{HAN}]+", item) or item in common_words():
        return False
    surname = 2 if item[:2] in surnames() else 1 if item[:1] in surnames() else 0
    return surname > 0 and 1 <= len(item) - surname <= 2


_BYLINE = re.compile(rf"(?:记者|通讯员|实习生|摄影|文/|图/|文：|图：)[\s:：/]*((?:[{HAN}]{{2,4}}(?:[ \u3000、,，]+|$))+)", re.M)


def find_byline_names(text: str, reporters: Sequence[str] = ()) -> list[Entity]:
    """Names after 记者/通讯员 on a byline (space or 、 separated), and the record's known reporters."""
    found: list[Entity] = []
    for match in _BYLINE.finditer(text):
        line_end = text.find("\n", match.start())
        line_end = len(text) if line_end == -1 else line_end
        # Only a byline: the names run to the end of the line (or to a closing bracket: （记者 刘晓燕）).
        if text[match.end(1) : line_end].strip() and text[match.end(1)] not in "）)】]":
            continue
        for name in re.finditer(rf"[{HAN}]{{2,4}}", match.group(1)):
            if name.group()[:1] in surnames() or name.group()[:2] in surnames():
                start = match.start(1) + name.start()
                found.append(Entity(start, start + len(name.group()), "PERSON"))
    for reporter in reporters:
        if isinstance(reporter, str) and reporter:
            found += [Entity(m.start(), m.end(), "PERSON") for m in re.finditer(re.escape(reporter), text)]
    return found


_SEPARATOR = r"[ \u3000、，,]+"
# A line holding only names (an author's or photographer's credit under an article).
_CREDIT_LINE = re.compile(rf"^[ \u3000]*([{HAN}]{{2,4}}(?:{_SEPARATOR}[{HAN}]{{2,4}})*)[ \u3000]*$", re.M)
# Names in brackets closing a line, with an optional credit verb: （白宇）, （李舸摄）, （方成画）.
_CREDIT_BRACKET = re.compile(
    rf"[（(]((?:[{HAN}]{{2,4}}?(?:{_SEPARATOR})?)+?)(?:摄影|摄|作|画|绘|摘|文|图|报道)?[)）][ \u3000。.]*$", re.M
)


def _credited_name(item: str, known: set[str]) -> bool:
    """Known, or surname + one or two characters that is no place and starts with no word-like surname (高温)."""
    return item in known or (
        _looks_like_name(item, known) and item not in _place_set() and item[:1] not in WEAK_SURNAMES
    )


def find_credit_names(text: str, known: set[str]) -> list[Entity]:
    """Names on a credit: a line of names only, or names in brackets closing a line.

    In pd1998 such a line or bracket of surname + one or two characters is a person
    about 95% of the time (229 of 241 lines in train, photo credits included); every
    item must look like a name and none may be a place name, or nothing is taken.
    """
    found: list[Entity] = []
    for pattern in (_CREDIT_LINE, _CREDIT_BRACKET):
        for match in pattern.finditer(text):
            names: list[tuple[int, int]] = []
            for run in re.finditer(rf"[{HAN}]+", match.group(1)):
                start = match.start(1) + run.start()
                cuts = _credited_names(run.group(), known)
                if cuts is None:
                    break
                names += [(start + a, start + b) for a, b in cuts]
            else:
                found += [Entity(start, end, "PERSON") for start, end in names]
    return found


_CREDIT_VERB = re.compile("(?:摄影|摄|作|画|绘|摘|报道)+$")


def _credited_names(run: str, known: set[str]) -> list[tuple[int, int]] | None:
    """The names in one run of a credit, as offsets into it: the run itself, the run without a
    credit verb the bracket pattern left on it (杨俊江摄), or two names written together."""
    if _credited_name(run, known):
        return [(0, len(run))]
    verb = _CREDIT_VERB.search(run)
    name = run[: verb.start()] if verb else run
    if verb and _credited_name(name, known):
        return [(0, len(name))]
    cut = _two_names(name, known)
    return None if cut is None else [(0, cut), (cut, len(name))]


def _two_names(run: str, known: set[str]) -> int | None:
    """Where two names written together on a credit part (谢跃文樊萌 -> 谢跃文|樊萌), if only one cut
    gives two names whose second surname is no word-like one (谢跃|文樊萌: 文 is one)."""
    cuts = [
        cut
        for cut in range(2, len(run) - 1)
        if _credited_name(run[:cut], known) and _credited_name(run[cut:], known)
    ]
    return cuts[0] if len(cuts) == 1 else None


# A name in a list of office-holders marked with the holder's nationality (and sex): 松布（土族）,
# 阿不都热依木·卡德尔（维吾尔族）, 吴碧莲（女、土家族）.
_NATIONALITY_MARKED = re.compile(rf"(?<=[、，,：:])([{HAN}{NAME_DOT}]{{2,16}})[（(](?:女[、，,]?)?[{HAN}]{{1,4}}族[)）]")


def find_nationality_marked_names(text: str) -> list[Entity]:
    """Names in a list, followed by the holder's nationality in brackets (15 of 17 in pd1998 train
    are persons): two to four characters, or a transliterated name (洛桑灵智多杰, 玉素甫·艾沙)."""
    return [
        Entity(match.start(1), match.end(1), "PERSON")
        for match in _NATIONALITY_MARKED.finditer(text)
        if match.group(1) not in _place_set()
        and (len(match.group(1)) <= 4 or NAME_DOT in match.group(1) or _is_transliterated(match.group(1)))
    ]


def find_nationals(text: str) -> list[Entity]:
    """A foreign name right after its country in a list (美国佩塞克和邦尼尔, 丹麦的马尔廷、): a run of
    phonetic characters that is no place, no common word, nor the end of a longer place name."""
    found = []
    for match in _national_pattern().finditer(text):
        place = _PLACE.match(text, match.start())
        if place and place.end() > match.start(1) or _PLACE.fullmatch(match.group(1)) or match.group(1) in common_words():
            continue  # 印度|尼西亚, a place, or a word such as 马克 (德国马克, the currency)
        found.append(Entity(match.start(1), match.end(1), "PERSON"))
    return found


@lru_cache(maxsize=1)
def _national_pattern() -> re.Pattern[str]:
    phonetic = "".join(sorted(transliteration_characters()))
    return re.compile(
        rf"(?:{_alternation(places())})的?([{phonetic}{NAME_DOT}]{{2,{MAX_FOREIGN_NAME}}})(?=[、，,;；和。])"
    )


_ENUMERATION = re.compile(
    rf"([{HAN}]{{2,12}}、(?:[{HAN}]{{2,4}}、)*[{HAN}]{{2,4}}?)(?=等(?:人|同志|领导)?(?:出席|参加|陪同|会见|参观|考察|观摩|到会|在座|讲话|分别)|同志(?:出席|参加|陪同))"
)


def find_enumerated_names(text: str, known: set[str]) -> list[Entity]:
    """Names in ``市领导吴天君、马懿、…、张延明等出席`` lists (every item must look like a name)."""
    found: list[Entity] = []
    title_alt = _alternation(TITLES + ["领导", "同志", "嘉宾"])
    for match in _ENUMERATION.finditer(text):
        items = match.group(1).split("、")
        start = match.start(1)
        # The first item may carry the title (市领导吴天君): keep what follows the last title in it.
        head = re.match(rf"^.*(?:{title_alt})", items[0])
        if head:
            cut = head.end()
        elif _looks_like_name(items[0], known):
            cut = 0
        else:  # no title: the first item ends with a two- or three-character name
            cut = next(
                (len(items[0]) - n for n in (3, 2) if _name_at(items[0], len(items[0]) - n, known, True) == n), 0
            )
        start += cut
        items[0] = items[0][cut:]
        spans, pos = [], start
        for item in items:
            if not _looks_like_name(item, known):
                spans = []
                break
            spans.append(Entity(pos, pos + len(item), "PERSON"))
            pos += len(item) + 1
        found += spans
    return found


_LIST = re.compile(rf"[{HAN}]{{2,5}}(?:、[{HAN}]{{2,5}})+")


def _name_in(item: str, known: set[str], *, at_end: bool, following: str) -> str | None:
    """The name a list item ends with (first item: 编导章东新) or starts with (last item: 冯蔚的作品), if any."""
    next_ok = not following or following in AFTER_NAME or not re.match(f"[{HAN}]", following)
    if item in known or (_looks_like_name(item, known) and (not at_end or next_ok)):
        return item
    pieces = [item[-n:] if not at_end else item[:n] for n in (4, 3, 2) if n < len(item)]
    for piece in pieces:
        if piece in known:
            return piece
    for piece in pieces:
        if len(piece) > 3 or not _looks_like_name(piece, known):
            continue
        if not at_end or (piece[-1] not in AFTER_NAME and item[len(piece)] in AFTER_NAME):
            return piece
    return None


def find_listed_names(text: str, known: set[str]) -> list[Entity]:
    """Names in a 、 list of names of which at least one is already known (江靖弋、苏雪冰在全国...)."""
    found: list[Entity] = []
    for match in _LIST.finditer(text):
        items = match.group().split("、")
        following = text[match.end() : match.end() + 1]
        first = _name_in(items[0], known, at_end=False, following="")
        last = _name_in(items[-1], known, at_end=True, following=following)
        middle = items[1:-1]
        if first is None or last is None or not all(_looks_like_name(item, known) for item in middle):
            continue
        names = [first, *middle, last]
        if not any(name in known for name in names):
            continue
        item_starts = [match.start()]
        for item in items[:-1]:
            item_starts.append(item_starts[-1] + len(item) + 1)
        item_starts[0] += len(items[0]) - len(first)  # the first item's name is at its end
        found += [Entity(start, start + len(name), "PERSON") for start, name in zip(item_starts, names)]
    return found


def find_titled_names(text: str, known: set[str], model_starts: set[int]) -> list[Entity]:
    """A name right after a title (市委书记吴天君 -> 吴天君) or a signature line (——吴天君)."""
    found: list[Entity] = []
    pattern = re.compile(rf"(?:{_alternation(TITLES)})(?=[{HAN}])|——")
    for match in pattern.finditer(text):
        pos = match.end()
        if pos in model_starts:
            continue  # the model found a name here; its length is usually better
        length = _name_at(text, pos, known)
        if length:
            found.append(Entity(pos, pos + length, "PERSON"))
    return found


_TITLE_START = re.compile(f"(?:{_alternation(TITLES + HONORIFICS + ['同志', '夫人', '家', '们'])})")


def find_honorific_surnames(text: str) -> list[Entity]:
    """黄小姐, 林先生: the surname alone is the PERSON."""
    found = []
    for match in re.finditer(rf"(?=({_alternation(HONORIFICS)}))", text):
        pos = match.start()
        for length in (2, 1):
            if pos - length >= 0 and text[pos - length : pos] in surnames():
                # Not a longer name (王小明先生): the character before the surname is not Han.
                before = text[pos - length - 1 : pos - length]
                if not before or not re.match(f"[{HAN}]", before) or before in "的位和与、向对给叫是":
                    found.append(Entity(pos - length, pos, "PERSON"))
                break
    return found


def _leftmost_longest(spans: Iterable[Entity]) -> list[Entity]:
    kept: list[Entity] = []
    for span in sorted(set(spans), key=lambda s: (s.start, -(s.end - s.start))):
        if not kept or span.start >= kept[-1].end:
            kept.append(span)
    return kept


_HAN_ONLY = re.compile(f"[{HAN}0-9]*")


def _overlaps(span: Entity, taken: list[tuple[int, int]]) -> bool:
    return any(span.start < end and start < span.end for start, end in taken)


def _strip_title(text: str, span: Entity) -> Entity | None:
    """Cut a leading title off a PERSON span (市长马懿 -> 马懿); a surname with a title or an
    honorific after it, or 家 (family: 龙家 -> 龙, as pd1998 train 8 times of 8), is the surname
    alone (张市长 -> 张, 王大夫 -> 王, as 黄小姐 -> 黄)."""
    piece = text[span.start : span.end]
    match = re.match(rf"^.*(?:{_alternation(TITLES)})", piece)
    if match and match.end() < len(piece):
        return Entity(span.start + match.end(), span.end, span.label)
    titled = re.fullmatch(rf"(.{{1,2}}?)(?:{_alternation(TITLES + HONORIFICS)}|家)", piece)
    if titled and titled.group(1) in surnames():
        return Entity(span.start, span.start + len(titled.group(1)), span.label)
    return span


MAX_FOREIGN_NAME = 12
# Punctuation a model span may run into at its edges (葛菲/顾俊 -> 葛菲/).
_EDGE_PUNCTUATION = "/／、,，.。;；:：!！?？\"“”'‘’|"


def _trim_edges(text: str, span: Entity) -> Entity | None:
    """A model span without whitespace at its edges, nor punctuation for names (None if nothing is left)."""
    start, end = span.start, span.end
    strip = _EDGE_PUNCTUATION + NAME_DOT if span.label in ("PERSON", "ORG") else ""
    while start < end and (text[start].isspace() or text[start] in strip):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in strip):
        end -= 1
    if start == end:
        return None
    return span if (start, end) == (span.start, span.end) else Entity(start, end, span.label)


def _is_transliterated(name: str) -> bool:
    """Only phonetic characters of foreign names (and the name dot): 内塔尼亚胡, 穆巴拉克·阿萨德."""
    phonetic = transliteration_characters()
    return all(ch in phonetic or ch == NAME_DOT for ch in name)


def _extend_foreign_name(text: str, span: Entity) -> Entity:
    """A transliterated PERSON cut short (斯卡尔 in 斯卡尔法罗说) runs on over the name's characters."""
    if span.label != "PERSON" or span.end - span.start < 2 or not _is_transliterated(text[span.start : span.end]):
        return span
    phonetic = transliteration_characters()
    end = span.end
    while end - span.start < MAX_FOREIGN_NAME and end < len(text):
        if text[end] in phonetic:
            end += 1
        elif text[end] == NAME_DOT and text[end + 1 : end + 2] in phonetic:
            end += 2
        else:
            break
    return span if end == span.end else Entity(span.start, end, span.label)


# 李某 is a name withheld; 副 starts a title (朱玲副主笔).
_NOT_GIVEN_NAME = set("某副")


def _complete_given_name(text: str, span: Entity, long_word_starts: set[int]) -> Entity:
    """A model PERSON of surname + one character takes the next one when a name plainly ends there.

    钱兆|熹作曲, 李心|草。: the following character is Han, begins no longer word of the
    segmenter's (代表, 关于), no title and no usual next word, and the one after it is
    such a next word or no Han at all.
    """
    name = text[span.start : span.end]
    if span.label != "PERSON" or len(name) != 2 or name[:1] not in surnames() or name[:1] in WEAK_SURNAMES:
        return span
    following, after = text[span.end : span.end + 1], text[span.end + 1 : span.end + 2]
    if not long_word_starts or span.end in long_word_starts or following in _NOT_GIVEN_NAME:
        return span
    if not re.match(f"[{HAN}]", following):
        return span
    if following in AFTER_NAME or _TITLE_START.match(text, span.end):
        return span
    if after and re.match(f"[{HAN}]", after) and after not in AFTER_NAME:
        return span
    return Entity(span.start, span.end + 1, span.label)


_PLACE_BEFORE = re.compile(f"(?:{_alternation(places())})$")


# A city or county the place list lacks, as one segmenter word right before an organisation (枣庄市|文物管理办公室):
# pd1998 train names it with the organisation 244 times, leaves it out 4 times.
_CITY = re.compile(f"(?![该本全各两我住到在])[{HAN}]{{2,4}}[市县]")


def _word_index(position: int, words: Sequence[Sequence[int]]) -> int:
    """The index of the last segmenter word that starts at or before ``position`` (-1 if none)."""
    return bisect_right(words, position, key=lambda word: word[0]) - 1


def _word_at(position: int, words: Sequence[Sequence[int]]) -> Sequence[int] | None:
    """The segmenter word ``[start, end]`` that holds the character at ``position``, if any."""
    index = _word_index(position, words)
    return words[index] if index >= 0 and position < words[index][1] else None


def _snap_org_to_words(text: str, span: Entity, words: Sequence[Sequence[int]]) -> Entity:
    """A model ORG that begins inside one of the segmenter's words takes the whole word, and the
    place names right before it (亚体育技术学院 -> 澳大利亚体育技术学院: 澳大利亚 is one word)."""
    start = span.start
    word = _word_at(start, words)
    if word is not None and word[0] < start and re.fullmatch(f"[{HAN}]+", text[word[0] : start]):
        start = word[0]
    while match := _PLACE_BEFORE.search(text, max(0, start - _LONGEST_PLACE), start):
        start = match.start()
    before = _word_at(start - 1, words) if start else None
    if before is not None and before[1] == start and _CITY.fullmatch(text, before[0], start):
        start = before[0]
    return span if start == span.start else Entity(start, span.end, span.label)


# Particles that end no name of the 7,779 in pd1998 train (玲珑的, 李文又): a model name ending with
# one ran into the words after it.
_NEVER_ENDS_A_NAME = set("的下未了着过是在就又")


def _without_particle(text: str, span: Entity, words: Sequence[Sequence[int]]) -> Entity:
    """A model PERSON of three or more characters without the particle it ends with, unless what is left
    is one segmenter word (肖像|下: the segmenter cuts a name into surname and given name, a noun not)."""
    if span.end - span.start < 3 or text[span.end - 1] not in _NEVER_ENDS_A_NAME:
        return span
    word = _word_at(span.start, words)
    if word is not None and tuple(word) == (span.start, span.end - 1):
        return span
    return Entity(span.start, span.end - 1, span.label)


def _repaired_model_span(
    text: str, span: Entity, words: Sequence[Sequence[int]], long_word_starts: set[int]
) -> Entity:
    """A model PERSON with its title cut off, run on over a foreign name or a given name cut short;
    a model ORG snapped to the segmenter's words; other labels as they are."""
    if span.label == "PERSON":
        span = _without_particle(text, span, words)
        return _complete_given_name(text, _extend_foreign_name(text, _strip_title(text, span)), long_word_starts)
    if span.label == "ORG":
        if leader := _leader_of_government(text, span):
            return leader
        return _snap_org_to_words(text, _without_session(text, _without_delegation(text, span)), words)
    return span


# The session before a body (八届全国人大常委会, 第九届全国人民代表大会) is no part of its name: pd1998
# train leaves it out 13 times of 15.
_SESSION = re.compile("第?[一二三四五六七八九十]+届")


def _without_session(text: str, span: Entity) -> Entity:
    """A model ORG that begins with a session number, without it."""
    match = _SESSION.match(text, span.start, span.end)
    if match and span.end - match.end() >= 2:
        return Entity(match.end(), span.end, span.label)
    return span


def _leader_of_government(text: str, span: Entity) -> Entity | None:
    """The leader a government is named after (内塔尼亚胡政府, 若斯潘政府): the name is a PERSON, as in
    pd1998 train (克林顿政府 8 times of 10); a place's government (巴西政府) is an ORG."""
    name = text[span.start : span.end - 2]
    if (
        text[span.end - 2 : span.end] == "政府"
        and 2 <= len(name) <= MAX_FOREIGN_NAME
        and _is_transliterated(name)
        and not _PLACE_BEFORE.search(text, span.start, span.end - 2)
    ):
        return Entity(span.start, span.end - 2, "PERSON")
    return None


# Kinds of institution, not one institution: 人民检察院 alone is any procuratorate (pd1998 never labels it).
_INSTITUTION_KINDS = frozenset("人民检察院 人民法院 人民政府 公安机关 检察机关 审判机关".split())


# Not one body: a city centre (贝尔格莱德市中心), the governments or parliaments of several countries
# (欧洲国家政府, 阿拉伯国家议会), a provincial department across the country (全国文化厅局长会议).
_NO_ONE_BODY = re.compile("市中心$|国家(?:政府|议会)$|^全国[^人政妇总]{1,4}[厅局]$")


# All or some of a kind, not one organisation: 全市政协(委员), 全县小学, 许多公司, 各级政府, 多数航空公司,
# 本市政协 (this city's, said in passing), 一流大学, 新建核电站; pd1998 train has no ORG that begins so.
_QUANTIFIED = re.compile("全[市县省区镇乡村]|许多|一些|各[地级国个]|有关|所有|部分|大?多数|本[市县省区地国]|一流|新建")


# A group an organisation sends is not the organisation (国家环保局调查组, 中国政府陪同团): pd1998 labels
# the organisation alone.
_DELEGATION = re.compile("(?:调查组|陪同团|代表团|考察团|访问团|研究小组)$")


def _without_delegation(text: str, span: Entity) -> Entity:
    """A model ORG that ends with a delegation, cut back to the organisation before it when that is one."""
    match = _DELEGATION.search(text, span.start, span.end)
    if match and match.start() - span.start >= 2 and text[match.start() - 1] in ORG_FINAL_CHARS:
        return Entity(span.start, match.start(), span.label)
    return span


def _plausible_name(name: str) -> bool:
    """A model PERSON worth looking for elsewhere in the text: 2-4 characters, or a longer transliterated name."""
    return 2 <= len(name) <= 4 or (len(name) <= MAX_FOREIGN_NAME and _is_transliterated(name))


def _trim_to_known(text: str, span: Entity, known: set[str]) -> Entity:
    """A model PERSON span that runs past a name known from the byline or a list ends with it (胡荃对 -> 胡荃)."""
    if span.label != "PERSON":
        return span
    piece = text[span.start : span.end]
    for name in sorted(known, key=len, reverse=True):
        if piece != name and piece.startswith(name) and piece[len(name)] in AFTER_NAME:
            return Entity(span.start, span.start + len(name), span.label)
    return span


def _trim_to_shorter_model_names(text: str, model: list[Entity]) -> list[Entity]:
    """A model PERSON that is a more often found model PERSON plus one character ends with that
    name (田亮高出 where 田亮 is found alone more often: 田亮高 -> 田亮; 何大一 stays, found more often than 何大)."""
    counts = Counter(text[s.start : s.end] for s in model if s.label == "PERSON")
    return [
        Entity(s.start, s.end - 1, s.label)
        if s.label == "PERSON"
        and s.end - s.start >= 3
        and counts[text[s.start : s.end - 1]] > counts[text[s.start : s.end]]
        else s
        for s in model
    ]


# A name followed by these is part of another thing's name (邓小平理论, 丰田公司, 桂光集团).
_NOT_AFTER_PERSON = re.compile("公司|集团|理论|思想|主义|家族|有限|工业|制衣|厂|人")


# Ends of place names: a model PERSON ending so is a place (黄昏路, 龙吴港; pd1998 train has one name in
# 7,779 that does), and a name found before one of these elsewhere in the text is one too
# (沈泉庄 of 沈泉庄村, 渤西 of 渤西油田).
_PLACE_FINAL_CHARS = set("港潭庄街寺宫楼路")
_PLACE_AFTER = re.compile("村(?!长)|庄(?![重严])|港|油田|煤矿|集团|公司|路|街|[镇乡县市](?![长委定静压亲民])")


def _names_of_places(text: str, spans: Sequence[Entity]) -> set[str]:
    """The model's PERSON names that are places or firms by their last character or by what follows them elsewhere."""
    names = {text[s.start : s.end] for s in spans if s.label == "PERSON" and s.end - s.start >= 2}
    return {
        name
        for name in names
        if name[-1] in _PLACE_FINAL_CHARS
        or any(_PLACE_AFTER.match(text, start + len(name)) for start in _occurrences(text, name))
    }


def _occurrences(text: str, word: str) -> Iterator[int]:
    """Start offsets of ``word`` in ``text``, left to right, not overlapping (as ``re.finditer``)."""
    start = text.find(word) if word else -1
    while start != -1:
        yield start
        start = text.find(word, start + len(word))


def _inside_longer_word(start: int, end: int, words: Sequence[Sequence[int]]) -> bool:
    """Whether one segmenter word holds ``start:end`` and more (艾滋 in 艾滋病, 锡山 in 锡山市)."""
    word = _word_at(start, words)
    return word is not None and end <= word[1] and word[1] - word[0] > end - start


_PLACE = re.compile(_alternation(places()))
_LONGEST_PLACE = max(map(len, places()))


def _cut_from_a_place(text: str, span: Entity) -> bool:
    """Whether a place name runs over an edge of ``span`` (波尔 in 波尔多, 舟塞纳 over 塞纳河);
    a place wholly inside a name (华盛顿 in 乔治·华盛顿) does not count."""
    for start in range(max(0, span.start - _LONGEST_PLACE + 1), span.end):
        match = _PLACE.match(text, start)
        if match and match.start() < span.end and match.end() > span.start:
            if match.start() < span.start or match.end() > span.end:
                return True
    return False


def _ends_inside_a_word(end: int, words: Sequence[Sequence[int]]) -> bool:
    """Whether a segmenter word runs on past ``end`` (抗震救|灾, 交响协|奏曲)."""
    word = _word_at(end, words)
    return word is not None and word[0] < end


def _propagate(text: str, names: set[str], label: str, words: Sequence[Sequence[int]] = ()) -> list[Entity]:
    """Every other mention of ``names``; a PERSON not where one segmenter word holds it and more."""
    found = []
    for name in names:
        found += [
            Entity(start, start + len(name), label)
            for start in _occurrences(text, name)
            if not (label == "PERSON" and _NOT_AFTER_PERSON.match(text, start + len(name)))
            and not (label == "PERSON" and _inside_longer_word(start, start + len(name), words))
            and not (label == "ORG" and (_ministry_in_title(text, start + len(name)) or _departments(text, start + len(name))))
        ]
    return found


def _credible_model_span(text: str, span: Entity, words: Sequence[Sequence[int]]) -> bool:
    """Whether a repaired model PERSON or ORG may stand (other labels always may)."""
    if span.label not in ("PERSON", "ORG"):
        return True
    piece = text[span.start : span.end]
    if span.label == "PERSON" and len(piece) == 1 and piece in surnames():
        # a surname alone, as its title or 家 left it (张市长 -> 张, 龙家 -> 龙, one segmenter word),
        # where it begins a word (not 王 of 国王)
        word = _word_at(span.start, words)
        return word is None or word[0] == span.start
    # A name or organisation has a Han character (not the page code AA02) and is no common word.
    if not re.search(f"[{HAN}]", piece) or piece in common_words():
        return False
    if span.label == "PERSON":
        # No place, nor a piece of a longer segmenter word (余辉 in 夕阳余辉) or of a place (波尔 in 波尔多).
        return (
            piece not in _place_set()
            and not _inside_longer_word(span.start, span.end, words)
            and not _cut_from_a_place(text, span)
        )
    # No minister's title, kind of institution or all of a kind; it ends where a word ends, or
    # at least with an organ (党委|书记 cuts a word, and is one).
    return (
        not _ministry_in_title(text, span.end)
        and not _departments(text, span.end)
        and piece not in _INSTITUTION_KINDS
        and not _NO_ONE_BODY.search(piece)
        and not _QUANTIFIED.match(text, span.start)
        and (text[span.end - 1] in ORG_FINAL_CHARS or not _ends_inside_a_word(span.end, words))
    )


# A unit of an organisation named right after it is part of its name (建设银行总行, 南昌市国税局稽查分局,
# 中国科学院生物研究所): pd1998 train keeps 分行 in the organisation 14 times of 17, 研究所 14 of 16.
_UNIT_KINDS = "总行 分行 支行 分局 分公司 分会 委员会 研究所 研究院 研究中心 办公室 附属医院 煤矿 乘务部 附中 处 科 所 系".split()
_SUB_UNIT = re.compile(
    f"(?:(?![的和与及是在为对将把被从向等属各也了])[{HAN}]){{0,4}}?"
    f"({'|'.join(_UNIT_KINDS)})"
)


def _names_a_unit(text: str, unit: re.Match[str], words: Sequence[Sequence[int]]) -> bool:
    """Whether a ``_SUB_UNIT`` match is a unit: more than one character, ending with a segmenter word that
    is the unit's kind or no common word (not 共|查处), and no place (新华社|莫斯科 is a dateline)."""
    last = _word_at(unit.end() - 1, words)
    if last is None or last[1] != unit.end():
        return False
    last_word = text[last[0] : last[1]]
    if len(unit.group()) == 1:  # 所, 处 alone are particles and verbs (基金组织所要求, 处以)
        return False
    return (last_word == unit.group(1) or last_word not in common_words()) and not _cut_from_a_place(
        text, Entity(unit.start(), unit.end(), "ORG")
    ) and not _PLACE_BEFORE.search(text, unit.start(), unit.end())


def _with_sub_units(text: str, spans: list[Entity], words: Sequence[Sequence[int]]) -> list[Entity]:
    """Each ORG run on over a unit of it named right after it, where the unit ends with a segmenter word."""
    starts = {s.start: s for s in spans}
    extended = []
    for span in sorted(spans):
        if span.label == "ORG" and (unit := _SUB_UNIT.match(text, span.end)) and _names_a_unit(text, unit, words):
            following = starts.get(span.end)
            if following is None or (following.label == "ORG" and following.end <= unit.end()):
                extended.append(Entity(span.start, unit.end(), "ORG"))
                continue
        extended.append(span)
    taken = [(s.start, s.end) for s in extended if s.label == "ORG"]
    return [s for s in extended if not any(a <= s.start and s.end <= b and (a, b) != (s.start, s.end) for a, b in taken)]


_DEMONSTRATIVE = re.compile("[该本此这那其各每]")
_COMPANY_KIND = re.compile("集团公司|有限公司|公司|集团|银行")


def find_named_companies(text: str, words: Sequence[Sequence[int]]) -> list[Entity]:
    """A name the segmenter cuts as its own word, then 公司, 集团 or 银行 (富临|集团, 车桥|公司, 民生|银行).

    The word must be no common word (电信|公司, 这家|公司 are kinds, not names) and no place
    (a place's company is as often a kind: 香港|公司)."""
    found = []
    for kind_match in _COMPANY_KIND.finditer(text, 2):
        index = _word_index(kind_match.start(), words)
        if index < 1 or tuple(words[index]) != kind_match.span():
            continue
        start, end = words[index - 1]
        name = text[start:end]
        if (
            end == kind_match.start()
            and end - start >= 2
            and re.fullmatch(f"[{HAN}]+", name)
            and name not in common_words()
            and name not in _place_set()
            and not _DEMONSTRATIVE.search(name)
        ):
            found.append(_snap_org_to_words(text, Entity(start, kind_match.end(), "ORG"), words))
    return found


def merge_entities(
    text: str,
    model_spans: Sequence[Entity],
    meta: dict[str, Any] | None,
    labels: Sequence[str],
    word_spans: Sequence[Sequence[int]] | None = None,
) -> list[Entity]:
    """Rule spans first, then the model's where they do not clash; names propagated within the document.

    ``word_spans``, the segmenter's words as ``[start, end]`` offsets, let a model name cut
    one character short be completed (:func:`_complete_given_name`); without them it is not.
    """
    meta = meta or {}
    words = word_spans or ()
    long_word_starts = {start for start, end in words if end - start >= 2}
    allowed = set(labels)
    model = [
        _repaired_model_span(text, s, words, long_word_starts)
        for s in (_trim_edges(text, span) for span in model_spans)
        if s is not None
        and s.label in allowed
        and not (s.label == "DATE" and text[s.start : s.end] in VAGUE_TIME_WORDS)
    ]
    model = [s for s in model if _credible_model_span(text, s, words)]
    places_named = _names_of_places(text, model)
    model = [s for s in model if not (s.label == "PERSON" and text[s.start : s.end] in places_named)]
    reporters = meta.get("reporters") or []
    if isinstance(reporters, str):
        reporters = reporters.split()
    byline = find_byline_names(text, reporters)
    known = {text[s.start : s.end] for s in byline}
    enumerated = find_enumerated_names(text, known)
    known |= {text[s.start : s.end] for s in enumerated}
    model = [_trim_to_known(text, s, known) for s in model]
    model = _trim_to_shorter_model_names(text, model)
    model_person_starts = {s.start for s in model if s.label == "PERSON"}
    titled = find_titled_names(text, known, model_person_starts)
    person_rules = (
        byline
        + enumerated
        + titled
        + find_honorific_surnames(text)
        + find_credit_names(text, known)
        + find_nationality_marked_names(text)
        + find_nationals(text)
    )
    known |= {text[s.start : s.end] for s in person_rules if s.end - s.start >= 2}
    known |= {text[s.start : s.end] for s in model if s.label == "PERSON" and _plausible_name(text[s.start : s.end])}
    listed = find_listed_names(text, known)
    person_rules += listed
    known |= {text[s.start : s.end] for s in listed}
    orgs = find_orgs(text)
    if "ORG" in allowed:  # only where the model saw nothing
        model_taken = [(s.start, s.end) for s in model]
        model += [s for s in find_named_companies(text, words) if not _overlaps(s, model_taken)]
    rule_spans = (
        [s for s in person_rules if "PERSON" in allowed]
        + [s for s in orgs if "ORG" in allowed]
        + [Entity(a, b, "DATE") for a, b in find_dates(text) if "DATE" in allowed]
        + [Entity(a, b, "PERCENT") for a, b in find_percents(text) if "PERCENT" in allowed]
    )
    # A model DATE or ORG that contains a rule span of its label is the longer reading
    # (今年冬季 over 今年, 中共中央政治局 over 中共中央).
    longer = [
        s
        for s in model
        if (s.label == "DATE" or s.label == "ORG") and s.end - s.start <= 20
    ]
    rule_spans = [
        next(
            (
                m
                for m in longer
                if m.label == s.label
                and (m.label == "DATE" or text[m.end - 1] in ORG_FINAL_CHARS or (m.end == s.end and s.start - m.start >= 2))
                and m.start <= s.start
                and s.end <= m.end
                and _HAN_ONLY.fullmatch(text[m.start : s.start] + text[s.end : m.end])
            ),
            s,
        )
        for s in rule_spans
    ]
    chosen = _leftmost_longest(rule_spans)
    from_rules = set(chosen)
    taken = [(s.start, s.end) for s in chosen]
    for span in sorted(model, key=lambda s: s.start):
        if not _overlaps(span, taken):
            chosen.append(span)
            taken.append((span.start, span.end))
    chosen = _with_sub_units(text, chosen, words)
    org_names = {text[s.start : s.end] for s in orgs if s.end - s.start >= 2} if "ORG" in allowed else set()
    # An organisation the model names in full more than once is named so elsewhere in the text too (丰田公司).
    model_orgs = Counter(text[s.start : s.end] for s in chosen if s.label == "ORG" and s.end - s.start >= 4)
    org_names |= {name for name, count in model_orgs.items() if count >= 2}
    if "PERSON" not in allowed:
        known = set()
    propagated = _propagate(text, known, "PERSON", words) + _propagate(text, org_names, "ORG")
    for span in _leftmost_longest(propagated):
        inside = [c for c in chosen if span.start <= c.start and c.end <= span.end and c != span]
        if span.label == "PERSON" and inside and all(c.label == "PERSON" and c not in from_rules for c in inside):
            # The same name cut short elsewhere (斯卡尔 where 斯卡尔法罗 was found): the full name wins.
            if not _overlaps(span, [(c.start, c.end) for c in chosen if c not in inside]):
                chosen = [c for c in chosen if c not in inside]
                taken = [(c.start, c.end) for c in chosen]
        if not _overlaps(span, taken):
            chosen.append(span)
            taken.append((span.start, span.end))
    return sorted(chosen)
