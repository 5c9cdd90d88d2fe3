"""Rest days beyond the official arrangement: 放假办法 art. 2 by version, the 调休 bound, arrangement files.

Every expected date was worked out by hand from the text (holidays-measures.md) and a printed calendar; the lunar
days were checked against published almanacs (除夕 2027-02-05, 中秋 2027-09-15, 中秋 2028-10-03, 春节 2003-02-01).
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from cplaw import calendar as holidays
from cplaw.periods import Deadline, Period, use_arrangements

DATA = Path(__file__).parent / "calendar_data"


def test_sources_by_year() -> None:
    # chinesecalendar 1.11.0 covers 2004–2026; 2003 and 2027 on are computed from the 放假办法.
    assert [holidays.source_of(y) for y in (2003, 2004, 2026, 2027)] == ["computed", "package", "package", "computed"]
    assert [holidays.version_for(y).id for y in (2003, 2007, 2008, 2013, 2014, 2024, 2025, 2030)] == \
        ["1999", "1999", "2007", "2007", "2013", "2013", "2024", "2024"]


def test_festival_days_2027_under_the_2024_version() -> None:
    # art. 2: 元旦 1; 春节 4 (除夕、初一至初三); 清明 1; 劳动节 2 (5月1日、2日); 端午 1; 中秋 1; 国庆 3.
    assert holidays.festival_days(2027) == {
        date(2027, 1, 1): "元旦", **{date(2027, 2, d): "春节" for d in (5, 6, 7, 8)}, date(2027, 4, 5): "清明节",
        date(2027, 5, 1): "劳动节", date(2027, 5, 2): "劳动节", date(2027, 6, 9): "端午节", date(2027, 9, 15): "中秋节",
        **{date(2027, 10, d): "国庆节" for d in (1, 2, 3)}}


def test_festival_days_2003_under_the_1999_version() -> None:
    # 1999 version: 新年 1; 春节 初一至初三 (除夕 not a holiday); 劳动节 5月1日至3日; 国庆 3; no 清明/端午/中秋.
    days = holidays.festival_days(2003)
    assert sorted(days) == [date(2003, 1, 1), date(2003, 2, 1), date(2003, 2, 2), date(2003, 2, 3),
                            date(2003, 5, 1), date(2003, 5, 2), date(2003, 5, 3),
                            date(2003, 10, 1), date(2003, 10, 2), date(2003, 10, 3)]


@pytest.mark.parametrize("start, period, nominal, due, earliest, latest", [
    # Issue 9: 2026-02-05 + 1 year = Fri 2027-02-05 除夕; 02-06…08 春节 (Sat, Sun, Mon) → Tue 02-09.
    # Latest: working days to 7 days after 初三 (02-15) may join the block → Tue 02-16.
    (date(2026, 2, 5), "1 year", date(2027, 2, 5), date(2027, 2, 9), date(2027, 2, 9), date(2027, 2, 16)),
    # Issue 9: 2026-12-01 + 1 month = Fri 2027-01-01 元旦; Sat/Sun → Mon 01-04. Sat 01-02 may be a make-up
    # working day (earliest); working days to 01-08 may be joined, 01-09/10 weekend → Mon 01-11.
    (date(2026, 12, 1), "1 month", date(2027, 1, 1), date(2027, 1, 4), date(2027, 1, 2), date(2027, 1, 11)),
    # 中秋 2027-09-15 (Wed) → Thu 09-16; possible rest to 09-22; Thu 09-23 is 8 days after 中秋 and 8 before 国庆.
    (date(2027, 7, 15), "2 months", date(2027, 9, 15), date(2027, 9, 16), date(2027, 9, 16), date(2027, 9, 23)),
    # 国庆 2028: Sun 10-01, Mon 10-02, Tue 10-03 (also 中秋) → Wed 10-04; possible rest to 10-10 → Wed 10-11.
    (date(2028, 8, 1), "2 months", date(2028, 10, 1), date(2028, 10, 4), date(2028, 10, 4), date(2028, 10, 11)),
    # 劳动节 2 days (2024 version): Tue 2029-05-01, Wed 05-02 → Thu 05-03; possible rest to 05-09 → Thu 05-10.
    (date(2028, 5, 1), "1 year", date(2029, 5, 1), date(2029, 5, 3), date(2029, 5, 3), date(2029, 5, 10)),
    # A month-end far from any festival: 2029-09-30 + 2 months = Fri 2029-11-30, certain.
    (date(2029, 9, 30), "2 months", date(2029, 11, 30), date(2029, 11, 30), date(2029, 11, 30), date(2029, 11, 30)),
    # A month-end one day before 劳动节 2030: 03-31 + 1 month = Tue 04-30 (April has no 31st, art. 202); is working, but 调休 may join it to the block (3 days
    # before a festival day); 05-01/02 festival; possible rest to 05-09 → Fri 05-10.
    (date(2030, 3, 31), "1 month", date(2030, 4, 30), date(2030, 4, 30), date(2030, 4, 30), date(2030, 5, 10)),
    # 2003, 1999 version: 国庆 Wed 10-01…Fri 10-03; Sat/Sun → Mon 10-06. Sat 10-04 may be worked (earliest);
    # possible rest to 10-10, weekend 10-11/12 → Mon 10-13.
    (date(2003, 8, 1), "2 months", date(2003, 10, 1), date(2003, 10, 6), date(2003, 10, 4), date(2003, 10, 13)),
    # 2003 春节 under the 1999 version: 初一 Sat 02-01 … 初三 Mon 02-03 (除夕 01-31 not a holiday) → Tue 02-04.
    (date(2002, 12, 1), "2 months", date(2003, 2, 1), date(2003, 2, 4), date(2003, 2, 4), date(2003, 2, 11)),
])
def test_computed_years(start: date, period: str, nominal: date, due: date, earliest: date, latest: date) -> None:
    amount, unit = period.split()
    deadline = Deadline.compute(start, Period(int(amount), unit.rstrip("s")))
    assert (deadline.nominal, deadline.effective) == (nominal, due)
    assert deadline.calendar_note and "调休" in deadline.calendar_note
    assert holidays.possible_last_days(nominal) == (earliest, latest)


def test_known_year_has_no_range() -> None:
    # 2026 is known: Sun 2026-04-05 (清明 04-04…06) → Tue 04-07, one possible last day.
    assert holidays.possible_last_days(date(2026, 4, 5)) == (date(2026, 4, 7), date(2026, 4, 7))
    assert Deadline.compute(date(2026, 2, 5), Period(2, "month")).calendar_note is None


def test_bound_holds_for_every_known_year() -> None:
    # Reading holiday-block-bound, checked against the notices in chinesecalendar: every rest day on a weekday that
    # is not an art. 2 festival day lies within the block window of one; every make-up working day within MAKE_UP
    # days. The one exception is the 2015-09-03 commemoration (its own State Council decision).
    for year in range(2004, 2027):
        day = date(year, 1, 1)
        while day.year == year:
            if day not in (date(2015, 9, 3), date(2015, 9, 4), date(2015, 9, 6)):
                if holidays.is_rest(day) and day.weekday() < 5 and day not in holidays.festival_days(year):
                    assert holidays._near_festival(day), day
                if not holidays.is_rest(day) and day.weekday() >= 5:
                    assert holidays._near_festival(day, holidays.MAKE_UP, holidays.MAKE_UP), day
            day = date.fromordinal(day.toordinal() + 1)


def test_a_data_file_wins() -> None:
    before = holidays.load_arrangements()
    try:
        use_arrangements({**before, **holidays.load_arrangements(DATA / "example")})
        assert holidays.source_of(2027) == "data file"
        # The example makes 春节 02-05…02-12: 1 year from 2026-02-05 → Sat 02-13, Sun 02-14 → Mon 2027-02-15.
        deadline = Deadline.compute(date(2026, 2, 5), Period(1, "year"))
        assert deadline.effective == date(2027, 2, 15) and deadline.calendar_note is None
        assert holidays.possible_last_days(date(2027, 2, 5)) == (date(2027, 2, 15), date(2027, 2, 15))
        # Sat 2027-01-30 is a make-up working day in the example: a last day there does not move.
        assert Deadline.compute(date(2026, 12, 30), Period(1, "month")).effective == date(2027, 1, 30)
        assert "EXAMPLE" in holidays.render(holidays.describe(2027))
    finally:
        use_arrangements(before)
    assert holidays.source_of(2027) == "computed"


@pytest.mark.parametrize("name, line, message", [
    ("impossible-date.yaml", 6, "2027-02-29"),
    ("weekday-workday.yaml", 8, "make-up working day 2027-02-03 is a Wednesday, not a Saturday or Sunday"),
    ("known-year-differs.yaml", 1, "2026 is already known (chinesecalendar) with different days"),
])
def test_bad_arrangement_files(tmp_path: Path, name: str, line: int, message: str) -> None:
    shutil.copy(DATA / "example" / "2027.yaml", tmp_path / "2027.yaml")
    shutil.copy(DATA / "bad" / name, tmp_path / f"{name[:4]}-{name}")
    before = holidays.source_of(2027)
    with pytest.raises(holidays.CalendarError) as err:
        holidays.load_arrangements(tmp_path)
    assert f"{name}:{line}" in str(err.value) and message in str(err.value)
    assert holidays.source_of(2027) == before  # nothing loaded, not even the good file


def test_cli_calendar(capsys: pytest.CaptureFixture[str]) -> None:
    from cplaw.cli import main
    assert main(["calendar", "--year", "2027"]) == 0
    out = capsys.readouterr().out
    assert "全国年节及纪念日放假办法（2024年修订）" in out and "2027-02-05 春节" in out and "调休" in out
    assert main(["calendar", "--year", "2027", "--dir", str(DATA / "bad")]) == 1
    assert "cplaw: " in capsys.readouterr().err


@pytest.mark.parametrize("name", ["90-report-due-on-chuxi-2027", "91-report-in-chunjie-shuffle-2027",
                                  "92-disclosure-due-on-yuandan-2027"])
def test_calendar_scenarios_fit_the_schema(name: str) -> None:
    import json

    import jsonschema
    import yaml

    from cplaw import RuleBase
    scenario = yaml.safe_load((Path(__file__).parent / "scenarios" / "versions" / f"{name}.yaml").read_text("utf-8"))
    doc = RuleBase.load().assess(scenario["profile"], str(scenario["as_of"])).data
    schema = json.loads((Path(__file__).parents[1] / "facts" / "schema" / "assessment.schema.json").read_text("utf-8"))
    jsonschema.validate(json.loads(json.dumps(doc)), schema)
    report = next(o for o in doc["obligations"] if o["duty"] in ("submit_report", "publish_emissions")
                  and o["due_nominal"].startswith("2027"))
    assert "放假办法" in report["nominal_reason"] and "民法典 art. 203" in report["nominal_reason"]
