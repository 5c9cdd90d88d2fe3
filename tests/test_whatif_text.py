"""What-if in words (zh and en): the changes, the conclusions gained and changed, the articles behind them.

Dongguan example (list of 2009-03-15, 双超): IM art. 10 and S001 四 give a month to publish the emissions, so
the last day is 2009-04-15; published on 2009-05-10 instead of 2009-04-10, the duty is done late, in breach
from 2009-04-16 until 2009-05-10, and the 2002 Law's art. 41 (through IM art. 27) reaches it: 可以处十万元以下的罚款.
"""

from __future__ import annotations

import pathlib
import re

from cplaw.cli import main

DONGGUAN = str(pathlib.Path(__file__).parent.parent / "facts" / "examples" / "dongguan-dyeing.yaml")
LATE_PUBLICATION = ["what-if", DONGGUAN, "--as-of", "2010-04-01", "--set", "events[1].date=2009-05-10"]


def _out(capsys, args: list[str]) -> str:
    assert main(args) == 0
    return capsys.readouterr().out


def test_publishing_late_reads_as_a_legal_comparison_in_chinese(capsys) -> None:
    out = _out(capsys, [*LATE_PUBLICATION, "--lang", "zh"])
    assert out.startswith("假设分析（GD-0001，评估基准日 2010-04-01）\n假设变更：将第2条事件记录的日期（events[1].date）改为 2009-05-10\n")
    assert "一、新增的结论" in out and "二、发生变化的结论" in out
    assert "违反“在当地主要媒体上公布主要污染物排放情况”义务：自 2009-04-16 起至 2009-05-10 止" in out
    assert "可以处十万元以下罚款（《中华人民共和国清洁生产促进法》第四十一条" in out
    assert "履行状态由 已按期履行 变为 已逾期履行；履行日由 2009-04-10 变为 2009-05-10" in out
    assert "依据：《清洁生产审核暂行办法》（2004年）第十条" in out
    # no raw field names or enum values outside the rule ids
    words = "\n".join(line for line in out.splitlines() if not line.strip().startswith("规则："))
    assert not re.search(r"\b(status|done|violations|sanctions|obligations|late|met)\b", words)


def test_publishing_late_reads_the_same_in_english(capsys) -> None:
    out = _out(capsys, [*LATE_PUBLICATION, "--lang", "en"])
    assert "Changed: the date of event 2 (events[1].date) set to 2009-05-10" in out
    assert "publish its main emissions in the local media: in breach since 2009-04-16 until 2009-05-10" in out
    assert "a fine of up to 100,000 yuan" in out
    assert "status done in time → done late; date done 2009-04-10 → 2009-05-10" in out


def test_an_added_event_and_a_change_of_nothing_are_named_in_words(capsys) -> None:
    out = _out(capsys, ["what-if", DONGGUAN, "--as-of", "2010-04-01", "--lang", "zh",
                        "--add-event", "evaluation_applied@2010-02-20"])
    assert "假设变更：增加记录：2010-02-20 申请评估" in out and "一、不再成立的结论" in out
    assert "履行状态由 逾期未履行 变为 已按期履行；履行日为 2010-02-20（原无）" in out  # a date that was none
    out = _out(capsys, ["what-if", DONGGUAN, "--as-of", "2010-04-01", "--lang", "zh", "--set", "enterprise.size=medium"])
    assert "上述变更后，企业概况与原概况相同。\n各项结论均无变化。" in out


def test_changed_paths_and_enum_values_read_in_words(capsys) -> None:
    out = _out(capsys, ["what-if", DONGGUAN, "--as-of", "2010-04-01", "--lang", "zh", "--set", "enterprise.size=large",
                        "--add-event", "listed@2010-01-05,ground=toxic"])
    assert "假设变更：将企业规模（enterprise.size）改为 大型；增加记录：2010-01-05 列入强制性清洁生产审核名单（列入依据：" \
           "使用有毒有害原料进行生产或者在生产中排放有毒有害物质（双有））" in out
    out = _out(capsys, ["what-if", DONGGUAN, "--as-of", "2010-04-01", "--lang", "en", "--drop", "emissions[0]"])
    assert "Changed: emission record 1 (emissions[0]) dropped" in out
