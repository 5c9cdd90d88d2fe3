"""Texts that ended (issue 9, item 4): an instrument's end is a date where its text or its nature gives one,
``end unknown`` where no source says, and ``open`` only for a text that is current; an assessment relying on a
text of unknown end ten years after its first day says it may no longer be in force."""

from __future__ import annotations

import datetime as _dt

import pytest

from cplaw import RuleBase
from cplaw.parser import parse_text

HEADER = """instrument XX-T-1 {{
  title "测试"
  jurisdiction CN
  in_force 2010-01-01 .. {end}
  source "s.md" lines 1..9
  status verified
}}
"""

# Texts that are current: the Code, the 2016 Measures it leaves standing (reading measures-2016-survive-code),
# the 放假办法 of 2024 and the general laws.
CURRENT = {"CN-EEC-2026", "CN-M-2016", "CN-HOL-2024"}


@pytest.fixture(scope="module")
def rules() -> RuleBase:
    return RuleBase.load()


@pytest.mark.parametrize("end, to, unknown", [("open", None, False), ("end unknown", None, True),
                                              ("end  unknown", None, True),
                                              ("2015-12-31", _dt.date(2015, 12, 31), False)])
def test_in_force_end_forms(end: str, to: _dt.date | None, unknown: bool) -> None:
    rule_file, diagnostics = parse_text(HEADER.format(end=end), "t.cplaw")
    assert not diagnostics
    instrument = rule_file.instrument
    assert (instrument.in_force_to, instrument.end_unknown) == (to, unknown)
    assert instrument.in_force_on(_dt.date(2014, 1, 1))


def test_end_unknown_misspelt_is_an_error() -> None:
    _, diagnostics = parse_text(HEADER.format(end="unknown"), "t.cplaw")
    assert diagnostics and diagnostics[0].line == 4


def test_every_text_has_an_end_or_says_it_is_unknown(rules: RuleBase) -> None:
    """Only a current national text or a general law is `open`; every other text ends on a date or says
    `end unknown`."""
    still_open = sorted(i.id for i in rules.program.instruments.values()
                        if i.in_force_to is None and not i.end_unknown and not i.general)
    assert set(still_open) == CURRENT


@pytest.mark.parametrize("inst_id, last_day", [
    ("GD-GD5", "2006-12-31"),   # 2006年广东省清洁生产工作要点: a plan for 2006
    ("JS-JS1", "2010-12-31"),   # 江苏省清洁生产“十一五”行动纲要: targets 到2010年
    ("NM-NM2", "2010-12-31"),   # 内蒙古“十一五”时期推行清洁生产的规划
    ("GX-GX4", "2010-12-31"),   # 规划期：2006 年至 2010 年 (seed 002 L16212)
    ("GD-GD2", "2009-01-11"),   # repealed by 粤经贸法规〔2009〕35号 art. 47 from 2009-01-12
    ("GD-GD1", "2005-12-31"),   # 粤经贸资源[2001]972号: to be carried out 在“十五”期间 (2001–2005), L12983–12985
    ("GD-GD3", "2005-12-31"),   # 粤经贸电力资源〔2005〕479号: 按时完成“十五”期间的任务, 年内完成 (2005), L13743–13747
])
def test_texts_that_ended(rules: RuleBase, inst_id: str, last_day: str) -> None:
    assert rules.program.instruments[inst_id].in_force_to.isoformat() == last_day


def test_law_lists_a_work_plan_only_in_its_year(rules: RuleBase) -> None:
    def listed(day: str) -> set[str]:
        return {t["instrument"] for t in rules.law(day)["in_force"]}
    assert "GD-GD5" in listed("2006-12-31")
    assert "GD-GD5" not in listed("2026-12-04")


HEBEI_TOXIC_WASTE = {
    "format": "cplaw.profile/1",
    "enterprise": {"id": "HE-T", "name": "某化工有限公司", "province": "河北"},
    "substances": [{"name": "废催化剂", "use": "emitted", "catalogs": [], "hazards": ["hazardous_waste"]}],
}


