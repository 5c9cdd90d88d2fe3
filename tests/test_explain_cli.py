"""Explanations (golden snapshots of the renderers) and the command line (exit codes, messages, contracts)."""

from __future__ import annotations

import json
import pathlib
import re

import pytest
import yaml

from cplaw import RuleBase
from cplaw.cli import main
from cplaw.explain.render import to_dot, to_json_data, to_text
from cplaw.profile import validate_assessment

HERE = pathlib.Path(__file__).parent
EXAMPLES = HERE.parent / "facts" / "examples"
DONGGUAN = str(EXAMPLES / "dongguan-dyeing.yaml")
GOLDEN = HERE / "golden"


@pytest.fixture(scope="module")
def assessment():
    """The Dongguan example moved to a province without rules of its own: the goldens show the national layer."""
    profile = yaml.safe_load((EXAMPLES / "dongguan-dyeing.yaml").read_text(encoding="utf-8"))
    profile["enterprise"].update(province="黑龙江", city="哈尔滨")
    return RuleBase.load().assess(profile, "2010-04-01")


def test_explanation_is_the_derivation(assessment) -> None:
    graph = assessment.explain("violation(start_audit, _, _, _, _)")
    kinds = {d["kind"] for _, d in graph.nodes(data=True)}
    assert {"conclusion", "rule", "input", "period", "comparison", "absent", "in_force"} <= kinds
    inputs = {d["path"] for _, d in graph.nodes(data=True) if d["kind"] == "input"}
    assert {"events[0]", "events[2]"} <= inputs  # the listing and the audit start
    rules = {d["rule"] for _, d in graph.nodes(data=True) if d["kind"] == "rule"}
    assert {"cc.violation", "cc.status.late", "im2004.start-audit", "cc.done"} <= rules
    data = to_json_data(graph)
    assert data["format"] == "cplaw.explanation/1" and data["roots"] and data["edges"]
    json.dumps(data)  # JSON-safe
    assert to_dot(graph).startswith("digraph explanation {")


def test_a_short_query_means_any_value_for_the_rest(assessment) -> None:
    short, full = assessment.explain("violation(start_audit)"), assessment.explain("violation(start_audit, _, _, _, _)")
    assert short.graph["roots"] == full.graph["roots"] and len(short.graph["roots"]) == 1
    assert assessment.explain("is_listed").graph["roots"] == ["fact:is_listed()"]


