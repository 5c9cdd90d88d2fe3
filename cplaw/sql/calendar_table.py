"""The calendar tables SQL reads for 民法典 arts. 201–203, built from the very functions the other engines call
(cplaw.periods, on cplaw.calendar's holiday data), so that every engine counts the same days.

- ``cal(day, eff, cum)``: for each day, art. 203's last day (the day itself, or the next working day after a
  rest day) and the number of working days from the table's first day up to and including it;
- ``wd(n, day)``: the n-th working day, so that ``start + N workdays`` is ``wd[cal[start].cum + N]``.
"""

from __future__ import annotations

import datetime as _dt

from .. import periods

Table = tuple[str, list[tuple[str, str]], list[tuple]]


def calendar_tables(span: tuple[_dt.date, _dt.date]) -> list[Table]:
    first, last = span
    days = [first + _dt.timedelta(days=i) for i in range((last - first).days + 1)]
    working = [periods.is_working_day(d) for d in days]
    cal, wd = [], []
    count = 0
    for day, works in zip(days, working):
        if works:
            count += 1
            wd.append((count, day))
        cal.append([day, None, count])
    following = None  # the next working day on or after each day, filled backwards
    for row, works in zip(reversed(cal), reversed(working)):
        if works:
            following = row[0]
        row[1] = following if following is not None else periods.effective_last_day(row[0])
    return [("cal", [("day", "DATE"), ("eff", "DATE"), ("cum", "INTEGER")], [tuple(r) for r in cal]),
            ("wd", [("n", "INTEGER"), ("day", "DATE")], wd)]
