"""`cplaw show`: a rule file woven with its law — the article's words, the rules that encode it beneath."""

from __future__ import annotations

import pathlib
import shutil

import pytest

from cplaw.cli import main

ROOT = pathlib.Path(__file__).resolve().parent.parent
ART39 = "违反本法第二十七条第二款、第四款规定，不实施强制性清洁生产审核或者在清洁生产审核中弄虚作假的"  # sources/cppl-2012.md


def _show(capsys, *args: str) -> str:
    assert main(["show", *args]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_article_words_then_the_rule_beneath(capsys, fmt) -> None:
    out = _show(capsys, "cplaw/rules/cn/cppl-2012.cplaw", "--format", fmt)
    assert "中华人民共和国清洁生产促进法" in out and "已核对 / verified" in out and "2012-07-01 … 2026-08-14" in out
    article = out.index("CN-CPPL-2012 art. 39 para. 1")
    words = out.index(ART39, article)
    rule = out.index("law2012.art39<" if fmt == "html" else "rule `law2012.art39`", words)
    source = out.index("fine_max: 500000, condition: refuses_to_correct", rule)  # the rule's own source text
    assert source < out.index("CN-CPPL-2012 art. 40", source)
    assert "never-audited-is-not-done" in out  # its readings


def test_markup_in_an_article_is_escaped(capsys, tmp_path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "cplaw" / "rules", rules, ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))
    path = rules / "cn" / "cppl-2012.cplaw"
    path.write_text(path.read_text("utf-8").replace('"本法自2003年1月1日起施行。"',
                                                    '"本法<script>alert(1)</script>施行。"'), "utf-8")
    html = _show(capsys, "cn/cppl-2012.cplaw", "--rules", str(rules), "--format", "html")
    assert "本法&lt;script&gt;alert(1)&lt;/script&gt;施行。" in html and "<script>" not in html
    markdown = _show(capsys, "cn/cppl-2012.cplaw", "--rules", str(rules), "--format", "md")
    assert "&lt;script&gt;" in markdown and "<script>" not in markdown


def test_site(capsys, tmp_path) -> None:
    assert main(["show", "--all", "--out", str(tmp_path), "--format", "html"]) == 0
    index = (tmp_path / "index.html").read_text("utf-8")
    assert 'href="cn/cppl-2012.html"' in index
    assert ART39 in (tmp_path / "cn" / "cppl-2012.html").read_text("utf-8")


def test_a_file_outside_the_rule_base(capsys) -> None:
    assert main(["show", "nowhere/none.cplaw"]) == 1
    assert "not a file of the rule base" in capsys.readouterr().err


def test_scenarios_that_exercise_a_rule(capsys, tmp_path) -> None:
    # BJ-04: a 双有 enterprise that never started its audit, as of 2012-09-28: the 2012 Law's art. 39 fines it,
    # so rule law2012.art39 fires there; no rule of the 2012 Law on disclosure (art. 36) does.
    folder = tmp_path / "bj"
    folder.mkdir()
    shutil.copy(ROOT / "tests/scenarios/provinces/bj/04-bj-toxic-never-starts-2012.yaml", folder)
    out = _show(capsys, "cn/cppl-2012.cplaw", "--scenarios", str(tmp_path))
    assert "Scenarios: `bj/04-bj-toxic-never-starts-2012`" in _section(out, "### rule `law2012.art39` ")
    assert "Scenarios: none" in _section(out, "### rule `law2012.art36` ")


def _section(text: str, heading: str) -> str:
    """From a heading to the next heading."""
    start = text.index(heading)
    end = text.find("\n#", start + 1)
    return text[start:end if end > 0 else None]