def test_why_not_follows_the_failing_condition_down(assessment) -> None:
    graph = assessment.why_not("sanction(start_audit)")
    failed = sorted({d["text"] for _, d in graph.nodes(data=True) if d["kind"] == "failed"})
    # No art. 41 mapping reaches start_audit; the art. 40 reading (law40-never-audited) needs the start
    # overdue, and it is not: the audit was started (late) on 2009-05-20, so is_done holds. (The later penalty
    # articles cannot apply on 2010-04-01 and are not tried; nor are other provinces' rules.)
    # The late start is reached only after a refused order or a penalty decision, and there was neither.
    assert "not is_done(start_audit, 2009-03-15)" in failed
    assert "event(Decision, penalty_decision, Decided)" in failed
    unreached = {d["args"][0] for _, d in graph.nodes(data=True)
                 if d["kind"] == "not_derived" and d["predicate"] == "punishable_under"}
    assert unreached == {"CN-CPPL-2002 art. 40", "CN-CPPL-2002 art. 41"}
    rules = {d["rule"] for _, d in graph.nodes(data=True) if d["kind"] == "rule"}
    assert {"law2002.art40", "law2002.art41", "law2002.art40.not-auditing", "cc.status.overdue"} <= rules


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_assess_json_follows_the_contract(capsys) -> None:
    code, out, _ = _run(capsys, "assess", DONGGUAN, "--as-of", "2010-04-01", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert validate_assessment(doc) == []
    assert doc["format"] == "cplaw.assessment/1" and doc["as_of"] == "2010-04-01"


def test_assess_text(capsys) -> None:
    # Listed 2009-03-15; IM art. 11: start within two months → 2009-05-15 (a Friday); started 2009-05-20: late.
    code, out, _ = _run(capsys, "assess", DONGGUAN, "--as-of", "2010-04-01", "--lang", "en")
    assert code == 0 and "start the cleaner-production audit: done late; due 2009-05-15; done 2009-05-20" in out
    assert out.index("Conclusions") < out.index("Duties and their deadlines") < out.index("Notes")
    code, out, _ = _run(capsys, "assess", DONGGUAN, "--as-of", "2010-04-01", "--lang", "zh")
    assert "开展清洁生产审核：已逾期履行；期限 2009-05-15；履行日 2009-05-20" in out
    assert "是否属于强制性审核对象：属于强制性清洁生产审核对象" in out
    assert "start_audit" not in out and "overdue" not in out  # no enum leaks into the Chinese memo


def test_lang_follows_the_locale(capsys, monkeypatch) -> None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert _run(capsys, "assess", DONGGUAN, "--as-of", "2010-04-01")[1].startswith("清洁生产审核法律意见")
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert _run(capsys, "assess", DONGGUAN, "--as-of", "2010-04-01")[1].startswith("Cleaner-production audit")


def test_provincial_duties_under_a_national_no(capsys) -> None:
    """A Zhejiang firm on a provincial list only: the memo says no under the national texts, yes under ZJ's."""
    profile = yaml.safe_load((HERE / "scenarios/provinces/zj/91-review-potential-toxic-waste-city-list-never-starts"
                              ".yaml").read_text(encoding="utf-8"))
    from cplaw.explain.memo import memo_text
    doc = RuleBase.load().assess(profile["profile"], str(profile["as_of"])).data
    text = memo_text(doc, "zh")
    assert "依国家规定不属于强制性清洁生产审核对象；但依《浙江省清洁生产审核暂行办法》" in text
    assert "Not subject to mandatory cleaner-production audit." not in memo_text(doc, "en")


def test_memo_html_is_a_page(capsys) -> None:
    code, out, _ = _run(capsys, "assess", DONGGUAN, "--as-of", "2010-04-01", "--format", "html", "--lang", "zh")
    assert code == 0 and out.startswith("<!DOCTYPE html>") and "@media print" in out and "<script" not in out


def test_bad_profile_names_the_field(tmp_path, capsys) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: cplaw.profile/1\nenterprise: {id: X, province: 广东}\n"
                   "events:\n  - {type: listed, date: 2009-02-30, ground: toxic}\n", encoding="utf-8")
    code, out, err = _run(capsys, "assess", str(bad))
    assert code == 1 and out == ""
    assert "events[0].date" in err and "2009-02-30" in err and "Traceback" not in err


def test_unknown_province_lists_names(tmp_path, capsys) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "cplaw.profile/1", "enterprise": {"id": "X", "province": "火星"}}))
    code, _, err = _run(capsys, "assess", str(bad))
    assert code == 1 and "enterprise.province" in err and "广东" in err


def test_before_the_law(capsys) -> None:
    code, _, err = _run(capsys, "assess", DONGGUAN, "--as-of", "2002-12-31")
    assert code == 1 and "no cleaner-production law was in force on that date" in err


def test_bad_as_of_and_bad_query(capsys) -> None:
    assert _run(capsys, "assess", DONGGUAN, "--as-of", "2010-13-01")[0] == 1
    code, _, err = _run(capsys, "why", DONGGUAN, "obligation(x)", "--as-of", "2010-04-01")
    assert code == 1 and "unknown conclusion 'obligation'" in err and "mandatory" in err
    assert "earlier_fulfilling" not in err  # helpers are not offered
    code, _, err = _run(capsys, "why", DONGGUAN, "mandatory(toxc)", "--as-of", "2010-04-01")
    assert code == 1 and "'toxc' is not a ground" in err and "double_exceed, toxic, energy, provincial" in err


def test_queries_people_write(assessment) -> None:
    def roots(query):
        return assessment.explain(query).graph["roots"]
    duty = roots("due(start_audit)")
    assert duty and roots("start_audit") == duty and roots("开展审核") == duty and roots("开展清洁生产审核") == duty
    assert roots("违法(开展审核)") == roots("violation(start_audit)") != []
    assert roots("强制性审核(双有)") == roots("mandatory(toxic)") != []


