"""Parse rule files (grammar/cplaw.lark) into the IR, keeping file:line:column on every node."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import re
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from itertools import count

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from . import ir
from .errors import Diagnostic
from .periods import parse_period

# A top-level item starts a line with one of these words; used to go on after a syntax error.
_ITEM_START = re.compile(r"^(instrument|article|enum|input predicate|derived predicate|rule)\b", re.M)


@lru_cache(maxsize=2)
def grammar_parser(start: str = "start") -> Lark:
    """The Lark parser built from the packaged grammar (one source of the syntax)."""
    text = resources.files("cplaw.grammar").joinpath("cplaw.lark").read_text(encoding="utf-8")
    return Lark(text, parser="lalr", start=start, propagate_positions=True, maybe_placeholders=True)


class _SemanticError(Exception):
    def __init__(self, message: str, token: Token | None):
        super().__init__(message)
        self.token = token


def _unquote(token: str) -> str:
    if token.startswith('"""'):
        return token[3:-3]
    return re.sub(r"\\(.)", r"\1", token[1:-1])


def _date(token: Token) -> _dt.date:
    try:
        return _dt.date.fromisoformat(str(token))
    except ValueError:
        raise _SemanticError(f"{token} is not a calendar date", token) from None


@dataclasses.dataclass(frozen=True)
class _Named:
    """A named argument as parsed (``fine_min: 50000``), before the atom gathers its arguments."""

    name: str
    pos: ir.Pos
    value: ir.Term


