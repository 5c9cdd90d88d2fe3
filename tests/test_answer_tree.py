"""Why-trees read as answers: one sentence per distinct conclusion, a sanction with its condition and fine range,
comparisons in words, each article's words quoted once.

Beijing scenario bj/04 (双有, list of 2011-03-15, never starts; as of 2012-09-28, under the 2012 Law): art. 39
orders the correction within a time limit, and 拒不改正的，处以五万元以上五十万元以下的罚款. Two texts (BJ1 art. 11
and IM art. 11) each give the two-month start duty, so the same order follows from each.
"""

from __future__ import annotations

import pathlib
import re

import yaml

from cplaw import RuleBase
from cplaw.explain.render import to_text

SCENARIOS = pathlib.Path(__file__).parent / "scenarios"


def _assess(path: str):
    data = yaml.safe_load((SCENARIOS / path).read_text(encoding="utf-8"))
    return RuleBase.load().assess(data["profile"], str(data["as_of"]), data.get("options", []))


def test_the_answer_names_each_sanction_once_with_its_condition_and_fine() -> None:
    graph = _assess("provinces/bj/04-bj-toxic-never-starts-2012.yaml").explain("sanction(start_audit)")
    zh = to_text(graph, "zh")
    answer = zh.splitlines()[0]
    assert answer.count("责令限期改正") == 1
    assert "拒不改正的，县级以上地方人民政府负责清洁生产综合协调的部门、环境保护部门应当处五万元以上五十万元以下罚款" in answer
    tops = [line for line in zh.splitlines() if line.startswith("- ")]
    assert len(tops) == len(set(tops)) == 2
    en = to_text(graph, "en").splitlines()[0]
    assert "a fine of 50,000 to 500,000 yuan if it refuses to correct" in en and en.count("order the enterprise to correct within a time limit") == 1


def _quoted_articles(text: str) -> list[str]:
    return re.findall(r"^\s*(《[^》]+》（[^）]+）第[^：〔]+)[：〔]", text, flags=re.M)


def test_each_article_is_quoted_once_and_comparisons_read_as_words_in_full_detail() -> None:
    assessment = _assess("provinces/bj/04-bj-toxic-never-starts-2012.yaml")
    for graph in (assessment.explain("sanction(start_audit)"), assessment.why_not("time_barred")):
        for detail in ("brief", "full"):
            text = to_text(graph, "zh", detail)
            quoted = _quoted_articles(text)
            assert quoted and len(quoted) == len(set(quoted))
            assert not re.search(r" (<=|>=|!=|<|>) ", text), detail
    full = to_text(assessment.explain("mandatory"), "zh", "full")
    assert "“剧毒”不是“放射性”" in full and "《中华人民共和国清洁生产促进法》于 2012-09-28 有效" in full
