"""Every static check has a rule file in tests/rules_bad/ that must fail with the exact code and position.

Each bad file is a complete tiny instrument (with its own instrument id and rule ids, so that the whole
folder can be checked at once without the files disturbing each other) whose one offending item is the
case named by the file. tests/rules_good/ is a small rule base that passes every check.
"""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys
import tempfile

import pytest

import cplaw.api
import cplaw.compiler
from cplaw import RuleBase, cli
from cplaw.compiler import compile_files, files_at, packaged_rule_files, vocabulary_files
from cplaw.errors import Diagnostic, RuleError

HERE = pathlib.Path(__file__).resolve().parent
BAD = HERE / "rules_bad"
GOOD = HERE / "rules_good"
VOCABULARY = vocabulary_files()

# file stem → every diagnostic it must produce, in order: (code, line, column, a phrase of the message)
EXPECTED: dict[str, list[tuple[str, int, int, str]]] = {
    "syntax": [("syntax", 14, 40, "unexpected double_exceed_by_facts; expected one of: COMMA, DOT")],
    "syntax-two": [
        ("syntax", 14, 40, "unexpected double_exceed_by_facts; expected one of: COMMA, DOT"),
        ("unknown-predicate", 18, 23, "unknown predicate no_such_predicate"),
        ("syntax", 22, 31, "unexpected ,; expected one of: DATE, INSTRUMENT_ID, LPAR, NAME, NOT, NULL, PERIOD"),
    ],
    "unknown-predicate": [("unknown-predicate", 14, 23, "unknown predicate toxic_by_fact")],
    "arity": [("arity", 14, 23, "listed takes 3 arguments (Ref, Day, Ground), given 2")],
    "type-constant": [("type", 14, 29, 'as_of\'s Day is date, not the string "2010-01-01"')],
    "type-enum": [("type", 14, 13, "'poison' is not a value of ground "
                                   "(accepted: double_exceed, toxic, energy, provincial)")],
    "type-variable": [("type", 14, 44, "variable Day is date here but province's Code is string")],
    "type-null": [("type", 14, 13, "null is not allowed for mandatory's Ground (ground)")],
    "type-comparison": [("type", 14, 53, "cannot compare date with string: Today = Code")],
    "type-order": [("type", 14, 39, "> needs dates or numbers, not string")],
    "type-arithmetic": [("type", 14, 45, "cannot compute date + number")],
    "unsafe-head": [("unsafe", 14, 24, "unsafe variable Day: in the head but bound by no positive literal")],
    "unsafe-negation": [("unsafe", 14, 54,
                         "unsafe variable Code: in a negation but bound by no positive literal")],
    "unsafe-comparison": [("unsafe", 14, 45,
                           "unsafe variable Start: used in a comparison but bound by no positive literal")],
    "unsafe-anonymous-head": [("unsafe", 14, 13, "an anonymous variable '_' cannot stand in a rule's head")],
    "unsafe-applies-at": [("unsafe", 14, 14, "rule bad.unsafe-applies-at applies at Listed, "
                                             "which its first clause does not bind")],
    "unknown-function": [("unknown-function", 14, 45,
                          "unknown function later (known: effective, day_after)")],
    "stratification": [("stratification", 14, 28,
                        "negation through recursion: is_listed depends on 'not toxic_by_facts', "
                        "and toxic_by_facts depends on is_listed")],
    "no-citation": [("no-citation", 12, 1, "rule bad.no-citation cites no article")],
    "provincial-fine": [("provincial-fine", 14, 3, "a provincial text (XX-BAD-PROVINCIAL-FINE) cannot create a fine")],
    "provincial-fine-sanction": [("provincial-fine", 14, 3, "(XX-BAD-PROVINCIAL-FINE-SANCTION) cannot create a fine")],
    "hortatory-rule": [("hortatory", 13, 1, "XX-BAD-HORTATORY-RULE is recorded as hortatory")],
    "unknown-option": [("unknown-option", 14, 48, "option 'no-such-reading' is not the name of a reading")],
    "unknown-article": [("unknown-article", 13, 16, "rule bad.unknown-article cites XX-BAD-UNKNOWN-ARTICLE "
                                                    "art. 2 para. 1, which is not declared")],
    "unknown-instrument": [("unknown-article", 13, 9,
                            "rule bad.unknown-instrument cites unknown instrument XX-NOWHERE-1")],
    "duplicate-rule": [("duplicate", 16, 1, "duplicate rule id bad.duplicate-rule (first declared at ")],
    "duplicate-article": [("duplicate", 11, 1, "duplicate article XX-BAD-DUPLICATE-ARTICLE art. 1 "
                                               "(first declared at ")],
    "reading-conflict": [("duplicate", 19, 11, "reading bad-reading-conflict is declared already in other "
                                               "words, in rule bad.reading-conflict.one (")],
    "reading-undeclared": [("unknown-reading", 14, 11, "refers to reading bad-no-such-reading, which no rule "
                                                       "declares")],
    "named-unknown": [("named-argument", 14, 50, "listed has no field grounds (fields: ref, day, ground)")],
    "named-twice": [("named-argument", 14, 45, "listed: field ref is given twice")],
    "named-missing": [("named-argument", 14, 23, "listed lacks day: with named arguments every field is given")],
    "named-unnamed": [("named-argument", 14, 50, "listed: toxic has no name; among named arguments give each")],
    "input-head": [("input-head", 14, 3, "province is an input predicate: no rule may conclude it")],
    "bad-date": [("syntax", 14, 46, "2009-02-30 is not a calendar date")],
    "unknown-provision": [("unknown-article", 15, 20, "is not a declared article"),
                          ("unknown-article", 16, 20, "names unknown instrument")],
    "unknown-type": [("unknown-type", 12, 1, "predicate bad_colour: unknown type 'colour' for Colour")],
    "no-instrument": [
        ("structure", 2, 1, "articles and rules need the file's instrument declared"),
        # the consequence: its citation has no instrument
        ("unknown-article", 5, 9, "cites unknown instrument"),
    ],
    "instrument-incomplete": [("syntax", 2, 12,
                               "instrument XX-BAD-INSTRUMENT-INCOMPLETE lacks: in_force, source, status")],
    "second-instrument": [("duplicate", 12, 1, "one instrument per file: a second one is declared here")],
}


