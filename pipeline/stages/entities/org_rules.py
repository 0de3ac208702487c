"""Rules for ORG: organisation patterns (gazetteer, place + organ, place + department), teams and
leagues in an article about sport, news outlets where they are the source, the places before an
organisation joined to it, and the units named after a model ORG joined to it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from pipeline.stages.entities.lexicon import (
    HAN,
    LONGEST_PLACE,
    MAX_FOREIGN_NAME,
    PLACE_BEFORE,
    Entity,
    alternation,
    common_words,
    cut_from_a_place,
    ends_inside_a_word,
    first_characters,
    is_transliterated,
    leftmost_longest,
    place_set,
    places,
    starts_inside_a_word,
    word_at,
    word_list,
)

_DEPARTMENT_STEMS = (
    "财政 公安 教育 发展改革 发改 统计 民政 交通运输 交通 商务 文化 卫生 卫生计生 环保 环境保护 国土资源 国土 "
    "住房和城乡建设 住建 城乡建设 城乡规划 规划 水利 农业 林业 审计 工商 税务 国税 地税 质监 安监 人力资源和社会保障 "
    "人社 科技 司法 外事 旅游 物价 粮食 工业和信息化 工信 经信 组织 宣传 统战 政法 纪检 监察 编制 信访 "
    "外贸 经贸 建设 城建 房管 文物 体育 广电 新闻出版 食品药品监督管理 药监 人口计生 扶贫 移民 档案 机关事务 "
    "市场监督管理 市场监管 生态环境 应急管理 自然资源 退役军人事务 医疗保障 医保 大数据 网信 金融工作 政务服务 "
    # the departments of the 2018 reform and others of today's local governments
    "农业农村 文化和旅游 文化广电和旅游 卫生健康 乡村振兴 民族宗教 民族宗教事务 国有资产监督管理 国资 "
    "粮食和物资储备 能源 气象 广播电视 药品监督管理 人民防空 城市管理 城管 园林绿化 规划和自然资源 "
    "政务服务和数据管理 地方金融监督管理 科学技术 外事办 商务和大数据"
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


PLACE_INSTITUTION = "place_institution"  # a place and its university, hospital, court or customs (郑州大学, 郑州海关)


@lru_cache(maxsize=1)
def _org_patterns() -> list[tuple[str, re.Pattern[str], re.Pattern[str] | None]]:
    """Each organisation pattern, named (the rule its spans record), with the words one of which a
    text must hold for it to match (its suffixes): a text without them is not scanned place name by
    place name."""
    place = f"(?:{alternation(places())})"
    admin = f"(?:{alternation(_ADMIN.split())})"
    organ = f"(?:{alternation(_ORGAN_SUFFIXES)})"
    dept = f"(?:{alternation(_DEPARTMENT_STEMS)})(?:局|厅|委员会|委|部(?![门分])|办公室|办)"
    office = f"(?:{alternation(_OFFICES)})?"
    place_first = first_characters(places())
    admin_first = first_characters(_ADMIN.split())
    bodies = alternation(_PLACE_BODIES)
    schools = "海关|大学|师范大学|理工大学|中级人民法院|人民医院|中心医院"
    papers = "日报|晚报|晨报|商报|都市报|广播电视台|电视台"
    return [
        ("org_gazetteer", re.compile(f"(?:{alternation(word_list('orgs.txt'))}){office}"), None),
        # (中共)(郑州)(市)委, (河南)省人民政府(新闻办), 省委 — not 全市/各市; every place before the
        # organ is in its name (北京市朝阳区委, 河北省高邑县委: 12 of 12 in pd1998 train)
        (
            "place_organ",
            re.compile(
                rf"(?=[中{place_first}{admin_first}])(?:中共)?(?:(?:{place}{admin}?)+|(?<![全各本该我特])(?={admin}){admin}){organ}{office}"
            ),
            re.compile(organ),
        ),
        # 伊朗队, 湖北省红十字会, 圣马力诺外交部: a place's team or body (ORG 99% of the time in pd1998)
        ("place_body", re.compile(rf"(?=[{place_first}])(?:{place}{admin}?)+(?:{bodies})"), re.compile(bodies)),
        # 郑州海关, 郑州大学
        (PLACE_INSTITUTION, re.compile(rf"(?=[{place_first}]){place}(?:{schools})"), re.compile(schools)),
        # 省财政厅, 郑州市公安局, 国家统计局
        (
            "department",
            re.compile(
                rf"(?=[{place_first}{admin_first}国中市省县])(?:{place}{admin}?|(?<![全各本该我特]){admin}|国家|中央|市委|省委|县委){dept}"
            ),
            None,
        ),
        # 郑州晚报, 河南日报(社)
        ("place_newspaper", re.compile(rf"(?=[{place_first}]){place}(?:{papers})(?:社)?"), re.compile(papers)),
        # Gone, below 0.9 on pd1998 train labelled by a model that never saw it (make eval-ner-jackknife):
        # newspaper_office (任何报社: 2 of 9) and cppcc_session (政协…第八届委员会: 0 of 11; 12 of 19 on dev).
    ]


@lru_cache(maxsize=1)
def _team_pattern() -> re.Pattern[str]:
    return re.compile(f"(?<![A-Za-z])(?:{alternation(word_list('teams.txt'))})(?![A-Za-z])")


@lru_cache(maxsize=1)
def _sports_terms() -> tuple[str, ...]:
    return tuple(word_list("sports_terms.txt"))


MIN_SPORTS_TERMS = 2
# What a team's or a league's name takes with it (热火队, 中超联赛, 八一女排: one span under the guidelines).
_TEAM_SUFFIXES = ("联赛", "女排", "男排", "女篮", "男篮", "女足", "男足", "队")


def about_sport(text: str) -> bool:
    """Whether ``text`` reads as an article about sport: two different words of a game or a season."""
    found = 0
    for term in _sports_terms():
        if term in text:
            found += 1
            if found >= MIN_SPORTS_TERMS:
                return True
    return False


def find_teams(text: str, words: Sequence[Sequence[int]]) -> list[Entity]:
    """Teams, clubs and leagues by name (火箭, 湖人队, 上港, 中超联赛) in an article about sport, where
    the name is whole segmenter words (not 火箭炮): rule ``team_name``."""
    if not about_sport(text):
        return []
    found = []
    for match in _team_pattern().finditer(text):
        start, end = match.span()
        if starts_inside_a_word(start, words):
            continue
        suffix = next((s for s in _TEAM_SUFFIXES if text.startswith(s, end) and not ends_inside_a_word(end + len(s), words)), "")
        if suffix:
            end += len(suffix)
        elif ends_inside_a_word(end, words):
            continue
        found.append(Entity(start, end, "ORG", "team_name"))
    return found


# News media where the guidelines name them as media (newspapers, agencies and sites are ORG): the outlet of a
# dateline (新浪娱乐讯, 新京报快讯, 中新网11月8日电, 参考消息网10月22日报道) at the start of a line, the outlet of a
# source line (（来源：PCLADY）, 内容来源：ELLE中文网), and a paper, site or magazine in 《》 with a word of the media
# after it (《星岛日报》7日报道, 《财富》杂志网站). Not 本报, 本刊 (this paper), nor a place alone (北京讯).
_OUTLET = rf"[A-Za-z0-9{HAN}]{{2,10}}?"


@lru_cache(maxsize=1)
def _media_patterns() -> tuple[re.Pattern[str], ...]:
    return (
        # 新浪娱乐讯 据…, 晨报讯（记者…）: not 通讯, 资讯, 喜讯
        re.compile(rf"(?:^|(?<=\n))\s*({_OUTLET})(?<![通资喜音短简])(?:快讯|讯)(?=[\s（(]|记者|$)"),
        # 中新网11月8日电, 参考消息网10月22日报道, 新华社联合国1月6日电: the outlet ends with what outlets end with
        re.compile(rf"(?:^|(?<=\n))\s*({_OUTLET}(?:社|网|报|台|新闻))[{HAN}]{{0,8}}?[0-9]{{1,2}}月[0-9]{{1,2}}日(?:电|报道|消息)"),
        # （来源：PCLADY）, 来源：每日学英语微信公众账号 (the account's name)
        re.compile(
            rf"(?:内容)?来源[：:]\s*([A-Za-z0-9{HAN}][A-Za-z0-9{HAN} ]{{0,14}}?)(?:微信公众账号|微信公众号|公众号)?\s*"
            r"(?=[）)\n]|$)"
        ),
        # 《星岛日报》7日报道, 《财富》杂志网站指出, 《法制日报》记者: a title as the source of the news
        re.compile(
            r"《([^《》\s]{1,12}?)》(?=(?:中文网|英文网|杂志|双周刊|周刊|月刊)?(?:网站)?(?:[0-9]{1,2}日)?"
            r"(?:报道|刊文|文章称|消息|援引|称|指出|社论|评论|记者))"
        ),
    )


_NOT_AN_OUTLET = re.compile(r"本报|本刊|本台|本网|据|记者|通讯员")


def find_media(text: str) -> list[Entity]:
    """News outlets named in a dateline, a source line or in 《》 as a source of news: rule ``media_source``."""
    found = []
    for pattern in _media_patterns():
        for match in pattern.finditer(text):
            name = match.group(1)
            if _NOT_AN_OUTLET.search(name) or name in place_set():
                continue
            found.append(Entity(match.start(1), match.end(1), "ORG", "media_source"))
    return found


def ministry_runs_on(text: str, end: int) -> bool:
    """Whether the 部 ending a ministry's name at ``end`` begins another word: the title 部长
    (国防部长: 国防部 is ORG 1 time in 38 in pd1998 train), 部门, departments (公安部门), or 部分,
    part (市财政部分预算外资金)."""
    return text[end - 1 : end + 1] in ("部长", "部门", "部分")


def find_orgs(text: str) -> list[Entity]:
    spans = [
        Entity(m.start(), m.end(), "ORG", rule)
        for rule, pattern, suffixes in _org_patterns()
        if suffixes is None or suffixes.search(text)
        for m in pattern.finditer(text)
        if not ministry_runs_on(text, m.end())
    ]
    return leftmost_longest(with_places_before(text, span) for span in spans)


def with_places_before(text: str, span: Entity) -> Entity:
    """An organisation with the place names right before it (日本|通产省, 美国|国防部), still its maker's:
    the guidelines give a place before an organisation to its name (枣庄市文物管理办公室)."""
    start = span.start
    while match := PLACE_BEFORE.search(text, max(0, start - LONGEST_PLACE), start):
        start = match.start()
    return span if start == span.start else span._replace(start=start)


def leader_of_government(text: str, span: Entity) -> Entity | None:
    """The leader a government is named after (内塔尼亚胡政府, 若斯潘政府): the name is a PERSON, as in
    pd1998 train (克林顿政府 8 times of 10); a place's government (巴西政府) is an ORG."""
    name = text[span.start : span.end - 2]
    if (
        text[span.end - 2 : span.end] == "政府"
        and 2 <= len(name) <= MAX_FOREIGN_NAME
        and is_transliterated(name)
        and not PLACE_BEFORE.search(text, span.start, span.end - 2)
    ):
        return span.adjusted(span.start, span.end - 2, "leader_of_government", label="PERSON")
    return None


