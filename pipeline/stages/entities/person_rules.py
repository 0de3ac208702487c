"""Rules for PERSON: names in bylines, credits, lists and enumerations, after titles or their
country, and the repairs of a model PERSON (titles, particles and places cut off, foreign names
run on, given names completed).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from pipeline.core.cues import CUES, QUOTING_CLASSES
from pipeline.core.text_tables import HAN_RE
from pipeline.stages.entities.lexicon import (
    AFTER_NAME,
    HAN,
    HAN_RUN,
    HONORIFICS,
    LONGEST_PLACE,
    MAX_FOREIGN_NAME,
    NAME_DOT,
    PLACE,
    PLACE_BEFORE,
    TITLES,
    WEAK_SURNAMES,
    Entity,
    alternation,
    common_words,
    cut_from_a_place,
    cuts_a_latin_word,
    is_transliterated,
    occurrences,
    place_set,
    places,
    surnames,
    transliteration_characters,
    word_at,
    word_index,
)
from pipeline.stages.entities.org_rules import ORG_FINAL_CHARS

# Titles that follow a name straight away on a credit whose spaces were lost (记者陈晓通讯员…).
_NEXT_TITLE = re.compile("通讯员|记者|实习生|摄影|特约")
_ITEM_ENDS = ("、",)  # a list separator; not ，(周旋说，)


def _name_at(text: str, pos: int, known: set[str], weak_ok: bool = False) -> int:
    """Length of the name starting at ``pos`` (0 if none): a known name, else surname + 1-2 characters."""
    for length in (4, 3, 2):
        if text[pos : pos + length] in known:
            return length
    compound = text[pos : pos + 2] in surnames()
    first = text[pos : pos + 1]
    if not compound and (first not in surnames() or (first in WEAK_SURNAMES and not weak_ok)):
        return 0
    given_start = pos + (2 if compound else 1)
    rest = text[given_start : pos + 4]
    given = 0
    for i, ch in enumerate(rest[:2]):
        # 明 may begin the next word (明天), not where an item ends right after it (大使南月明、)
        ends_item = i == 1 and text[given_start + 2 : given_start + 3] in _ITEM_ENDS
        if not HAN_RE.match(ch) or (ch in AFTER_NAME and not ends_item):
            break
        if i == 1 and _NEXT_TITLE.match(text, given_start + 1):
            break  # the next title begins here (记者陈晓通讯员粤统宣: 陈晓, then 通讯员)
        given += 1
    if given == 0:
        return 0
    return (2 if compound else 1) + given


def _looks_like_name(item: str, known: set[str]) -> bool:
    """A whole list item that is a name: known, or surname (single or compound) + one or two
    characters that are no common word (银行 is a bank, though 银 is a surname)."""
    if item in known:
        return True
    if not HAN_RUN.fullmatch(item) or item in common_words():
        return False
    surname = 2 if item[:2] in surnames() else 1 if item[:1] in surnames() else 0
    return surname > 0 and 1 <= len(item) - surname <= 2


_BYLINE = re.compile(rf"(?:记者|通讯员|实习生|摄影|文/|图/|文：|图：)[\s:：/]*((?:[{HAN}]{{2,4}}(?:[ \u3000、,，]+|$))+)", re.M)


def find_byline_names(text: str, reporters: Sequence[str] = ()) -> list[Entity]:
    """Names after 记者/通讯员 that close a line (space or 、 separated), and the record's known reporters.

    The bylines layout found reach this rule as ``meta['reporters']`` (``meta_reporter``); the
    pattern finds the credits layout leaves inside body paragraphs (本报记者王霞光 closing a
    story, （记者 刘晓燕）): 178 of the 821 ``byline`` names on the bench pages.
    """
    found: list[Entity] = []
    for match in _BYLINE.finditer(text):
        line_end = text.find("\n", match.start())
        line_end = len(text) if line_end == -1 else line_end
        # Only a byline: the names run to the end of the line (or to a closing bracket: （记者 刘晓燕）).
        if text[match.end(1) : line_end].strip() and text[match.end(1)] not in "）)】]":
            continue
        for name in re.finditer(rf"[{HAN}]{{2,4}}", match.group(1)):
            piece = _BYLINE_VERB.sub("", name.group())  # 记者刘洋报道: the verb is no part of the name
            if len(piece) >= 2 and (piece[:1] in surnames() or piece[:2] in surnames()):
                start = match.start(1) + name.start()
                found.append(Entity(start, start + len(piece), "PERSON", "byline"))
    for reporter in reporters:
        if isinstance(reporter, str) and reporter:
            found += [
                Entity(m.start(), m.end(), "PERSON", "meta_reporter") for m in re.finditer(re.escape(reporter), text)
            ]
    return found


_SEPARATOR = r"[ \u3000、，,]+"
_BYLINE_VERB = re.compile("(?:报道|摄影|摄)$")


# A line holding only names (an author's or photographer's credit under an article).
_CREDIT_LINE = re.compile(rf"^[ \u3000]*([{HAN}]{{2,4}}(?:{_SEPARATOR}[{HAN}]{{2,4}})*)[ \u3000]*$", re.M)


# Names in brackets closing a line, with an optional credit verb: （白宇）, （李舸摄）, （方成画）.
_CREDIT_BRACKET_CLOSE = r"(?:摄影|摄|作|画|绘|摘|文|图|报道)?[)）][ \u3000。.]*$"
_CREDIT_BRACKET = re.compile(rf"[（(]((?:[{HAN}]{{2,4}}?(?:{_SEPARATOR})?)+?){_CREDIT_BRACKET_CLOSE}", re.M)
# The same brackets, found in linear time: runs of two or more Han characters parted by separators.  The pattern above
# backtracks exponentially on a long bracket that closes no line (a 300-character aside in an interview took minutes),
# so it only cuts the names from what this one found.
_CREDIT_BRACKET_SHAPE = re.compile(
    rf"[（(][{HAN}]{{2,}}(?:{_SEPARATOR}[{HAN}]{{2,}})*(?:{_SEPARATOR})?{_CREDIT_BRACKET_CLOSE}", re.M
)


def _credited_name(item: str, known: set[str]) -> bool:
    """Known, or surname + one or two characters that is no place and starts with no word-like surname (高温)."""
    return item in known or (
        _looks_like_name(item, known) and item not in place_set() and item[:1] not in WEAK_SURNAMES
    )


def find_credit_names(text: str, known: set[str]) -> list[Entity]:
    """Names on a credit: a line of names only, or names in brackets closing a line.

    In pd1998 such a line or bracket of surname + one or two characters is a person
    about 95% of the time (229 of 241 lines in train, photo credits included); every
    item must look like a name and none may be a place name, or nothing is taken.
    """
    found: list[Entity] = []
    brackets = (_CREDIT_BRACKET.match(text, shape.start(), shape.end()) for shape in _CREDIT_BRACKET_SHAPE.finditer(text))
    for matches, rule in ((_CREDIT_LINE.finditer(text), "credit_line"), (brackets, "credit_bracket")):
        for match in matches:
            names: list[tuple[int, int]] = []
            for run in re.finditer(rf"[{HAN}]+", match.group(1)):
                start = match.start(1) + run.start()
                cuts = _credited_names(run.group(), known)
                if cuts is None:
                    break  # a run that holds no name: the whole credit is no credit
                names += [(start + a, start + b) for a, b in cuts]
            else:
                found += [Entity(start, end, "PERSON", rule) for start, end in names]
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


# A name in a list marked with the person's nationality or sex, maybe after a country: 松布（土族）,
# 阿不都热依木·卡德尔（维吾尔族）, 吴碧莲（女、土家族）, 韩葆珍（女）, 占旭刚（中国，男，举重）.
_NATIONALITY_MARKED = re.compile(
    rf"(?<=[、，,：:])([{HAN}{NAME_DOT}]{{2,16}})[（(](?:[{HAN}]{{1,6}}[、，,])?(?:[男女]|[{HAN}]{{1,4}}族)[、，,)）]"
)


def find_nationality_marked_names(text: str) -> list[Entity]:
    """Names in a list, followed by the person's nationality or sex in brackets (pd1998 train 20 of
    21 are persons, dev 92 of 92): two to four characters, a longer name holding no common word
    (洛桑灵智多杰, not 全国人民代表大会), or a name with the name dot (阿嘉·洛桑图旦·久美加措)."""
    return [
        Entity(match.start(1), match.end(1), "PERSON", "nationality_marked")
        for match in _NATIONALITY_MARKED.finditer(text)
        if match.group(1) not in place_set()
        and (len(match.group(1)) <= 4 or NAME_DOT in match.group(1) or not _holds_common_word(match.group(1)))
    ]


def _holds_common_word(piece: str) -> bool:
    """Whether a common word of two to four characters stands anywhere in ``piece`` (代表 in 全国人民代表大会)."""
    words = common_words()
    return any(piece[i:j] in words for i in range(len(piece)) for j in range(i + 2, min(len(piece), i + 4) + 1))


# A country's, place's or organisation's office-holder: 泰国总理|差瓦立|宣布, 克罗地亚总统|图季曼|16日,
# 美军太平洋总部司令|普吕厄|和.
_LEADER_TITLES = re.compile(
    "副总统|总统|副总理|总理|副首相|首相|国王|女王|王储|外交部长|国防部长|外长|议长|国务卿|主席|秘书长|总书记|"
    "领导人|大使|发言人|教练|球星|选手|司令员|司令|党首|部长|主任|会长|董事长|总裁|行长|市长|省长"
)

# What follows such a name: a digit or punctuation, or one of these words.
_AFTER_LEADER = frozenset(
    "说 表示 在 和 与 的 会见 举行 访问 指出 强调 认为 宣布 出席 当天 今天 昨天 日前 近日 也 还 将 已 曾 是 对 向 同 "
    "就 于 发表 签署 致电 会晤 抵达 率领 主持 提出 称 透露 介绍 告诉 呼吁 要求 重申 讲话 致辞 等".split()
)
_LEADER_NAME = re.compile(f"[{HAN}{NAME_DOT}]{{2,6}}")


def find_leaders(text: str, words: Sequence[Sequence[int]]) -> list[Entity]:
    """The segmenter word after a place or an organisation and a title (美国总统|拜登|15日), where the
    next word is a digit, punctuation, or a usual word after a name (说, 会见, 当天): pd1998 train
    126 of 132 are persons. Names the 1998 model never saw, such as today's leaders, are found so."""
    found: list[Entity] = []
    if not words:
        return found
    for title in _LEADER_TITLES.finditer(text):
        index = word_index(title.end(), words)
        if index < 1 or index + 1 >= len(words) or words[index][0] != title.end():
            continue
        if tuple(words[index - 1]) != (title.start(), title.end()):
            continue  # the title is a word of its own
        start, end = words[index]
        name, following = text[start:end], text[words[index + 1][0] : words[index + 1][1]]
        if not _LEADER_NAME.fullmatch(name) or name in place_set() or name in common_words():
            continue
        if not (following in _AFTER_LEADER or re.match(r"[0-9，。、；：,（(]", following)):
            continue
        if text[title.start() - 1 : title.start()] in ORG_FINAL_CHARS or PLACE_BEFORE.search(
            text, max(0, title.start() - LONGEST_PLACE), title.start()
        ):
            found.append(Entity(start, end, "PERSON", "leader_title"))
    return found


