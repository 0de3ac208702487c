"""Two documents that two reviewers annotated alone, with known differences, and the figures worked out by hand.

The fast tests (``test_agreement.py``, ``test_adjudicate.py``) give these annotations to the pure
functions; the doccano test (``test_doccano_double.py``) makes the same marks through the API as
two reviewers and expects the same figures. The texts are written for the tests.

Document ``double-1`` (24 characters)::

    市委书记吴天君指出，郑州日报今年投资增长12%。
    0123456789...: 吴天君 4-7, 指出 7-9, 郑州日报 10-14, 今年 14-16, 12% 20-23, the sentence 10-24

alice: PERSON 吴天君, ORG 郑州日报, DATE 今年, PERCENT 12%; SPEAKER 吴天君, CUE 指出, CONTENT 10-24
       (with its full stop); links CONTENT -> SPEAKER (SPEAKER_OF) and CONTENT -> CUE (CUE_OF).
bob:   PERSON 吴天君, PERSON 郑州日报 (label differs), no DATE (missing), PERCENT 12%; SPEAKER, CUE as
       alice, CONTENT 10-23 (without the full stop: boundary); only the SPEAKER_OF link (CUE_OF missing).

Document ``double-2`` (14 characters), where both mark the same::

    他说：“明年还要扩大规模。”
    他 0-1 SPEAKER, 说 1-2 CUE, 明年 4-6 DATE, CONTENT 4-13, both links.
"""

from __future__ import annotations

from pipeline.review.agreement import Annotation

TEXTS = {
    "double-1": "市委书记吴天君指出，郑州日报今年投资增长12%。",
    "double-2": "他说：“明年还要扩大规模。”",
}
REVIEWERS = ("alice", "bob")

_C1A, _C1B, _SP1, _CU1 = (10, 24, "CONTENT"), (10, 23, "CONTENT"), (4, 7, "SPEAKER"), (7, 9, "CUE")
_C2, _SP2, _CU2 = (4, 13, "CONTENT"), (0, 1, "SPEAKER"), (1, 2, "CUE")
_SAME_2 = Annotation(
    frozenset({(4, 6, "DATE"), _SP2, _CU2, _C2}), frozenset({(_C2, _SP2, "SPEAKER_OF"), (_C2, _CU2, "CUE_OF")})
)
MARKS: dict[str, dict[str, Annotation]] = {
    "double-1": {
        "alice": Annotation(
            frozenset({(4, 7, "PERSON"), (10, 14, "ORG"), (14, 16, "DATE"), (20, 23, "PERCENT"), _SP1, _CU1, _C1A}),
            frozenset({(_C1A, _SP1, "SPEAKER_OF"), (_C1A, _CU1, "CUE_OF")}),
        ),
        "bob": Annotation(
            frozenset({(4, 7, "PERSON"), (10, 14, "PERSON"), (20, 23, "PERCENT"), _SP1, _CU1, _C1B}),
            frozenset({(_C1B, _SP1, "SPEAKER_OF")}),
        ),
    },
    "double-2": {"alice": _SAME_2, "bob": _SAME_2},
}

