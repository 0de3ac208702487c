"""Quote attribution on real sentences: each construction, the negatives, and the seed article."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.core.record import Block
from pipeline.stages.quotes import attribute_quotes

FURNITURE = re.compile(r"^(郑州晚报( \d{4}年\d{1,2}月\d{1,2}日)?|[A-Z]{2}\d{2})$")


def seed_text(path: Path) -> str:
    """The seed article as the repair stage gives it: paragraphs joined by newlines, no markup or page furniture."""
    paragraphs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = re.sub(r"^#+\s*", "", line.strip()).replace("□", "")
        if line and not FURNITURE.match(line):
            paragraphs.append(line)
    return "\n".join(paragraphs)


def persons(text: str, *names: str) -> list[dict]:
    """PERSON entities for every occurrence of the names (as a recogniser would give them)."""
    return [
        {"start": m.start(), "end": m.end(), "label": "PERSON"} for name in names for m in re.finditer(name, text)
    ]


def summary(text: str, entities: list[dict] | None = None) -> list[tuple]:
    """(speaker text, speaker_name, cue text, content text, kind) of each attribution."""
    return [
        (
            q["speaker"]["text"] if q["speaker"] else None,
            q["speaker_name"],
            q["cue"]["text"] if q["cue"] else None,
            q["content"]["text"],
            q["kind"],
        )
        for q in attribute_quotes(text, entities or [])
    ]


# (text, person names a recogniser found, expected attributions)
CONSTRUCTIONS = [
    pytest.param(
        "市委副书记、市长马懿在会上指出,当前,全市经济发展趋势向好,三大主体工作持续发力。",
        (),
        [("马懿", "马懿", "指出", "当前,全市经济发展趋势向好,三大主体工作持续发力。", "indirect")],
        id="title-chain-reported-speech-no-entities",
    ),
    pytest.param(
        "帕克称，“我们得到的保证是数据将会分开。”新域名现已成为营销网站。",
        ("帕克",),
        [("帕克", "帕克", "称", "我们得到的保证是数据将会分开。", "direct")],
        id="quotation-ending-its-sentence-then-narration",
    ),
    pytest.param(
        "国务院总理李鹏今天下午在接见中国石油天然气总公司工作会议代表时强调，石油工业要继续加快陆上和海洋石油的勘探开发。",
        ("李鹏",),
        [("李鹏", "李鹏", "强调", "石油工业要继续加快陆上和海洋石油的勘探开发。", "indirect")],
        id="adverbial-between-speaker-and-cue",
    ),
    pytest.param(
        "吴天君要求,要着眼长远,立足当前,把\n握重点,力求突破。\n各县(市)区党政主要负责同志出席会议。",
        ("吴天君",),
        [("吴天君", "吴天君", "要求", "要着眼长远,立足当前,把\n握重点,力求突破。", "indirect")],
        id="speech-runs-into-a-cut-off-paragraph-only",
    ),
    pytest.param(
        "当前,要重点抓好五个方面的工作。马懿强调,要加强对竣工企业的监测。\n一是稳定经济运行。\n会议由胡荃主持。",
        ("马懿", "胡荃"),
        [("马懿", "马懿", "强调", "要加强对竣工企业的监测。\n一是稳定经济运行。", "indirect")],
        id="next-paragraph-continues-with-yishi",
    ),
    pytest.param(
        "市委书记吴天君在讲话中充分肯定了成绩,并就做好当前工作提出了明确要求。他指出,全市上下要深入学习领会会议精神。",
        ("吴天君",),
        [("他", "吴天君", "指出", "全市上下要深入学习领会会议精神。", "indirect")],
        id="pronoun-resolved-and-tiyaoqiu-not-a-cue",
    ),
    pytest.param(
        "科恩在会谈中代表克林顿总统对中国张北地区地震造成的人员伤亡表示同情。他说，美国政府向中国震区提供的紧急救灾援助是两国友好关系的体现。",
        ("科恩", "克林顿"),
        [("他", "科恩", "说", "美国政府向中国震区提供的紧急救灾援助是两国友好关系的体现。", "indirect")],
        id="pronoun-resolves-to-the-subject-not-a-name-in-the-predicate",
    ),
    pytest.param(
        "迟浩田说：“当前国际形势继续趋向缓和，世界格局多极化进程在加快。”",
        ("迟浩田",),
        [("迟浩田", "迟浩田", "说", "当前国际形势继续趋向缓和，世界格局多极化进程在加快。", "direct")],
        id="direct-quote-speaker-before",
    ),
    pytest.param(
        "依然固守着过时的东西不放。“只有勇于承认自己的落后，正视现实、奋起直追，中国跳水才能重现生机。”胡恩勇坚定地说。",
        ("胡恩勇",),
        [("胡恩勇", "胡恩勇", "说", "只有勇于承认自己的落后，正视现实、奋起直追，中国跳水才能重现生机。", "direct")],
        id="direct-quote-speaker-after",
    ),
    pytest.param(
        "他说，“我们必须为奥地利作出最好的选择”，奥地利作为中立国积极参加一些维和行动的政策是受欢迎的。",
        (),
        [("他", None, "说", "“我们必须为奥地利作出最好的选择”，奥地利作为中立国积极参加一些维和行动的政策是受欢迎的。", "mixed")],
        id="mixed-quote-unresolved-pronoun",
    ),
    pytest.param(
        "全市上下要着眼于“挑大梁、走前头、作表率”,切实加强组织领导。\n——吴天君\n要按照“三规合一、四集一转、产城互动”的基本要求,坚定不移地推进产业集群发展。\n——马懿\n”",
        (),
        [
            ("吴天君", "吴天君", "——", "全市上下要着眼于“挑大梁、走前头、作表率”,切实加强组织领导。", "direct"),
            ("马懿", "马懿", "——", "要按照“三规合一、四集一转、产城互动”的基本要求,坚定不移地推进产业集群发展。", "direct"),
        ],
        id="pull-quotes-attributed-by-dash-lines",
    ),
    pytest.param(
        "新华社北京１月１５日电（记者刘云非）外交部发言人沈国放今天在记者招待会上说，中国关注目前在伊拉克武器核查问题上出现的分歧。",
        (),
        [("沈国放", "沈国放", "说", "中国关注目前在伊拉克武器核查问题上出现的分歧。", "indirect")],
        id="spokesman-with-name",
    ),
    pytest.param(
        "外交部发言人今天表示，中国关注目前在伊拉克武器核查问题上出现的分歧。",
        (),
        [("外交部发言人", "外交部发言人", "表示", "中国关注目前在伊拉克武器核查问题上出现的分歧。", "indirect")],
        id="spokesman-without-name",
    ),
    pytest.param(
        "卫生部称，目前疫情已得到有效控制。",
        (),
        [("卫生部", "卫生部", "称", "目前疫情已得到有效控制。", "indirect")],
        id="organisation",
    ),
    pytest.param(
        "“肥力高”是微生物肥料。专家们认为，“肥力高”对发展生态农业有重要意义。",
        (),
        [("专家们", "专家们", "认为", "“肥力高”对发展生态农业有重要意义。", "indirect")],
        id="group-and-a-term-opening-the-content",
    ),
    pytest.param(
        "声明强调，恐怖活动对阿拉伯国家的安全与稳定造成了严重威胁。声明指出，阿拉伯各国应加强在安全和司法方面的合作。",
        (),
        [
            ("声明", "声明", "强调", "恐怖活动对阿拉伯国家的安全与稳定造成了严重威胁。", "indirect"),
            ("声明", "声明", "指出", "阿拉伯各国应加强在安全和司法方面的合作。", "indirect"),
        ],
        id="document-twice-in-one-paragraph",
    ),
    pytest.param(
        "意见指出，要加快推进产业集聚区建设。",
        (),
        [("意见", "意见", "指出", "要加快推进产业集聚区建设。", "indirect")],
        id="document-yijian",
    ),
    pytest.param(
        "吴天君：要着眼长远，立足当前，把握重点，力求突破\n本报讯 昨晚召开会议。",
        ("吴天君",),
        [("吴天君", "吴天君", "：", "要着眼长远，立足当前，把握重点，力求突破", "direct")],
        id="headline-name-colon",
    ),
    pytest.param(
        "全市强投资重点项目暨产业集聚区建设督察讲评会强调 深化认识 坚定信心\n郑州晚报记者 王继兵",
        (),
        [("全市强投资重点项目暨产业集聚区建设督察讲评会", "全市强投资重点项目暨产业集聚区建设督察讲评会", "强调", "深化认识 坚定信心", "indirect")],
        id="headline-meeting-cue-without-punctuation",
    ),
    pytest.param(
        "“冬天能干啥呢？老闷在家看电视也没劲，还不如串门唠嗑呢！”兄弟俩说，村上的半大小伙子初中毕业就不上学了。\n“闲着也是闲着，干嘛不读点科技书呢？”",
        (),
        [
            ("兄弟俩", "兄弟俩", "说", "冬天能干啥呢？老闷在家看电视也没劲，还不如串门唠嗑呢！", "direct"),
            ("兄弟俩", "兄弟俩", "说", "村上的半大小伙子初中毕业就不上学了。", "indirect"),
            (None, "兄弟俩", None, "闲着也是闲着，干嘛不读点科技书呢？", "direct"),
        ],
        id="uncued-quote-said-by-the-last-speaker",
    ),
    pytest.param(
        "迟浩田说，新年伊始，科恩部长即来北京进行正式访问。他说，美国将继续执行对华接触政策。美方认为，去年美中首脑会晤圆满成功。",
        ("迟浩田", "科恩"),
        [
            ("迟浩田", "迟浩田", "说", "新年伊始，科恩部长即来北京进行正式访问。", "indirect"),
            ("他", "迟浩田", "说", "美国将继续执行对华接触政策。", "indirect"),
            ("美方", "美方", "认为", "去年美中首脑会晤圆满成功。", "indirect"),
        ],
        id="several-attributions-in-one-paragraph",
    ),
    pytest.param(
        "一位叫庞增福的工人对记者说：“刚建集团时我们还觉得有盼头。”",
        (),
        [("庞增福", "庞增福", "说", "刚建集团时我们还觉得有盼头。", "direct")],
        id="named-member-of-a-group",
    ),
    pytest.param(
        "据路透社报道，美联储主席鲍威尔表示，通胀率已回落。据新华社报道，国家统计局将于15日发布数据。",
        ("鲍威尔",),
        [
            ("鲍威尔", "鲍威尔", "表示", "通胀率已回落。", "indirect"),  # the outlet only passes it on
            ("新华社", "新华社", "报道", "国家统计局将于15日发布数据。", "indirect"),  # no speaker inside
        ],
        id="a-speaker-inside-what-an-outlet-reports",
    ),
    # a headline and a dateline a space parts from the story on one line are no part of the source
    pytest.param("华人关注哈佛诉讼案中国侨网10月25日电 据《星岛日报》报道，学生组织起诉了哈佛大学。", (), [("星岛日报", "星岛日报", "报道", "学生组织起诉了哈佛大学。", "indirect")], id="dateline-space-ju"),
    pytest.param("买房新规将生效 路透社称，新规将正式生效。", (), [("路透社", "路透社", "称", "新规将正式生效。", "indirect")], id="headline-space-subject"),
]


@pytest.mark.parametrize(("text", "names", "expected"), CONSTRUCTIONS)
def test_construction(text: str, names: tuple[str, ...], expected: list[tuple]) -> None:
    assert summary(text, persons(text, *names)) == expected


NEGATIVES = [
    pytest.param("据介绍，去年全年生产卷烟３３６７·１万箱，比上年有所减少。", id="jujieshao"),
    pytest.param("据报道，镇上的铁路和公路交通已完全中断。", id="jubaodao"),
    pytest.param("要按照“三规合一、四集一转、产城互动”的基本要求,坚定不移地推进产业集群发展。", id="slogan-and-jibenyaoqiu"),
    pytest.param("为实现中原崛起、河南振兴、富民强省的“中原梦”作出新的更大贡献。", id="zhongyuanmeng"),
    pytest.param("按照“一个载体、三个体系”的建设要求,把强投资重点项目作为首要任务。", id="jianshe-yaoqiu"),
    pytest.param("按照强投资、夯基础、调结构、求提升的总要求,各级各部门要认真贯彻落实。", id="zongyaoqiu"),
    pytest.param("吴天君在讲话中就做好当前工作提出了明确要求。", id="tichu-mingque-yaoqiu"),
    pytest.param("按照省委、省政府“扩充增量、缩小减量、增加投资”的要求,长短结合。", id="de-yaoqiu"),
    pytest.param("四川扩大了社会保险的范围，提出“不管在哪儿干，保险接着算”。", id="slogan-after-tichu"),
    pytest.param("石学海：牵着骆驼闯影坛（附图片１张）", id="topic-headline-with-colon"),
    pytest.param("可以说，这是一次成功的会议。", id="keyishuo"),
    pytest.param("本报北京１月７日讯记者龚雯报道：国家经贸委日前联合发出通知。", id="reporter-byline"),
    pytest.param("会议还发表一项声明，强烈谴责各种形式的恐怖活动。", id="fabiao-yixiang-shengming-noun"),
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_not_an_attribution(text: str) -> None:
    assert attribute_quotes(text, persons(text, "吴天君", "龚雯")) == []


# 道 after a cue verb is part of the cue (rule cue_with_dao), which keeps its verb's class
CUES_WITH_DAO = [
    pytest.param("王明补充道：“这只是开始。”", ("王明", "补充道", "这只是开始。"), id="buchongdao-colon"),
    pytest.param("王明解释道，原因很简单。", ("王明", "解释道", "原因很简单。"), id="jieshidao-comma"),
    pytest.param("王明回答道“我不知道。”", ("王明", "回答道", "我不知道。"), id="huidadao-quote"),
    pytest.param("王明讲道理，大家都服。", None, id="jiang-daoli"),
]

# A manner complement between a verb of saying and a colon (rule manner_complement): what follows the colon is
# the speaker's; a saying (古语说得好：) is no one's, and before a comma it is a comment on how it was said
MANNER_COMPLEMENTS = [
    pytest.param("王明说得好：“穿着军装尽义务。”", ("王明", "说", "穿着军装尽义务。"), id="shuodehao-quote"),
    pytest.param("王明讲得在理：群众有难，哪管周三周四。", ("王明", "讲", "群众有难，哪管周三周四。"), id="jiangdezaili-colon"),
    pytest.param("古语说得好：“欲速则不达。”", None, id="guyu-saying"),
    pytest.param("王明说得神乎其神，他们到底是骗子吗？", None, id="comma-comment"),
]


@pytest.mark.parametrize(("text", "expected"), CUES_WITH_DAO + MANNER_COMPLEMENTS)
def test_words_between_a_cue_and_its_punctuation(text: str, expected: tuple[str, str, str] | None) -> None:
    found = [(q["speaker_name"], q["cue"]["text"], q["content"]["text"]) for q in attribute_quotes(text, persons(text, "王明"))]
    assert found == ([expected] if expected else [])


# A short name defined in brackets is the entity it names wherever it stands later (rule alias_of_entity)
ALIASES = [
    pytest.param(
        "中国音像著作权集体管理协会（以下简称“音集协”）发出公告。对此，音集协回应：“删除的歌曲不多。”",
        [("音集协", "回应", "删除的歌曲不多。")],
        id="yixia-jiancheng",
    ),
    pytest.param("音集协回应：“删除的歌曲不多。”", [], id="no-definition-no-source"),
]


@pytest.mark.parametrize(("text", "expected"), ALIASES)
def test_a_defined_short_name_is_a_source(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert [(q["speaker_name"], q["cue"]["text"], q["content"]["text"]) for q in attribute_quotes(text)] == expected


# Reported speech ends before a quotation that opens a sentence and ends like one (rule quotation_ends_report)
REPORT_THEN_QUOTATION = [
    pytest.param(
        "迟浩田说，美国将继续执行对华接触政策。“我们对此充满信心。”他还谈到了台湾问题。",
        [
            ("迟浩田", "迟浩田", "说", "美国将继续执行对华接触政策。", "indirect"),
            (None, "迟浩田", None, "我们对此充满信心。", "direct"),
        ],
        id="quotation-after-reported-speech",
    ),
    pytest.param(
        "张林华表示，查先生仙逝，我们甚为哀痛。“飞雪连天射白鹿，笑书神侠倚碧鸳”是他一生的写照。",
        [("张林华", "张林华", "表示", "查先生仙逝，我们甚为哀痛。“飞雪连天射白鹿，笑书神侠倚碧鸳”是他一生的写照。", "indirect")],
        id="a-quoted-couplet-is-no-sentence",
    ),
    pytest.param(
        "他认为，湖人需要时间。“联盟的现状就是这样。”“其实，开局不佳并不新鲜。”",
        [
            ("他", None, "认为", "湖人需要时间。", "indirect"),
            (None, None, None, "联盟的现状就是这样。", "direct"),
            (None, None, None, "其实，开局不佳并不新鲜。", "direct"),  # rule quotation_after_quotation
        ],
        id="quotation-after-quotation",
    ),
    pytest.param(
        "迟浩田说：“我们对此充满信心。”“中国”一词出现了三次。",
        [("迟浩田", "迟浩田", "说", "我们对此充满信心。", "direct")],
        id="a-term-after-a-quotation-is-no-speech",
    ),
]


@pytest.mark.parametrize(("text", "expected"), REPORT_THEN_QUOTATION)
def test_reported_speech_ends_before_a_quotation(text: str, expected: list[tuple]) -> None:
    assert summary(text, persons(text, "迟浩田", "张林华")) == expected


# Reported speech ends with a quotation that closes its sentence: the narration after 。” is no part of it
# (rule closed_quotation_ends_report); without a quotation it runs on to the paragraph's end.
CLOSED_QUOTATIONS = [
    pytest.param(
        "张林华表示，这是经纪人的主意，“我们三人那么多年没合作，这是一个开始。”这次女演员换了一批面孔，迟浩田将和苗侨伟有对手戏。",
        "这是经纪人的主意，“我们三人那么多年没合作，这是一个开始。”",
        id="narration-after-the-closed-quotation",
    ),
    pytest.param(
        "张林华表示，这是经纪人的主意，“开始”二字很重要。这次女演员换了一批面孔。",
        "这是经纪人的主意，“开始”二字很重要。这次女演员换了一批面孔。",
        id="a-term-closes-no-sentence",
    ),
]


@pytest.mark.parametrize(("text", "content"), CLOSED_QUOTATIONS)
def test_reported_speech_ends_with_its_closed_quotation(text: str, content: str) -> None:
    assert [q["content"]["text"] for q in attribute_quotes(text, persons(text, "迟浩田", "张林华"))] == [content]


# The second hand list of cue verbs (data/cues.tsv): (text, person names, (speaker, cue, content) or None when no attribution)
CUE_CLASSES = [
    pytest.param("马克坦陈，这次比赛压力很大。", ("马克",), ("马克", "坦陈", "这次比赛压力很大。"), id="say-tanchen"),
    pytest.param("王明坚信，中国队一定能出线。", ("王明",), ("王明", "坚信", "中国队一定能出线。"), id="think-jianxin"),
    pytest.param("郭麒麟留言：“承蒙姐姐照顾。”", ("郭麒麟",), ("郭麒麟", "留言", "承蒙姐姐照顾。"), id="write-liuyan"),
    pytest.param("外交部发言人提问：“这是谁的责任？”", (), ("外交部发言人", "提问", "这是谁的责任？"), id="ask-tiwen"),
    pytest.param("李鹏称赞，这是一次成功的会议。", ("李鹏",), ("李鹏", "称赞", "这是一次成功的会议。"), id="praise-chengzan"),
    pytest.param("伊朗政府抨击，美国侵犯了它的领空。", (), ("伊朗政府", "抨击", "美国侵犯了它的领空。"), id="accuse-pengji"),
    # verbs left out: an act, not words said (抗议), and a desire (希望), whose object is no speech
    pytest.param("职工们反而集体到市政府抗议，理由是工资太低。", (), None, id="act-kangyi"),
    pytest.param("我们希望，专家的智慧能够渗透进课堂。", (), None, id="desire-xiwang"),
]


# A cue right before “: the class of the verb says whether the quotation is speech (rule quoting_class)
QUOTING = [
    pytest.param("专家们认为“这是一次成功的会议。”", (), ("专家们", "认为", "这是一次成功的会议。"), id="think-quotes"),
    pytest.param("王明坦陈“这次比赛压力很大。”", ("王明",), ("王明", "坦陈", "这次比赛压力很大。"), id="say-quotes"),
    pytest.param("美方批评“这是干涉内政的行为。”", (), ("美方", "批评", "这是干涉内政的行为。"), id="accuse-quotes"),
    pytest.param("会议要求“各级干部必须下基层。”", (), None, id="demand-names-a-rule"),
    pytest.param("他们承诺“三年内全部完工。”", (), None, id="promise-names-a-pledge"),
]


@pytest.mark.parametrize(("text", "names", "expected"), CUE_CLASSES + QUOTING)
def test_cue_verbs_by_class(text: str, names: tuple[str, ...], expected: tuple[str, str, str] | None) -> None:
    found = [(q["speaker_name"], q["cue"]["text"], q["content"]["text"]) for q in attribute_quotes(text, persons(text, *names))]
    assert found == ([expected] if expected else [])


# A cue word that is a noun here (的报道说) leaves the cue that ends it (说)
INNER_CUES = [
    pytest.param("新华社的报道说，今年粮食产量创历史新高。", ("新华社的报道", "说", "今年粮食产量创历史新高。"), id="de-baodao-shuo"),
    pytest.param("美联社的报道称，谈判已经破裂。", ("美联社的报道", "称", "谈判已经破裂。"), id="de-baodao-cheng"),
    pytest.param("新华社报道说，今年粮食产量创历史新高。", ("新华社", "报道说", "今年粮食产量创历史新高。"), id="baodao-shuo-a-verb"),
    pytest.param("这是他的报道，很受欢迎。", None, id="de-baodao-noun"),
    # 消息 is a cue only in a clause opening with 据 (rule according_to)
    pytest.param("据新华社消息，国务院今天召开常务会议。", ("新华社", "消息", "国务院今天召开常务会议。"), id="ju-xinhuashe-xiaoxi"),
    pytest.param("新华社北京１月５日消息，国务院今天召开常务会议。", None, id="dateline-xiaoxi"),
    pytest.param("这一消息，令人振奋。", None, id="zheyi-xiaoxi"),
    # 根据 introduces a source as 据 does, and is no part of it
    pytest.param("根据新华社消息，国务院今天召开常务会议。", ("新华社", "消息", "国务院今天召开常务会议。"), id="genju-xinhuashe-xiaoxi"),
    pytest.param("根据新华社报道，国务院今天召开常务会议。", ("新华社", "报道", "国务院今天召开常务会议。"), id="genju-xinhuashe-baodao"),
    # 说法 too is a cue only in that frame, where a 的 before it is the frame's (据X的说法)
    pytest.param("据路透社的说法，谈判已经破裂。", ("路透社", "说法", "谈判已经破裂。"), id="ju-de-shuofa"),
    pytest.param("他的说法，没有根据。", None, id="de-shuofa-noun"),
    pytest.param("据说法国队已经出发。", None, id="jushuo-faguo"),
]


@pytest.mark.parametrize(("text", "expected"), INNER_CUES)
def test_a_cue_inside_a_noun_cue(text: str, expected: tuple[str, str, str] | None) -> None:
    found = [(q["speaker_name"], q["cue"]["text"], q["content"]["text"]) for q in attribute_quotes(text)]
    assert found == ([expected] if expected else [])


@pytest.fixture
def seed(fixtures: Path) -> str:
    return seed_text(fixtures / "seed_zzwb_20130428.txt")


def test_seed_attributions(seed: str) -> None:
    """The done criterion: 马懿 指出/强调; 吴天君 via 他指出, 要求, 强调; both pull quotes."""
    found = [(q["speaker_name"], q["speaker"]["text"], q["cue"]["text"], q["kind"]) for q in attribute_quotes(seed)]
    assert ("马懿", "马懿", "指出", "indirect") in found
    assert ("马懿", "马懿", "强调", "indirect") in found
    assert ("吴天君", "他", "指出", "indirect") in found
    assert ("吴天君", "吴天君", "要求", "indirect") in found
    assert ("吴天君", "吴天君", "强调", "indirect") in found
    assert ("吴天君", "吴天君", "——", "direct") in found
    assert ("马懿", "马懿", "——", "direct") in found
    assert len(found) == 8  # plus the headline's 督察讲评会强调


def test_seed_speech_extents(seed: str) -> None:
    quotes = {(q["speaker_name"], q["cue"]["text"], q["kind"]): q["content"]["text"] for q in attribute_quotes(seed)}
    assert quotes[("马懿", "指出", "indirect")].endswith("五要坚持以投促超,着力建设航空港经济综合实验区。")
    assert "快投产、达产" in quotes[("马懿", "指出", "indirect")]  # the paragraph cut by the layout goes on
    assert quotes[("吴天君", "要求", "indirect")].endswith("提升发展质量和层次。")
    assert "各县(市)区党政主要负责同志" not in "".join(quotes.values())


def test_no_seed_slogan_is_a_quote(seed: str) -> None:
    slogans = [(m.start() + 1, m.end() - 1) for m in re.finditer(r"“[^“”\n]+”", seed)]
    assert len(slogans) >= 20
    for quote in attribute_quotes(seed):
        content = quote["content"]
        assert not any(s <= content["start"] and content["end"] <= e for s, e in slogans), content["text"]


def test_seed_with_entities_and_reporters(seed: str) -> None:
    """A recogniser's entities (reporters included) change nothing on the seed."""
    entities = persons(seed, "吴天君", "马懿", "胡荃", "王继兵", "袁帅")
    with_entities = attribute_quotes(seed, entities, {"reporters": ["王继兵", "袁帅"]})
    assert with_entities == attribute_quotes(seed)


