"""Functions a rule body may call, with their types and the articles that define them.

Every function is total on well-typed arguments (the checks guarantee the types): pyDatalog turns an
exception raised inside an expression into a value, so a function that could raise would give wrong
answers silently.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import calendar as holidays
from . import ir, periods

CIVIL_CODE = "CN-CC-2020"


@dataclass(frozen=True)
class Builtin:
    name: str
    params: tuple[str, ...]
    result: str
    function: Callable
    cites: tuple[tuple[str, str, int | None], ...]  # (instrument, article, paragraph)
    zh: str
    en: str


BUILTINS: dict[str, Builtin] = {
    b.name: b
    for b in [
        Builtin("effective", ("date",), "date", periods.effective_last_day,
                ((CIVIL_CODE, "203", 1),),
                "期间的最后一日是法定休假日的，顺延至休假日结束的次日",
                "the last day, moved past a statutory rest day to the next working day"),
        Builtin("day_after", ("date",), "date", periods.day_after, (),
                "次日", "the day after"),
    ]
}

def effective_cites(nominal: _dt.date) -> tuple[tuple[str, str, int | None], ...]:
    """What a last day's move (or its uncertainty) rests on: 民法典 art. 203, and art. 2 of the 放假办法 version in
    force that year where a festival day moved it or where the year's arrangement is unknown."""
    cites = BUILTINS["effective"].cites
    version = holidays.version_for(nominal.year)
    festival = periods.rest_day_name(nominal) not in (None, "weekend")
    if version is not None and (festival or not periods.calendar_covers(nominal)):
        cites += ((f"CN-HOL-{version.id}", "2", None),)
    return cites


# `Date + Period` is calendar arithmetic on the law's terms: arts. 201 and 202.
ADD_PERIOD = Builtin("add_period", ("date", "period"), "date", periods.add_period,
                     ((CIVIL_CODE, "201", 1), (CIVIL_CODE, "202", None)),
                     "按年、月、日、工作日计算期间（开始的当日不计入）",
                     "a period counted from the day after the start (months and years to the corresponding day)")


def evaluate(expr: ir.Expr, binding: dict[str, Any]) -> Any:
    """The value of an expression under a binding, computed with the same functions the engine calls."""
    if isinstance(expr, ir.Var):
        return binding.get(expr.name)
    if isinstance(expr, ir.Const):
        return expr.value
    if isinstance(expr, ir.Call):
        return BUILTINS[expr.function].function(*(evaluate(a, binding) for a in expr.args))
    left, right = evaluate(expr.left, binding), evaluate(expr.right, binding)
    if expr.op == "+" and isinstance(expr.right, ir.Const) and expr.right.type == "period":
        return ADD_PERIOD.function(left, right)
    return {"+": lambda: left + right, "-": lambda: left - right, "*": lambda: left * right,
            "/": lambda: left / right}[expr.op]()