def bad_file(stem: str) -> pathlib.Path:
    return BAD / f"{stem}.cplaw"


def diagnostics_of(*stems: str) -> list[Diagnostic]:
    files = VOCABULARY + [f for stem in stems for f in files_at(bad_file(stem))]
    with pytest.raises(RuleError) as info:
        compile_files(files)
    return info.value.diagnostics


def run_cli(*args: str) -> subprocess.CompletedProcess:
    # Run outside the checkout, so the installed package (with cplaw.facts) is imported, not the source tree.
    return subprocess.run([sys.executable, "-m", "cplaw.cli", "check", *args], capture_output=True, text=True,
                          cwd=tempfile.gettempdir(), timeout=300)


# ── one file per check ──────────────────────────────────────────────────────
def test_every_bad_file_has_an_expectation_and_every_expectation_a_file():
    assert sorted(p.stem for p in BAD.glob("*.cplaw")) == sorted(EXPECTED)


def test_every_check_is_covered():
    codes = {code for expected in EXPECTED.values() for code, *_ in expected}
    assert codes == {"syntax", "unknown-predicate", "arity", "type", "unsafe", "stratification",
                     "no-citation", "unknown-article", "duplicate", "input-head", "unknown-type",
                     "unknown-function", "structure", "unknown-option", "provincial-fine",
                     "hortatory", "unknown-reading", "named-argument"}


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_bad_file_fails_with_exact_code_and_position(stem):
    diagnostics = diagnostics_of(stem)
    expected = EXPECTED[stem]
    assert [(d.code, d.line, d.column) for d in diagnostics] == [e[:3] for e in expected]
    for diagnostic, (_, _, _, phrase) in zip(diagnostics, expected):
        assert phrase in diagnostic.message
        assert diagnostic.file == str(bad_file(stem))


