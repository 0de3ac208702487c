"""The subject phrase before a cue, read from PKU part-of-speech tags (words and tags given as in pd1998)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.stages.quotes.phrases import Word, _cut_at, _names_whole, subject_phrase
from pipeline.stages.quotes.spans import after_unit_gap


def _words(tagged: str) -> list[Word]:
    """``外交部/nt 发言人/n`` -> words with offsets into the joined text."""
    words, position = [], 0
    for item in tagged.split():
        text, tag = item.rsplit("/", 1)
        words.append(Word(position, position + len(text), text, tag))
        position += len(text)
    return words


@pytest.mark.parametrize(
    ("clause", "subject", "kind", "name"),
    [
        ("他/r", "他", "pronoun", None),
        ("我们/r", "我们", "pronoun", None),
        ("大家/r 都/d", "大家", "group", None),
        ("外交部/nt 发言人/n 沈/nr 国放/nr 今天/t 在/p 记者/n 招待会/n 上/f", "外交部发言人沈国放", "person", "沈国放"),
        ("市委/n 副/b 书记/n 、/w 市长/n 马/nr 懿/nr 在/p 会上/s", "市委副书记、市长马懿", "person", "马懿"),
        ("62%/m 的/u 总经理/n", "62%的总经理", "group", None),
        ("干休所/n 的/u 同志/n 们/k", "干休所的同志们", "group", None),
        ("俄罗斯/ns", "俄罗斯", "org", None),
        ("但/c 美方/j", "美方", "org", None),
        ("据/p 新华社/nt", "新华社", "org", None),
        ("通知/n", "通知", "document", None),
        ("《/w 商业周刊/nz 》/w 一/m 期/q 发表/v 的/u 一/m 组/q 文章/n", "《商业周刊》一期发表的一组文章", "document", None),
        ("今年/t 的/u 政府/n 工作/vn 报告/n", "今年的政府工作报告", "document", None),
        ("俄/j 总统/n 新闻/n 秘书/n", "俄总统新闻秘书", "group", None),
        ("张/nr 三/nr 介绍/v", "张三", "person", "张三"),  # 张三介绍说
        ("这/r", None, None, None),  # 这表明: a demonstrative is no source
        ("今天/t 在/p 会上/s", None, None, None),  # no subject in the clause
        ("并/c", None, None, None),
        ("还有/v 消息/n", "消息", "document", None),  # 还有消息称: the source is what there is
        ("有/v 花店/n 老板/n", "花店老板", "group", None),
        # a time word fronted before the subject is no part of it
        ("昨天/t 他/r", "他", "pronoun", None),
        ("此前/t 公司/n 只/d 模糊/a", "公司", "group", None),
        ("最近/t 有/v 消息/n", "消息", "document", None),
        ("难怪/d 当时/t 同行/n 们/k", "同行们", "group", None),
        # unless a 的 follows it: then it is inside the phrase
        ("会后/t 发表/v 的/u 意向性/n 声明/n", "会后发表的意向性声明", "document", None),
        ("去年底/t 召开/v 的/u 座谈会/n", "去年底召开的座谈会", "group", None),
    ],
)
def test_subject_before_a_cue(clause: str, subject: str | None, kind: str | None, name: str | None) -> None:
    words = _words(clause)
    text = "".join(w.text for w in words)
    found = subject_phrase(words)
    if subject is None:
        assert found is None
        return
    assert found is not None
    assert (text[found.start : found.end], found.kind) == (subject, kind)
    named = text[found.name_start : found.name_end] if found.name_start is not None else None
    assert named == name


TAGS = {"62%": "m", "的": "u", "总经理": "n", "认为": "v", "，": "w", "经济": "n", "会": "v", "好转": "v", "。": "w",
        "俄罗斯": "ns", "他": "r", "说": "v", "这": "r", "表明": "v", "问题": "n", "严重": "a"}


def _tag(word_lists: list[list[str]]) -> list[list[str]]:
    return [[TAGS[word] for word in words] for words in word_lists]


@pytest.mark.parametrize(
    ("words", "speaker", "name"),
    [
        ("62% 的 总经理 认为 ， 经济 会 好转 。", "62%的总经理", "62%的总经理"),  # a group no word list names
        ("俄罗斯 认为 ， 经济 会 好转 。", "俄罗斯", "俄罗斯"),  # a country acting
        ("这 表明 ， 问题 严重 。", None, None),  # a demonstrative is no source
    ],
)
def test_tagged_words_give_the_source_to_the_attributor(words: str, speaker: str | None, name: str | None) -> None:
    from pipeline.stages.quotes import attribute_quotes

    spans, position = [], 0
    for word in words.split():
        spans.append([position, position + len(word)])
        position += len(word)
    text = words.replace(" ", "")
    quotes = attribute_quotes(text, [], {}, (), words=spans, tag=_tag)
    assert [(q["speaker"]["text"], q["speaker_name"]) for q in quotes] == ([(speaker, name)] if speaker else [])


@pytest.mark.parametrize(
    ("clause", "subject"),
    [
        ("成都市/ns 一/m 位/q 负责/v 再/d 就业/vn 工作/vn 的/u 干部/n", "成都市一位负责再就业工作的干部"),  # adverb inside a relative clause
        ("他/r 在/p 会上/s 的/u 讲话/n 中/f", "他"),  # a locative phrase, not a relative clause
        ("专家/n 、/w 学者/n 及/c 无党派/n 人士/n", "专家、学者及无党派人士"),  # nouns joined
        (
            "参加/v 座谈/v 的/u 北京/ns 、/w 上海/ns 、/w 天津/ns 、/w 广东/ns 、/w 辽宁/ns 、/w 江苏/ns 等/u 体育/n 先进/a 地区/n "
            "体委/j 和/c 国家/n 体委/j 有关/vn 部门/n 的/u 负责人/n",
            "参加座谈的北京、上海、天津、广东、辽宁、江苏等体育先进地区体委和国家体委有关部门的负责人",
        ),  # a long list inside the subject
        ("欢迎/v 大家/r", None),  # a verb phrase is no subject
        ("的/u 建设/vn", None),  # a clause cut inside a phrase
    ],
)
def test_subject_phrase_bounds(clause: str, subject: str | None) -> None:
    words = _words(clause)
    text = "".join(w.text for w in words)
    found = subject_phrase(words)
    assert (text[found.start : found.end] if found else None) == subject


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("新华社曼谷１月１６日电 泰国中央银行宣布，", "泰国中央银行宣布，"),
        ("海外网11月7日电\xa0据日本朝日新闻报道，", "据日本朝日新闻报道，"),
        ("新浪娱乐讯 据台湾媒体报道", "据台湾媒体报道"),
        ("新京报讯（记者 刘玮）10月30日", "10月30日"),
        ("通讯员说，", "通讯员说，"),  # no outlet: no dateline
    ],
)
def test_a_dateline_is_never_a_source(text: str, rest: str) -> None:
    from pipeline.stages.quotes.sources import after_dateline

    assert text[after_dateline(text, 0) :] == rest


def test_latin_words_cut_by_the_segmenter_are_one_word() -> None:
    from pipeline.stages.quotes.phrases import TaggedText

    text = "Facebook表示"
    tagged = TaggedText(text, [[0, 2], [2, 8], [8, 10]], lambda lists: [["nx" if w.isascii() else "v" for w in words] for words in lists])
    assert [(w.text, w.tag) for w in tagged.words(0, 8)] == [("Facebook", "nx")]


@pytest.mark.parametrize(
    ("complement", "clause"),
    [
        ("宋仲基/nr 婚前/t 常/d 光顾/v 花店/n", True),  # a subject and its verb
        ("猛龙/nt 的/u 潜力/n 依然/d 很/d 大/a", True),  # an adjective predicate after its subject
        ("建立/v 伙伴/n 关系/n 基金/n", True),  # a verb and its object
        ("建立/v 1500万/m 美元/q 的/u 伙伴/n 关系/n 基金/n", True),  # the verb first: a verb and its object still
        ("很/d 中肯/a 、/w 很/d 有/v 见地/n 的/u 意见/n", False),  # 提出…的意见: the verb inside the object's modifier
        ("感谢/v", False),  # 表示感谢: a bare object
        ("热烈/a 欢迎/v 和/c 衷心/ad 感谢/v", False),
        ("", False),
    ],
)
def test_words_after_a_cue_make_a_clause_or_an_object(complement: str, clause: bool) -> None:
    from pipeline.stages.quotes.phrases import is_clause

    assert is_clause(_words(complement)) is clause


def _tagged_attribution(tagged: str, entities: list[tuple[str, str]] = ()) -> list[tuple[str, str, str]]:
    """Attribute a text given as ``word/tag`` pairs (the words and tags the segmenter and tagger would give)."""
    from pipeline.stages.quotes import attribute_quotes

    words = _words(tagged)
    text = "".join(w.text for w in words)
    tags = {w.text: w.tag for w in words}
    ents = [{"start": text.index(name), "end": text.index(name) + len(name), "label": label} for name, label in entities]
    quotes = attribute_quotes(  # a name made one word (names_whole) is tagged by its label whatever the tagger says
        text, ents, {}, (), words=[[w.start, w.end] for w in words], tag=lambda lists: [[tags.get(x, "n") for x in ws] for ws in lists]
    )
    return [(q["speaker"] and q["speaker"]["text"], q["cue"] and q["cue"]["text"], q["content"]["text"]) for q in quotes]


@pytest.mark.parametrize(
    ("tagged", "entities", "found"),
    [
        # a cue straight before a clause
        ("伦纳德/nr 称/v 猛龙/nt 的/u 潜力/n 依然/d 很/d 大/a 。/w", [("伦纳德", "PERSON")], [("伦纳德", "称", "猛龙的潜力依然很大。")]),
        ("他/r 透露/v 宋仲基/nr 婚前/t 常/d 光顾/v 花店/n 。/w", [], [("他", "透露", "宋仲基婚前常光顾花店。")]),
        # 讲 cut off 讲评会 by the segmenter, after no person: no cue
        ("督察/n 讲/v 评会/n 强调/v 深化/v 认识/n 。/w", [], []),
        # a short quotation before a cue is a name or a term, not speech
        ("他/r 成/v 了/u “/w 飞虎/n 总指挥/n ”/w ，/w 他/r 透露/v ，/w 要/v 拍/v 续集/n 。/w", [], [("他", "透露", "要拍续集。")]),
        # a name the tags break (阿|不|都) stays whole as the speaker
        ("阿/nr 不/d 都/d 热合曼/nr 表示/v ，/w 要/v 办好/v 。/w", [("阿不都热合曼", "PERSON")], [("阿不都热合曼", "表示", "要办好。")]),
        # a one-character cue runs into a clause after a document too (消息称…)
        ("还有/v 消息/n 称/v 总裁/n 怒斥/v 教练/n 。/w", [], [("消息", "称", "总裁怒斥教练。")]),
        # a parenthesis after a name is inside the clause, and no part of the subject
        ("产品/n 经理/n 泰勒/nr （/w LukeTaylor/nx ）/w 周三/t 告诉/v CNBC/nx ，/w 数据/n 不会/v 泄露/v 。/w", [], [("泰勒", "告诉", "数据不会泄露。")]),
        # a clause that is no noun phrase (a relative clause with a preposition in it): the name nearest the cue
        ("执掌/v 绿光/vn 资本/n 的/u 对/p 冲/v 基金/n 大佬/a Einhorn/nx 表示/v ，/w 特斯拉/nt 已/d 到/v 巅峰/n 。/w", [], [("Einhorn", "表示", "特斯拉已到巅峰。")]),
        # a passive cue is no cue: the subject is who was told
        ("马斯克/nr 被/p 要求/v 辞去/v 董事长/n 职务/n 。/w", [("马斯克", "PERSON")], []),
        # a clause with nothing but its predicate before the cue: the subject an earlier clause opens with
        (
            "失业者/n 走/v 上/v 街头/s ，/w 要求/v 政府/n 发/v 补贴/n 。/w",
            [],
            [("失业者", "要求", "政府发补贴。")],
        ),
        (
            "国家教委/nt 今天/t 在/p 南京/ns 召开/v 会议/n ，/w 强调/v ，/w 要/v 加快/v 改革/vn 。/w",
            [],
            [("国家教委", "强调", "要加快改革。")],
        ),
        # a clause between that has a noun of its own does not pass the subject on
        ("政府/n 采取/v 措施/n ，/w 缓解/v 不满/n 情绪/n ，/w 同时/d 许诺/v 制定/v 方案/n 。/w", [], []),
        # a preposition opening the cue's clause and the speech given closing it (在会上发表讲话说): the subject
        # is the earlier clause's (the gold has it: 熊清泉 说)
        ("熊/nr 清泉/nr 受/v 委托/vn ，/w 在/p 会上/s 发表/v 讲话/n 说/v ，/w 要/v 学习/v 。/w", [("熊清泉", "PERSON")], [("熊清泉", "说", "要学习。")]),
        # a noun of its own in the cue's clause leaves it alone: no look back
        ("熊/nr 清泉/nr 受/v 委托/vn ，/w 代表团/n 在/p 会上/s 表示/v ，/w 要/v 学习/v 。/w", [("熊清泉", "PERSON")], [("代表团", "表示", "要学习。")]),
        # who a causative makes say words in “ ” says them (rule causee), not what made them
        ("这身/r 打扮/vn 让/v 粉丝/n 特别/d 担心/v ：/w “/w 要/v 怎么/r 上/v 厕所/n ？/w ”/w", [], [("粉丝", "担心", "要怎么上厕所？")]),
        ("台词/n 让/v 不少/m 网友/n 羡慕/v 说/v ：/w “/w 这/r 没/d 人/n 做/v 得到/v 。/w ”/w", [], [("不少网友", "说", "这没人做得到。")]),
        # a feeling or a belief caused, with no words in “ ”, is no one's speech; 让人 makes no one speak
        ("她/r 的/u 发挥/vn 让/v 球迷/n 担心/v ，/w 她/r 没/d 参加/v 世锦赛/j 。/w", [], []),
        ("这/r 让/v 人/n 感叹/v ：/w “/w 太/d 美/a 了/y 。/w ”/w", [], []),
        # a causative inside the subject's relative clause leaves the subject alone
        ("让/v 大家/r 争吵/v 的/u 罗斯/nr 抱怨/v ，/w 对手/n 犯规/v 。/w", [("罗斯", "PERSON")], [("罗斯", "抱怨", "对手犯规。")]),
        # a verb joined to a noun by 与 is a noun (研究与技术部长: rule coordinated_noun): the subject runs to the name
        (
            "德国/ns 研究/v 与/c 技术/n 部长/n 吕特格尔斯/nr 说/v ，/w 德国/ns 已/d 改变/v 局面/n 。/w",
            [("吕特格尔斯", "PERSON")],
            [("吕特格尔斯", "说", "德国已改变局面。")],
        ),
        # a dateline in Chinese numerals (1998's 一月十三日), 据 before it or not, is the outlet's: the subject follows it
        (
            "新华社/nt 北京/ns 一月/t 十三日/t 电/n （/w 记者/n 罗辉/nr ）/w 国家/n 主席/n 江泽民/nr 今天/t 指出/v ，/w 两国/n 应/v 合作/v 。/w",
            [("江泽民", "PERSON"), ("罗辉", "PERSON")],
            [("江泽民", "指出", "两国应合作。")],
        ),
        (
            "据/p 新华社/nt 北京/ns 一月/t 九日/t 电/n （/w 记者/n 张锦胜/nr ）/w 副总理/n 邹家华/nr 指出/v ，/w 统计/vn 是/v 基础/n 。/w",
            [("邹家华", "PERSON"), ("张锦胜", "PERSON")],
            [("邹家华", "指出", "统计是基础。")],
        ),
        # 兼 between two titles joins them: one person holds both (国务委员兼国防部长迟浩田)
        (
            "中央军委/nt 副/b 主席/n 、/w 国务委员/n 兼/v 国防部长/n 迟/nr 浩田/nr 今天/t 在/p 给/p 学员/n 讲课/v 时/Ng 强调/v ，/w 人民/n 战争/n 是/v 法宝/n 。/w",
            [("迟浩田", "PERSON")],
            [("迟浩田", "强调", "人民战争是法宝。")],
        ),
        # a cue before its punctuation is a word of its own, whatever the segmenter glued to it (rule cue_word_cut);
        # a one-character one only after Latin letters, a cue that is as often a noun never (明文规定 is one word)
        ("一/m 大/a 批/q 中国/ns 粉丝留言/l ，/w 表达/v 喜爱/vn 。/w", [], [("一大批中国粉丝", "留言", "表达喜爱。")]),
        ("FF称/nx ，/w 恒大/nt 违约/v 了/u 。/w", [], [("FF", "称", "恒大违约了。")]),
        # a cue that can be a noun is none where it is a verb's object (rule cue_used_as_noun)
        ("违反/v 本/r 条例/n 规定/n ，/w 危害/v 设施/n 的/u ，/w 由/p 部门/n 责令/v 改正/v 。/w", [], []),
        ("财政部/nt 已/d 采纳/v 这项/r 建议/n ，/w 并/c 授权/v 银行/n 发行/v 国债/n 。/w", [], []),
        # ... but is one as the verb, as the object of the speech act (作了解释), and after 据 (据新华社报道)
        ("他/r 建议/v ，/w 多/d 收集/v 反馈/vn 信息/n 。/w", [], [("他", "建议", "多收集反馈信息。")]),
        ("一位/m 老师/n 作/v 了/u 解释/vn ：/w 起始/vn 单元/n 都/d 是/v 植物/n 。/w", [], [("一位老师", "解释", "起始单元都是植物。")]),
        ("据/p 新华社/nt 报道/n ，/w 会议/n 已/d 闭幕/v 。/w", [], [("新华社", "报道", "会议已闭幕。")]),
    ],
)
def test_attribution_with_tags(tagged: str, entities: list[tuple[str, str]], found: list[tuple[str, str, str]]) -> None:
    assert _tagged_attribution(tagged, entities) == found


def test_a_frame_of_time_is_no_subject() -> None:
    words = _words("美国/ns 经济学家/n 近来/t 在/p 评估/v 危机/n 的/u 影响/vn 时/Ng")
    text = "".join(w.text for w in words)
    found = subject_phrase(words)
    assert found is not None and text[found.start : found.end] == "美国经济学家"


@pytest.mark.parametrize(
    ("tagged", "name"),
    [
        ("美国/ns 运动/vn 医学/n 学会/n 《/w 运动/vn 处方/n 指南/n 》/w 指出/v ，/w 运动/vn 可以/v 减轻/v 痛感/n 。/w", "运动处方指南"),
        ("《/w 今日美国报/nz 》/w 预测/v 说/v ，/w 增长/vn 将/d 放缓/v 。/w", "今日美国报"),
        ("通知/n 说/v ，/w 进口/vn 越来越/d 多/a 。/w", "通知"),
    ],
)
def test_a_document_or_outlet_is_named_by_its_title(tagged: str, name: str) -> None:
    from pipeline.stages.quotes import attribute_quotes

    words = _words(tagged)
    text = "".join(w.text for w in words)
    tags = {w.text: w.tag for w in words}
    quotes = attribute_quotes(text, [], {}, (), words=[[w.start, w.end] for w in words], tag=lambda lists: [[tags[x] for x in ws] for ws in lists])
    assert [q["speaker_name"] for q in quotes] == [name]


def test_a_clause_cue_in_a_headline_says_the_headline_only() -> None:
    from pipeline.stages.quotes import attribute_quotes

    head, body = _words("会议/n 提出/v 教育/n 改革/vn 要/v 加快/v 步伐/n"), _words("本报/r 南京/ns 电/n 会议/n 今天/t 召开/v 。/w")
    text = "".join(w.text for w in head) + "\n" + "".join(w.text for w in body)
    shift = len(text) - sum(len(w.text) for w in body)
    spans = [[w.start, w.end] for w in head] + [[w.start + shift, w.end + shift] for w in body]
    tags = {w.text: w.tag for w in head + body}
    quotes = attribute_quotes(text, [], {}, (), words=spans, tag=lambda lists: [[tags[x] for x in ws] for ws in lists])
    assert [(q["cue"]["text"], q["content"]["text"], q["source"]) for q in quotes] == [("提出", "教育改革要加快步伐", "headline_cue")]


@pytest.mark.parametrize(
    ("clause", "subject"),
    [
        ("法国/ns 各地/r 的/u 失业者/n 走/v 上/v 街头/s", "法国各地的失业者"),
        ("原/b 省委/n 书记/n 熊/nr 清泉/nr 受/v 省委/n 的/u 委托/vn", "原省委书记熊清泉"),  # 的 phrase: the verb's object
        ("参加/v 座谈/v 的/u 负责人/n 在/p 会上/s 发言/v", "参加座谈的负责人"),  # 的 and its head, then the predicate
        ("企图/v 缓解/v 不满/a", None),  # opens with its predicate
        ("圣诞节/t 前夕/t", None),
    ],
)
def test_the_subject_a_clause_opens_with(clause: str, subject: str | None) -> None:
    from pipeline.stages.quotes.phrases import leading_subject

    words = _words(clause)
    text = "".join(w.text for w in words)
    found = leading_subject(words)
    assert (text[found.start : found.end] if found else None) == subject


@pytest.mark.parametrize(
    ("clause", "nouns"),
    [
        ("执掌/v 绿光/vn 资本/n 的/u 对/p 冲/v 基金/n 大佬/a 大卫/nr 周三/t", "大卫"),  # past a trailing time word
        ("对/p 记者/n", None),  # a preposition's object
        ("援引/v 证券/n 律师/n", None),  # not a name: not sure to be the speaker
        ("执掌/v 绿光/vn 资本/n", None),
    ],
)
def test_the_name_nearest_the_cue(clause: str, nouns: str | None) -> None:
    from pipeline.stages.quotes.phrases import nearest_nouns

    words = _words(clause)
    text = "".join(w.text for w in words)
    found = nearest_nouns(words)
    assert (text[found.start : found.end] if found else None) == nouns


def _tagged_paragraphs(paragraphs: list[str]) -> list[dict]:
    """Attribute an article given as paragraphs of ``word/tag`` pairs, joined by newlines."""
    from pipeline.stages.quotes import attribute_quotes

    text, spans, tags = "", [], {}
    for paragraph in paragraphs:
        if text:
            text += "\n"
        for word in _words(paragraph):
            spans.append([len(text), len(text) + len(word.text)])
            tags[word.text] = word.tag
            text += word.text
    return attribute_quotes(text, [], {}, (), words=spans, tag=lambda lists: [[tags[x] for x in ws] for ws in lists])


LETTER = "我/r 认为/v ，/w 专栏/n 要/v 办/v 得/u 更/d 活/a 。/w"


@pytest.mark.parametrize(
    ("paragraphs", "names"),
    [
        (["愿/v 专栏/n 越办越好/l", "王/nr 佑民/nr", LETTER], ["王佑民"]),  # a signed letter: 我 is its writer
        ([LETTER, "王/nr 佑民/nr"], ["王佑民"]),  # signed at the end
        (["愿/v 专栏/n 越办越好/l", "编辑部/n", LETTER], [None]),  # no name under the headline
        (["愿/v 专栏/n 越办越好/l", LETTER], [None]),
    ],
)
def test_first_person_in_a_signed_letter_is_the_writer(paragraphs: list[str], names: list[str | None]) -> None:
    quotes = _tagged_paragraphs(paragraphs)
    assert [q["speaker_name"] for q in quotes] == names
    assert all("letter_signer" in q["source"] for q in quotes if q["speaker_name"])


@pytest.mark.parametrize(
    ("tagged", "entities", "found"),
    [
        # a verb outside the lexicon before ：“ introduces the quotation (rule colon_quote_verb)
        ("宋仲基/nr 回忆/v ：/w “/w 那天/r 我/r 很/d 紧张/a 。/w ”/w", [("宋仲基", "PERSON")], [("宋仲基", "回忆", "那天我很紧张。")]),
        ("网友/n 们/k 吐槽/v ：/w “/w 这/r 剧情/n 太/d 假/a 了/y 。/w ”/w", [], [("网友们", "吐槽", "这剧情太假了。")]),
        # the verb with its object before ：“ (叮嘱他, 吐出心声): the verb is the cue
        ("母亲/n 叮嘱/v 他/r ：/w “/w 路上/s 小心/v 。/w ”/w", [], [("母亲", "叮嘱", "路上小心。")]),
        ("村民/n 们/k 吐出/v 心声/n ：/w “/w 日子/n 好过/a 了/y 。/w ”/w", [], [("村民们", "吐出", "日子好过了。")]),
        # a noun after a noun is no object of a verb (职工的理由：“…”)
        ("职工/n 的/u 理由/n ：/w “/w 工资/n 太/d 低/a 了/y 。/w ”/w", [], []),
        # a copula before ：“ says what a thing is
        ("职工/n 的/u 理由/n 是/v ：/w “/w 工资/n 太/d 低/a 了/y 。/w ”/w", [], []),
        # a noun before ：“ is a topic or a label, not a verb of saying
        ("口号/n ：/w “/w 团结/v 奋斗/v 。/w ”/w", [], []),
        # ：without a quotation after it needs a cue of the lexicon
        ("宋仲基/nr 回忆/v ：/w 那天/r 我/r 很/d 紧张/a 。/w 他/r 笑/v 了/y 。/w", [("宋仲基", "PERSON")], []),
    ],
)
def test_a_verb_before_a_colon_and_quote_is_a_cue(tagged: str, entities: list[tuple[str, str]], found: list[tuple[str, str, str]]) -> None:
    assert _tagged_attribution(tagged, entities) == found


@pytest.mark.parametrize(
    ("tagged", "entities", "found"),
    [
        # the speech given or its time between the subject and the cue (rule subject_before_predicate)
        ("俄罗斯/ns 外交部/nt 发表/v 声明/n 说/v ，/w 俄方/j 反对/v 制裁/vn 。/w", [], [("俄罗斯外交部", "说", "俄方反对制裁。")]),
        ("朱/nr 邦造/nr 接受/v 采访/vn 时/Ng 说/v ，/w 立场/n 是/v 一贯/b 的/u 。/w", [("朱邦造", "PERSON")], [("朱邦造", "说", "立场是一贯的。")]),
        # a predicate ending otherwise may name who speaks (援引证券律师表示): no source from before it
        ("媒体/n 援引/v 证券/n 律师/n 表示/v ，/w 他/r 可能/v 面临/v 指控/vn 。/w", [], []),
    ],
)
def test_the_subject_before_a_speaking_frame(tagged: str, entities: list[tuple[str, str]], found: list[tuple[str, str, str]]) -> None:
    assert _tagged_attribution(tagged, entities) == found


@pytest.mark.parametrize(
    ("tagged", "found"),
    [
        # an existential 有 before a nominal cue: the noun is the source, the 说 inside the cue the cue (rule existential_source)
        ("有/v 报道/vn 说/v ，/w 两/m 国/n 将/d 举行/v 会谈/vn 。/w", [("报道", "说", "两国将举行会谈。")]),
        ("还有/v 报道/vn 称/v ，/w 他/r 将/d 辞职/v 。/w", [("报道", "称", "他将辞职。")]),
        ("新华社/nt 报道/v 说/v ，/w 产量/n 创/v 新高/n 。/w", [("新华社", "报道说", "产量创新高。")]),
    ],
)
def test_what_there_is_is_the_source(tagged: str, found: list[tuple[str, str, str]]) -> None:
    assert _tagged_attribution(tagged) == found


@pytest.mark.parametrize(
    ("text", "spans", "words"),
    [
        ("腾讯CEO马化腾表示", [(0, 2), (2, 8), (8, 10)], ["腾讯", "CEO", "马化腾", "表示"]),  # a title and a name cut apart
        ("买了iPhone手机", [(0, 2), (2, 10)], ["买了", "iPhone", "手机"]),
        ("穿T恤的人", [(0, 1), (1, 3), (3, 4), (4, 5)], ["穿", "T恤", "的", "人"]),  # one Latin letter: one word
        ("唱卡拉OK", [(0, 1), (1, 5)], ["唱", "卡拉", "OK"]),  # two and two: cut too, which tags no worse
        ("A股上涨", [(0, 2), (2, 4)], ["A股", "上涨"]),
    ],
)
def test_words_mixing_latin_and_han_are_cut(text: str, spans: list[tuple[int, int]], words: list[str]) -> None:
    from pipeline.stages.quotes.phrases import TaggedText

    tagged = TaggedText(text, spans, lambda lists: [["n"] * len(ws) for ws in lists])
    assert [w.text for w in tagged.words(0, len(text))] == words


@pytest.mark.parametrize(
    ("tagged", "found"),
    [
        # a verb of thinking takes a clause whenever a predicate follows (rule thought_takes_a_clause)
        ("但/c 他/r 认为/v 湖人/n 的/u 问题/n 并/d 不/d 在/p 主帅/n 身上/s 。/w", [("他", "认为", "湖人的问题并不在主帅身上。")]),
        # a noun alone after it is what is thought of, not a clause (担心孩子)
        ("母亲/n 很/d 担心/v 孩子/n 。/w", []),
        # other cues still need a subject and its verb (表示感谢: a noun object)
        ("代表团/n 表示/v 感谢/vn 。/w", []),
    ],
)
def test_a_verb_of_thinking_takes_a_clause(tagged: str, found: list[tuple[str, str, str]]) -> None:
    assert _tagged_attribution(tagged) == found


@pytest.mark.parametrize(
    ("tagged", "entities", "found"),
    [
        # 应X要求 frames the clause: whose request it answers, no cue (rule at_the_request_of)
        (
            "沈/nr 国放/nr 在/p 应/v 记者/n 要求/v 就/p 伊拉克/ns 问题/n 发表/v 看法/n 时/Ng 说/v ：/w "
            "“/w 我们/r 认为/v ，/w 决议/n 应该/v 执行/v 。/w ”/w",
            [("沈国放", "PERSON")],
            [("沈国放", "说", "我们认为，决议应该执行。")],
        ),
        ("卫生部/nt 要求/v ，/w 各地/r 加强/v 监测/vn 。/w", [], [("卫生部", "要求", "各地加强监测。")]),
    ],
)
def test_a_request_answered_is_no_cue(tagged: str, entities: list[tuple[str, str]], found: list[tuple[str, str, str]]) -> None:
    assert _tagged_attribution(tagged, entities) == found


@pytest.mark.parametrize(
    ("tagged", "entities", "found"),
    [
        # the speech given before 说 (讲话|说 is no 话说), its subject in an earlier clause of the sentence
        (
            "熊清泉/nr 受/v 省委/nt 的/u 委托/vn ，/w 在/p 会上/t 发表/v 讲话/n 说/v ，/w 我们/r 纪念/v 陶铸/nr 。/w",
            [("熊清泉", "PERSON"), ("陶铸", "PERSON")],
            [("熊清泉", "说", "我们纪念陶铸。")],
        ),
        ("熊清泉/nr 在/p 会上/t 发表/v 讲话/n 说/v ，/w 我们/r 纪念/v 陶铸/nr 。/w", [("熊清泉", "PERSON")], [("熊清泉", "说", "我们纪念陶铸。")]),
        # no subject anywhere: no source, never the adverbial
        ("在/p 会上/t 发表/v 讲话/n 说/v ，/w 我们/r 纪念/v 陶铸/nr 。/w", [], []),
        ("不过/c 话/n 说/v 回来/v ，/w 这/r 件/q 事/n 不/d 简单/a 。/w", [], []),
    ],
)
def test_the_speech_given_before_its_cue(tagged: str, entities: list[tuple[str, str]], found: list[tuple[str, str, str]]) -> None:
    assert _tagged_attribution(tagged, entities) == found


@pytest.mark.parametrize(
    ("text", "spans", "names", "words"),
    [
        ("此外伦纳德称猛龙很强", [(0, 2), (2, 4), (4, 6), (6, 8), (8, 10)], [(2, 5, "PERSON")],
         ["此外/n", "伦纳德/nr", "称/n", "猛龙/n", "很强/n"]),
        ("马懿指出", [(0, 1), (1, 2), (2, 4)], [(0, 2, "PERSON")], ["马懿/nr", "指出/n"]),  # a name the words cut in two
        ("卫生部指出", [(0, 2), (2, 5)], [(0, 3, "ORG")], ["卫生部/nt", "指出/n"]),
        ("马懿指出", [(0, 1), (1, 2), (2, 4)], [], ["马/n", "懿/n", "指出/n"]),  # no names: the segmenter's words
        ("张三李四说", [(0, 5)], [(0, 2, "PERSON"), (1, 4, "PERSON")], ["张三李四说/n"]),  # names overlapping: left alone
    ],
)
def test_names_are_whole_words(text: str, spans: list[tuple[int, int]], names: list[tuple[int, int, str]], words: list[str]) -> None:
    from pipeline.stages.quotes.phrases import TaggedText

    tagged = TaggedText(text, spans, lambda lists: [["n"] * len(ws) for ws in lists], names)
    assert [f"{w.text}/{w.tag}" for w in tagged.words(0, len(text))] == words


@st.composite
def words_and_names(draw: st.DrawFn) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    length = draw(st.integers(1, 40))
    cuts = sorted(draw(st.sets(st.integers(1, length - 1), max_size=length - 1))) if length > 1 else []
    edges = [0, *cuts, length]
    names = draw(st.lists(st.tuples(st.integers(0, length - 1), st.integers(1, length)).filter(lambda n: n[0] < n[1]), max_size=6))
    return list(zip(edges, edges[1:], strict=False)), names


@given(words_and_names())
def test_names_made_whole_still_tile_the_text(case: tuple[list[tuple[int, int]], list[tuple[int, int]]]) -> None:
    """Whatever the names, the words still cover the text edge to edge; a name no other name overlaps is one
    word, and no word crosses its edges."""
    spans, names = case
    result = _names_whole(spans, names)
    assert [start for start, _ in result[1:]] == [end for _, end in result[:-1]]
    assert (result[0][0], result[-1][1]) == (spans[0][0], spans[-1][1])
    alone = [n for n in set(names) if not any(o != n and o[0] < n[1] and n[0] < o[1] for o in set(names))]
    for start, end in alone:
        assert (start, end) in result
        assert not any(s < start < e or s < end < e for s, e in result)


@given(words_and_names(), st.lists(st.integers(0, 40), max_size=6))
def test_words_cut_at_cues_still_tile_the_text(case: tuple[list[tuple[int, int]], list[tuple[int, int]]], cuts: list[int]) -> None:
    """Cut at any positions, the words still cover the text edge to edge, and every position inside the text is
    a word boundary after the cut (rule cue_word_cut)."""
    spans, _ = case
    result = _cut_at(spans, cuts)
    assert [start for start, _ in result[1:]] == [end for _, end in result[:-1]]
    assert (result[0][0], result[-1][1]) == (spans[0][0], spans[-1][1])
    assert not any(s < cut < e for cut in cuts for s, e in result)


@st.composite
def words_and_ranges(draw: st.DrawFn) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Disjoint words in order, with gaps (spaces the segmenter leaves out), and disjoint ranges in order."""

    def disjoint(limit: int) -> list[tuple[int, int]]:
        edges = sorted(draw(st.sets(st.integers(0, limit), max_size=16)))
        return [(a, b) for a, b in zip(edges[::2], edges[1::2], strict=False)]

    return disjoint(40), disjoint(40)