def test_misuse_exits_2(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["assess"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["assess", DONGGUAN, "--format", "xml"])
    assert exc.value.code == 2


def test_why_formats(capsys) -> None:
    for fmt, start in (("text", "Conclusion: the enterprise is subject to mandatory audit"), ("json", "{"),
                       ("dot", "digraph"), ("html", "<!DOCTYPE html>")):
        code, out, _ = _run(capsys, "why", DONGGUAN, "mandatory(toxic)", "--as-of", "2010-04-01", "--format", fmt,
                            "--lang", "en")
        assert code == 0 and out.startswith(start)


def test_why_tree_reads_as_sentences(assessment) -> None:
    text = to_text(assessment.explain("violation(start_audit)"), "zh")
    first = text.splitlines()[0]
    assert first.startswith("结论：企业未在2009-05-15前开展清洁生产审核")
    assert "cc.violation" not in text and "!=" not in text  # rule ids and guards folded away
    assert "第十一条第一款：“列入实施强制性清洁生产审核名单的企业应当在名单公布后二个月内开展清洁生产审核。”" in text
    # the duty's own article before the period rule of 民法典 art. 203
    assert text.index("第十一条第一款") < text.index("第二百零三条第二款")
    full = to_text(assessment.explain("violation(start_audit)"), "zh", "full")
    assert len(full) > len(text)


def test_why_not_quotes_each_article_once(assessment) -> None:
    text = to_text(assessment.why_not("sanction(start_audit)"), "en")
    assert text.startswith("Conclusion: ")
    quoted = [line.split(": “")[0].strip() for line in text.splitlines() if ": “" in line]
    assert quoted and len(quoted) == len(set(quoted))


def test_dot_wraps_and_names_an_installed_font(assessment) -> None:
    dot = to_dot(assessment.explain("violation(start_audit)"), "zh")
    assert "rankdir=LR" in dot and "Noto Sans CJK SC" in dot
    labels = [line for line in dot.splitlines() if re.match(r"  n\d+ \[", line)]
    parts = [part for line in labels for part in line.split('label="')[1].replace("\\n", "\\l").split("\\l")]
    assert len(parts) > len(labels) and max(map(len, parts)) <= 40


def test_dot_quotes_each_article_once_and_opens_no_line_with_closing_punctuation(assessment) -> None:
    # Six routes of this why-not pass through IM art. 27 (→ Law art. 40/41): its words stand once in the graph, as
    # in the text, and so do those of APL art. 37 (the law of the act's day), cited under every sanction route.
    graph = assessment.why_not("sanction(start_audit)")
    dot, text = to_dot(graph, "zh"), to_text(graph, "zh")
    for words in ("对违反第十条规定的企业", "实施行政处罚，适用违法行为"):
        assert text.count(words) == 1 and dot.replace("\\l", "").count(words) == 1, words
    assert not re.search(r"\\l[，。、；：）》〕”]", dot)


def test_chinese_font_resolves() -> None:
    """The DOT/SVG font exists: fontconfig resolves it to a CJK face (not a fallback that draws tofu)."""
    import shutil
    import subprocess
    if shutil.which("fc-match") is None:
        pytest.skip("fontconfig (fc-match) is not installed: CI installs fonts-noto-cjk and graphviz (.ci/run)")
    family = subprocess.run(["fc-match", "-f", "%{family}", "Noto Sans CJK SC:lang=zh-cn"], capture_output=True,
                            text=True, check=False).stdout
    assert "CJK" in family or "WenQuanYi" in family, family


def test_missing_facts_render_as_questions(assessment) -> None:
    """A document carrying missing_facts (cplaw.assessment/1, optional) shows them as questions, with the article."""
    from cplaw.explain.memo import memo_text
    cite = dict(assessment.data["mandatory_audit"][0]["cites"][0])
    doc = {**assessment.data, "missing_facts": [{
        "path": "substances[0].hazards", "decides": [{"predicate": "mandatory", "args": ["toxic"]}], "cites": [cite],
        "question": {"zh": "该物质具有哪些危害特性？", "en": "What hazards does the substance have?"}}]}
    zh, en = memo_text(doc, "zh"), memo_text(doc, "en")
    assert "尚需补充的事实" in zh and ("该物质具有哪些危害特性？（substances[0].hazards；决定：企业应当实施强制性清洁生产审核，"
                                    "依据为使用有毒有害原料进行生产或者在生产中排放有毒有害物质（双有））") in zh
    assert ("What hazards does the substance have? (substances[0].hazards; decides: the enterprise is subject to "
            "mandatory audit on the ground of using toxic or hazardous raw materials, or emitting toxic or "
            "hazardous substances (双有))") in en
    assert zh.index("尚需补充的事实") < zh.index("、说明\n")


def test_svg_keeps_chinese_text_in_an_installed_font(assessment) -> None:
    import shutil
    if shutil.which("dot") is None:
        pytest.skip("Graphviz (dot) is not installed: CI installs it (.ci/run)")
    from cplaw.explain.render import to_svg
    svg = to_svg(assessment.explain("violation(start_audit)"), "zh")
    assert svg.lstrip().startswith("<?xml") and "Noto Sans CJK SC" in svg and "开展清洁生产审核" in svg
