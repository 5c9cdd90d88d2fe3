"""Statutory rest days for any year: the annual arrangement where known, else the 放假办法's own days.

Where a year's official arrangement (国务院办公厅 notice, with its 调休) is known it decides: first an
arrangement data file (facts/calendar/YYYY.yaml, or a directory a user adds), then the ``chinesecalendar``
package. For any other year from 1999-09-18 on, the rest days certain without the notice are the festival
days of art. 2 of the 全国年节及纪念日放假办法 version in force that year (lunar days computed with
``lunar_python``), plus Saturdays and Sundays; only the 调休 shuffle stays unknown, bounded by the reading
``holiday-block-bound`` (see :func:`possible_rest`).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import chinese_calendar
import yaml
from lunar_python import Lunar, Solar

from .errors import CplawError

DATA_DIR = Path(str(resources.files("cplaw.facts").joinpath("calendar")))
MEASURES = "CN-HOLIDAYS"


@dataclass(frozen=True)
class Version:
    """One version of the 放假办法 and its art. 2 festival days."""

    id: str
    title: str
    start: _dt.date
    end: _dt.date | None
    solar: tuple[tuple[str, int, int], ...]    # (festival, month, day)
    lunar: tuple[tuple[str, int, int], ...]    # (festival, lunar month, lunar day); month 12 day 0 = 除夕
    qingming: bool
    grade: str


_NEW_YEAR = (("新年", 1, 1),)
_NATIONAL = (("国庆节", 10, 1), ("国庆节", 10, 2), ("国庆节", 10, 3))
_SPRING = (("春节", 1, 1), ("春节", 1, 2), ("春节", 1, 3))
_FESTIVALS = (("端午节", 5, 5), ("中秋节", 8, 15))
VERSIONS: tuple[Version, ...] = (
    Version("1999", "全国年节及纪念日放假办法（1999年修订）", _dt.date(1999, 9, 18), _dt.date(2007, 12, 31),
            _NEW_YEAR + (("劳动节", 5, 1), ("劳动节", 5, 2), ("劳动节", 5, 3)) + _NATIONAL, _SPRING, False,
            "corroborated"),
    Version("2007", "全国年节及纪念日放假办法（2007年修订）", _dt.date(2008, 1, 1), _dt.date(2013, 12, 31),
            _NEW_YEAR + (("劳动节", 5, 1),) + _NATIONAL, (("春节", 12, 0), ("春节", 1, 1), ("春节", 1, 2)) + _FESTIVALS,
            True, "corroborated"),
    Version("2013", "全国年节及纪念日放假办法（2013年修订）", _dt.date(2014, 1, 1), _dt.date(2024, 12, 31),
            _NEW_YEAR + (("劳动节", 5, 1),) + _NATIONAL, _SPRING + _FESTIVALS, True, "verified"),
    Version("2024", "全国年节及纪念日放假办法（2024年修订）", _dt.date(2025, 1, 1), None,
            (("元旦", 1, 1), ("劳动节", 5, 1), ("劳动节", 5, 2)) + _NATIONAL,
            (("春节", 12, 0),) + _SPRING + _FESTIVALS, True, "verified"),
)


def version_for(year: int) -> Version | None:
    """The version in force on 1 January … 31 December of ``year`` (versions change on 1 January)."""
    day = _dt.date(year, 6, 30)
    return next((v for v in VERSIONS if v.start <= day and (v.end is None or day <= v.end)), None)


def _lunar_day(year: int, month: int, day: int) -> _dt.date:
    if (month, day) == (12, 0):  # 除夕: the day before 正月初一, whichever day ends the twelfth month
        solar = Lunar.fromYmd(year, 1, 1).next(-1).getSolar()
    else:
        solar = Lunar.fromYmd(year, month, day).getSolar()
    return _dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


@lru_cache(maxsize=256)
def festival_days(year: int) -> dict[_dt.date, str]:
    """Art. 2's festival days falling in Gregorian ``year`` under the version in force then (lunar days computed)."""
    version = version_for(year)
    if version is None:
        return {}
    days: dict[_dt.date, str] = {}
    for name, month, day in version.solar:
        days[_dt.date(year, month, day)] = name
    for lunar_year in (year - 1, year, year + 1):
        for name, month, day in version.lunar:
            date = _lunar_day(lunar_year, month, day)
            if date.year == year:
                days[date] = name
    if version.qingming:
        term = Solar.fromYmd(year, 6, 1).getLunar().getJieQiTable()["清明"]
        days[_dt.date(term.getYear(), term.getMonth(), term.getDay())] = "清明节"
    return dict(sorted(days.items()))