def _end_unknown_notes(rules: RuleBase, as_of: str) -> list[dict]:
    doc = rules.assess(HEBEI_TOXIC_WASTE, as_of).data
    return [n for n in doc["notes"] if n["kind"] == "end_unknown"]


def test_end_unknown_noted_ten_years_on(rules: RuleBase) -> None:
    """冀政办[2004]9号 applies from 2004-04-03 and no source gives its end: relied on from 2014-04-03 (ten years
    on, counted as a period of years), the assessment says it may no longer be in force; the day before, not."""
    assert _end_unknown_notes(rules, "2014-04-02") == []
    notes = _end_unknown_notes(rules, "2014-04-03")
    assert [(n["instrument"], n["since"]) for n in notes] == [("HE-HE1", "2004-04-03")]
    assert "冀政办[2004]9号" in notes[0]["text"] and "may no longer be in force" in notes[0]["text"]


def test_end_unknown_note_in_both_languages(rules: RuleBase) -> None:
    from cplaw.explain.memo import _note
    note = _end_unknown_notes(rules, "2020-01-01")[0]
    zh, en = _note(note, "zh"), _note(note, "en")
    assert "可能已不再有效" in zh and "冀政办[2004]9号" in zh and "现行有效性不明" in zh
    assert "may no longer be in force" in en


# ── cplaw law ───────────────────────────────────────────────────────────────
def test_law_before_the_first_day_lists_nothing_in_force(rules: RuleBase) -> None:
    """1980: no text is in force, and the 民法典 (2021) is not applied by a reading before the law's first day
    (2003-01-01, the 2002 Law's art. 42)."""
    table = rules.law("1980-01-01")
    assert table["in_force"] == [] and table["applied_by_reading"] == []
    assert table["first_day_of_law"] == "2003-01-01"
    assert "CN-CC-2020" in {t["instrument"] for t in table["not_in_force"]}


def test_law_never_lists_a_text_before_its_first_day(rules: RuleBase) -> None:
    for day in ("2003-01-01", "2013-05-01", "2026-12-04"):
        table = rules.law(day)
        assert all(t["in_force_from"] <= day and (t["in_force_to"] is None or day <= t["in_force_to"])
                   for t in table["in_force"])


@pytest.mark.parametrize("lang, words", [
    ("en", ["In force on 2026-12-04:", "(冀政办[2004]9号)", "end unknown", "Not in force on that date:",
            "2006-05-08 … 2006-12-31", "seeds/002_9c443752d6c2806a.txt lines 3304–3706"]),
    ("zh", ["2026-12-04施行的文本：", "（冀政办[2004]9号）", "终止日期不明", "当日未施行的文本：", "已核对",
            "第3304–3706行"]),
])
def test_cli_law_text(capsys, lang: str, words: list[str]) -> None:
    from cplaw.cli import main
    assert main(["law", "--as-of", "2026-12-04", "--lang", lang]) == 0
    out = capsys.readouterr().out
    for word in words:
        assert word in out, word
    assert "None" not in out
    in_force, _, rest = out.partition("\n\n")
    assert "GD-GD5" not in in_force and "GD-GD5" in rest  # the 2006 work plan ended with 2006


def test_cli_law_before_first_day(capsys) -> None:
    from cplaw.cli import main
    assert main(["law", "--as-of", "1980-01-01", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("The national cleaner-production law was not yet in force on 1980-01-01")
    assert "applied to it by a named reading" not in out
    assert "In force on" not in out  # nothing was: the earliest text, Guangdong's of 2001-10-22, came later


def test_cli_law_before_the_law_lists_an_earlier_provincial_text(capsys) -> None:
    """On 2002-06-01 the 2002 Law (from 2003-01-01, its art. 42) was not yet in force, but Guangdong's
    粤经贸资源[2001]972号 was (from 2001-10-22): it is listed as in force, not dropped."""
    from cplaw.cli import main
    assert main(["law", "--as-of", "2002-06-01", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    _, _, in_force = out.partition("In force on 2002-06-01:")
    assert "GD-GD1" in in_force.partition("Not in force")[0]
