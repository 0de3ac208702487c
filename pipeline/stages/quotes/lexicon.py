"""Word lists and precompiled patterns for quote attribution (one resources module).

The cue lexicon (``pipeline/core/data/cues.tsv``, read by :mod:`pipeline.core.cues`), the heads that make a phrase a plausible source (titles, groups,
organisations, documents) and the words that only look like cues.  Kept apart from
the logic so that a reviewer can extend them without reading the stages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.core.cues import CUES, QUOTING_CLASSES  # noqa: F401  (QUOTING_CLASSES read from here by the quote modules)
from pipeline.core.names import surnames
from pipeline.core.text_tables import DATE_NUMBER, HAN, STORY_OPENER_RE

#: Verbs that introduce speech when followed by punctuation or a quote (longest first).
CUE_VERBS: tuple[str, ...] = tuple(entry.word for entry in CUES)
#: Cues that also introduce a headline's content without punctuation (``X在会上强调要…``).
HEADLINE_CUES: frozenset[str] = frozenset(entry.word for entry in CUES if entry.headline)
#: The class of each cue verb (say, state, think ...).
CUE_CLASS: dict[str, str] = {entry.word: entry.cue_class for entry in CUES}
#: A character after a cue verb that says it introduces words (补充道, 解释道): the cue keeps its verb's class.
SAYING_SUFFIX = "道"


def cue_class(word: str) -> str | None:
    """The class of a cue word, 道 after it or not (补充道 -> state's 补充 is say)."""
    return CUE_CLASS.get(word) or (CUE_CLASS.get(word[:-1]) if word.endswith(SAYING_SUFFIX) else None)


#: Cues that may take an addressee before the punctuation (``告诉记者，``).
ADDRESSEE_CUES: frozenset[str] = frozenset(entry.word for entry in CUES if entry.addressee)
#: Cues only after a source that can speak (:data:`SPEAKING_KINDS`, :data:`SPEAKING_HEADS`): verbs as often not speech.
SPEAKER_ONLY_CUES: frozenset[str] = frozenset(entry.word for entry in CUES if entry.speaker_only)
ADDRESSEES = r"(?:[^，,：:。“”\n]{0,12}?记者|笔者|我们|大家|来访者|客人)"

CUE_RE = re.compile("|".join(CUE_VERBS))
#: Punctuation after a cue that opens reported or quoted speech.
OPENING_PUNCT = "，,：:"
SENTENCE_END = "。！？!?"
QUOTE_OPEN = "“"
QUOTE_CLOSE = "”"

#: Characters right before a cue that make it a noun or another word (基本要求, 总要求, 的要求, 据介绍).
NOUN_MARKERS: tuple[str, ...] = (
    "的", "该", "这一", "这些", "有关", "一些", "一项", "一份",
    "发表", "发出", "发布",
    "据",
    "和", "及",  # 意见和建议, 意见和要求: the last of coordinated nouns
)
#: Negations right before a cue (没有透露, 并未说明, 不相信, 不得不说 the writer's "one has to say"): no
#: words are reported, and none of the 376 attributions of the quote golds has one (rule negated_cue).
NEGATIONS: tuple[str, ...] = ("不", "没", "没有", "未", "未曾", "不曾")
#: Words right before a cue that make it passive (马斯克被要求…): the subject is who is told, not who speaks.
PASSIVE_MARKERS: tuple[str, ...] = ("被", "遭", "受到")
#: Adjectives that make a noun of a cue that can be one (总要求, 明确要求, 具体建议) but are adverbs
#: before a verb that cannot (明确表示, 严格说).
NOUN_ADJECTIVES: tuple[str, ...] = ("总", "基本", "明确", "具体", "严格", "几点", "新")
#: Cue words that are nouns as often as verbs (要求, 建议, 声明 …): the adjectives above make them nouns.
NOMINAL_CUES: frozenset[str] = frozenset(
    {"要求", "建议", "声明", "报道", "介绍", "指示", "回答", "解释", "说明", "承诺", "批评", "通知", "提示",
     "规定", "倡议", "提议", "请求", "保证", "呼吁", "号召", "警告", "提醒", "主张", "答复", "回复", "回应"}
)
#: Prepositions that introduce a source (据新华社报道, 根据新华社报道): "according to".
ACCORDING_TO: tuple[str, ...] = ("根据", "据")
#: Nouns that are cues only in a clause that opens with 据 or 根据 (据新华社消息，, 根据乔·帕克的说法，):
#: elsewhere a dateline (新华社北京１月５日消息) or the thing itself (这一消息, 他的说法).
ACCORDING_CUES: frozenset[str] = frozenset({"消息", "说法"})
#: Cues that always take whom they tell (告诉CNBC，), whatever it is.
TELLING_CUES: frozenset[str] = frozenset({"告诉", "告知"})
#: Last words of a predicate between a subject and its cue that frame the speaking itself: its time (接受采访时说)
#: or the speech given (发表声明说, 发表讲话指出).  A predicate ending otherwise (援引证券律师表示) may name who speaks.
#: Before a cue they never make it another word (讲话|说 is no 话说).
SPEAKING_FRAMES = frozenset({"时", "时候", "之际", "声明", "讲话", "谈话", "演说", "演讲", "致辞", "致词", "贺词", "文章", "报告"})
#: Words ending in 说/称/讲 that are not speech cues (小说, 据说, 可以说, 简称, 演讲 ...).
NOT_CUE_BEFORE: dict[str, tuple[str, ...]] = {
    "说": ("可以", "应该", "应当", "就是", "也就是", "来", "据", "听", "比如", "换句话", "或者", "虽", "不用",
           "再", "难", "好", "学", "小", "传", "演", "解", "游", "劝", "胡", "瞎", "是", "话", "所",
           "不是", "总的", "一般", "具体", "坦白", "老实", "严格", "确切", "准确"),
    "称": ("简", "堪", "号", "名", "职", "俗", "统", "通", "昵", "爱", "戏", "美", "尊", "谦", "对", "人", "被", "并"),
    "讲": ("演", "听", "开", "宣", "主", "讲"),
    "提出": ("被",),
}

#: Adverbials between a source and its cue (在会上, 今天, 也, 对记者 ...), cut off the source phrase.
ADVERBIAL_START_RE = re.compile(
    r"在|对|向|就|于|同|跟|今天|昨天|今日|昨日|今晚|昨晚|日前|近日|最近|当天|当日|此前|早些时候|"
    r"[0-9０-９一二三四五六七八九十]+日|也|还|又|则|都|曾|再次|进一步|一再|反复|同时|特别|明确|首先|最后|"
    r"接着|随后|随即|坦率地|深有感触地|满怀信心地|高兴地|激动地|笑着|动情地|感慨地"
)
#: Verbs that may stand between the source and 说 (反思说, 介绍说, 补充说).
PRE_SAY_RE = re.compile(r"(?:反思|介绍|解释|补充|回答|回忆|感慨|强调|指出|接着|继续|笑|笑着|激动地|高兴地|坦率地|深有感触地|\w地)$")
#: Connectives that may open a source clause (但, 而, 并) and are not part of the source.
LEADING_CONNECTIVE_RE = re.compile(r"(?:但是|但|而且|而|并且|并|同时|此外|另外|不过|可是|所以|因此|最后|会上|会谈中|会见中)")

#: A story's dateline and credit before its first words (新华社曼谷１月１６日电, 本报北京１月１６日讯,
#: 新浪娱乐讯, 海外网11月7日电, 据新华社北京一月九日电, （记者 刘占昆）): the outlet passing the story on, never a source.
DATELINE_RE = re.compile(
    STORY_OPENER_RE.pattern.lstrip("^")
    + rf"|据?[{HAN}A-Za-z]{{0,10}}?(?:网|报|社|台|客户端|娱乐|体育|科技|财经|新闻)(?:[{HAN}]{{0,8}}?{DATE_NUMBER}月{DATE_NUMBER}日)?[讯电]"
)
CREDIT_AFTER_DATELINE_RE = re.compile(r"[\s\u3000\xa0]*(?:[（(][^）)\n]{0,30}[）)])?[\s\u3000\xa0]*")

#: Personal pronouns that can be speakers, and which of them are singular.
PRONOUNS: tuple[str, ...] = ("他们", "她们", "他", "她")
SINGULAR_PRONOUNS: frozenset[str] = frozenset({"他", "她"})

#: Titles standing before a speaker's name (市委副书记、市长马懿): the speaker is the name after the chain.
#: Not the entity rules' list (pipeline.core.names.TITLES): merged, the person rules took 9 more
#: title+name spans on pd1998 dev at precision 0.55, so each keeps the list it was measured with.
SPEAKER_TITLES: tuple[str, ...] = (
    "副书记", "书记", "副市长", "常务副市长", "市长", "副省长", "省长", "县长", "区长", "副主席", "主席",
    "副总理", "总理", "总统", "首相", "副部长", "部长", "局长", "厅长", "副主任", "主任", "委员", "司令员",
    "司令", "参谋长", "总裁", "董事长", "总经理", "经理", "厂长", "校长", "院长", "秘书长", "发言人",
    "大使", "外长", "国务卿", "会长", "理事长", "教授", "研究员", "记者", "议员", "常委", "主持人",
    "队长", "村长", "支书", "处长", "科长", "所长", "台长", "社长", "总编辑", "工程师", "医生", "国务委员",
)
TITLE_NAME_RE = re.compile(
    "(?:" + "|".join(sorted(SPEAKER_TITLES, key=len, reverse=True)) + f")([{HAN}]{{2,3}})"
)
#: Characters that cannot end a name: they start the verb or adverbial after it.
NAME_STOP_CHARS = frozenset("在说指强表认宣称要对向今昨日也还又则都和同与等的、，,：:。就于曾将已")

#: Heads that make a phrase a group source (教师们, 与会代表, 专家).
GROUP_HEADS: tuple[str, ...] = (
    "们", "人士", "专家", "学者", "官员", "代表", "群众", "干部", "同志", "负责人", "负责同志", "发言人", "记者",
    "工人", "农民", "职工", "居民", "村民", "市民", "老师", "教师", "学生", "医生", "司机", "委员", "主任",
    "经理", "与会者", "人员", "双方", "各方", "方面", "当局", "美方", "中方", "外方", "有关人士", "分析家",
    "观察家", "消息人士", "领导", "市领导", "俩",
)
#: Heads that make a phrase an organisation (卫生部, 外交部, 市政府) or a meeting (讲评会).
ORG_HEADS: tuple[str, ...] = (
    "部", "局", "委", "厅", "院", "办", "会", "会议", "处", "署", "府", "党", "社", "报", "台", "公司", "集团",
    "银行", "中心", "协会", "组织", "政府", "国", "联合国", "法院", "检察院", "大学", "研究所",
)
#: Source kinds that can say what a speaker-only cue reports; a group only when its head is one of :data:`SPEAKING_HEADS`.
SPEAKING_KINDS = frozenset({"person", "pronoun", "org", "document"})
#: Heads of a group that can speak: people (家长们, 网友, 患者, 警方) and institutions (我校, 有关部门, 街道办事处 tagged as
#: a common noun), beside :data:`GROUP_HEADS`, the titles and :data:`ORG_HEADS`.  A group of another head before a
#: speaker-only cue is the evidence itself (每次尿量多，说明…, 来自灾区一线的情况表明).
SPEAKING_HEADS: tuple[str, ...] = GROUP_HEADS + SPEAKER_TITLES + ORG_HEADS + (
    "者", "员", "友", "人", "民", "师", "家", "方", "校", "家长", "用户", "教练", "部门", "团体", "中央", "业内", "省份", "省市",
)
#: Heads that make a phrase a document source (意见指出, 通知要求, 报告认为).
DOCUMENT_HEADS: tuple[str, ...] = (
    "意见", "通知", "报告", "决定", "公报", "声明", "文章", "社论", "评论", "讲话", "决议", "条例", "规定",
    "纲要", "文件", "贺电", "贺信", "白皮书", "信", "报道", "照会", "消息",
)
#: Heads of findings, which report evidence, not words said (调查结果表明, 数据显示, 研究发现): no source.
FINDING_HEADS: tuple[str, ...] = ("调查", "研究", "数据", "统计", "结果", "检查", "实验", "试验", "测试", "资料", "记录")

#: (Patterns used with ``match(text, pos)`` carry no ``^``: it would only match at index 0.)
#: A lone quote-mark line left around a pull quote by the layout.
LONE_MARK_RE = re.compile(r"\s*[“”\"]\s*$")
#: Paragraph openings that continue the previous paragraph's reported speech.
CONTINUATION_RE = re.compile(
    r"\s*(?:要|一是|二是|三是|四是|五是|六是|第[一二三四五六七八九十]|首先|其次|再次|"
    r"[一二三四五六七八九十]+、|[（(][一二三四五六七八九十0-9]+[)）]|[一二三四五六七八九十]要|同时|此外|另外|必须|应当|应该)"
)
#: Words before a quote that make it a term, not speech (按照“…”, 即“…”).
TERM_BEFORE_RE = re.compile(r"(?:按照|坚持|围绕|即|实施|推进|突出|深化|抢抓|抓好|实现|称为|叫做|所谓|概括为|简称|号称|着眼于)$")
#: Surnames a name found after a title without a model must start with (single characters: a
#: compound surname starts with one of them too).
SURNAMES = frozenset(name for name in surnames() if len(name) == 1)


@dataclass(frozen=True)
class QuoteWords:
    """The cue pattern and the learnt sources one attribution run uses: the shipped lists, plus what
    reviewers taught when a learnt model is in use (a learnt source is a group: 平台客服, 网友)."""

    cue_re: re.Pattern[str] = CUE_RE
    learnt_cues: frozenset[str] = frozenset()
    learnt_sources: frozenset[str] = frozenset()


SHIPPED_WORDS = QuoteWords()


def quote_words(cues: Iterable[str] = (), sources: Iterable[str] = ()) -> QuoteWords:
    """The shipped lists with learnt cues and sources added (the shipped ones unchanged when none)."""
    extra, sources = frozenset(cues) - set(CUE_VERBS), frozenset(sources)
    if not extra and not sources:
        return SHIPPED_WORDS
    pattern = CUE_RE if not extra else re.compile("|".join(sorted({*CUE_VERBS, *extra}, key=len, reverse=True)))
    return QuoteWords(pattern, extra, sources)