@given(words_and_ranges())
def test_words_split_by_ranges_are_the_words_in_order_flagged_by_overlap(
    case: tuple[list[tuple[int, int]], list[tuple[int, int]]],
) -> None:
    from pipeline.stages.quotes.phrases import _by_ranges

    spans, ranges = case
    runs = list(_by_ranges(spans, ranges))
    assert [word for _, words in runs for word in words] == spans
    assert all(words for _, words in runs)
    for touched, words in runs:
        for start, end in words:
            assert touched == any(a < end and start < b for a, b in ranges)


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("哈佛诉讼案中国侨网10月25日电 据美国《星岛日报》", "据美国《星岛日报》"),  # a space between Han characters parts units
        ("申请名校门坎高 华人关注诉讼案 据美联社", "据美联社"),  # the last unit of several
        ("Facebook 公司 CFO David Wehner 在", "Facebook 公司 CFO David Wehner 在"),  # spaces beside Latin words set them apart
        ("彭博社 11 月 8 日", "彭博社 11 月 8 日"),  # and beside numbers
        ("《黄帝内经》 中也载文", "《黄帝内经》 中也载文"),  # and beside a bracket
        ("如清代学者莫文泉在《研经 言·用药 论二》中", "如清代学者莫文泉在《研经 言·用药 论二》中"),  # a space inside a title parts nothing
        ("新华社记者张三", "新华社记者张三"),
    ],
)
def test_the_unit_after_a_space_between_han_characters(text: str, unit: str) -> None:
    assert text[after_unit_gap(text, 0, len(text)) :] == unit


