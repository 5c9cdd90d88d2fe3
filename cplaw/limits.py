"""The limits cplaw enforces on its input, so that no input can exhaust memory, the stack or the clock.

Every limit is checked before the work it bounds; going past one is a :class:`~cplaw.errors.LimitError`
naming the limit. The README lists them (section "Limits").
"""

from __future__ import annotations

import datetime
import pathlib

from .errors import InputFileError, LimitError

MAX_FILE_BYTES = 8 * 1024 * 1024  # a profile or rule file; at most this many bytes (+1) are ever read
MAX_DEPTH = 32  # nesting of lists and mappings in a profile (the schema needs 4)
MAX_ITEMS = 1_000  # entries in any one list of a profile (emissions, substances, totals, energy…)
# Events: the rules pair each listing with the audit events after it, so an assessment's cost grows with
# (listings × audit events), not linearly: 250 mixed listing/audit events take ~16 s, 1,000 ~175 s.
# A real enterprise has tens; 300 keeps the worst case within seconds to a minute.
MAX_EVENTS = 300
MAX_STRING = 10_000  # characters in one string of a profile
MAX_INT_DIGITS = 20  # digits of an integer in a profile
MAX_NUMBER_EXPONENT = 30  # a number's magnitude: below 10**30 and, unless zero, at least 10**-30
EARLIEST_DATE = datetime.date(1900, 1, 1)  # dates in a profile and as-of dates lie within these
LATEST_DATE = datetime.date(2999, 12, 31)


def read_bytes(path: str | pathlib.Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """A file's bytes, reading at most ``limit + 1`` of them; a clear error for a missing file, a folder,
    a bad path or a file over the limit."""
    name = str(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise InputFileError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputFileError(f"{name}: is a directory, not a file") from None
    except ValueError as exc:  # e.g. an embedded NUL
        raise InputFileError(f"{name!r}: not a usable path ({exc})") from None
    except OSError as exc:
        raise InputFileError(f"{name}: cannot read the file: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise LimitError(f"{name}: the file is larger than the limit of {limit:,} bytes (cplaw.limits.MAX_FILE_BYTES)")
    return data


def read_text(path: str | pathlib.Path, limit: int = MAX_FILE_BYTES) -> str:
    """A UTF-8 file's text (a byte-order mark is dropped), within the size limit."""
    try:
        return read_bytes(path, limit).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{path}: the file is not UTF-8 text (byte {exc.start})") from None


def check_date(day: datetime.date, what: str) -> None:
    """Dates outside EARLIEST_DATE … LATEST_DATE are refused (period arithmetic must stay within the calendar)."""
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise LimitError(f"{what} {day.isoformat()} is outside the dates cplaw handles "
                         f"({EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}, cplaw.limits)")
