"""Character classes, translation tables and precompiled patterns shared by the text stages.

Kept in one place (as textacy keeps its ``resources``) so normalisers and layout
rules agree on what "Chinese text", "sentence end" or "page furniture" means.
"""

from __future__ import annotations

import re

# --- character classes (as regex class bodies) --------------------------------------------
# Han characters: CJK unified ideographs, extension A, compatibility ideographs and the
# supplementary planes (extensions B and after). The one definition of "a Chinese character".
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
CJK_PUNCT = "\u3000-\u303f\uff00-\uffef\u2014\u2018\u2019\u201c\u201d\u2026\u00b7"
NAME_DOT = "·"  # between the parts of a foreign name (马蒂厄·克雷库)
# Brackets and the brackets that close them; and each closing bracket with the one that opens it.
BRACKET_PAIRS = dict(zip("（(【《「『〈[{", "）)】》」』〉]}"))
OPENING_OF = {closing: opening for opening, closing in BRACKET_PAIRS.items()}
# A character that belongs to Chinese running text: a Han character or CJK / full-width punctuation.
CJK = HAN + CJK_PUNCT
SPACES = " \t\u00a0"
# Spaces and the ideographic space: what is stripped from a printed line's ends.
BLANKS = SPACES + "\u3000"
BULLETS = "□■◆◇●○▲△★☆◎▼▽"

# --- character tables -----------------------------------------------------------------------
# ASCII punctuation an OCR engine reads where the page had full-width punctuation.
ASCII_TO_FULLWIDTH_PUNCT = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"}
# An ASCII full stop that ends a Chinese sentence (良好. 据介绍): after a Chinese character, before
# another, a quote mark or the line's end. A decimal point stands between digits and stays.
ASCII_FULL_STOP_RE = re.compile(f"(?<=[{HAN}])\\.(?=[ \t]*(?:$|[{HAN}“”「」『』]))", re.MULTILINE)
# Full-width ASCII forms (！ .. ～) to ASCII, by code point; the ideographic space is no such form.
FULLWIDTH_ASCII = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
# Of those, the digits and Latin letters.
FULLWIDTH_ALNUM_TO_ASCII = {chr(full): chr(half) for full, half in FULLWIDTH_ASCII.items() if chr(half).isalnum()}
# What normalisation folds: those, the per-cent sign and no-break spaces (same length: offsets survive).
FULLWIDTH_TO_HALFWIDTH = str.maketrans({**FULLWIDTH_ALNUM_TO_ASCII, "％": "%", "\u00a0": " "})
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
CONTROL = "\x00-\x08\x0b\x0e-\x1f\x7f-\x9f"

SENTENCE_FINAL = "。！？!?…"
CLOSING_QUOTES = "”’」』"
# A line ending in one of these may end a paragraph.
PARAGRAPH_FINAL = SENTENCE_FINAL + CLOSING_QUOTES + "：:）)》"
NO_LINE_START = "，。、；：！？）》」』”’…％,.;:!?)%"

# Quote marks by family: (opening, closing, the ASCII mark an OCR engine reads for either).
DOUBLE_QUOTES = ("“", "”", '"')
SINGLE_QUOTES = ("‘", "’", "'")
# What an OCR engine reads for a double quote mark between Chinese characters (``该所的′ 出版物”``).
DOUBLE_QUOTE_LOOKALIKES = "′"
# Corner brackets used as quote marks (「…」, 『…』 inside): to the curly quotes the rest of the
# pipeline reads as speech, double and single.
CORNER_QUOTES = {"「": "“", "」": "”", "『": "‘", "』": "’"}
CORNER_QUOTE_RE = re.compile("[「」『』]")
# A quote mark right after one of these opens (``他说：“``, ``（“``) ...
QUOTE_OPENS_AFTER = "：:（(《"
# ... and right before one of these closes (``“种子工程”，``): no quotation starts with them.
QUOTE_CLOSES_BEFORE = "。，！？、；：）》,.!?;:)"

# Characters that do not start / end a headline phrase: a space next to them cuts a phrase.
FUNCTION_START = "和与及或的地得了着过们之而并且等"
FUNCTION_END = "的和与及或对把被从向在为以于而并将"

WEEKDAYS = "一二三四五六日天"