@dataclass(frozen=True)
class Arrangement:
    """A year's official arrangement as a State Council notice publishes it."""

    year: int
    notice: str
    published: _dt.date
    holidays: dict[_dt.date, str]
    workdays: frozenset[_dt.date]
    path: str = field(default="")


class CalendarError(CplawError):
    """A calendar data file that cannot be loaded: file, line and what is wrong."""


def _date(node: yaml.Node, path: str, what: str) -> _dt.date:
    where = f"{path}:{node.start_mark.line + 1}:{node.start_mark.column + 1}"
    try:
        return _dt.date.fromisoformat(str(node.value))
    except (TypeError, ValueError):
        raise CalendarError(f"{where}: {what} {node.value!r} is not a date (YYYY-MM-DD)") from None


def _mapping(node: yaml.Node) -> dict[str, yaml.Node]:
    return {k.value: v for k, v in node.value} if isinstance(node, yaml.MappingNode) else {}


def parse_arrangement(text: str, path: str) -> Arrangement:
    """One arrangement file, checked: real dates in its year, make-up working days on weekends only."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f"{mark.line + 1}:{mark.column + 1}" if mark else "1:1"
        raise CalendarError(f"{path}:{line}: not valid YAML ({getattr(err, 'problem', err)})") from None
    top = _mapping(root) if root is not None else {}
    line = (root.start_mark.line + 1) if root is not None else 1
    for key in ("year", "notice", "published", "holidays", "workdays"):
        if key not in top:
            raise CalendarError(f"{path}:{line}:1: missing field '{key}'")
    year_node = top["year"]
    try:
        year = int(year_node.value)
    except ValueError:
        raise CalendarError(f"{path}:{year_node.start_mark.line + 1}: year {year_node.value!r} is not a year") from None
    holidays: dict[_dt.date, str] = {}
    for entry in getattr(top["holidays"], "value", []) or []:
        fields = _mapping(entry)
        if "name" not in fields or "days" not in fields:
            raise CalendarError(f"{path}:{entry.start_mark.line + 1}: a holiday needs 'name' and 'days'")
        for node in fields["days"].value:
            day = _date(node, path, "holiday day")
            _in_year(day, year, node, path)
            holidays[day] = str(fields["name"].value)
    workdays = set()
    for node in getattr(top["workdays"], "value", []) or []:
        day = _date(node, path, "make-up working day")
        _in_year(day, year, node, path)
        if day.weekday() < 5:
            raise CalendarError(f"{path}:{node.start_mark.line + 1}: make-up working day {day} is a "
                                f"{day.strftime('%A')}, not a Saturday or Sunday")
        if day in holidays:
            raise CalendarError(f"{path}:{node.start_mark.line + 1}: {day} is listed both as a holiday and as a working day")
        workdays.add(day)
    return Arrangement(year, str(top["notice"].value), _date(top["published"], path, "published"),
                       holidays, frozenset(workdays), path)


def _in_year(day: _dt.date, year: int, node: yaml.Node, path: str) -> None:
    if day.year != year:
        raise CalendarError(f"{path}:{node.start_mark.line + 1}: {day} is not in {year}")


def _package_rest(day: _dt.date) -> bool | None:
    try:
        return not chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


def check_against_package(arrangement: Arrangement) -> None:
    """A year the package already knows must have the same days; the first difference is the error."""
    if _package_rest(_dt.date(arrangement.year, 6, 30)) is None:
        return
    day = _dt.date(arrangement.year, 1, 1)
    while day.year == arrangement.year:
        mine = day in arrangement.holidays or (day.weekday() >= 5 and day not in arrangement.workdays)
        if mine != _package_rest(day):
            said = "a rest day" if mine else "a working day"
            raise CalendarError(f"{arrangement.path}:1: {arrangement.year} is already known (chinesecalendar) with "
                                f"different days: the file makes {day} {said}, the official arrangement does not")
        day += _dt.timedelta(days=1)


def load_arrangements(directory: Path | None = None) -> dict[int, Arrangement]:
    """Every arrangement file in ``directory``, all checked before any is used: one bad file loads nothing."""
    directory = DATA_DIR if directory is None else directory
    found: dict[int, Arrangement] = {}
    for path in sorted(directory.glob("*.yaml")) if directory.is_dir() else []:
        arrangement = parse_arrangement(path.read_text(encoding="utf-8"), str(path))
        if arrangement.year in found:
            raise CalendarError(f"{path}:1: {arrangement.year} is already given by {found[arrangement.year].path}")
        check_against_package(arrangement)
        found[arrangement.year] = arrangement
    return found


_ARRANGEMENTS: dict[int, Arrangement] = load_arrangements()


def use_arrangements(arrangements: dict[int, Arrangement]) -> None:
    """Replace the arrangements the calendar reads (e.g. a user's directory, already loaded and checked)."""
    global _ARRANGEMENTS
    _ARRANGEMENTS = dict(arrangements)
    for cached in (festival_days, is_rest, source_of):
        cached.cache_clear()


@lru_cache(maxsize=64)
def source_of(year: int) -> str:
    """Where ``year``'s rest days come from: ``data file``, ``package`` or ``computed`` (or ``weekends``)."""
    if year in _ARRANGEMENTS:
        return "data file"
    if _package_rest(_dt.date(year, 6, 30)) is not None:
        return "package"
    return "computed" if version_for(year) else "weekends"


def arrangement(year: int) -> Arrangement | None:
    return _ARRANGEMENTS.get(year)


def known(day: _dt.date) -> bool:
    """Whether the official arrangement (调休 included) is known for ``day``'s year."""
    return source_of(day.year) in ("data file", "package")


@lru_cache(maxsize=16384)
def is_rest(day: _dt.date) -> bool:
    """A statutory rest day: the arrangement where known, else art. 2's festival days and weekends."""
    source = source_of(day.year)
    if source == "data file":
        found = _ARRANGEMENTS[day.year]
        return day in found.holidays or (day.weekday() >= 5 and day not in found.workdays)
    if source == "package":
        return bool(_package_rest(day))
    return day in festival_days(day.year) or day.weekday() >= 5


def rest_name(day: _dt.date) -> str | None:
    """The festival a rest day belongs to, or ``weekend``; None for a working day."""
    if not is_rest(day):
        return None
    source = source_of(day.year)
    if source == "data file":
        return _ARRANGEMENTS[day.year].holidays.get(day, "weekend")
    if source == "package":
        _, name = chinese_calendar.get_holiday_detail(day)
        return str(name) if name else "weekend"
    return festival_days(day.year).get(day, "weekend")


# Reading holiday-block-bound: without the notice, 调休 and art. 6's 补假 can turn into rest days only working
# days near a festival: the notices join a festival's days with the weekend days around it into one block of at
# most nine days. A working day is possibly a rest day if it lies within BLOCK_BEFORE days before a festival day
# or BLOCK_AFTER days after one; a weekend day within MAKE_UP days of one is possibly a make-up working day.
# Checked against every notice in chinesecalendar 2004–2026: all hold but the one-off 2015-09-03 commemoration
# (a separate State Council decision, not 调休 under the 放假办法).
BLOCK_BEFORE, BLOCK_AFTER, MAKE_UP = 3, 7, 14


def _near_festival(day: _dt.date, before: int = BLOCK_BEFORE, after: int = BLOCK_AFTER) -> bool:
    for delta in range(-after, before + 1):
        other = day + _dt.timedelta(days=delta)
        if other in festival_days(other.year):
            return True
    return False


def possible_last_days(nominal: _dt.date) -> tuple[_dt.date, _dt.date]:
    """The earliest and latest last day art. 203 can give under any 调休 the bound allows (equal where known)."""
    if known(nominal):
        day = nominal
        while is_rest(day):
            day += _dt.timedelta(days=1)
        return day, day
    earliest = nominal  # certain rest: festival days, and weekends far from any festival
    while (earliest in festival_days(earliest.year) or known(earliest) and is_rest(earliest)
           or (not known(earliest) and earliest.weekday() >= 5
                                    and not _near_festival(earliest, MAKE_UP, MAKE_UP))):
        earliest += _dt.timedelta(days=1)
    latest = nominal  # possible rest: any of those, any weekend, any working day near a festival
    while (is_rest(latest) if known(latest)
           else latest in festival_days(latest.year) or latest.weekday() >= 5 or _near_festival(latest)):
        latest += _dt.timedelta(days=1)
    return earliest, latest


def describe(year: int) -> dict:
    """What is known about ``year``'s rest days and where it comes from (``cplaw calendar --year``)."""
    source = source_of(year)
    version = version_for(year)
    report: dict = {"year": year, "source": source,
                    "measures": {"version": version.id, "title": version.title, "grade": version.grade,
                                 "article": "2"} if version else None}
    if source == "data file":
        found = _ARRANGEMENTS[year]
        report.update(notice=found.notice, published=found.published.isoformat(), file=found.path,
                      holidays={d.isoformat(): n for d, n in sorted(found.holidays.items())},
                      workdays=[d.isoformat() for d in sorted(found.workdays)], unknown=None)
    elif source == "package":
        day, holidays, workdays = _dt.date(year, 1, 1), {}, []
        while day.year == year:
            rest = _package_rest(day)
            if rest and day.weekday() < 5 or chinese_calendar.is_holiday(day) and day.weekday() >= 5 \
                    and chinese_calendar.get_holiday_detail(day)[1]:
                holidays[day.isoformat()] = str(chinese_calendar.get_holiday_detail(day)[1] or "rest")
            elif not rest and day.weekday() >= 5:
                workdays.append(day.isoformat())
            day += _dt.timedelta(days=1)
        report.update(notice=None, package=f"chinesecalendar {chinese_calendar.__version__}",
                      holidays=holidays, workdays=workdays, unknown=None)
    else:
        report.update(notice=None, holidays={d.isoformat(): n for d, n in festival_days(year).items()},
                      workdays=[], unknown=(
                          "the 调休 shuffle: which weekend days become make-up working days, which working days join "
                          "a festival, and the 补假 day for a festival day on a weekend (bounded by the reading "
                          f"holiday-block-bound: {BLOCK_BEFORE} days before to {BLOCK_AFTER} days after a festival "
                          f"day; make-up working days within {MAKE_UP} days)" if source == "computed"
                          else "every holiday: no 放假办法 version covers this year; weekends only"))
    return report


def render(report: dict) -> str:
    """``describe`` as lines of text."""
    source = {"data file": f"arrangement data file {report.get('file')} ({report.get('notice')}, "
                           f"published {report.get('published')})",
              "package": f"the official arrangement, from the package {report.get('package')}",
              "computed": "computed from the festival days of art. 2 of "
                          + (report["measures"]["title"] if report["measures"] else "?"),
              "weekends": "weekends only"}[report["source"]]
    lines = [f"{report['year']}: {source}"]
    if report["measures"]:
        m = report["measures"]
        lines.append(f"  放假办法 in force: {m['title']} (version {m['version']}, art. 2; {m['grade']})")
    lines.append("  rest days (holidays):" if report["holidays"] else "  no holidays listed")
    lines += [f"    {day} {name}" for day, name in report["holidays"].items()]
    if report["workdays"]:
        lines.append("  make-up working days (调休上班): " + ", ".join(report["workdays"]))
    if report["unknown"]:
        lines.append(f"  unknown: {report['unknown']}")
    return "\n".join(lines)
