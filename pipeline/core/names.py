"""The name lists every rule that finds a person shares: surnames and the titles that stand before a name.

Kept below the entity rules and the quote attributor (and the training data's renaming), so
that "a surname" and "a title" mean one thing everywhere.  The surname list is a data file
with its source (``data/surnames.txt``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data"

# Office and job titles standing before a name (市委副书记、市长马懿, 记者孟为), as the person rules use them.
TITLES = (
    "总书记 书记 副书记 市长 副市长 常务副市长 省长 副省长 常务副省长 县长 副县长 区长 副区长 镇长 乡长 村长 "
    "主任 副主任 部长 副部长 局长 副局长 厅长 副厅长 处长 科长 主席 副主席 国家主席 总理 副总理 秘书长 "
    "常委 委员 董事长 总经理 副总经理 经理 院长 副院长 校长 副校长 教授 研究员 总裁 司令员 政委 大使 "
    "记者 通讯员 实习生 主持人 负责人 发言人 队长 所长 站长 行长 会长 理事长 检察长 庭长 法官 警官 民警"
).split()

# Forms of address after a surname (黄小姐, 董大夫): the surname alone names the person.
HONORIFICS = "小姐 先生 女士 师傅 老师 大夫 大爷 大妈 阿姨 大姐 大哥 老汉 大娘 大叔".split()


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    """Chinese surnames, single and compound (欧阳, 司马)."""
    lines = (DATA / "surnames.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(word for line in lines if not line.startswith("#") for word in line.split())