@pytest.mark.parametrize(
    ("text", "sources"),
    [
        ("马懿说：“今年要加快发展。”", ["direct_after_cue"]),
        ("“今年要加快发展，把项目建好。”马懿说。", ["direct_before_cue"]),
        ("马懿：要加快项目建设\n正文。", ["headline_colon"]),
        ("马懿在会上指出，全市经济发展趋势向好。", ["reported_clause"]),
        ("马懿来到工地。他说，全市经济发展趋势向好。", ["reported_clause+pronoun_coref"]),
        ("马懿说：“今年要加快发展。”\n“我们要坚持以投促超，着力建设航空港。”", ["direct_after_cue", "uncued_continuation"]),
        ("买房新规将生效 路透社称，新规将正式生效。", ["reported_clause+after_unit_gap"]),
    ],
)
def test_each_attribution_names_the_path_that_made_it(text: str, sources: list[str]) -> None:
    assert [q["source"] for q in attribute_quotes(text, persons(text, "马懿"))] == sources


def test_seed_attribution_sources(seed: str) -> None:
    found = {(q["speaker"]["text"], q["cue"]["text"], q["source"]) for q in attribute_quotes(seed)}
    assert {("他", "指出", "reported_clause+pronoun_coref"), ("马懿", "——", "pull_quote_attribution")} <= found