# The figures, by hand. 38 characters in all (24 + 14), so kappa's fractions are over 38 and 38² = 1444.
# (group, label): (exact F1, overlap F1, kappa on character tags)
EXPECTED: dict[tuple[str, str], tuple[float | None, float | None, float | None]] = {
    # alice 1 span, bob 2, 1 the same: 2·1/3. Overlap: alice's 1 of 1, bob's 1 of 2: F1 of 1 and 1/2 = 2/3.
    # Characters: alice covers 3, bob 7, they differ on 4: p_o = 34/38; p_e = (3·7 + 35·31)/1444 = 1106/1444;
    # kappa = (1292 - 1106) / (1444 - 1106) = 186/338.
    ("entities", "PERSON"): (2 / 3, 2 / 3, 186 / 338),
    # alice 1, bob 0: F1 0. Characters: alice 4, bob 0: p_o = 34/38 = p_e = (0 + 34·38)/1444: kappa 0.
    ("entities", "ORG"): (0.0, 0.0, 0.0),
    # alice 2 (今年, 明年), bob 1 (明年): 2·1/3; overlap: 1/2 and 1/1: 2/3. Characters: alice 4, bob 2, differ on 2:
    # p_o = 36/38 = 1368/1444; p_e = (4·2 + 34·36)/1444 = 1232/1444; kappa = 136/212.
    ("entities", "DATE"): (2 / 3, 2 / 3, 136 / 212),
    ("entities", "PERCENT"): (1.0, 1.0, 1.0),
    # All entities: alice 5, bob 4, 3 the same: 6/9; overlap 3/5 and 3/4: 2·0.45/1.35 = 2/3.
    # Tags O/PERSON/ORG/DATE/PERCENT differ on 郑州日报 (ORG/PERSON) and 今年 (DATE/O): p_o = 32/38 = 1216/1444;
    # alice PERSON 3, ORG 4, DATE 4, PERCENT 3, O 24; bob 7, 0, 2, 3, 26:
    # p_e = (21 + 0 + 8 + 9 + 624)/1444 = 662/1444; kappa = (1216 - 662)/(1444 - 662) = 554/782.
    ("entities", "all"): (2 / 3, 2 / 3, 554 / 782),
    ("quote roles", "SPEAKER"): (1.0, 1.0, 1.0),
    ("quote roles", "CUE"): (1.0, 1.0, 1.0),
    # 2 each, 1 the same: 1/2; both overlap: 1. Characters: alice 14 + 9 = 23, bob 13 + 9 = 22, differ on 1:
    # p_o = 1406/1444; p_e = (23·22 + 15·16)/1444 = 746/1444; kappa = 660/698.
    ("quote roles", "CONTENT"): (0.5, 1.0, 660 / 698),
    # 6 each, 5 the same: 10/12; overlap 1. Tags differ on the full stop only: p_o = 1406/1444;
    # SPEAKER 4 and 4, CUE 3 and 3, CONTENT 23 and 22, O 8 and 9: p_e = (16 + 9 + 506 + 72)/1444 = 603/1444;
    # kappa = 803/841.
    ("quote roles", "all"): (10 / 12, 1.0, 803 / 841),
    # 2 each, 1 the same (double-2): 1/2; double-1's two links have overlapping ends: overlap 1.
    ("links", "SPEAKER_OF"): (0.5, 1.0, None),
    # alice 2, bob 1, 1 the same: 2/3; overlap 1/2 and 1/1: 2/3.
    ("links", "CUE_OF"): (2 / 3, 2 / 3, None),
    # alice 4, bob 3, 2 the same: 4/7; overlap 3/4 and 3/3: 2·0.75/1.75 = 6/7.
    ("links", "all"): (4 / 7, 6 / 7, None),
}

# The disagreements of double-1, in text order (a tie: links, then quote roles): item, layer, what, labels, stretch.
DISAGREEMENTS = [
    (1, "entities", "label", ("ORG", "PERSON"), (10, 14)),
    (2, "links", "missing", ("CUE_OF",), (10, 24)),
    (3, "links", "boundary", ("SPEAKER_OF",), (10, 24)),
    (4, "quote roles", "boundary", ("CONTENT",), (10, 24)),
    (5, "entities", "missing", ("DATE",), (14, 16)),
]
# The adjudicator's decisions on them, and what double-1 holds after: 郑州日报 an ORG (written out as a span),
# alice's quote and links, no DATE on 今年 (bob's "nothing").
DECISIONS = {
    1: [{"start": 10, "end": 14, "label": "ORG"}],
    2: "alice",
    3: "alice",
    4: "alice",
    5: "bob",
}
ADJUDICATED_ENTITIES = {(4, 7, "PERSON", "吴天君"), (10, 14, "ORG", "郑州日报"), (20, 23, "PERCENT", "12%")}
ADJUDICATED_QUOTE = {"speaker": "吴天君", "cue": "指出", "content": "郑州日报今年投资增长12%。"}
