"""Variables of IR literals bound to values, and values as the explanations print them: shared by the
explanation graphs, missing facts and comparisons, and free of graph libraries so that assessing never loads
them."""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from typing import Any

from . import ir


def value_text(value: Any) -> str:
    if isinstance(value, _dt.date):
        return value.isoformat()
    if value is None:
        return "null"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _bind(node: ir.Expr, binding: dict[str, Any]):
    if isinstance(node, ir.Var) and node.name in binding:
        return ir.Const(binding[node.name], "bound")
    if isinstance(node, ir.BinOp):
        return ir.BinOp(node.op, _bind(node.left, binding), _bind(node.right, binding), node.pos)
    if isinstance(node, ir.Call):
        return ir.Call(node.function, tuple(_bind(a, binding) for a in node.args), node.pos)
    return node


def substitute(lit: ir.Literal, binding: dict[str, Any]) -> ir.Literal:
    if isinstance(lit, ir.Atom):
        return ir.Atom(lit.predicate, tuple(_bind(a, binding) for a in lit.args), lit.negated, lit.pos)
    return ir.Comparison(lit.op, _bind(lit.left, binding), _bind(lit.right, binding), lit.pos, lit.guard)


def unify_head(head: ir.Atom, pattern: tuple) -> dict[str, Any] | None:
    """Bindings of the head's variables for a (partial: None = any) argument pattern, or None."""
    binding: dict[str, Any] = {}
    for term, value in zip(head.args, pattern):
        if value is None:
            continue
        if isinstance(term, ir.Const):
            if term.value != value:
                return None
        elif term.name in binding and binding[term.name] != value:
            return None
        else:
            binding[term.name] = value
    return binding
