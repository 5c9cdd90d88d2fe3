"""The rule language parses what it promises (grammar/cplaw.lark → cplaw/ir.py), and the compiler orders
bodies and adds in-force guards as it says."""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

import pytest

from cplaw import ir
from cplaw.compiler import AS_OF, compile_clause, order_body, packaged_rule_files
from cplaw.parser import parse_query, parse_text
from cplaw.periods import Period

HEADER = """instrument XX-T-1 {
  title "测试"
  jurisdiction CN
  in_force 2010-01-01 .. 2015-12-31
  source "s.md" lines 1..9
  status verified
}
article 1 at 1..1 "一。"
"""  # 8 lines: a rule appended to it starts on line 9


def parse(text: str, path: str = "t.cplaw") -> ir.RuleFile:
    rule_file, diagnostics = parse_text(text, path)
    assert diagnostics == []
    return rule_file


def clause_of(body: str, head: str = "p(X)") -> ir.Clause:
    """The one clause of a rule appended to HEADER: ``head :- body.`` on line 11."""
    rule_file = parse(HEADER + f"rule t.r\n  cites art 1\n  {head} :- {body}.\n")
    [rule] = rule_file.rules
    [clause] = rule.clauses
    return clause


def V(name: str) -> ir.Var:
    return ir.Var(name)


def C(value, type_: str) -> ir.Const:
    return ir.Const(value, type_)


# ── instruments ─────────────────────────────────────────────────────────────
FULL_INSTRUMENT = """# a comment before everything
instrument CN-TEST-2010 {
  title "测试办法"   # a comment after a field
  number "第1号"
  issuer "某部"
  jurisdiction 44
  version 2010-05-06
  in_force 2010-07-01 .. open
  source "seeds/x.txt" lines 12..345
  status corroborated
  note "said \\"so\\""
  general
}
"""


def test_instrument_every_field():
    instrument = parse(FULL_INSTRUMENT).instrument
    assert instrument == ir.Instrument(
        id="CN-TEST-2010", title="测试办法", number="第1号", issuer="某部", jurisdiction="44",
        version=_dt.date(2010, 5, 6), in_force_from=_dt.date(2010, 7, 1), in_force_to=None,
        source_file="seeds/x.txt", source_lines=(12, 345), status="corroborated", note='said "so"',
        general=True)
    assert instrument.pos == ir.Pos("t.cplaw", 2, 1)
    assert instrument.in_force_on(_dt.date(2099, 1, 1))
    assert not instrument.in_force_on(_dt.date(2010, 6, 30))


def test_instrument_minimal_fields_and_closed_interval():
    instrument = parse(HEADER).instrument
    assert (instrument.id, instrument.title, instrument.jurisdiction) == ("XX-T-1", "测试", "CN")
    assert instrument.in_force_from == _dt.date(2010, 1, 1)
    assert instrument.in_force_to == _dt.date(2015, 12, 31)
    assert (instrument.number, instrument.issuer, instrument.version, instrument.note) == (None,) * 4
    assert instrument.general is False
    assert instrument.status == "verified"
    assert (instrument.source_file, instrument.source_lines) == ("s.md", (1, 9))
    assert instrument.in_force_on(_dt.date(2015, 12, 31))
    assert not instrument.in_force_on(_dt.date(2016, 1, 1))


@pytest.mark.parametrize("status", ["verified", "corroborated", "unofficial"])
def test_instrument_statuses(status):
    assert parse(HEADER.replace("status verified", f"status {status}")).instrument.status == status


def test_instrument_unknown_status_is_a_syntax_error():
    _, diagnostics = parse_text(HEADER.replace("status verified", "status official"), "t.cplaw")
    # the instrument is lost, so the article after it has none (a consequence, reported as such)
    assert [(d.code, d.line) for d in diagnostics] == [("syntax", 6), ("structure", 8)]


def test_instrument_missing_fields_are_named():
    _, diagnostics = parse_text('instrument XX-T-1 {\n  title "t"\n}\n', "t.cplaw")
    assert [(d.code, d.line, d.column, d.message) for d in diagnostics] == [
        ("syntax", 1, 12, "instrument XX-T-1 lacks: jurisdiction, in_force, source, status")]