# --- precompiled patterns ---------------------------------------------------------------------
CRLF = re.compile(r"\r\n?|\x0c")
ZERO_WIDTH_RE = re.compile(f"[{ZERO_WIDTH}]")
CONTROL_RE = re.compile(f"[{CONTROL}]")
HAN_RE = re.compile(f"[{HAN}]")
HAN_RUN_RE = re.compile(f"[{HAN}]+")
# A Latin letter, half- or full-width (full-width ones are folded only later in some texts).
LATIN_LETTER_RE = re.compile("[A-Za-z\uff21-\uff3a\uff41-\uff5a]")
LATIN_OR_DIGIT_RE = re.compile("[A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
FULLWIDTH_ALNUM_RE = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a％\u00a0]")
FULLWIDTH_DECIMAL_POINT_RE = re.compile(r"(?<=[0-9])．(?=[0-9])")
# "next to" looks across a line end, since lines are rejoined later: ``增长5%,`` | ``工业企业``
# A run of marks goes at once (``中::::`` -> ``中：：：：``), as it would mark by mark.
ASCII_PUNCT_NEAR_CJK_RE = re.compile(f"(?<=[{CJK}])[,;:()!?]+|[,;:()!?]+(?=[ \t]*\n?[ \t\u3000]*[{CJK}])")
TRAILING_SPACE_RE = re.compile(f"[{SPACES}\u3000]+$", re.MULTILINE)
LEADING_BULLET_RE = re.compile(f"^[{SPACES}]*[{BULLETS}]+[{SPACES}]*", re.MULTILINE)
SPACE_BETWEEN_CJK_RE = re.compile(f"(?<=[{CJK}])[{SPACES}]+(?=[{CJK}])")
SINGLE_SPACE_BETWEEN_CJK_RE = re.compile(f"(?<=[{CJK}])[{SPACES}](?=[{CJK}])")
INDENT_RE = re.compile(f"^(?:\u3000+|[{SPACES}]{{2,}})")

MARKDOWN_HEADING_RE = re.compile(r"^(#{1,6})[ \t]+")
# A run of two or more spaces between two non-space characters: where side-by-side columns meet.
COLUMN_GAP_RE = re.compile(f"(?<=\\S)[{SPACES}]{{2,}}(?=\\S)")