def find_nationals(text: str) -> list[Entity]:
    """A foreign name right after its country in a list (美国佩塞克和邦尼尔, 丹麦的马尔廷、): a run of
    phonetic characters that is no place, no common word, nor the end of a longer place name."""
    found = []
    for match in _national_pattern().finditer(text):
        place = PLACE.match(text, match.start())
        if place and place.end() > match.start(1) or PLACE.fullmatch(match.group(1)) or match.group(1) in common_words():
            continue  # 印度|尼西亚, a place, or a word such as 马克 (德国马克, the currency)
        found.append(Entity(match.start(1), match.end(1), "PERSON", "national_after_country"))
    return found


@lru_cache(maxsize=1)
def _national_pattern() -> re.Pattern[str]:
    phonetic = "".join(sorted(transliteration_characters()))
    return re.compile(
        rf"(?:{alternation(places())})的?([{phonetic}{NAME_DOT}]{{2,{MAX_FOREIGN_NAME}}})(?=[、，,;；和。])"
    )


_ENUMERATION = re.compile(
    rf"([{HAN}]{{2,12}}、(?:[{HAN}]{{2,4}}、)*[{HAN}]{{2,4}}?)(?=等(?:人|同志|领导)?(?:出席|参加|陪同|会见|参观|考察|观摩|到会|在座|讲话|分别)|同志(?:出席|参加|陪同))"
)