# ── articles ────────────────────────────────────────────────────────────────
def test_articles_numbers_paragraphs_items_labels_and_text():
    text = HEADER + '''article 28 para 2 item 3 at 226..228 "第 一\t句， （略）"
article "四(二)" at 3..4 "附则 条文"
article 7 item 1 at 5..5 "七"
article 9 para 1 at 10..14
  """第一行，
     第二行　第三行。
  """
'''
    rule_file = parse(text)
    refs = [a.ref for a in rule_file.articles]
    assert [r.key for r in refs] == [
        ("XX-T-1", "1", None, None),
        ("XX-T-1", "28", 2, 3),
        ("XX-T-1", "四(二)", None, None),
        ("XX-T-1", "7", None, 1),
        ("XX-T-1", "9", 1, None),
    ]
    assert [a.lines for a in rule_file.articles] == [(1, 1), (226, 228), (3, 4), (5, 5), (10, 14)]
    assert [a.text for a in rule_file.articles] == [
        "一。", "第一句，（略）", "附则条文", "七", "第一行，第二行第三行。"]
    assert [a.pos.line for a in rule_file.articles] == [8, 9, 10, 11, 12]
    assert refs[1].label() == "art. 28 para. 2 item 3"
    assert str(refs[2]) == "XX-T-1 art. 四(二)"


def test_single_line_string_cannot_span_lines():
    _, diagnostics = parse_text(HEADER + 'article 2 at 2..2 "一\n二"\n', "t.cplaw")
    assert [d.code for d in diagnostics] == ["syntax"]
    assert diagnostics[0].line == 9


def test_article_number_is_normalised():
    [_, article] = parse(HEADER + 'article 007 at 2..2 "七"\n').articles
    assert article.ref.article == "7"


# ── vocabulary ──────────────────────────────────────────────────────────────
def test_predicates_and_enums():
    rule_file = parse('''enum colour { red green
  blue }
input predicate seen(Ref: ref, Day: date, Colour: colour)
  "看见" "seen on a day"
derived predicate nothing() "无" "nothing"
''')
    assert rule_file.enums == [ir.Enum("colour", ("red", "green", "blue"))]
    seen, nothing = rule_file.predicates
    assert seen == ir.Predicate("seen", (ir.Param("Ref", "ref"), ir.Param("Day", "date"),
                                         ir.Param("Colour", "colour")), "input", "看见", "seen on a day")
    assert seen.arity == 3 and seen.pos == ir.Pos("t.cplaw", 3, 1)
    assert nothing == ir.Predicate("nothing", (), "derived", "无", "nothing")
    assert nothing.arity == 0
    assert rule_file.instrument is None and rule_file.rules == []


def test_packaged_files_parse_cleanly_and_articles_have_no_whitespace():
    for path, text in packaged_rule_files():
        rule_file, diagnostics = parse_text(text, path)
        assert diagnostics == [], path
        for article in rule_file.articles:
            assert article.text or article.reported_by, (path, article.ref)  # only a report may have no words
            assert not any(ch.isspace() for ch in article.text), (path, article.ref)


# ── rules ───────────────────────────────────────────────────────────────────
RULES = HEADER + '''article 2 para 1 item 3 at 2..2 "二。"

rule t.first-rule
  cites art 1, art 2 para 1 item 3, XX-OTHER-1 art "四(二)" para 2
  applies at Day
  reading r-one "the first reading"
  reading r-two "a \\"quoted\\" reading"
  p(Day) :- q(Day).
  p(Day) :- s(Day),
            t(Day).

rule t.always
  cites art 1
  applies always
  fact(1).
'''