@pytest.mark.parametrize(
    ("tagged", "found"),
    [
        # a speaker set against the last by 则 speaks for itself, and the speech before ends where its clause opens
        (
            "青年人/n 表示/v ，/w 要/v 早/a 致富/v ；/w 妇女/n 们/k 则/d 表示/v ，/w 不/d 想/v 多/a 生/v 。/w",
            [("青年人", "表示", "要早致富"), ("妇女们", "表示", "不想多生。")],
        ),
        (
            "有人/r 觉得/v 时间/n 太/d 晚/a ，/w 有人/r 则/d 觉得/v 太/d 早/a 。/w",
            [("有人", "觉得", "时间太晚"), ("有人", "觉得", "太早。")],
        ),
        # without it a cue inside the speech is part of what is said (rule nested)
        ("他/r 说/v ，/w 有人/r 认为/v ，/w 这/r 是/v 不/d 对/a 的/u 。/w", [("他", "说", "有人认为，这是不对的。")]),
    ],
)
def test_a_speaker_set_against_the_last_is_not_nested(tagged: str, found: list[tuple[str, str, str]]) -> None:
    assert _tagged_attribution(tagged) == found


@pytest.mark.parametrize(
    ("before", "heads"),
    [
        ("", True),  # the name opens its sentence
        ("“", True),
        ("为了剧中的英文对白，", True),  # after one fronted adverbial clause (rule fronted_adverbial)
        ("在这次总统大选中，", True),
        ("为了剧中的英文对白，他说，", False),  # two clauses before it
        ("他说", False),  # inside a clause
        ("这是因为", False),
    ],
)
def test_a_name_after_a_fronted_adverbial_heads_its_sentence(before: str, heads: bool) -> None:
    from pipeline.stages.quotes.attribute import _heads_its_sentence

    assert _heads_its_sentence(before) is heads