_UP_TO_LAST_LEADER_TITLE = re.compile(rf"^.*(?:{alternation([*TITLES, '领导', '同志', '嘉宾'])})")


def find_enumerated_names(text: str, known: set[str]) -> list[Entity]:
    """Names in ``市领导吴天君、马懿、…、张延明等出席`` lists (every item must look like a name)."""
    found: list[Entity] = []
    for match in _ENUMERATION.finditer(text):
        items = match.group(1).split("、")
        start = match.start(1)
        # The first item may carry the title (市领导吴天君): keep what follows the last title in it.
        head = _UP_TO_LAST_LEADER_TITLE.match(items[0])
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
            spans.append(Entity(pos, pos + len(item), "PERSON", "enumeration"))
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
        listed = [Entity(start, start + len(name), "PERSON", "listed_name") for start, name in zip(item_starts, names)]
        found += [name for name in listed if not cut_from_a_place(text, name)]  # not 吉布 of 吉布提总统
    return found


def find_titled_names(text: str, known: set[str], model_starts: set[int]) -> list[Entity]:
    """A reporter's name in a credit (记者高洁摄 -> 高洁, 记者陈晓通讯员… -> 陈晓), whatever its surname:
    pd1998 train 306 of 307; the credit ends with 摄 or 报道 or the next contributor's title.

    A name after any other title (市委书记吴天君) is the model's to find: the rule that took it
    (title_name) was right 6 of 41 times on pd1998 train labelled by a model that never saw it (make
    eval-ner-jackknife), 3 of 6 on pd1998 dev and 0 of 3 on CLUENER dev; nor a name after a
    ——signature line (signature_name: 0 of 2 on pd1998 dev, 0 of 4 on the modern set).
    """
    found: list[Entity] = []
    for match in _REPORTER_TITLE.finditer(text):
        pos = match.end()
        if pos in model_starts:
            continue  # the model found a name here; its length is usually better
        length = _name_at(text, pos, known, weak_ok=True)
        if length and text.startswith(_CREDIT_VERBS + _REPORTER_TITLES, pos + length):
            found.append(Entity(pos, pos + length, "PERSON", "reporter_credit"))
    return found