def test_rule_metadata():
    first, always = parse(RULES).rules
    assert first.id == "t.first-rule" and first.instrument == "XX-T-1"
    assert [c.key for c in first.cites] == [("XX-T-1", "1", None, None), ("XX-T-1", "2", 1, 3),
                                           ("XX-OTHER-1", "四(二)", 2, None)]
    assert [(c.pos.line, c.pos.column) for c in first.cites] == [(12, 9), (12, 16), (12, 37)]
    assert first.applies_at == V("Day") and first.applies_at.pos == ir.Pos("t.cplaw", 13, 14)
    assert first.timeless is False
    assert first.readings == (ir.Reading("r-one", "the first reading"),
                              ir.Reading("r-two", 'a "quoted" reading'))
    assert first.pos == ir.Pos("t.cplaw", 11, 1)
    assert len(first.clauses) == 2
    assert [str(lit) for lit in first.clauses[1].body] == ["s(Day)", "t(Day)"]
    assert first.clauses[1].body[1].pos == ir.Pos("t.cplaw", 18, 13)
    assert always.timeless is True and always.applies_at is None and always.readings == ()
    assert always.clauses[0].head == ir.Atom("fact", (C(1, "number"),)) and always.clauses[0].body == ()


def test_rule_without_metadata_or_clauses():
    rule_file = parse(HEADER + "rule t.bare\n  p(X) :- q(X).\n")
    [rule] = rule_file.rules
    assert (rule.cites, rule.applies_at, rule.readings, rule.timeless) == ((), None, (), False)
    _, diagnostics = parse_text(HEADER + "rule t.empty\n  cites art 1\n", "t.cplaw")
    assert [d.code for d in diagnostics] == ["syntax"]


@pytest.mark.parametrize("rule_id", ["a.b", "law2002.exceeds-standard", "cc.status.met", "im-2004",
                                     "x1.y_2.z-3"])
def test_rule_ids(rule_id):
    [rule] = parse(HEADER + f"rule {rule_id}\n  cites art 1\n  p(X) :- q(X).\n").rules
    assert rule.id == rule_id


def test_articles_and_rules_need_an_instrument():
    text = 'article 1 at 1..1 "一"\nrule t.r\n  cites art 1\n  p(X) :- q(X).\n'
    rule_file, diagnostics = parse_text(text, "t.cplaw")
    assert [(d.code, d.line, d.column) for d in diagnostics] == [("structure", 1, 1)]
    assert rule_file.rules[0].cites[0].instrument is None


# ── literals ────────────────────────────────────────────────────────────────
def test_atoms_with_positions():
    clause = clause_of("q(X, 2010-01-02), r(X)")
    assert clause.head == ir.Atom("p", (V("X"),))
    assert clause.head.pos == ir.Pos("t.cplaw", 11, 3) and clause.pos == ir.Pos("t.cplaw", 11, 3)
    q, r = clause.body
    assert q.pos == ir.Pos("t.cplaw", 11, 11) and r.pos == ir.Pos("t.cplaw", 11, 29)
    assert q.args[0].pos == ir.Pos("t.cplaw", 11, 13) and q.args[1].pos == ir.Pos("t.cplaw", 11, 16)
    assert q.args[1] == C(_dt.date(2010, 1, 2), "date")


def test_zero_argument_atoms():
    clause = clause_of("q(), not r()", head="p()")
    assert clause.head == ir.Atom("p", ())
    assert clause.body == (ir.Atom("q", ()), ir.Atom("r", (), negated=True))


def test_negation():
    clause = clause_of("q(X), not r(X, _)")
    negation = clause.body[1]
    assert isinstance(negation, ir.Atom) and negation.negated and negation.predicate == "r"
    assert negation.pos == ir.Pos("t.cplaw", 11, 17)  # the position of `not`
    assert str(negation) == "not r(X, _)"


@pytest.mark.parametrize("op", ["=", "!=", "<", "<=", ">", ">="])
def test_comparison_operators(op):
    clause = clause_of(f"q(X), X {op} 3")
    comparison = clause.body[1]
    assert comparison == ir.Comparison(op, V("X"), C(3, "number"))
    assert comparison.guard is None
    assert comparison.pos == ir.Pos("t.cplaw", 11, 17)


