"""Period arithmetic as 民法典 arts. 201–203 count it; every expected date was counted by hand."""

from __future__ import annotations

from datetime import date

import pytest

from cplaw.periods import Deadline, Period, add_period, effective_last_day, parse_period


@pytest.mark.parametrize("start, period, nominal", [
    (date(2009, 3, 15), "2 months", date(2009, 5, 15)),   # the corresponding day (art. 202)
    (date(2009, 12, 31), "2 months", date(2010, 2, 28)),  # no Feb 31: the month's last day
    (date(2008, 2, 29), "1 year", date(2009, 2, 28)),     # leap day, no corresponding day in 2009
    (date(2008, 2, 29), "4 years", date(2012, 2, 29)),
    (date(2009, 1, 31), "1 month", date(2009, 2, 28)),
    (date(2008, 1, 31), "1 month", date(2008, 2, 29)),
    (date(2009, 7, 1), "2 months", date(2009, 9, 1)),     # subtleties.md point 5: 2 months …
    (date(2009, 7, 1), "60 days", date(2009, 8, 30)),     # … against 60 days (start day not counted)
    (date(2010, 11, 30), "1 month", date(2010, 12, 30)),
])
def test_calendar_periods(start: date, period: str, nominal: date) -> None:
    assert add_period(start, parse_period(period)) == nominal


def test_working_days_count_make_up_days() -> None:
    # 2009-09-25 is a Friday; Sat 09-26 is a rest day, Sun 09-27 a make-up working day (National Day notice):
    # the 1st, 2nd and 3rd working days after it are 09-27, 09-28, 09-29.
    assert add_period(date(2009, 9, 25), Period(3, "workday")) == date(2009, 9, 29)
    # 45 working days from Mon 2009-03-16, the start day not counted: Tue 03-17 … Fri 03-20 are 1–4; full
    # weeks to Fri 04-03 make 14; Mon 04-06 is Qingming, so 04-07 … 04-10 make 18; weeks to 04-24 make 28;
    # 04-27 … 04-30 make 32 (Fri 05-01 is Labour Day); weeks to 05-15 make 42; Mon 18, Tue 19, Wed 20 → 45.
    assert add_period(date(2009, 3, 16), Period(45, "workday")) == date(2009, 5, 20)


@pytest.mark.parametrize("nominal, effective", [
    (date(2009, 10, 1), date(2009, 10, 9)),    # National Day 2009: 10-01 … 10-08
    (date(2009, 10, 10), date(2009, 10, 10)),  # a make-up working Saturday does not move
    (date(2015, 2, 1), date(2015, 2, 2)),      # a Sunday
    (date(2010, 2, 15), date(2010, 2, 20)),    # Spring Festival 2010: 02-13 … 02-19; Sat 02-20 works
    (date(2009, 5, 15), date(2009, 5, 15)),    # an ordinary Friday
])
def test_a_last_day_on_a_rest_day_moves(nominal: date, effective: date) -> None:
    assert effective_last_day(nominal) == effective


def test_deadline_says_why_it_moved() -> None:
    d = Deadline.compute(date(2009, 8, 1), Period(2, "month"))
    assert (d.nominal, d.effective) == (date(2009, 10, 1), date(2009, 10, 9))
    assert d.moved_because == "National Day"
    assert d.calendar_note is None


def test_outside_the_calendar_only_weekends_rest() -> None:
    d = Deadline.compute(date(2030, 4, 1), Period(2, "month"))  # 2030-06-01 is a Saturday
    assert (d.nominal, d.effective) == (date(2030, 6, 1), date(2030, 6, 3))
    assert d.moved_because == "weekend"
    assert "2030" in d.calendar_note
    assert Deadline.compute(date(2003, 3, 1), Period(1, "month")).calendar_note  # 2003 is not covered either


def test_period_text() -> None:
    assert parse_period("45 workdays") == Period(45, "workday")
    assert str(Period(1, "month")) == "1 month" and Period(2, "month").zh == "2个月"
    with pytest.raises(ValueError):
        Period(1, "fortnight")
