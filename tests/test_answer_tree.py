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


def test_why_not_says_first_what_fails_and_follows_a_route_six_conclusions_deep() -> None:
    # V-55: the list of 2012-07-20 gave two months to start, due 2012-09-20 (a Thursday); the audit started on
    # 2012-09-14, so no breach of the start duty, hence no sanction. Under APL art. 37 the sanction route runs
    # sanction ← law of the day ← decision day ← decision ← breach ← status late ← done after due: seven levels.
    graph = _assess("versions/55-publish-late-time-barred.yaml").why_not("sanction(start_audit)")
    zh, en = to_text(graph, "zh"), to_text(graph, "en")
    assert zh.splitlines()[0].endswith("第一条途径首先不满足条件“2012-09-14晚于2012-09-20”（见下）。")
    assert "the first route fails, first, the condition “2012-09-14 is after 2012-09-20” (below)." in en
    deepest = [line for line in zh.splitlines() if line.startswith(" " * 12 + "- ")]
    assert any(line.endswith("首个不满足的条件：2012-09-14晚于2012-09-20") for line in deepest)


def test_a_why_not_whose_first_route_meets_a_conclusion_no_rule_gives_says_so() -> None:
    # Dongguan (双超 and 双有, 2010): IM art. 27 maps only the report duty (art. 16) to Law art. 40; the late start
    # of the audit is not that duty, so no rule concludes it and the first sanction route ends there.
    data = yaml.safe_load((pathlib.Path(__file__).parent.parent / "facts" / "examples" / "dongguan-dyeing.yaml")
                          .read_text(encoding="utf-8"))
    graph = RuleBase.load().assess(data, "2010-04-01").why_not("sanction(start_audit)")
    assert "第一条途径首先不满足：“开展清洁生产审核”属于报送审核报告的义务（无规则可推出）（见下）。" in to_text(graph, "zh")
    assert "needs, first, “‘start the cleaner-production audit’ is a duty to submit an audit report”, which no rule " \
           "concludes here" \
        in to_text(graph, "en")


def test_why_not_says_which_provision_was_not_yet_in_force() -> None:
    """Dongguan, as of 2010-04-01, on the energy ground (高耗能). The ground comes only with the 2012 amendment's
    art. 27 para. 2 item (2), in force from 2012-07-01 (its art. 40 as amended); then the 2016 Measures' art. 8
    para. 1 item (2), from 2016-07-01; then the 2026 Code, from 2026-08-15 (its art. 1242). None applies on
    2010-04-01: the answer says so, the nearest first, instead of "no rule concludes it"."""
    profile = yaml.safe_load((pathlib.Path(__file__).parents[1] / "facts/examples/dongguan-dyeing.yaml").read_text("utf-8"))
    graph = RuleBase.load().assess(profile, "2010-04-01").why_not("mandatory(energy)")
    zh = to_text(graph, "zh").splitlines()
    assert "没有可推出该结论的规则" not in zh[0]
    assert "第一条途径所依据的规定在评估基准日（2010-04-01）尚未施行（自2012-07-01起施行）" in zh[0]
    routes = [line for line in zh if line.startswith("- ")]
    assert [r.split("起施行")[0][-10:] for r in routes] == ["2012-07-01", "2016-07-01", "2026-08-15"]
    assert routes[0].startswith("- 可能的途径：依《中华人民共和国清洁生产促进法》（2012年修正）第二十七条第二款第（二）项；"
                                "该规定在评估基准日（2010-04-01）尚未施行")
    en = to_text(graph, "en").splitlines()[0]
    assert "rests on a provision not yet in force on the as-of date, 2010-04-01 (in force from 2012-07-01)" in en