_REPORTER_TITLES = ("记者", "通讯员")
_REPORTER_TITLE = re.compile(rf"(?:{alternation(_REPORTER_TITLES)})(?=[{HAN}])")
_CREDIT_VERBS = ("摄", "报道")


# Someone introduced by name: 一位叫庞增福的工人, 有个叫秦秀英的姑娘.
_CALLED = re.compile(rf"(?<=[位个名])叫([{HAN}{NAME_DOT}]{{2,8}}?)的")


def find_called_names(text: str, known: set[str]) -> list[Entity]:
    """A name after 位/个/名 + 叫 and before 的 (pd1998 train 9 of 10: 一个名叫普卡拉姆的村庄 is not):
    a known name, a surname with one or two characters, or a transliterated name."""
    return [
        Entity(match.start(1), match.end(1), "PERSON", "called_name")
        for match in _CALLED.finditer(text)
        if _looks_like_name(match.group(1), known) or is_transliterated(match.group(1))
    ]


_HONORIFIC_AHEAD = re.compile(rf"(?=({alternation(HONORIFICS)}))")


def find_honorific_surnames(text: str) -> list[Entity]:
    """黄小姐, 林先生: the surname alone is the PERSON."""
    found = []
    for match in _HONORIFIC_AHEAD.finditer(text):
        pos = match.start()
        for length in (2, 1):
            if pos - length >= 0 and text[pos - length : pos] in surnames():
                # Not a longer name (王小明先生): the character before the surname is not Han.
                before = text[pos - length - 1 : pos - length]
                if not before or not HAN_RE.match(before) or before in "的位和与、向对给叫是":
                    found.append(Entity(pos - length, pos, "PERSON", "honorific_surname"))
                break
    return found


