"""The label vocabulary (facts/labels.yaml): every enum value and phrase in both languages, no inline branches."""

from __future__ import annotations

import pathlib
import re

import yaml

from cplaw import RuleBase
from cplaw.errors import CplawError
from cplaw.explain.memo import memo_text
from cplaw.labels import LANGS, label, rule_texts, vocabulary

ROOT = pathlib.Path(__file__).parent.parent


def test_every_enum_value_has_both_labels() -> None:
    program = RuleBase.load().program
    missing = [f"{enum.name}.{value} ({lang})" for enum in program.enums.values() for value in enum.values
               for lang in LANGS if label("enums", f"{enum.name}.{value}", lang) == f"{enum.name}.{value}"]
    assert missing == []


def _entries(node, path=""):
    if isinstance(node, dict) and set(node) & set(LANGS):
        yield path, node
    elif isinstance(node, dict):
        for key, child in node.items():
            yield from _entries(child, f"{path}.{key}" if path else key)


def test_every_measure_reads_as_an_act_of_the_authority_in_both_languages() -> None:
    measures = RuleBase.load().program.enums["measure"].values
    missing = [f"{m} ({lang})" for m in measures for lang in LANGS
               if label("phrases", f"measure_act.{m}", lang) == f"measure_act.{m}"]
    assert missing == []


def test_every_phrase_has_both_languages_and_the_same_placeholders() -> None:
    for section in ("enums", "phrases"):
        for path, entry in _entries(vocabulary()[section]):
            assert set(entry) == set(LANGS), path
            holes = [set(re.findall(r"{(\w+)}", str(entry[lang]))) for lang in LANGS]
            assert holes[0] == holes[1], path


def test_no_inline_language_branches() -> None:
    sources = list((ROOT / "explain").glob("*.py")) + [ROOT / "cplaw" / "queries.py"]
    offenders = [p.name for p in sources if re.search(r"""lang\s*==\s*["']zh|zh\s*=\s*lang""", p.read_text())]
    assert offenders == []


def _rule_notes_and_readings(program) -> tuple[set[str], set[str]]:
    notes = {str(clause.head.args[3].value) for rule in program.rules.values() for clause in rule.clauses
             if clause.head.predicate == "note"}
    return notes, {reading.name for rule in program.rules.values() for reading in rule.readings}


def test_every_rule_note_has_its_chinese_and_nothing_is_left_over() -> None:
    notes, _ = _rule_notes_and_readings(RuleBase.load().program)
    table = rule_texts()["note"]
    assert sorted(notes - set(table)) == []
    assert sorted(set(table) - notes) == []
    assert all(entry.get("zh") and entry["zh"] != entry["en"] for entry in table.values())


def test_every_reading_has_its_chinese_and_nothing_is_left_over() -> None:
    _, readings = _rule_notes_and_readings(RuleBase.load().program)
    table = rule_texts()["reading"]
    assert sorted(readings - set(table)) == []
    assert sorted(set(table) - readings) == []
    assert all(entry.get("zh") for entry in table.values())


def test_every_instrument_note_has_its_chinese_and_nothing_is_left_over() -> None:
    notes = {inst.id: inst.note for inst in RuleBase.load().program.instruments.values() if inst.note}
    table = rule_texts()["instrument"]
    assert sorted(set(notes) ^ set(table)) == []
    assert [i for i in notes if table[i]["en"] != notes[i]] == []  # the Chinese follows the rule file's English
    assert [i for i, entry in table.items() if not _CJK.search(entry.get("zh", ""))] == []


def test_a_memo_source_note_says_in_chinese_how_the_text_was_sourced() -> None:
    # 民法典 (CN-CC-2020) is corroborated: "Wording from one public copy …; not checked against the gazette."
    zh = _scenario_memo("72-time-barred-and-not-barred.yaml", "zh")
    assert "〔文本来源〕《中华人民共和国民法典》的引文所据文本：经多方印证、未核对官方文本。文字取自一份公开文本" in zh
    assert "not checked against the gazette" in _scenario_memo("72-time-barred-and-not-barred.yaml", "en")


_CJK = re.compile(r"[\u4e00-\u9fff]")
# A run of three or more Latin-letter words: English prose, not an instrument id, a field path or an option name.
_ENGLISH = re.compile(r"[A-Za-z][a-z'’]+(?:[ ,;:()]+[A-Za-z][a-z'’]+){2,}")