def test_arithmetic_precedence_and_associativity():
    clause = clause_of("q(X), Y = 1 + 2 * X, Z = 10 - 2 - X, W = (1 + 2) * X / 4")
    y, z, w = (lit.right for lit in clause.body[1:])
    assert y == ir.BinOp("+", C(1, "number"), ir.BinOp("*", C(2, "number"), V("X")))
    assert z == ir.BinOp("-", ir.BinOp("-", C(10, "number"), C(2, "number")), V("X"))
    one_plus_two = ir.BinOp("+", C(1, "number"), C(2, "number"))
    assert w == ir.BinOp("/", ir.BinOp("*", one_plus_two, V("X")), C(4, "number"))


def test_left_side_of_a_comparison_needs_parentheses_for_arithmetic():
    _, diagnostics = parse_text(HEADER + "rule t.r\n  cites art 1\n  p(X) :- q(X), X - 1 > 0.\n", "t.cplaw")
    assert [(d.code, d.line, d.column) for d in diagnostics] == [("syntax", 11, 19)]
    clause = clause_of("q(X), (X - 1) > 0")
    assert clause.body[1] == ir.Comparison(">", ir.BinOp("-", V("X"), C(1, "number")), C(0, "number"))


def test_function_calls():
    clause = clause_of("q(X), Y = effective(X + 2 months), Z = day_after(effective(Y))")
    two_months = C(Period(2, "month"), "period")
    assert clause.body[1].right == ir.Call("effective", (ir.BinOp("+", V("X"), two_months),))
    assert clause.body[1].right.pos == ir.Pos("t.cplaw", 11, 21)
    assert clause.body[2].right == ir.Call("day_after", (ir.Call("effective", (V("Y"),)),))
    assert str(clause.body[2]) == "Z = day_after(effective(Y))"


def test_dates():
    clause = clause_of("q(X), X >= 2004-10-01, X < 2012-02-29")
    assert clause.body[1].right == C(_dt.date(2004, 10, 1), "date")
    assert clause.body[2].right == C(_dt.date(2012, 2, 29), "date")
    assert type(clause.body[1].right.value) is _dt.date


@pytest.mark.parametrize(("written", "period"), [
    ("1 month", Period(1, "month")),
    ("2 months", Period(2, "month")),
    ("60 days", Period(60, "day")),
    ("1 day", Period(1, "day")),
    ("1 year", Period(1, "year")),
    ("5 years", Period(5, "year")),
    ("45 workdays", Period(45, "workday")),
    ("1 workday", Period(1, "workday")),
])
def test_periods(written, period):
    clause = clause_of(f"q(X), Y = X + {written}")
    assert clause.body[1].right == ir.BinOp("+", V("X"), C(period, "period"))
    assert clause.body[1].right.right.value == period


def test_period_as_an_atom_argument():
    clause = clause_of("q(X, 3 months)")
    assert clause.body[0].args[1] == C(Period(3, "month"), "period")


@pytest.mark.parametrize(("written", "value", "kind"), [
    ("0", 0, int),
    ("42", 42, int),
    ("-5", -5, int),
    ("3.5", Decimal("3.5"), Decimal),
    ("0.10", Decimal("0.10"), Decimal),
    ("-2.25", Decimal("-2.25"), Decimal),
])
def test_numbers_are_int_or_decimal_never_float(written, value, kind):
    clause = clause_of(f"q(X, {written})")
    const = clause.body[0].args[1]
    assert const.type == "number"
    assert type(const.value) is kind
    assert const.value == value
    assert not isinstance(const.value, float)


def test_decimal_keeps_its_written_digits():
    assert str(clause_of("q(X, 0.10)").body[0].args[1].value) == "0.10"


def test_strings_with_escapes_symbols_and_null():
    clause = clause_of('q(X, "a \\"b\\" c\\\\d", toxic, null, "# not a comment")')
    _, string, symbol, null, hashed = clause.body[0].args
    assert string == C('a "b" c\\d', "string")
    assert symbol == C("toxic", "symbol")
    assert null == C(None, "null") and str(null) == "null"
    assert hashed == C("# not a comment", "string")


def test_anonymous_variables_are_renamed_apart():
    clause = clause_of("q(X, _, _), r(_)")
    anonymous = [a for lit in clause.body for a in lit.args if isinstance(a, ir.Var) and a.anonymous]
    assert [a.name for a in anonymous] == ["_1", "_2", "_3"]
    assert anonymous[0] != anonymous[1]
    assert all(str(a) == "_" for a in anonymous)
    assert not clause.body[0].args[0].anonymous
    assert anonymous[1].pos == ir.Pos("t.cplaw", 11, 19)


