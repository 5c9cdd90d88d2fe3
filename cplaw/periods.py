"""Periods as the law counts them: 民法典 arts. 201–203 on China's official working-day calendar.

- art. 201: the start day is not counted; counting begins the next day.
- art. 202: a period in months or years ends on the corresponding day of the final month, or on that
  month's last day where it has none.
- art. 203: a last day that is a statutory rest day (法定休假日) moves to the day after the rest ends,
  i.e. the next working day. Make-up working days (调休上班) are working days.

The calendar is :mod:`cplaw.calendar`: an arrangement data file or the ``chinesecalendar`` package (State
Council notices) where the year's arrangement is known; otherwise the festival days of the 放假办法 version in
force (art. 2) and weekends, and every result says that only the 调休 shuffle is unknown (``calendar_note``).
"""

from __future__ import annotations

import calendar
import datetime as _dt
from dataclasses import dataclass
from functools import lru_cache

from . import calendar as holidays

UNITS = {"day": "day", "days": "day", "workday": "workday", "workdays": "workday",
         "month": "month", "months": "month", "year": "year", "years": "year"}
_ZH = {"day": "日", "workday": "个工作日", "month": "个月", "year": "年"}


@dataclass(frozen=True, order=True)
class Period:
    """A length of time as a text states it: ``2 months``, ``60 days``, ``45 workdays``."""

    amount: int
    unit: str  # day | workday | month | year

    def __post_init__(self) -> None:
        if self.unit not in _ZH:
            raise ValueError(f"unknown period unit {self.unit!r}")

    def __str__(self) -> str:
        return f"{self.amount} {self.unit}{'' if self.amount == 1 else 's'}"

    @property
    def zh(self) -> str:
        return f"{self.amount}{_ZH[self.unit]}"


def parse_period(text: str) -> Period:
    """``"2 months"`` → ``Period(2, "month")``."""
    amount, unit = text.split()
    return Period(int(amount), UNITS[unit])


def calendar_covers(day: _dt.date) -> bool:
    """Whether the official holiday calendar is known for ``day``'s year."""
    return holidays.known(day)


def is_working_day(day: _dt.date) -> bool:
    """Official working day; where the arrangement is unknown, a day that is no art. 2 festival nor weekend."""
    return not holidays.is_rest(day)


def rest_day_name(day: _dt.date) -> str | None:
    """Why ``day`` is not a working day: the holiday's name, ``weekend``, or None for a working day."""
    return holidays.rest_name(day)


def add_months(start: _dt.date, months: int) -> _dt.date:
    """The corresponding day ``months`` later, or that month's last day (art. 202)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return _dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


@lru_cache(maxsize=8192)
def add_period(start: _dt.date, period: Period) -> _dt.date:
    """The nominal last day of ``period`` counted from ``start`` (arts. 201–202), before art. 203."""
    if period.unit == "day":
        return start + _dt.timedelta(days=period.amount)
    if period.unit == "month":
        return add_months(start, period.amount)
    if period.unit == "year":
        return add_months(start, 12 * period.amount)
    day, counted = start, 0
    while counted < period.amount:
        day += _dt.timedelta(days=1)
        counted += is_working_day(day)
    return day


@lru_cache(maxsize=8192)
def effective_last_day(nominal: _dt.date) -> _dt.date:
    """Art. 203: a last day on a rest day moves to the next working day."""
    day = nominal
    while not is_working_day(day):
        day += _dt.timedelta(days=1)
    return day


def use_arrangements(arrangements: dict) -> None:
    """Read the given annual arrangements (already loaded and checked) from now on."""
    holidays.use_arrangements(arrangements)
    add_period.cache_clear()
    effective_last_day.cache_clear()


def calendar_note(years: str) -> str:
    """What a deadline in a year without a known arrangement rests on, and what stays unknown."""
    return (f"the official holiday arrangement for {years} is not known: the festival days of the 全国年节及纪念日放假办法 "
            "version in force (art. 2) and Saturdays and Sundays were treated as rest days; only the 调休 shuffle "
            "(make-up working days, days joined to a festival) is unknown, so the last day may still move")


def day_after(day: _dt.date) -> _dt.date:
    """The first day after ``day`` (a breach begins the day after the last day)."""
    return day + _dt.timedelta(days=1)


@dataclass(frozen=True)
class Deadline:
    """A computed last day with the reasons it is what it is."""

    start: _dt.date
    period: Period
    nominal: _dt.date
    effective: _dt.date
    moved_because: str | None  # the rest day's name when effective != nominal
    calendar_note: str | None  # set where the official calendar does not cover a day used

    @classmethod
    def compute(cls, start: _dt.date, period: Period) -> Deadline:
        nominal = add_period(start, period)
        effective = effective_last_day(nominal)
        uncovered = [d for d in {start, nominal, effective} if not calendar_covers(d)]
        note = None
        if uncovered:
            years = ", ".join(sorted({str(d.year) for d in uncovered}))
            note = calendar_note(years)
        return cls(start, period, nominal, effective,
                   rest_day_name(nominal) if effective != nominal else None, note)