def test_bad_files_are_each_sound_but_for_their_case():
    """Each bad file is a complete instrument: declared, with one article, parsed without other trouble."""
    for stem in EXPECTED:
        text = bad_file(stem).read_text(encoding="utf-8")
        if stem not in ("no-instrument", "instrument-incomplete"):
            assert re.search(r"^instrument XX-BAD-[A-Z-]+ \{$", text, re.M), stem
            assert re.search(r"^article 1 at 1\.\.1 ", text, re.M), stem


# ── syntax errors ───────────────────────────────────────────────────────────
def test_syntax_error_renders_source_line_and_caret():
    [diagnostic] = diagnostics_of("syntax")
    line = "  mandatory(toxic) :- toxic_by_facts() double_exceed_by_facts()."
    assert diagnostic.source_line == line
    assert line[diagnostic.column - 1:].startswith("double_exceed_by_facts")
    assert diagnostic.render() == (
        f"{bad_file('syntax')}:14:40: syntax: "
        "unexpected double_exceed_by_facts; expected one of: COMMA, DOT\n"
        f"    {line}\n"
        f"    {' ' * 39}^"
    )


def test_two_syntax_errors_in_two_rules_are_both_reported():
    diagnostics = diagnostics_of("syntax-two")
    syntax = [d for d in diagnostics if d.code == "syntax"]
    assert [(d.line, d.column) for d in syntax] == [(14, 40), (22, 31)]
    assert syntax[1].source_line == "  mandatory(double_exceed) :- , double_exceed_by_facts()."
    assert syntax[1].render().splitlines()[-1] == "    " + " " * 30 + "^"
    # the items between and around the errors were parsed and checked: the middle rule's problem is found
    assert [d.code for d in diagnostics] == ["syntax", "unknown-predicate", "syntax"]


def only_diagnostic(name: str, old: str, new: str) -> Diagnostic:
    """The one diagnostic of bad file ``name`` with ``old`` replaced by ``new``."""
    text = bad_file(name).read_text(encoding="utf-8").replace(old, new)
    with pytest.raises(RuleError) as info:
        compile_files(VOCABULARY + [(f"{name}-variant.cplaw", text)])
    [diagnostic] = info.value.diagnostics
    return diagnostic


def test_syntax_error_at_end_of_input():
    diagnostic = only_diagnostic("syntax", " double_exceed_by_facts().", "")
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("syntax", 14, 38)
    assert diagnostic.message == "unexpected end of input (a clause must end with '.')"


def test_unexpected_character():
    diagnostic = only_diagnostic("syntax", " double_exceed_by_facts()", " @")
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("syntax", 14, 40)
    assert diagnostic.message == "unexpected character '@'"


# ── the individual checks, beyond code and position ─────────────────────────
def test_unknown_enum_value_lists_the_accepted_values():
    [diagnostic] = diagnostics_of("type-enum")
    assert diagnostic.message == ("'poison' is not a value of ground "
                                  "(accepted: double_exceed, toxic, energy, provincial)")


def test_variable_used_as_two_types_is_reported_where_the_second_type_is_met():
    [diagnostic] = diagnostics_of("type-variable")
    assert diagnostic.source_line[diagnostic.column - 1:] == "Day)."


def test_unsafe_positions_point_at_the_variable():
    for stem, name in (("unsafe-head", "Day"), ("unsafe-negation", "Code"), ("unsafe-comparison", "Start")):
        [diagnostic] = diagnostics_of(stem)
        assert diagnostic.source_line[diagnostic.column - 1:].startswith(name), stem


def test_stratification_points_at_the_negation():
    [diagnostic] = diagnostics_of("stratification")
    assert diagnostic.source_line == "  is_listed() :- as_of(_), not toxic_by_facts()."
    assert diagnostic.source_line[diagnostic.column - 1:] == "not toxic_by_facts()."