def _blocks(text: str, *kinds: str) -> list[Block]:
    """One layout block per paragraph of ``text``, of the given kinds in order."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    ends = [m.start() for m in re.finditer("\n", text)] + [len(text)]
    return [Block(kind, start, end) for kind, start, end in zip(kinds, starts, ends, strict=True)]


SIGNED_NOTE = "本专栏每逢周日刊出。\n愿《地方新闻》成为您的益友。\n——编者"
PULL_QUOTE = "正文第一段。\n“稳住外贸基本盘，关键在企业。”\n——王伟中"


@pytest.mark.parametrize(
    ("text", "kinds", "pull_quotes"),
    [
        # without blocks (a corpus file, a gold set) the ——NAME line is recognised from the text
        (PULL_QUOTE, None, ["王伟中"]),
        (SIGNED_NOTE, None, ["编者"]),
        # with blocks, layout decides: a signature it read as body closes no pull quote
        (PULL_QUOTE, ("body", "pull_quote", "attribution"), ["王伟中"]),
        (SIGNED_NOTE, ("body", "body", "body"), []),
    ],
)
def test_pull_quote_attributions_follow_the_layout_blocks(text: str, kinds: tuple | None, pull_quotes: list[str]) -> None:
    blocks = _blocks(text, *kinds) if kinds else ()
    found = [q["speaker_name"] for q in attribute_quotes(text, (), {}, blocks) if q["source"] == "pull_quote_attribution"]
    assert found == pull_quotes


def test_a_name_on_a_byline_block_never_speaks() -> None:
    """Layout's byline holds reporters: a pronoun after one is not resolved to the reporter."""
    text = "市长会见外商\n通讯员 马懿\n他指出，今年要加快发展。"
    names = persons(text, "马懿")
    assert [q["speaker_name"] for q in attribute_quotes(text, names)] == ["马懿"]  # without layout: taken for a speaker
    bylined = attribute_quotes(text, names, {}, _blocks(text, "headline", "byline", "body"))
    assert [q["speaker_name"] for q in bylined] == [None]