@pytest.mark.parametrize(
    ("paragraph", "speaker"),
    [
        # a verb as often not speech (data/cues.tsv, speaker_only): a cue after someone who can speak
        ("美国/ns 还/d 表明/v ，/w 三/m 国/n 可以/v 加入/v 北约/j 。/w", "美国"),  # a country
        ("家长们/n 反映/v ，/w 孩子/n 回家/v 后/f 喊/v 饿/a 。/w", "家长们"),  # a group of people
        ("警方/n 提示/v ，/w 卖/v 药/n 的/u 行为/n 涉嫌/v 违法/vn 。/w", "警方"),
        ("街道/n 办事处/n 保证/v 在/p 一/m 天/q 内/f 提供/v 岗位/n 。/w", "街道办事处"),  # an organisation tagged n
        # the same verbs after evidence: no one's words (rule speaker_only)
        ("来自/v 灾区/n 的/u 情况/n 表明/v ，/w 救灾/vn 工作/vn 紧张/a 有序/a 。/w", None),
        ("每次/r 尿量/n 多/a ，/w 说明/v 有/v 内科/n 疾病/n 。/w", None),
        ("这些/r 史实/n 说明/v 他/r 同/p 中国/ns 结成/v 友谊/n 。/w", None),
        ("考生/n 须/v 到/v 现场/s 确认/v ，/w 并/c 缴费/v 。/w", None),
        ("客观/n 实际/n 要求/v 我们/r 不断/d 提高/v 认识/vn 。/w", None),
        ("第一批/m 手机/n 预计/v 将/d 在/p 明年/t 亮相/v 。/w", None),
        ("SEC/nx 还/d 要求/v 特斯拉/nz 组建/v 新/a 的/u 委员会/n 。/w", "SEC"),  # a Latin acronym: an organisation
        ("来自/v 各国/r 的/u 海洋/n 科学家/n 预计/v ，/w 海平面/n 将/d 上升/v 。/w", "来自各国的海洋科学家"),
    ],
)
def test_a_speaker_only_cue_needs_someone_who_can_speak(paragraph: str, speaker: str | None) -> None:
    quotes = _tagged_paragraphs([paragraph])
    assert [q["speaker"]["text"] for q in quotes if q.get("speaker")] == ([speaker] if speaker else [])