def test_positive_recursion_is_not_a_stratification_error():
    text = bad_file("stratification").read_text(encoding="utf-8")
    text = text.replace("not toxic_by_facts()", "toxic_by_facts()")
    program = compile_files(VOCABULARY + [("positive.cplaw", text)])
    assert sorted(program.rules) == ["bad.stratification.a", "bad.stratification.b"]


def test_duplicates_name_the_first_declaration():
    [rule] = diagnostics_of("duplicate-rule")
    assert rule.message == ("duplicate rule id bad.duplicate-rule "
                            f"(first declared at {bad_file('duplicate-rule')}:12)")
    [article] = diagnostics_of("duplicate-article")
    assert article.message == ("duplicate article XX-BAD-DUPLICATE-ARTICLE art. 1 "
                               f"(first declared at {bad_file('duplicate-article')}:10)")


def test_impossible_date_is_reported_not_raised():
    [diagnostic] = diagnostics_of("bad-date")
    assert diagnostic.message == "2009-02-30 is not a calendar date"
    assert diagnostic.source_line[diagnostic.column - 1:] == "2009-02-30."


def test_impossible_date_in_a_file_with_a_syntax_error_is_reported_at_its_line():
    text = bad_file("bad-date").read_text(encoding="utf-8") + (
        "\nrule bad.bad-date.syntax\n  cites art 1\n  mandatory(toxic) :- , toxic_by_facts().\n")
    with pytest.raises(RuleError) as info:
        compile_files(VOCABULARY + [("date.cplaw", text)])
    found = [(d.code, d.line, d.column, d.message) for d in info.value.diagnostics]
    assert ("syntax", 14, 46, "2009-02-30 is not a calendar date") in found
    assert ("syntax", 18, 23) in [f[:3] for f in found]


def test_impossible_date_does_not_hide_the_files_other_errors():
    text = bad_file("bad-date").read_text(encoding="utf-8") + (
        "\nrule bad.bad-date.other\n  cites art 1\n  mandatory(toxic) :- toxic_by_fact().\n")
    with pytest.raises(RuleError) as info:
        compile_files(VOCABULARY + [("date.cplaw", text)])
    assert [(d.code, d.line) for d in info.value.diagnostics] == [("syntax", 14), ("unknown-predicate", 18)]


def test_type_error_in_an_assignment_is_reported_once():
    text = bad_file("type-arithmetic").read_text(encoding="utf-8").replace(
        "Today < Today + 30.", "Later = Today + 30, Later > Today.")
    with pytest.raises(RuleError) as info:
        compile_files(VOCABULARY + [("assign.cplaw", text)])
    assert [(d.code, d.message) for d in info.value.diagnostics] == [("type", "cannot compute date + number")]


def test_misspelled_enum_value_in_a_comparison_is_reported():
    text = bad_file("unknown-predicate").read_text(encoding="utf-8").replace(
        "mandatory(toxic) :- toxic_by_fact().",
        "toxic_substance(Ref) :- hazard_of(Ref, Hazard), Hazard != radioactiv.")
    with pytest.raises(RuleError) as info:
        compile_files(VOCABULARY + [("enum.cplaw", text)])
    assert [d.code for d in info.value.diagnostics] == ["type"]


# ── all at once, nothing evaluated ──────────────────────────────────────────
def test_several_errors_in_several_files_are_reported_at_once_sorted():
    diagnostics = diagnostics_of("unsafe-head", "syntax-two", "arity", "type-enum")
    assert [(pathlib.Path(d.file).stem, d.line, d.code) for d in diagnostics] == [
        ("arity", 14, "arity"),
        ("syntax-two", 14, "syntax"),
        ("syntax-two", 18, "unknown-predicate"),
        ("syntax-two", 22, "syntax"),
        ("type-enum", 14, "type"),
        ("unsafe-head", 14, "unsafe"),
    ]