def test_every_cue_in_the_lexicon_has_a_known_class_and_says_where_it_came_from() -> None:
    from pipeline.stages.quotes.lexicon import CUES

    classes = {"say", "state", "think", "report", "write", "answer", "ask", "demand", "accuse", "promise", "inform", "praise"}
    assert CUES and all(entry.cue_class in classes and entry.source.strip() for entry in CUES)
    assert len({entry.word for entry in CUES}) == len(CUES)
    words = [entry.word for entry in CUES]
    assert words.index("说道") < words.index("说") and words.index("声称") < words.index("称")


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("外交部发言人王毅回应，中方不接受。", "回应"),  # modern hand list
        ("专家估计，今年增长放缓。", "估计"),  # mined from pd1998 train
        ("他直言：“这不公平。”", "直言"),
    ],
)
def test_cues_from_the_lexicon_file_open_speech(text: str, cue: str) -> None:
    quotes = attribute_quotes(text, [])
    assert [q["cue"]["text"] for q in quotes] == [cue]


@pytest.mark.parametrize(
    ("name", "mentions", "full"),
    [
        ("桥本", [(0, 5, "桥本龙太郎"), (20, 22, "桥本")], "桥本龙太郎"),  # a surname used alone
        ("杰克逊", [(0, 6, "马克-杰克逊")], "马克-杰克逊"),  # a family name after a separator
        ("沈忠", [(0, 3, "沈忠主")], "沈忠"),  # one character more: a recogniser's overreach (沈忠主任)
        ("志强", [(0, 3, "李志强")], "志强"),
        ("马懿", [], "马懿"),
        ("伍绍祖", [(0, 6, "伍绍祖袁伟民"), (9, 12, "袁伟民")], "伍绍祖"),  # two names run together, not a longer form
        ("董", [(0, 3, "董现明"), (20, 21, "董")], "董现明"),  # a surname alone (董大夫): the one person bearing it
        ("董", [(0, 3, "董现明"), (20, 23, "董大夫"), (20, 21, "董")], "董现明"),  # 董大夫: the surname addressed, no other person
        ("王", [(0, 3, "王佑民"), (9, 12, "王主任")], "王佑民"),  # a title after the surname likewise
        ("王", [(0, 3, "王佑民"), (9, 12, "王璋明")], "王"),  # two bear it: unresolved
        ("的", [(0, 3, "的确好")], "的"),  # no surname
    ],
)
def test_full_name(name: str, mentions: list[tuple[int, int, str]], full: str) -> None:
    from pipeline.stages.quotes.coref import full_name

    assert full_name(name, mentions) == full