def test_comments():
    text = HEADER + ("# a whole-line comment\n"
                     "rule t.r   # after the id\n"
                     "  cites art 1  # after a citation\n"
                     "  p(X) :- q(X), # inside a body\n"
                     "          r(X).  # after a clause\n"
                     "# at the end")
    [rule] = parse(text).rules
    assert [str(lit) for lit in rule.clauses[0].body] == ["q(X)", "r(X)"]
    assert rule.pos.line == 10 and rule.clauses[0].body[1].pos == ir.Pos("t.cplaw", 13, 11)


def test_variables_and_names():
    clause = clause_of("q(Listed, listed, Ab_9)")
    assert clause.body[0].args == (V("Listed"), C("listed", "symbol"), V("Ab_9"))


# ── recovery after syntax errors ────────────────────────────────────────────
def test_two_syntax_errors_both_reported_and_the_rest_parsed_at_its_own_lines():
    text = HEADER + '''rule t.a
  cites art 1
  p(X) :- q(X) r(X).

article 2 at 2..3
  """rule t.not-an-item
     第二条。"""

rule t.b
  cites art 1
  p(X) :- q(X), s(X).

rule t.c
  cites art 1
  p(X) :- , q(X).
'''
    rule_file, diagnostics = parse_text(text, "t.cplaw")
    assert [(d.code, d.line, d.column) for d in diagnostics] == [("syntax", 11, 16), ("syntax", 23, 11)]
    assert diagnostics[0].source_line == "  p(X) :- q(X) r(X)."
    assert [r.id for r in rule_file.rules] == ["t.b"]
    assert rule_file.rules[0].pos == ir.Pos("t.cplaw", 17, 1)
    assert rule_file.rules[0].clauses[0].body[1].pos == ir.Pos("t.cplaw", 19, 17)
    assert [a.ref.article for a in rule_file.articles] == ["1", "2"]
    assert rule_file.articles[1].text == "rulet.not-an-item第二条。"
    assert rule_file.instrument.id == "XX-T-1"


def test_impossible_date_is_a_diagnostic():
    text = HEADER + "rule t.r\n  cites art 1\n  p(X) :- q(X), X > 2009-02-30.\n"
    _, diagnostics = parse_text(text, "t.cplaw")
    assert [(d.code, d.line, d.column, d.message) for d in diagnostics] == [
        ("syntax", 11, 21, "2009-02-30 is not a calendar date")]


# ── queries ─────────────────────────────────────────────────────────────────
def test_parse_query():
    atom = parse_query("mandatory(toxic)")
    assert atom == ir.Atom("mandatory", (C("toxic", "symbol"),))
    assert not atom.negated


def test_parse_query_with_variables_dot_and_space():
    atom = parse_query("  sanction(submit_report, _, Round).  ")
    assert atom.predicate == "sanction"
    duty, anonymous, var = atom.args
    assert duty == C("submit_report", "symbol")
    assert anonymous.anonymous and var == V("Round")
    assert parse_query("is_listed()") == ir.Atom("is_listed", ())


# ── compiler: body ordering and in-force guards ─────────────────────────────
def test_order_body_moves_filters_after_their_binding_literal():
    clause = clause_of("not s(X), X > 2010-01-01, q(X), not t(_)")
    ordered, variables = order_body(list(clause.body))
    assert [str(lit) for lit in ordered] == ["not t(_)", "q(X)", "not s(X)", "X > 2010-01-01"]
    assert variables == ["X"]


def test_order_body_assignment_after_its_inputs():
    clause = clause_of("Y = Z + 1 month, W = effective(Y), Y < 2020-01-01, q(Z), r(W)")
    ordered, variables = order_body(list(clause.body))
    assert [str(lit) for lit in ordered] == [
        "q(Z)", "Y = Z + 1 month", "W = effective(Y)", "Y < 2020-01-01", "r(W)"]
    assert variables == ["Z", "Y", "W"]