_UP_TO_LAST_TITLE = re.compile(rf"^.*(?:{alternation(TITLES)})")
_SURNAME_THEN_TITLE = re.compile(rf"(.{{1,2}}?)(?:{alternation(TITLES + HONORIFICS)}|家)")


def strip_title(text: str, span: Entity) -> Entity | None:
    """Cut a leading title off a PERSON span (市长马懿 -> 马懿); a surname with a title or an
    honorific after it, or 家 (family: 龙家 -> 龙, as pd1998 train 8 times of 8), is the surname
    alone (张市长 -> 张, 王大夫 -> 王, as 黄小姐 -> 黄)."""
    piece = text[span.start : span.end]
    match = _UP_TO_LAST_TITLE.match(piece)
    if match and match.end() < len(piece):
        return span.adjusted(span.start + match.end(), span.end, "strip_title")
    titled = _SURNAME_THEN_TITLE.fullmatch(piece)
    if titled and titled.group(1) in surnames():
        return span.adjusted(span.start, span.start + len(titled.group(1)), "surname_before_title")
    return span


def extend_foreign_name(text: str, span: Entity) -> Entity:
    """A transliterated PERSON cut short (斯卡尔 in 斯卡尔法罗说) runs on over the name's characters."""
    if span.label != "PERSON" or span.end - span.start < 2 or not is_transliterated(text[span.start : span.end]):
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
    return span if end == span.end else span.adjusted(span.start, end, "extend_foreign_name")


# Particles and verbs that end no name of the 7,779 in pd1998 train (玲珑的, 李文又, 王明也), or one
# (则: 李敬则; 姚洋则指出): a model name ending with one ran into the words after it.
_NEVER_ENDS_A_NAME = set("的下未了着过是在就又也便却曾将等说与对向从被把给还亦即则摄")


def without_particle(text: str, span: Entity, words: Sequence[Sequence[int]]) -> Entity:
    """A model PERSON of three or more characters without the particle it ends with, unless what is left
    is one segmenter word (肖像|下: the segmenter cuts a name into surname and given name, a noun not)."""
    if span.end - span.start >= 4 and text.endswith("报道", span.start, span.end):
        return span.adjusted(span.start, span.end - 2, "credit_cut")  # a credit: 记者刘洋报道
    if span.end - span.start < 3 or text[span.end - 1] not in _NEVER_ENDS_A_NAME:
        return span
    word = word_at(span.start, words)
    if word is not None and tuple(word) == (span.start, span.end - 1):
        return span
    return span.adjusted(span.start, span.end - 1, "without_particle")


# Titles and forms of address whose first character a model name runs into (哈瓦特博|士, 瓦内夫|人).
_ADDRESS_AFTER = (
    "博士", "夫人", "先生", "女士", "小姐", "教授", "同志", "总统", "总理", "主席",
    # titles on a credit whose spaces were lost (记者陈晓通|讯员, 张华实|习生)
    "通讯员", "实习生", "记者", "摄影",
)


def without_address_start(text: str, span: Entity) -> Entity:
    """A model PERSON whose last character begins a title or form of address after it, without that character."""
    last = span.end - 1
    if span.end - span.start >= 3 and any(text.startswith(title, last) for title in _ADDRESS_AFTER):
        return span.adjusted(span.start, last, "without_address_start")
    return span


def with_doubled_given_name(text: str, span: Entity) -> Entity:
    """A model PERSON of a surname and one character that the next character repeats, with it: a doubled given
    name (刘诗|诗 -> 刘诗诗). In the four labelled corpora such a name ends after the repeat every time but where the
    repeat begins a common word (舒同|同志, MSRA)."""
    end = span.end
    name = text[span.start : end]
    if (
        len(name) == 2
        and name[0] in surnames()
        and text[end : end + 1] == name[1]
        and text[end : end + 2] not in common_words()
    ):
        return span.adjusted(span.start, end + 1, "doubled_given_name")
    return span


def plausible_name(name: str) -> bool:
    """A model PERSON worth looking for elsewhere in the text: 2-4 characters, or a longer transliterated name."""
    return 2 <= len(name) <= 4 or (len(name) <= MAX_FOREIGN_NAME and is_transliterated(name))