@pytest.mark.parametrize(
    ("text", "speakers"),
    [
        # a finding reports evidence, not words said
        ("调查结果表明，多数人支持。", []),
        ("研究表明，多数人支持。", []),
        # an addressee of any paper before the punctuation
        ("外交部发言人王毅告诉新京报记者，中方不接受。", [("王毅", "王毅")]),
        # a plural pronoun is the group that spoke last
        ("与会专家认为，经济向好。他们表示，明年会更好。", [("与会专家", "与会专家"), ("他们", "与会专家")]),
    ],
)
def test_sources_and_their_names(text: str, speakers: list[tuple[str, str]]) -> None:
    quotes = attribute_quotes(text, [])
    assert [(q["speaker"]["text"], q["speaker_name"]) for q in quotes] == speakers


@pytest.mark.parametrize(
    ("text", "cues"),
    [
        ("外交部发言人王毅明确表示，中方反对。", ["表示"]),  # an adverb before a verb
        ("会议提出了明确要求，必须落实。", []),  # an adjective before a noun
        ("及时反映各方的意见和要求，进一步改进工作。", []),  # the last of coordinated nouns
        ("产品经理泰勒周三告诉CNBC，数据不会泄露。", ["告诉"]),  # whom a telling cue tells, whatever it is
        # rule negated_cue: a negated cue reports no words
        ("不过，特朗普并未说明，上述计划是否只针对移民。", []),
        ("波尼拉没有透露，出售空气的具体方式。", []),
        ("她不相信，歌剧会落入低谷。", []),
        ("不得不说，这样的齐肩发真的很适合她。", []),
        ("蒲某未曾告知，家长及学校。", []),
        ("导演杨阳特别强调，剧组历经三年筹备。", ["强调"]),  # 特别 is an adverb: no negation
        ("他不断表示，自己没有问题。", ["表示"]),  # 不断 "again and again"
    ],
)
def test_cue_words_as_verbs_and_as_nouns(text: str, cues: list[str]) -> None:
    from pipeline.stages.quotes.cues import find_cues
    from pipeline.stages.quotes.spans import paragraphs

    assert [c.text for c in find_cues(text, paragraphs(text)) if c.mark != "clause"] == cues