def test_rule_error_message_lists_every_diagnostic():
    files = VOCABULARY + files_at(bad_file("arity")) + files_at(bad_file("no-citation"))
    with pytest.raises(RuleError) as info:
        compile_files(files)
    message = str(info.value)
    assert message.splitlines()[0] == "2 errors in the rule base:"
    assert message == "2 errors in the rule base:\n" + "\n".join(d.render() for d in info.value.diagnostics)


def test_whole_bad_folder_reports_the_union_of_the_files_diagnostics():
    with pytest.raises(RuleError) as info:
        compile_files(VOCABULARY + files_at(BAD))
    together = info.value.diagnostics
    alone = sorted((d for stem in EXPECTED for d in diagnostics_of(stem)),
                   key=lambda d: (d.file, d.line, d.column, d.message))
    assert together == alone
    assert len(together) == sum(len(v) for v in EXPECTED.values())


def test_nothing_is_compiled_or_evaluated_when_a_check_fails(monkeypatch):
    calls = []
    real = cplaw.compiler.compile_clause

    def spy(*args, **kwargs):
        calls.append(args[0].id)
        return real(*args, **kwargs)

    def no_session(*args, **kwargs):
        raise AssertionError("an engine session was started")

    monkeypatch.setattr(cplaw.compiler, "compile_clause", spy)
    monkeypatch.setattr(cplaw.api, "session_class", no_session)
    with pytest.raises(RuleError):
        RuleBase.load(BAD)
    with pytest.raises(RuleError):
        compile_files(VOCABULARY + files_at(bad_file("stratification")))
    assert calls == []
    compile_files(VOCABULARY + files_at(GOOD))  # the spy does see a good rule base compiled
    assert sorted(set(calls)) == sorted(["good.mandatory", "good.start-audit", "good.fulfilled-by",
                                         "good.toxic", "good.general.exceeds", "good.general.no-list"])


# ── what is written by name ─────────────────────────────────────────────────
NAMED = """instrument XX-NAMED {
  title "测试文件"
  jurisdiction CN
  in_force 2010-01-01 .. open
  source "tests/rules_bad/README" lines 1..1
  status unofficial
}

article 1 at 1..1 "测试条文。"

rule named.declares
  cites art 1
  reading named-reading "The words, once."
  mandatory(toxic) :- listed(ref: Ref, ground: toxic, day: Day).

rule named.refers
  cites art 1
  reading named-reading
  mandatory(toxic) :- listed(Ref, Day, toxic).
"""


def test_named_arguments_compile_to_the_positional_atom():
    """Named arguments in any order (a variable alone naming its own field) give the very atom, in the
    declared order, that the positional form gives: engines, caches and impact cannot tell them apart."""
    program = compile_files(VOCABULARY + [("named.cplaw", NAMED)])
    [named], [positional] = (program.rules[r].clauses for r in ("named.declares", "named.refers"))
    assert named.body == positional.body
    assert [str(a) for a in named.body[0].args] == ["Ref", "Day", "toxic"]
    assert named.body[0].names is None


def test_a_reading_referred_to_by_name_carries_its_declared_words():
    program = compile_files(VOCABULARY + [("named.cplaw", NAMED)])
    assert [(r.name, r.text) for r in program.rules["named.refers"].readings] == [("named-reading",
                                                                                   "The words, once.")]


def test_named_penalty_reads_its_fields_by_name():
    """The provincial-fine check finds the measure by its field name, wherever it is written."""
    text = bad_file("provincial-fine").read_text(encoding="utf-8").replace(
        'penalty(XX-BAD-PROVINCIAL-FINE art 1, D, S, R, W, fine, "某机关", 0, 30000, none, shall)',
        'penalty(provision: XX-BAD-PROVINCIAL-FINE art 1, duty: D, source: S, round: R, when: W,\n'
        '          measure: fine, fine_min: 0, fine_max: 30000, condition: none, discretion: shall,\n'
        '          authority: "某机关")')
    with pytest.raises(RuleError) as info:
        compile_files(VOCABULARY + [("named-fine.cplaw", text)])
    assert [d.code for d in info.value.diagnostics] == ["provincial-fine"]


