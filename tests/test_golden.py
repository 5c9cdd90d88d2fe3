"""Golden outputs: the zh and en memo, the why and why-not text and the HTML pages of a dozen scenarios
(national eras, provinces, sanctions, time-barred, not mandatory), read and reviewed by a person, so a
wording change shows in review.

Regenerate after an intended change, then read the diff: ``CPLAW_UPDATE_GOLDEN=1 pytest -q tests/test_golden.py``.
"""

from __future__ import annotations

import os
import pathlib

import pytest
import yaml

from cplaw import RuleBase
from cplaw.explain.memo import memo_html, memo_text
from cplaw.explain.render import to_html, to_text

HERE = pathlib.Path(__file__).parent
GOLDEN = HERE / "golden"
SCENARIOS = HERE / "scenarios"
UPDATE = bool(os.environ.get("CPLAW_UPDATE_GOLDEN"))

# name: (scenario file or example, as-of for an example, why query, why-not query)
CASES = {
    "dongguan-2010": ("../../facts/examples/dongguan-dyeing.yaml", "2010-04-01", "violation(start_audit)",
                      "sanction(start_audit)"),
    "era-a-2004-no-deadline": ("versions/46-era-a-listing-no-deadline.yaml", None, "mandatory", "due(start_audit)"),
    "not-mandatory-2010": ("national/13-catalogue-without-listed-hazard.yaml", None, "is_listed", "mandatory(toxic)"),
    "toxic-never-audited-2009": ("national/23-toxic-never-audited.yaml", None, "sanction", "sanction(publish_emissions)"),
    "law-2012-fine-2013": ("versions/50-double-exceed-never-starts-2013.yaml", None, "sanction", "time_barred"),
    "time-barred-2015": ("versions/55-publish-late-time-barred.yaml", None, "time_barred", "sanction(start_audit)"),
    "code-2026-barred-and-not": ("versions/72-time-barred-and-not-barred.yaml", None, "violation", "mandatory(toxic)"),
    "measures-2016-next-audit": ("versions/61-m2016-list-2017-toxic-next-audit.yaml", None, "violation(next_audit)",
                                 "mandatory(energy)"),
    "zhejiang-provincial-only": ("provinces/zj/91-review-potential-toxic-waste-city-list-never-starts.yaml", None,
                                 "violation", "mandatory(toxic)"),
    "shanxi-provincial-credit": ("provinces/sx/01-sx-annex-provincial-only-credit.yaml", None, "sanction",
                                 "mandatory(double_exceed)"),
    "beijing-never-starts-2012": ("provinces/bj/04-bj-toxic-never-starts-2012.yaml", None, "sanction(start_audit)",
                                  "time_barred"),
    "hainan-false-report-barred": ("provinces/hi/94-review-toxic-false-report-time-barred.yaml", None, "time_barred",
                                   "violation(start_audit)"),
}


@pytest.fixture(scope="module")
def rules() -> RuleBase:
    return RuleBase.load()


def _assess(rules: RuleBase, name: str, engine: str | None = None):
    path, as_of, _, _ = CASES[name]
    data = yaml.safe_load((SCENARIOS / path).read_text(encoding="utf-8"))
    if "profile" in data:
        return rules.assess(data["profile"], str(data["as_of"]), data.get("options", []), engine=engine)
    return rules.assess(data, as_of, engine=engine)


def _check(path: pathlib.Path, text: str) -> None:
    if UPDATE or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"snapshot {path.relative_to(HERE)} written: review it and commit it")
    assert text == path.read_text(encoding="utf-8"), f"{path.relative_to(HERE)} changed (see the module docstring)"


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(rules: RuleBase, name: str) -> None:
    assessment = _assess(rules, name)
    _, _, why, why_not = CASES[name]
    folder = GOLDEN / name
    for lang in ("zh", "en"):
        _check(folder / f"memo.{lang}.txt", memo_text(assessment.data, lang) + "\n")
        _check(folder / f"why.{lang}.txt", to_text(assessment.explain(why), lang) + "\n")
        _check(folder / f"why-not.{lang}.txt", to_text(assessment.why_not(why_not), lang) + "\n")
    _check(folder / "memo.zh.html", memo_html(assessment.data, "zh"))
    _check(folder / "why.zh.html", to_html(assessment.explain(why), "zh"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_reference_engine_renders_the_same_words(rules: RuleBase, name: str) -> None:
    """The renderers order reasons themselves: pyDatalog's explanations read exactly as the default engine's."""
    _, _, why, why_not = CASES[name]
    ours, reference = _assess(rules, name), _assess(rules, name, engine="pydatalog")
    for query, ask in ((why, "explain"), (why_not, "why_not")):
        assert to_text(getattr(ours, ask)(query), "zh") == to_text(getattr(reference, ask)(query), "zh"), query


@pytest.mark.parametrize("name", sorted(CASES))
def test_words_without_their_article_stand_right_under_the_reason_naming_it(rules: RuleBase, name: str) -> None:
    """An article's words are printed bare only directly under the reason whose sentence names the article;
    anywhere else (after a reason's sub-reasons, say) they would read as the words of the reason above them."""
    assessment = _assess(rules, name)
    _, _, why, why_not = CASES[name]
    for graph in (assessment.explain(why), assessment.why_not(why_not)):
        for lang in ("zh", "en"):
            lines = to_text(graph, lang).splitlines()
            for above, line in zip(lines, lines[1:]):
                if line.lstrip().startswith("“"):
                    indent = len(line) - len(line.lstrip())
                    assert above.lstrip().startswith("- ") and len(above) - len(above.lstrip()) + 4 == indent, \
                        f"{lang}: {line.strip()[:40]}… stands under {above.strip()[:60]}…"


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_why_not_route_is_not_said_to_rest_on_a_general_law(rules: RuleBase, name: str) -> None:
    """A route whose rule cites only a general law (民法典 on periods, 行政处罚法 on the law of the time) applies
    that law; it is not headed "依…" as if that law were its basis (issue 8: the duty's own article first)."""
    _, _, _, why_not = CASES[name]
    text = to_text(_assess(rules, name).why_not(why_not), "zh")
    general = [t.title for t in rules.program.instruments.values() if t.general]
    for line in text.splitlines():
        assert not any(f"可能的途径：依《{title}》" in line for title in general), line