# An issue date in a running head: 2013年4月28日, or 2023-07-16, 2023.7.16, 2023/7/16. OCR loses the 日
# (1998年1月19), reads 1 as ] or l in month and day (1998年]月19日): OCR_DATE_DIGITS reads them back; and
# doubles a digit (1998年1月195日), which the weekday beside it sets right (pipeline.page.layout.issue_date).
DATE_RE = re.compile(
    r"(?P<year>(?:19|20)\d\d)(?:\s*年\s*(?P<month>[\d\]lIOo]{1,2})\s*月\s*(?P<day>[\d\]lIOo]{1,3})(?:\s*日)?(?![\d\]lIOo])"
    r"|(?P<sep>[-./])(?P<month2>\d{1,2})(?P=sep)(?P<day2>\d{1,2})(?!\d))"
)
# What an OCR engine reads for 1 and 0 inside a printed date (1998年]月16日, 2023年l0月8日): between a
# digit or 年/月 and a digit or 月/日; taken for digits when a running head's date is looked for.
DATE_DIGIT_LOOKALIKE_RE = re.compile(r"(?<=[\d年月])[\]\[|lIiOo](?=\s*[\d月日])")
DATE_DIGIT_LOOKALIKES = str.maketrans({"]": "1", "[": "1", "|": "1", "l": "1", "I": "1", "i": "1", "O": "0", "o": "0"})
OCR_DATE_DIGITS = DATE_DIGIT_LOOKALIKES  # the same table, by the name the running-head reader uses
# A running head's date whose month or day OCR garbled past DATE_RE (1998年志17日, 2018年10月:日), or whose
# day stands on the head's next line (2018年10 13): read only with a weekday (pipeline.page.layout.garbled_issue_date).
GARBLED_DATE_RE = re.compile(
    r"(?P<year>(?:19|20)\d\d)\s*年\s*(?P<month>\d{1,2}|[^\s\d年月日])\s*月?\s*(?P<day>\d{1,2}|[^\s\d年月日])\s*(?:日|$|\s)"
)
# A running head's date that OCR broke (2018年11月日, 1998年1有49日, 2018年10): a date, of no use.
PARTIAL_DATE_RE = re.compile(r"(?:19|20)\d\d\s*年\S{0,6}?(?:日|(?=\s|$))")
WEEKDAY_RE = re.compile(f"(?:星期|周|礼拜)[{WEEKDAYS}]")
PUBLICATION_RE = re.compile(f"[{HAN}]{{2,10}}?(?:日报|晚报|早报|时报|商报|晨报|青年报|法制报|经济报|都市报|导报|周报|报)")
# Page numbers as OCR reads them: ``O``/``o`` for 0 and ``l``/``I``/``L`` for 1 after the section letters (``AO5``, ``Al2``).
PAGE_NUMBER = r"[A-Z]{0,2}?[\dOolIL]{1,3}"
OCR_PAGE_DIGITS = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "L": "1"})
PAGE_RE = re.compile(r"(?:第\s*)?(?P<page>" + PAGE_NUMBER + r")\s*(?:版)?")
# A page named inside a running head, with its 版 (第4版, A02版) or standing alone between fields (A02);
# a spread by its first page (A08-A09 -> A08).
PAGE_IN_HEAD_RE = re.compile(
    r"第\s*(?P<page>" + PAGE_NUMBER + r")\s*版"
    r"|(?<![^\s\u3000])(?P<alone>" + PAGE_NUMBER + r")(?:[-–]" + PAGE_NUMBER + r")?(?:\s*版)?(?![^\s\u3000])"
)
# An end mark under a story: （完）, (全文完), （待续）.
END_MARK_RE = re.compile(r"^[（(]\s*(?:完|全文完|待续|未完待续|未完)\s*[）)]$")
# An editor's note before a story (【编者按】, 编者按：): text of the page, never its headline.
EDITORS_NOTE_RE = re.compile(r"^(?:【\s*编者(?:按|的话)\s*】|编者(?:按|的话)\s*[：:])")
# A jump line where an article breaks across pages: （下转第五版）, (上接第1版), （转A3版）.
JUMP_LINE_RE = re.compile(r"^[（(]\s*(?:下转|上接|转|接)\s*第?\s*[A-Z0-9一二三四五六七八九十]{1,4}\s*版\s*[）)]$")
# Fields of a running head besides date, weekday, paper and page: the lunar date (农历癸卯年五月廿九),
# the issue number (第7136期, 总第1234期, 今日24版), the serial and postal codes (国内统一连续出版物号
# CN41-0003, 邮发代号35-1), and the bars between fields.
HEAD_FIELD_RE = re.compile(
    r"农历\s*(?:[甲乙丙丁戊己庚辛壬癸][子丑寅卯辰巳午未申酉戌亥]年)?\s*(?:闰)?[正一二三四五六七八九十冬腊]{1,2}月\s*(?:初|十|廿|二十|三十)?[一二三四五六七八九十]?"
    r"|总?第\s*\d+\s*期|今日\s*\d+\s*版|(?:国内统一连续出版物号|邮发代号|国际标准连续出版物号)\s*[：:]?\s*(?:CN|ISSN)?\s*[\dA-Z-]+"
    r"|CN\s*\d+-\d+(?:/[A-Z]+)?|[|｜]"
)
# A running head's staff credits (责任编辑：刘洋, 美编 王芳): furniture, not the paper's text.
_STAFF_ROLES = r"(?:责任编辑|本版编辑|图片编辑|编辑|美编|校对|版式设计|版式|制图)"
# a role, a colon (or what OCR reads for one: ；，) or a space, then names; a second role is no name of the first,
# nor is the paper's name the head prints next (责任编辑：赵刚  大河报)
STAFF_CREDIT_RE = re.compile(
    f"{_STAFF_ROLES}(?:\\s*[：:；;，,.]+\\s*|\\s+)[{HAN}]{{1,4}}(?:[、\\s]+(?!{_STAFF_ROLES})(?![{HAN}]{{1,3}}报)[{HAN}]{{2,4}})*"
)
PAGE_LINE_RE = re.compile(r"^(?:第\s*)?(?P<page>" + PAGE_NUMBER + r")(?:\s*版)?(?:\s*[" + HAN + r"]{2,6})?$")
# What an OCR engine reads into the white space between the fields of a running head or between
# close columns: a quote mark, or a full stop or comma standing after a space (``河南日报”1998年``).
STRAY_MARK_RE = re.compile(r"[ \t]*[“”\"]+[ \t]*|[ \t]+[。，,.][“”\"]?(?=[ \t]|$)")
# Where two close columns may meet on one OCR line: a space, or a stray mark with or without spaces.
COLUMN_CUT_RE = re.compile(r"[ \t]*[“”\"]+[ \t]*|[ \t]+[。，,.][“”\"]?[ \t]*|[ \t]+")
PUBLICATION_LINE_RE = re.compile(f"^{PUBLICATION_RE.pattern}$")
WEEKDAY_LINE_RE = re.compile(f"^{WEEKDAY_RE.pattern}$")