def test_a_quotation_with_no_cue_after_narration_about_someone_is_theirs() -> None:
    text = "苗侨伟说，这次主要是看剧情。黄宗泽还特地找了英文老师补课，“拿着剧本练，闲话家常是可以的。”"
    persons_here = [{"start": text.index(n), "end": text.index(n) + len(n), "label": "PERSON"} for n in ("苗侨伟", "黄宗泽")]
    quotes = attribute_quotes(text, persons_here)
    assert [(q["speaker_name"], q["source"]) for q in quotes] == [("苗侨伟", "reported_clause"), ("黄宗泽", "uncued_after_narration")]


@pytest.mark.parametrize(
    ("text", "name", "named"),
    [
        ("沃尔玛副总裁乔·帕克(Joe Park)的说法。Park称，数据安全。", "Park", "乔·帕克"),  # the person before the gloss
        ("卢克泰勒（Luke Taylor）周三说。", "Luke Taylor", "卢克泰勒"),  # no person found: the words before it
        ("Park称，数据安全。", "Park", None),  # never glossed
        ("乔·帕克(Joe Park)说。", "帕克", None),  # not a Latin form
    ],
)
def test_a_latin_form_is_the_name_it_glosses(text: str, name: str, named: str | None) -> None:
    from pipeline.stages.quotes.coref import glossed_name

    mentions = [(text.find("乔·帕克"), text.find("乔·帕克") + 4, "乔·帕克")] if "副总裁" in text else []
    assert glossed_name(text, name, mentions) == named


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("“我们希望课堂更好。”对于本次合作的初衷，副总经理刘开这样说。", [("刘开", "我们希望课堂更好。", "direct_before_cue")]),
        ("“我们希望课堂更好。”在本次合作中，副总经理刘开这样说。", []),  # only a clause of topic is passed
    ],
)
def test_a_quotation_before_a_clause_of_topic_and_its_cue(text: str, found: list[tuple[str, str, str]]) -> None:
    person = [{"start": text.index("刘开"), "end": text.index("刘开") + 2, "label": "PERSON"}]
    assert [(q["speaker_name"], q["content"]["text"], q["source"]) for q in attribute_quotes(text, person)] == found


def test_a_definite_description_is_who_it_points_back_to() -> None:
    text = "该公司相关工作人员告诉记者，门店已经接到通知。该工作人员表示，只会下架部分版本。"
    assert [q["speaker_name"] for q in attribute_quotes(text, [])] == ["该公司相关工作人员", "该公司相关工作人员"]