class _ToIR(Transformer):
    """Turns the parse tree of one file into IR objects (items are returned in file order)."""

    def __init__(self, path: str, line_offset: int = 0):
        super().__init__()
        self.path = path
        self.line_offset = line_offset
        self._anon = count(1)

    def _pos(self, meta_or_token) -> ir.Pos:
        line = getattr(meta_or_token, "line", None)
        if line is None:
            return ir.Pos(self.path, self.line_offset + 1, 1)
        return ir.Pos(self.path, line + self.line_offset, meta_or_token.column)

    # constants and terms
    def VAR(self, tok: Token) -> ir.Var:
        return ir.Var(str(tok), pos=self._pos(tok))

    def ANON(self, tok: Token) -> ir.Var:
        return ir.Var(f"_{next(self._anon)}", anonymous=True, pos=self._pos(tok))

    def date(self, items):
        return ir.Const(_date(items[0]), "date", self._pos(items[0]))

    def period(self, items):
        return ir.Const(parse_period(str(items[0])), "period", self._pos(items[0]))

    def number(self, items):
        text = str(items[0])
        value = Decimal(text) if "." in text else int(text)
        return ir.Const(value, "number", self._pos(items[0]))

    def string(self, items):
        return ir.Const(_unquote(items[0]), "string", self._pos(items[0]))

    def symbol(self, items):
        return ir.Const(str(items[0]), "symbol", self._pos(items[0]))

    @v_args(meta=True)
    def provision(self, meta, items):
        instrument, ref = items
        value = ir.Provision(str(instrument), ref.article, ref.paragraph, ref.item)
        return ir.Const(value, "provision", self._pos(meta))

    @v_args(meta=True)
    def null(self, meta, items):
        return ir.Const(None, "null", self._pos(meta))

    # expressions and literals
    @v_args(meta=True)
    def binop(self, meta, items):
        left, op, right = items
        return ir.BinOp(str(op), left, right, self._pos(meta))

    @v_args(meta=True)
    def call(self, meta, items):
        name, *args = items
        return ir.Call(str(name), tuple(a for a in args if a is not None), self._pos(meta))

    def named(self, items):
        name, value = items
        return _Named(str(name), self._pos(name), value)

    @v_args(meta=True)
    def atom(self, meta, items):
        name, *args = (a for a in items if a is not None)
        names = None
        if any(isinstance(a, _Named) for a in args):
            names = tuple((a.name, a.pos) if isinstance(a, _Named) else None for a in args)
            args = [a.value if isinstance(a, _Named) else a for a in args]
        return ir.Atom(str(name), tuple(args), pos=self._pos(meta), names=names)

    @v_args(meta=True)
    def negation(self, meta, items):
        atom: ir.Atom = items[0]
        return dataclasses.replace(atom, negated=True, pos=self._pos(meta))

    @v_args(meta=True)
    def comparison(self, meta, items):
        left, op, right = items
        return ir.Comparison(str(op), left, right, self._pos(meta))

    def body(self, items):
        return tuple(items)

    @v_args(meta=True)
    def clause(self, meta, items):
        head, body = items[0], items[1] if len(items) > 1 and items[1] is not None else ()
        return ir.Clause(head, body, self._pos(meta))

    # law
    def text(self, items):
        return re.sub(r"\s+", "", _unquote(items[0]))

    @v_args(meta=True)
    def article_ref(self, meta, items):
        number, para, item = items
        article = _unquote(number) if str(number).startswith('"') else str(int(number))
        return ir.ArticleRef(None, article, int(para) if para else None, int(item) if item else None,
                             self._pos(meta))

    @v_args(meta=True)
    def article(self, meta, items):
        ref, unconfirmed, reported, first, last, text, reported_by = items
        if reported is None and reported_by is not None:
            raise _SemanticError('"by" attributes reported words: only a "reported" article takes it', reported_by)
        if reported is not None and reported_by is None:
            raise _SemanticError('a "reported" article must say who reports it: by "…"', reported)
        return ir.Article(ref, (int(first), int(last)), text, self._pos(meta),
                          number_confirmed=unconfirmed is None,
                          reported_by=_unquote(reported_by) if reported_by is not None else None)

    @v_args(meta=True)
    def citation(self, meta, items):
        instrument, ref = items
        return ir.ArticleRef(str(instrument) if instrument else None, ref.article, ref.paragraph, ref.item,
                             self._pos(meta))

    def cites(self, items):
        return ("cites", tuple(items))

    def applies_at(self, items):
        return ("applies_at", items[0])

    def applies_always(self, items):
        return ("applies_always", True)

    def reading(self, items):
        name, words = items
        return ("reading", ir.Reading(str(name), _unquote(words) if words is not None else None, self._pos(name)))

    @v_args(meta=True)
    def rule(self, meta, items):
        rule_id, *rest = items
        cites: list[ir.ArticleRef] = []
        readings: list[ir.Reading] = []
        applies_at = None
        timeless = False
        clauses = []
        for item in rest:
            if isinstance(item, ir.Clause):
                clauses.append(item)
            elif item[0] == "cites":
                cites.extend(item[1])
            elif item[0] == "applies_at":
                applies_at = item[1]
            elif item[0] == "applies_always":
                timeless = True
            else:
                readings.append(item[1])
        return ir.Rule(str(rule_id), None, tuple(cites), tuple(clauses), applies_at, tuple(readings),
                       timeless, self._pos(meta))

    # vocabulary
    @v_args(meta=True)
    def enum_decl(self, meta, items):
        name, *values = items
        return ir.Enum(str(name), tuple(str(v) for v in values), self._pos(meta))

    def param(self, items):
        var, type_name = items
        return ir.Param(var.name, str(type_name))

    @v_args(meta=True)
    def predicate_decl(self, meta, items):
        kind, name, *rest = items
        *params, zh, en = rest
        return ir.Predicate(str(name), tuple(p for p in params if p is not None), str(kind),
                            _unquote(zh), _unquote(en), self._pos(meta))

    # instruments
    def inst_title(self, items):
        return ("title", _unquote(items[0]))

    def inst_number(self, items):
        return ("number", _unquote(items[0]))

    def inst_issuer(self, items):
        return ("issuer", _unquote(items[0]))

    def inst_jurisdiction(self, items):
        return ("jurisdiction", str(items[0]))

    def inst_version(self, items):
        return ("version", _date(items[0]))

    def inst_in_force(self, items):
        """(first day, last day or None, whether the end is unknown rather than open)."""
        end = items[1]
        return ("in_force", (_date(items[0]), _date(end) if end.type == "DATE" else None, end.type == "END_UNKNOWN"))

    def inst_source(self, items):
        return ("source", (_unquote(items[0]), (int(items[1]), int(items[2]))))

    def inst_status(self, items):
        return ("status", str(items[0]))

    def inst_note(self, items):
        return ("note", _unquote(items[0]))

    def inst_general(self, items):
        return ("general", True)

    def inst_inventory(self, items):
        return ("inventory", _unquote(items[0]))

    def inst_hortatory(self, items):
        return ("hortatory", True)

    def inst_sets_fines(self, items):
        return ("sets_fines", True)

    @v_args(meta=True)
    def instrument(self, meta, items):
        inst_id, *fields = items
        values = dict(fields)
        missing = [k for k in ("title", "jurisdiction", "in_force", "source", "status") if k not in values]
        if missing:
            raise _SemanticError(f"instrument {inst_id} lacks: {', '.join(missing)}", inst_id)
        start, end, end_unknown = values["in_force"]
        source, lines = values["source"]
        return ir.Instrument(str(inst_id), values["title"], values.get("number"), values.get("issuer"),
                             values["jurisdiction"], values.get("version"), start, end, source, lines,
                             values["status"], values.get("note"), values.get("general", False),
                             self._pos(meta), values.get("inventory"), values.get("hortatory", False),
                             values.get("sets_fines", False), end_unknown)

    def start(self, items):
        return items


def source_lines(text: str, keepends: bool = False) -> list[str]:
    """A text's lines as the parser counts them: split at \\n only (``str.splitlines`` also splits at
    \\x85, \\u2028, \\x0c…, which shifted the line of every later error)."""
    if keepends:
        return re.findall(r"[^\n]*\n|[^\n]+\Z", text)
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def _syntax_diagnostic(path: str, text: str, err: UnexpectedInput, line_offset: int) -> Diagnostic:
    lines = source_lines(text)
    line, column = getattr(err, "line", 1) or 1, getattr(err, "column", 1) or 1
    if isinstance(err, UnexpectedEOF) or line < 1:
        line, column = len(lines) or 1, len(lines[-1]) + 1 if lines else 1
    if isinstance(err, UnexpectedToken):
        expected = sorted(err.accepts or err.expected)
        message = f"unexpected {err.token!s:.40}; expected one of: {', '.join(expected[:12])}"
        if err.token.type == "$END":
            message = ("unexpected end of input: a '}' is missing (a block opened with '{' is not closed)"
                       if "RBRACE" in expected else "unexpected end of input (a clause must end with '.')")
    elif isinstance(err, UnexpectedCharacters):
        message = f"unexpected character {_text_at(lines, line, column)!r}"
    else:
        message = "unexpected end of input"
    source_line = lines[line - 1] if 0 < line <= len(lines) else None
    return Diagnostic(path, line + line_offset, column, message, "syntax", source_line)