# A byline: optional bullet, optional outlet, a role word, then the names.
BYLINE_RE = re.compile(
    # 本报讯 may lead the line; the outlet is the paper, its agency or its app (河南日报客户端)
    f"^[{BULLETS}]?[{SPACES}]*(?P<dateline>本报讯[{SPACES}\u3000]*)?"
    f"(?P<outlet>(?:本报|[{HAN}·]{{1,14}}?(?:报|社|台|网|刊|站|客户端|新闻|融媒体))?(?:特派|驻[{HAN}]{{1,4}})?)"
    # 文 and 图 are roles only as words of their own (图 张三, 文：李四): 图片新闻, 文化 start no byline
    f"(?P<role>(?:本报|特约|首席|见习|实习)?记者|通讯员|实习生|文/图|(?:文|图)(?=[{SPACES}\u3000：:])|摄影)"
    f"[{SPACES}\u3000：:]*(?P<names>[{HAN}·][{HAN}·{SPACES}\u3000、，,]*?)"
    # what the reporters did, after their names: 文/图, 摄, 报道, 发自北京
    f"(?:[{SPACES}\u3000]*(?:文/图|文／图|图/文|摄影|摄|报道|发自[{HAN}]{{2,6}}))?[{SPACES}\u3000]*$"
)
BYLINE_ROLE_RE = re.compile(r"(?:(?:本报|特约|首席|见习|实习)?记者|通讯员|实习生|文/图|摄影)")
# An in-text credit at the start of a story: 新华社北京1月15日电(记者孙杰) / 本报讯（记者 王继兵 袁帅）
CREDIT_RE = re.compile(
    r"[（(]\s*(?:[" + HAN + r"]{0,10}?)(?:(?:本报|特约)?记者|通讯员|实习生)\s*(?P<names>[" + HAN + r"·\s、，]{2,40}?)\s*[）)]"
)
#: A month or day in a dateline: digits (１月, 11月) or Chinese numerals (一月十三日, as 1998's pages also write them).
#: The quote attributor's datelines read both; the layout's story openers only digits (with both, 4 of the bench's
#: 2,012 synthetic pages read less exactly: make eval-reading, same text 0.7848 -> 0.7828).
DATE_NUMBER = "(?:\\d{1,2}|[一二三四五六七八九十]{1,3})"
# The opening words of a story's first paragraph: 本报讯, 本报郑州4月27日讯, 新华社北京3月5日电.
STORY_OPENER_RE = re.compile(
    r"^(?:本报讯|本报[" + HAN + r"]{0,8}?\d{1,2}月\d{1,2}日[讯电]|[" + HAN + r"]{1,8}?社[" + HAN + r"]{0,8}?\d{1,2}月\d{1,2}日电)"
)
NAME_SPLIT_RE = re.compile(f"[{SPACES}\u3000、，,]+")

# A pull-quote attribution line: ——吴天君 (layout finds them; the quote attributor reads the dash and the name)
ATTRIBUTION_RE = re.compile(f"^[{SPACES}\u3000]*(?P<dash>——|—|--|－－)[{SPACES}]*(?P<name>[{HAN}·]{{2,8}})[{SPACES}\u3000]*$")
LONE_QUOTE_MARK_RE = re.compile(r"^[“”\"「」『』]$")