# Kinds of institution, not one institution: 人民检察院 alone is any procuratorate (pd1998 never labels it).
INSTITUTION_KINDS = frozenset("人民检察院 人民法院 人民政府 公安机关 检察机关 审判机关".split())


# Not one body: a city centre (贝尔格莱德市中心), the governments or parliaments of several countries
# (欧洲国家政府, 阿拉伯国家议会), a provincial department across the country (全国文化厅局长会议).
NO_ONE_BODY = re.compile("市中心$|国家(?:政府|议会)$|^全国[^人政妇总]{1,4}[厅局]$")


def firms_of_a_place(name: str) -> bool:
    """A place and 公司 or 企业 alone (中国企业, 新西兰公司): the firms of a country or a city, no one of them.
    pd1998, MSRA, CLUENER and Boson leave such a string unlabelled 182 times in 190 (长城公司, MSRA, is one of the 8)."""
    return name.endswith(("公司", "企业")) and name[:-2] in place_set()


# All or some of a kind, not one organisation: 全市政协(委员), 全县小学, 许多公司, 各级政府, 多数航空公司,
# 本市政协 (this city's, said in passing), 一流大学, 新建核电站; pd1998 train has no ORG that begins so.
QUANTIFIED = re.compile("全[市县省区镇乡村]|许多|一些|各[地级国个]|有关|所有|部分|大?多数|本[市县省区地国]|一流|新建")