def test_order_body_keeps_positive_atoms_in_written_order():
    clause = clause_of("r(Y), q(X), X != Y")
    ordered, variables = order_body(list(clause.body))
    assert [str(lit) for lit in ordered] == ["r(Y)", "q(X)", "X != Y"]
    assert variables == ["Y", "X"]


def test_order_body_equality_of_two_bound_variables_is_a_filter():
    ordered, _ = order_body(list(clause_of("X = Y, q(X), r(Y)").body))
    assert [str(lit) for lit in ordered] == ["q(X)", "X = Y", "r(Y)"]  # X = Y binds Y once X is bound


GUARDED = HEADER + """rule t.now
  cites art 1
  p(X) :- q(X).

rule t.at
  cites art 1
  applies at D
  p(D) :- q(D).

rule t.always
  cites art 1
  applies always
  p(X) :- q(X).
"""


def _compiled(rule_id: str, text: str = GUARDED) -> ir.CompiledClause:
    rule_file = parse(text)
    rule = next(r for r in rule_file.rules if r.id == rule_id)
    return compile_clause(rule, 0, rule.clauses[0], {rule_file.instrument.id: rule_file.instrument})


def test_guards_at_the_as_of_date_for_a_normal_rule():
    compiled = _compiled("t.now")
    assert compiled.id == "t.now#0"
    assert compiled.head == ir.Atom("p", (V("X"),))
    assert list(compiled.body) == [
        ir.Atom("as_of", (V(AS_OF),)),
        ir.Comparison(">=", V(AS_OF), C(_dt.date(2010, 1, 1), "date"), guard="XX-T-1"),
        ir.Comparison("<=", V(AS_OF), C(_dt.date(2015, 12, 31), "date"), guard="XX-T-1"),
        ir.Atom("q", (V("X"),)),
    ]
    assert [lit.guard for lit in compiled.body if isinstance(lit, ir.Comparison)] == ["XX-T-1", "XX-T-1"]
    assert compiled.variables == (AS_OF, "X")


def test_guards_at_the_applies_at_date():
    compiled = _compiled("t.at")
    assert list(compiled.body) == [
        ir.Atom("q", (V("D"),)),
        ir.Comparison(">=", V("D"), C(_dt.date(2010, 1, 1), "date"), guard="XX-T-1"),
        ir.Comparison("<=", V("D"), C(_dt.date(2015, 12, 31), "date"), guard="XX-T-1"),
    ]
    assert not any(isinstance(lit, ir.Atom) and lit.predicate == "as_of" for lit in compiled.body)


def test_open_ended_instrument_has_one_guard():
    compiled = _compiled("t.now", GUARDED.replace("2010-01-01 .. 2015-12-31", "2010-01-01 .. open"))
    guards = [lit for lit in compiled.body if isinstance(lit, ir.Comparison)]
    assert guards == [ir.Comparison(">=", V(AS_OF), C(_dt.date(2010, 1, 1), "date"), guard="XX-T-1")]


def test_no_guards_for_applies_always():
    compiled = _compiled("t.always")
    assert list(compiled.body) == [ir.Atom("q", (V("X"),))]
    assert compiled.variables == ("X",)


def test_guard_is_not_equal_to_the_same_comparison_written_in_a_rule():
    written = clause_of("q(X), X >= 2010-01-01").body[1]
    guard = ir.Comparison(">=", V("X"), C(_dt.date(2010, 1, 1), "date"), guard="XX-T-1")
    assert written != guard and written.guard is None


def test_a_declaration_may_follow_a_rule() -> None:
    """`derived predicate …` right after a rule's clauses is a new item, not another clause (the whole file
    parses at once; before, it failed and only the item-by-item fallback read it)."""
    from cplaw.parser import _parse_chunk
    text = ('rule a.b\n  cites art 1\n  mandatory(toxic) :- toxic_by_facts().\n'
            'derived predicate xx_flag()\n  "标志" "a flag"\n')
    items = _parse_chunk("t.cplaw", text, 0)
    assert [type(i).__name__ for i in items] == ["Rule", "Predicate"]