def test_packaged_rules_declare_each_reading_once_and_name_penalty_fields():
    """Each reading's words stand in one rule (the others refer to it by name), and every penalty or
    sanction a rule concludes names its eleven fields rather than lining them up by position."""
    declared: dict[str, list[str]] = {}
    positional = []
    for path, text in packaged_rule_files():
        declared_here = re.findall(r'^\s*reading ([a-z0-9._-]+) "', text, re.M)
        for name in declared_here:
            declared.setdefault(name, []).append(path)
        positional += [f"{path}: {m}" for m in re.findall(r"^\s*(?:penalty|sanction)\((?![a-z_]+:).*", text, re.M)]
    assert {name: paths for name, paths in declared.items() if len(paths) > 1} == {}
    assert positional == []


# ── the good rule base ──────────────────────────────────────────────────────
def test_good_rule_base_compiles():
    program = compile_files(VOCABULARY + files_at(GOOD))
    assert sorted(program.instruments) == ["XX-GOOD-1", "XX-GOOD-GENERAL"]
    assert len(program.articles) == 4
    assert len(program.rules) == 6
    assert len(program.clauses) == 8
    assert program.rules["good.start-audit"].cites[1].key == ("XX-GOOD-GENERAL", "1", None, None)
    assert program.articles[("XX-GOOD-1", "附(一)", None, 2)].text == "有毒有害物质。"
    assert program.articles[("XX-GOOD-1", "2", 1, None)].text == \
        "企业应当在名单公布后二个月内开展清洁生产审核。"


# ── the command line ────────────────────────────────────────────────────────
def test_cli_check_bad_folder_exits_1_and_prints_every_diagnostic():
    result = run_cli(str(BAD))
    assert result.returncode == 1
    assert result.stdout == ""
    expected = sorted((d for stem in EXPECTED for d in diagnostics_of(stem)),
                      key=lambda d: (d.file, d.line, d.column, d.message))
    count = sum(len(v) for v in EXPECTED.values())
    assert result.stderr == ("".join(d.render() + "\n" for d in expected)
                             + f"{count} error(s); nothing was evaluated\n")


def test_cli_check_good_folder_exits_0():
    result = run_cli(str(GOOD))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ok: 3 files, 2 instruments, 4 articles, 6 rules (8 clauses)\n"
    assert result.stderr == ""


def test_cli_check_packaged_rule_base_exits_0():
    result = run_cli()
    assert result.returncode == 0, result.stderr
    program = compile_files(packaged_rule_files())
    assert result.stdout == (f"ok: {len(program.files)} files, {len(program.instruments)} instruments, "
                             f"{len(program.articles)} articles, {len(program.rules)} rules "
                             f"({len(program.clauses)} clauses)\n")
    assert len(program.files) >= 4 and len(program.rules) > 0


def test_cli_main_check_one_bad_file(capsys):
    assert cli.main(["check", str(bad_file("unsafe-negation"))]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        f"{bad_file('unsafe-negation')}:14:54: unsafe: unsafe variable Code: in a negation but bound by no "
        "positive literal (use _ for 'any value')",
        "      mandatory(toxic) :- toxic_by_facts(), not province(Code).",
        "    " + " " * 53 + "^",
        "1 error(s); nothing was evaluated",
    ]


def test_cli_main_check_good_folder(capsys):
    assert cli.main(["check", str(GOOD)]) == 0
    assert capsys.readouterr().out == "ok: 3 files, 2 instruments, 4 articles, 6 rules (8 clauses)\n"


def test_cli_check_missing_path_is_bad_input(capsys, tmp_path):
    assert cli.main(["check", str(tmp_path / "missing.cplaw")]) == 1
    assert "internal error" not in capsys.readouterr().err
