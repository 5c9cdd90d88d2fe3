"""Queries people write, read into atoms of the vocabulary.

``mandatory(toxic)``, ``violation(start_audit, _)``; the Chinese name of a conclusion (``违法(开展审核)``,
``强制性审核``); a plain duty name (``start_audit``, ``开展清洁生产审核``, ``开展审核``), which asks about the
duty and its deadline (``due``). A constant that cannot occur is an error naming the accepted values; an unknown
name lists the conclusions a user asks about. Names and wordings come from facts/labels.yaml.
"""

from __future__ import annotations

import re

from lark.exceptions import LarkError

from . import ir
from .errors import CplawError
from .labels import LANGS, label, vocabulary
from .parser import parse_query

_SHAPE = re.compile(r"^\s*([^()\s]+)\s*(?:[(（](.*)[)）])?\s*$")


def _normal(text: str) -> str:
    """The form names are compared in: no spaces, no 清洁生产, lower case."""
    return re.sub(r"\s+|清洁生产", "", text).lower()


def _enum_value(enum: ir.Enum, text: str) -> str | None:
    """The enum value a user's word names: the value itself or its label in either language."""
    wanted = _normal(text)
    for value in enum.values:
        names = {_normal(value)}
        for lang in LANGS:
            text = label("enums", f"{enum.name}.{value}", lang)
            names.add(_normal(text))
            names.update(_normal(short) for short in re.findall(r"[（(]([^（）()]+)[）)]$", text))  # 双有
        if wanted in names:
            return value
    return None


def asked_conclusions() -> dict[str, str]:
    """The conclusions a user asks about, predicate → its names (zh / en), from phrases.query_names."""
    names = vocabulary().get("phrases", {}).get("query_names", {})
    return {pred: " / ".join(entry[lang] for lang in LANGS) for pred, entry in names.items()}


def _predicate_named(name: str, program: ir.Program) -> str | None:
    if name in program.predicates:
        return name
    for pred, entry in vocabulary().get("phrases", {}).get("query_names", {}).items():
        if any(_normal(name) in {_normal(n) for n in entry[lang].split("/")} for lang in LANGS):
            return pred
    return None


def _unknown(name: str) -> CplawError:
    known = "; ".join(f"{pred} ({names})" for pred, names in asked_conclusions().items())
    return CplawError(f"unknown conclusion {name!r} in the query; ask about one of: {known}; "
                      "or name a duty (start_audit, 开展审核)")


def read_query(text: str, program: ir.Program) -> ir.Atom:
    """The atom a query names, with its enum constants checked; trailing arguments left out mean any value."""
    shape = _SHAPE.match(text)
    if not shape:
        raise CplawError(f"cannot read the query {text!r}: write a conclusion such as mandatory(toxic), "
                         "违法(开展审核) or a duty such as start_audit")
    name, arg_text = shape.group(1), shape.group(2)
    args = [a.strip() for a in re.split(r"[,，、]", arg_text)] if arg_text and arg_text.strip() else []
    predicate = _predicate_named(name, program)
    if predicate is None:
        duty = _enum_value(program.enums["duty"], name) if "duty" in program.enums else None
        if duty is None:
            raise _unknown(name)
        predicate, args = "due", [duty, *args]
    pred = program.predicates[predicate]
    if len(args) > pred.arity:
        raise CplawError(f"{predicate} takes {pred.arity} arguments ({', '.join(p.name for p in pred.params)})")
    for i, (param, arg) in enumerate(zip(pred.params, args)):
        enum = program.enums.get(param.type)
        if enum is None or arg == "_" or arg[:1].isupper():
            continue
        value = _enum_value(enum, arg)
        if value is None:
            raise CplawError(f"{predicate}: {arg!r} is not a {param.type} ({param.name}); accepted values: "
                             f"{', '.join(enum.values)}")
        args[i] = value
    try:
        atom = parse_query(f"{predicate}({', '.join(args)})")
    except LarkError:
        raise CplawError(f"cannot read the query {text!r}: write an atom such as mandatory(toxic)") from None
    if atom.names is not None:
        raise CplawError(f"cannot read the query {text!r}: a query gives its arguments in order, not by name")
    padding = tuple(ir.Var(f"_{i}", anonymous=True) for i in range(pred.arity - len(atom.args)))
    return ir.Atom(atom.predicate, atom.args + padding)