def test_no_chinese_memo_of_any_scenario_holds_english_prose_readings_included() -> None:
    rules = RuleBase.load()
    offenders = []
    for path in sorted((ROOT / "tests" / "scenarios").rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "profile" not in data or "expect_error" in data:
            continue
        assessment = rules.assess(data["profile"], str(data["as_of"]), data.get("options", []))
        memo = memo_text(assessment.data, "zh", detail="full")  # every reading taken, in words
        offenders += [f"{path.name}: {m.group()}" for m in _ENGLISH.finditer(memo)]
    assert offenders == []


def test_no_chinese_explanation_of_any_scenario_holds_english_prose() -> None:
    """Why and why-not of each scenario's conclusions (the answer tree, its routes and article texts), in zh."""
    from cplaw.explain.render import to_text
    rules = RuleBase.load()
    offenders = []
    for path in sorted((ROOT / "tests" / "scenarios").rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if "profile" not in data or "expect_error" in data:
            continue
        assessment = rules.assess(data["profile"], str(data["as_of"]), data.get("options", []))
        for query in ("mandatory", "violation", "sanction", "time_barred"):
            for ask in (assessment.explain, assessment.why_not):
                try:
                    text = to_text(ask(query), "zh", "full")
                except CplawError:  # nothing of the kind to explain
                    continue
                offenders += [f"{path.name} {query}: {m.group()}" for m in _ENGLISH.finditer(text)]
    assert offenders == []


def test_article_numbers_past_a_thousand_read_in_chinese() -> None:
    from cplaw.explain.cite import chinese_number
    assert [chinese_number(n) for n in (1005, 1012, 1110, 1221, 1242)] == \
        ["一千零五", "一千零一十二", "一千一百一十", "一千二百二十一", "一千二百四十二"]


def _scenario_memo(name: str, lang: str) -> str:
    data = yaml.safe_load((ROOT / "tests" / "scenarios" / "versions" / name).read_text(encoding="utf-8"))
    return memo_text(RuleBase.load().assess(data["profile"], str(data["as_of"])).data, lang)


def test_a_status_that_turns_on_the_holiday_arrangement_reads_as_such_in_both_languages() -> None:
    # V-92: the disclosure's nominal last day 2027-01-01 is 元旦; 2027's arrangement is unknown, so the last day lies
    # between 2027-01-02 and 2027-01-11 and the disclosure of 2027-01-05 may be in time or late.
    zh = _scenario_memo("92-disclosure-due-on-yuandan-2027.yaml", "zh")
    assert "尚无确定违反的义务。1项义务是否违反视该年节假日安排而定" in zh
    assert "名义末日 2027-01-01 为元旦假期" in zh and "末日在 2027-01-02 至 2027-01-11 之间" in zh
    assert "（仅在该年节假日安排使该义务逾期时成立）" in zh and "已违反1项" not in zh
    en = _scenario_memo("92-disclosure-due-on-yuandan-2027.yaml", "en")
    assert "No duty is certainly breached." in en and "between 2027-01-02 and 2027-01-11" in en
    assert "holds only if that year's holiday arrangement makes the duty late" in en
    assert "weekend" not in _scenario_memo("91-report-in-chunjie-shuffle-2027.yaml", "zh")


def test_a_memo_over_two_rounds_names_the_round_of_each_breach_and_of_what_is_time_barred() -> None:
    # V-72: two late disclosures (lists of 2023-02-13 and 2024-08-12), both found on 2026-09-24; the first ended
    # 2023-04-03, over two years before (time-barred), the second on 2024-09-24, two years to the day (not barred).
    data = yaml.safe_load((ROOT / "tests" / "scenarios" / "versions" / "72-time-barred-and-not-barred.yaml")
                          .read_text(encoding="utf-8"))
    doc = RuleBase.load().assess(data["profile"], str(data["as_of"]), data.get("options", [])).data
    zh = memo_text(doc, "zh").splitlines()
    assert "（2023-02-13名单）" in zh[5] and "（2024-08-12名单）" in zh[5]
    assert zh[7].startswith("  5. 时效：在当地主要媒体上公布主要污染物排放情况（2023-02-13名单）：") and "2024-08-12" not in zh[7]
    assert "list of 2023-02-13" in memo_text(doc, "en")


def test_cplaw_options_in_chinese_names_each_reading_its_instrument_and_its_words(capsys) -> None:
    from cplaw.cli import main
    assert main(["options", "--lang", "zh"]) == 0
    zh = capsys.readouterr().out
    # ZJ3's annex: 总分大于80分通过; the option reads it as 80分以上 (80 included).
    assert "zj-80-passes（《浙江省清洁生产审核暂行办法》）\n  选项：《浙江省清洁生产审核暂行办法》所称“大于80分”" in zh
    assert [m.group() for m in _ENGLISH.finditer(zh)] == []
    assert len(RuleBase.load().options()) == zh.count("\n  选项：")
    assert main(["options", "--lang", "en"]) == 0
    assert "zj-80-passes (浙江省清洁生产审核暂行办法)\n  Option: " in capsys.readouterr().out