# A unit of an organisation named right after it is part of its name (建设银行总行, 南昌市国税局稽查分局,
# 中国科学院生物研究所): pd1998 train keeps 分行 in the organisation 14 times of 17, 研究所 14 of 16; a ministry's
# department (外交部礼宾司): pd1998, MSRA, CLUENER and Boson keep 部…司 whole 17 times of 19; not 司长, the
# department's head (外交部总司长博奈丽: a title).
_UNIT_KINDS = "总行 分行 支行 分局 分公司 分会 委员会 研究所 研究院 研究中心 办公室 附属医院 煤矿 乘务部 附中 处 科 所 系 司(?!长)".split()


# A hospital's or a university's department is a common word (儿科, 物理系) and still part of its name after it:
# 陕西省人民医院儿科, 北京大学物理系 (pd1998 train 23 times of 24, MSRA 44 of about 45, Boson 4 of 5).
_DEPARTMENT_KINDS = frozenset("科系")
_HAVING_DEPARTMENTS = ("医院", "大学", "学院")


_SUB_UNIT = re.compile(
    f"(?:(?![的和与及是在为对将把被从向等属各也了])[{HAN}]){{0,4}}?"
    f"({'|'.join(_UNIT_KINDS)})"
)


def _names_a_unit(text: str, unit: re.Match[str], words: Sequence[Sequence[int]]) -> bool:
    """Whether a ``_SUB_UNIT`` match is a unit: more than one character, ending with a segmenter word that
    is the unit's kind or no common word (not 共|查处), and no place (新华社|莫斯科 is a dateline)."""
    if len(unit.group()) == 1:  # 所, 处 alone are particles and verbs (基金组织所要求, 处以)
        return False
    last = word_at(unit.end() - 1, words)
    if last is None or last[1] != unit.end():
        return False
    last_word = text[last[0] : last[1]]
    is_place = cut_from_a_place(text, Entity(unit.start(), unit.end(), "ORG")) or PLACE_BEFORE.search(
        text, unit.start(), unit.end()
    )
    department = unit.group(1) in _DEPARTMENT_KINDS and text.endswith(_HAVING_DEPARTMENTS, 0, unit.start())
    return (last_word == unit.group(1) or department or last_word not in common_words()) and not is_place


def with_sub_units(text: str, spans: list[Entity], words: Sequence[Sequence[int]]) -> list[Entity]:
    """Each ORG run on over a unit of it named right after it, where the unit ends with a segmenter word."""
    starts = {s.start: s for s in spans}
    extended = []
    for span in sorted(spans):
        if span.label == "ORG" and (unit := _SUB_UNIT.match(text, span.end)) and _names_a_unit(text, unit, words):
            following = starts.get(span.end)
            if following is None or (following.label == "ORG" and following.end <= unit.end()):
                extended.append(span.adjusted(span.start, unit.end(), "sub_unit"))
                continue
        extended.append(span)
    taken = [(s.start, s.end) for s in extended if s.label == "ORG"]
    return [s for s in extended if not any(a <= s.start and s.end <= b and (a, b) != (s.start, s.end) for a, b in taken)]
