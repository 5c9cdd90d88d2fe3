"""The engine-neutral intermediate representation of a rule base.

The parser builds it, the checks read it, the compiler orders it, and each backend (pyDatalog now; SQL
later) translates the same objects. Nothing here knows about an engine.

Every fact is about the one enterprise being assessed, so predicates carry no enterprise argument; a
bulk backend adds that column to every predicate.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from decimal import Decimal

from .periods import Period


@dataclass(frozen=True)
class Pos:
    """Where something stands in a rule file."""

    file: str
    line: int
    column: int


NOWHERE = Pos("<builtin>", 0, 0)


# ── terms and expressions ───────────────────────────────────────────────────
@dataclass(frozen=True)
class Var:
    name: str  # "_" is anonymous; the parser renames each "_" apart (_1, _2, …) and marks it
    anonymous: bool = False
    pos: Pos = field(default=NOWHERE, compare=False)

    def __str__(self) -> str:
        return "_" if self.anonymous else self.name


@dataclass(frozen=True)
class Const:
    """A constant with its type: date, period, number, string, symbol, provision or null."""

    value: _dt.date | Period | Decimal | int | str | Provision | None
    type: str
    pos: Pos = field(default=NOWHERE, compare=False)

    def __str__(self) -> str:
        if self.type == "string":
            return f'"{self.value}"'
        if self.type == "null":
            return "null"
        return str(self.value)


@dataclass(frozen=True)
class BinOp:
    op: str  # + - * /
    left: Expr
    right: Expr
    pos: Pos = field(default=NOWHERE, compare=False)

    def __str__(self) -> str:
        return f"{self.left} {self.op} {self.right}"


@dataclass(frozen=True)
class Call:
    """A builtin function applied to expressions (see cplaw.builtins)."""

    function: str
    args: tuple[Expr, ...]
    pos: Pos = field(default=NOWHERE, compare=False)

    def __str__(self) -> str:
        return f"{self.function}({', '.join(map(str, self.args))})"


Term = Var | Const
Expr = Var | Const | BinOp | Call


def expr_vars(expr: Expr) -> list[Var]:
    """The variables of an expression, in order of appearance."""
    if isinstance(expr, Var):
        return [expr]
    if isinstance(expr, BinOp):
        return expr_vars(expr.left) + expr_vars(expr.right)
    if isinstance(expr, Call):
        return [v for a in expr.args for v in expr_vars(a)]
    return []


# ── literals ────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class Atom:
    predicate: str
    args: tuple[Term, ...]
    negated: bool = False
    pos: Pos = field(default=NOWHERE, compare=False)
    # As written with named arguments: each argument's field name and where it stands (None: a variable alone,
    # which names its own field). The checks resolve names to positions; compiled atoms have none.
    names: tuple[tuple[str, Pos] | None, ...] | None = field(default=None, compare=False, repr=False)

    def vars(self) -> list[Var]:
        return [a for a in self.args if isinstance(a, Var)]

    def __str__(self) -> str:
        core = f"{self.predicate}({', '.join(map(str, self.args))})"
        return f"not {core}" if self.negated else core


@dataclass(frozen=True)
class Comparison:
    """``left op right``; with ``=`` and an unbound variable on the left it binds it (an assignment)."""

    op: str  # = != < <= > >=
    left: Expr
    right: Expr
    pos: Pos = field(default=NOWHERE, compare=False)
    guard: str | None = None  # set on the in-force guards the compiler adds: the instrument id

    def vars(self) -> list[Var]:
        return expr_vars(self.left) + expr_vars(self.right)

    def __str__(self) -> str:
        return f"{self.left} {self.op} {self.right}"


Literal = Atom | Comparison


# ── law ─────────────────────────────────────────────────────────────────────
@dataclass(frozen=True)
class ArticleRef:
    """Article / paragraph (款) / item (项) of an instrument; article is "28" or a label like "四(二)"."""

    instrument: str | None  # None: the citing file's own instrument (resolved by the parser)
    article: str
    paragraph: int | None = None
    item: int | None = None
    pos: Pos = field(default=NOWHERE, compare=False)

    @property
    def key(self) -> tuple[str | None, str, int | None, int | None]:
        return (self.instrument, self.article, self.paragraph, self.item)

    def label(self) -> str:
        parts = [f"art. {self.article}"]
        if self.paragraph is not None:
            parts.append(f"para. {self.paragraph}")
        if self.item is not None:
            parts.append(f"item {self.item}")
        return " ".join(parts)

    def __str__(self) -> str:
        return f"{self.instrument} {self.label()}"


@dataclass(frozen=True)
class Provision:
    """A provision as a value of the language (a `provision` constant): an article, paragraph or item of a
    declared instrument. Engines treat it as an opaque, hashable value; it prints as a citation does."""

    instrument: str
    article: str
    paragraph: int | None = None
    item: int | None = None

    def __str__(self) -> str:
        return str(ArticleRef(self.instrument, self.article, self.paragraph, self.item))

    def __lt__(self, other: object) -> bool:
        return str(self) < str(other)

    def covers(self, ref: ArticleRef) -> bool:
        """True when ``ref`` (a declared article, paragraph or item) lies within this provision."""
        return (ref.instrument, ref.article) == (self.instrument, self.article) \
            and self.paragraph in (None, ref.paragraph) and self.item in (None, ref.item)


@dataclass(frozen=True)
class Instrument:
    id: str
    title: str
    number: str | None
    issuer: str | None
    jurisdiction: str  # "CN" or a GB/T 2260 two-digit code
    version: _dt.date | None
    in_force_from: _dt.date
    in_force_to: _dt.date | None  # None: still in force
    source_file: str  # relative to ../shared
    source_lines: tuple[int, int]
    status: str  # verified | corroborated | unofficial
    note: str | None
    general: bool = False  # a general law the rules use (periods, penalties), not a cleaner-production text
    pos: Pos = field(default=NOWHERE, compare=False)
    inventory: str | None = None  # its entry in research/provisions-inventory.md ("N1", "BJ4", "S004")
    hortatory: bool = False  # recorded for coverage; it creates no condition, duty or sanction (no rules)
    sets_fines: bool = False  # a provincial text that may itself set fines (a local regulation, e.g. Hunan)
    end_unknown: bool = False  # in_force_to is None because no source says when it ended, not because it is current

    def in_force_on(self, day: _dt.date) -> bool:
        return self.in_force_from <= day and (self.in_force_to is None or day <= self.in_force_to)


@dataclass(frozen=True)
class Article:
    ref: ArticleRef
    lines: tuple[int, int]
    text: str  # the exact words, whitespace removed (the source's line wrapping is not part of the law)
    pos: Pos = field(default=NOWHERE, compare=False)
    number_confirmed: bool = True  # False: the source gives the words but not surely this article number
    # Set: ``text`` is not the article's words but what ``reported_by`` (e.g. local notices) report of its
    # substance, in their own words ("" where none were seen); never shown as a quotation of the article.
    reported_by: str | None = None

    @property
    def reported(self) -> bool:
        return self.reported_by is not None


@dataclass(frozen=True)
class Param:
    name: str
    type: str

    @property
    def keyword(self) -> str:
        """The name a named argument gives it: the declared name in snake_case (FineMin → fine_min)."""
        return field_name(self.name)


def field_name(name: str) -> str:
    """A variable-style name in snake_case: FineMin → fine_min, Duty → duty."""
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))


@dataclass(frozen=True)
class Predicate:
    name: str
    params: tuple[Param, ...]
    kind: str  # input | derived
    zh: str
    en: str
    pos: Pos = field(default=NOWHERE, compare=False)

    @property
    def arity(self) -> int:
        return len(self.params)


@dataclass(frozen=True)
class Enum:
    name: str
    values: tuple[str, ...]
    pos: Pos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class Reading:
    """A named interpretation the rule base takes where a text is ambiguous: declared once with its words
    (``reading NAME "…"``), referred to by name elsewhere (``reading NAME``; the checks fill in the words)."""

    name: str
    text: str | None
    pos: Pos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class Clause:
    head: Atom
    body: tuple[Literal, ...]
    pos: Pos = field(default=NOWHERE, compare=False)


@dataclass(frozen=True)
class Rule:
    id: str
    instrument: str | None
    cites: tuple[ArticleRef, ...]
    clauses: tuple[Clause, ...]
    applies_at: Var | None  # the date at which the instrument must be in force; None: the as-of date
    readings: tuple[Reading, ...] = ()
    timeless: bool = False  # `applies always`: no in-force guard (definitions; rules read back in time)
    pos: Pos = field(default=NOWHERE, compare=False)


@dataclass
class RuleFile:
    """What one file declares, in file order."""

    path: str
    instrument: Instrument | None = None
    articles: list[Article] = field(default_factory=list)
    enums: list[Enum] = field(default_factory=list)
    predicates: list[Predicate] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)


@dataclass(frozen=True)
class CompiledClause:
    """A clause ready for a backend: body ordered so every literal's inputs are bound before it."""

    rule: str
    index: int
    head: Atom
    body: tuple[Literal, ...]
    variables: tuple[str, ...]  # every named variable, in binding order
    as_of_within: tuple[_dt.date, _dt.date | None] | None = None  # its guard's interval for the as-of date
    applies_from: _dt.date | None = None  # an `applies at Day` clause: the first day its guard admits
    province: str | None = None  # a provincial clause: the GB/T 2260 code of the enterprises it binds

    def can_apply(self, as_of: _dt.date) -> bool:
        """False when the clause's in-force guard is false whatever the facts. An `applies at Day` clause
        cannot apply before its instrument took effect, because every day in an assessment's facts, and
        every day derived from them, is on or before the as-of date (later records are left out)."""
        if self.applies_from is not None:
            return self.applies_from <= as_of
        if self.as_of_within is None:
            return True
        first, last = self.as_of_within
        return first <= as_of and (last is None or as_of <= last)

    @property
    def id(self) -> str:
        return f"{self.rule}#{self.index}"


@dataclass
class Program:
    """A checked, compiled rule base: the IR every backend consumes."""

    instruments: dict[str, Instrument]
    articles: dict[tuple, Article]  # ArticleRef.key (instrument resolved) → Article
    enums: dict[str, Enum]
    predicates: dict[str, Predicate]
    rules: dict[str, Rule]
    clauses: list[CompiledClause]
    files: list[str]
    # the derived predicates' strata in evaluation order: the strongly connected components of the dependency
    # graph, topologically sorted (cplaw.checks.dependency_strata), computed when the rule base is compiled
    strata: list[list[str]] = field(default_factory=list)

    def clauses_for(self, predicate: str) -> list[CompiledClause]:
        return [c for c in self.clauses if c.head.predicate == predicate]

    def options(self) -> dict[str, str]:
        """The alternative readings a user may choose (each `option("name")` a rule tests), with their words."""
        tested = {lit.args[0].value for c in self.clauses for lit in c.body
                  if isinstance(lit, Atom) and lit.predicate == "option" and isinstance(lit.args[0], Const)}
        return {r.name: r.text for rule in self.rules.values() for r in rule.readings if r.name in tested}