def trim_to_known(text: str, span: Entity, known: set[str]) -> Entity:
    """A model PERSON span that runs past a name known from the byline or a list ends with it (胡荃对 -> 胡荃)."""
    if span.label != "PERSON":
        return span
    piece = text[span.start : span.end]
    for name in sorted(known, key=len, reverse=True):
        if piece != name and piece.startswith(name) and piece[len(name)] in AFTER_NAME:
            return span.adjusted(span.start, span.start + len(name), "trim_to_known")
    return span


# Ends of place names: a model PERSON ending so is a place (黄昏路, 龙吴港; pd1998 train has one name in
# 7,779 that does), and a name found before one of these elsewhere in the text is one too
# (沈泉庄 of 沈泉庄村, 渤西 of 渤西油田).
_PLACE_FINAL_CHARS = set("港潭庄街寺宫楼路")


_PLACE_AFTER = re.compile("村(?!长)|庄(?![重严])|港|油田|煤矿|集团|公司|路|街|[镇乡县市](?![长委定静压亲民])")


def names_of_places(text: str, spans: Sequence[Entity]) -> set[str]:
    """The model's PERSON names that are places or firms by their last character or by what follows them elsewhere."""
    names = {text[s.start : s.end] for s in spans if s.label == "PERSON" and s.end - s.start >= 2}
    return {
        name
        for name in names
        if name[-1] in _PLACE_FINAL_CHARS
        or any(_PLACE_AFTER.match(text, start + len(name)) for start in occurrences(text, name))
    }


# A person's name in Latin letters: two or more capitalised words (Judy McGregor, Elon Musk); one word alone (Carl,
# Nile, Helo) is as often something else, and so are the words unlabelled (MacBook Air, Comic Sans, Wanna One: 11 of
# 25 such runs in the modern sets are persons). A hyphen joins two capitalised parts of one word (Marc-Etienne).
_LATIN_NAME_WORD = r"[A-Z][A-Za-z']*[a-z](?:-[A-Z][A-Za-z']*[a-z])?"
LATIN_PERSON = re.compile(rf"{_LATIN_NAME_WORD}(?: {_LATIN_NAME_WORD})+")
_LATIN_TITLES = [*TITLES, "网友"]
_TITLE_BEFORE = re.compile(rf"(?:{alternation(_LATIN_TITLES)})[ \u3000]?\Z")
_LONGEST_TITLE_BEFORE = max(map(len, _LATIN_TITLES)) + 1
# Right after the name, a verb of speech (core/data/cues.tsv, the classes that quote), maybe after an adverb,
# and then the words said (Kevin Fox认为，…; Stephen Shankland写到：“…): a person speaking. Without the comma,
# colon or quote after it, a brand or a topic is as likely (Richard Mille宣布退出, Hello Kitty说起星星标志), and
# media report (据Business Insider报道，): not a name led by an article (The Verge称) nor one before a 报 verb.
_CUE_AFTER = re.compile(
    r"[也则还又就亦却便曾都]?(?:"
    + alternation(e.word for e in CUES if e.cue_class in QUOTING_CLASSES and not e.word.startswith("报"))
    + r")[道到说]?[，,：:“]"
)
_ARTICLES = ("The ", "A ", "An ")


def find_latin_names(text: str, persons: Sequence[Entity]) -> list[Entity]:
    """Latin names where a title (教授Judy McGregor, 网友James Thomson), a person just named (马斯克(Elon Musk):
    the gloss of that name) or a verb of speech after them (Kevin Fox认为) says they are a person's; a name no
    other Latin letter or digit touches."""
    person_ends = {span.end for span in persons if span.label == "PERSON"}
    found = []
    for name in LATIN_PERSON.finditer(text):
        start, end = name.span()
        if cuts_a_latin_word(text, start, end):
            continue
        if _TITLE_BEFORE.search(text, max(0, start - _LONGEST_TITLE_BEFORE), start):
            found.append(Entity(start, end, "PERSON", "latin_after_title"))
        elif text[start - 1 : start] in ("（", "(") and text[end : end + 1] in (")", "）") and start - 1 in person_ends:
            found.append(Entity(start, end, "PERSON", "latin_gloss"))
        elif _CUE_AFTER.match(text, end) and not name.group().startswith(_ARTICLES):
            found.append(Entity(start, end, "PERSON", "latin_speaker"))
    return found