def _text_at(lines: list[str], line: int, column: int) -> str:
    try:
        return lines[line - 1][column - 1]
    except IndexError:
        return ""


def _parse_chunk(path: str, text: str, line_offset: int):
    tree = grammar_parser().parse(text)
    return _ToIR(path, line_offset).transform(tree)


def _chunks(text: str) -> list[tuple[int, str]]:
    """Split a file at its top-level items (outside triple-quoted strings), keeping line offsets."""
    starts = []
    in_long = False
    offset = 0
    for lineno, line in enumerate(source_lines(text, keepends=True)):
        if not in_long and _ITEM_START.match(line):
            starts.append((lineno, offset))
        in_long ^= line.count('"""') % 2 == 1
        offset += len(line)
    if not starts or starts[0][1] != 0:
        starts.insert(0, (0, 0))
    ends = [o for _, o in starts[1:]] + [len(text)]
    return [(ln, text[o:e]) for (ln, o), e in zip(starts, ends)]


def parse_text(text: str, path: str) -> tuple[ir.RuleFile, list[Diagnostic]]:
    """Parse one file's text. On any error, each top-level item is parsed alone, so that every error is
    reported at its own line and the file's sound items are still read (and checked)."""
    diagnostics: list[Diagnostic] = []
    try:
        return _assemble(path, _parse_chunk(path, text, 0), diagnostics), diagnostics
    except (UnexpectedInput, VisitError):
        pass
    items = []
    for line_offset, chunk in _chunks(text):
        try:
            items.extend(_parse_chunk(path, chunk, line_offset))
        except UnexpectedInput as err:
            diagnostics.append(_syntax_diagnostic(path, chunk, err, line_offset))
        except VisitError as err:
            diagnostics.append(_semantic_diagnostic(path, chunk, err, line_offset))
    return _assemble(path, items, diagnostics), diagnostics


def _semantic_diagnostic(path: str, chunk: str, err: VisitError, line_offset: int) -> Diagnostic:
    inner = err.orig_exc
    if not isinstance(inner, _SemanticError):
        raise inner
    line = getattr(inner.token, "line", None) or 1
    column = getattr(inner.token, "column", None) or 1
    lines = source_lines(chunk)
    return Diagnostic(path, line + line_offset, column, str(inner), "syntax",
                      lines[line - 1] if line <= len(lines) else None)


def _assemble(path: str, items: list, diagnostics: list[Diagnostic]) -> ir.RuleFile:
    """Collect a file's items; articles and rules belong to the file's instrument."""
    result = ir.RuleFile(path)
    for item in items:
        if isinstance(item, ir.Instrument):
            if result.instrument is not None:
                diagnostics.append(Diagnostic(path, item.pos.line, item.pos.column,
                                              "one instrument per file: a second one is declared here",
                                              "duplicate"))
                continue
            result.instrument = item
        elif isinstance(item, ir.Article):
            result.articles.append(item)
        elif isinstance(item, ir.Enum):
            result.enums.append(item)
        elif isinstance(item, ir.Predicate):
            result.predicates.append(item)
        elif isinstance(item, ir.Rule):
            result.rules.append(item)
    own = result.instrument.id if result.instrument else None
    if own is None and (result.articles or result.rules):
        first = (result.articles or result.rules)[0]
        diagnostics.append(Diagnostic(path, first.pos.line, first.pos.column,
                                      "articles and rules need the file's instrument declared", "structure"))
    result.articles = [_own(a, own) for a in result.articles]
    result.rules = [_resolve_rule(r, own) for r in result.rules]
    return result


def _own(article: ir.Article, instrument: str | None) -> ir.Article:
    return dataclasses.replace(article, ref=dataclasses.replace(article.ref, instrument=instrument))


def _resolve_rule(rule: ir.Rule, instrument: str | None) -> ir.Rule:
    cites = tuple(ir.ArticleRef(c.instrument or instrument, c.article, c.paragraph, c.item, c.pos)
                  for c in rule.cites)
    return ir.Rule(rule.id, instrument, cites, rule.clauses, rule.applies_at, rule.readings, rule.timeless,
                   rule.pos)


def parse_query(text: str) -> ir.Atom:
    """Parse a query such as ``mandatory(toxic)`` or ``obligation(start_audit, _)``."""
    parser = grammar_parser("start")
    tree = parser.parse(f"rule query.q {text.strip().rstrip('.')}.")
    rule = _ToIR("<query>").transform(tree)[0]
    return rule.clauses[0].head

