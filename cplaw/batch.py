"""Many profiles at once: in this process, or over worker processes that each load the rule base once.

Results come back in input order, one per profile: its assessment, or the error it raised (a bad profile
does not stop the others).
"""

from __future__ import annotations

import datetime as _dt
import json
import pathlib
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import errors, ir
from .api import Assessment, parse_as_of
from .engines import session_class
from .errors import CplawError, ProfileError, ProfileIssue
from .profile import Profile, load_profile, profile_from_document

if TYPE_CHECKING:
    from .api import ProfileInput, RuleBase

PROFILE_SUFFIXES = (".yaml", ".yml", ".json")
WINDOW = 4  # profiles handed out ahead per worker, so that results can stream in order


@dataclass(frozen=True)
class BatchItem:
    """One profile of a batch, with the name its result and errors carry; ``text`` is a JSON document to
    read (a line of JSON Lines) in place of ``profile``; ``as_of`` and ``options`` override the batch's."""

    name: str
    profile: ProfileInput | None = None
    text: str | None = None
    as_of: _dt.date | str | None = None
    options: tuple[str, ...] | None = None
    text_is_json: bool = True  # False: ``text`` is one YAML (or JSON) document
    missing: bool = True  # False: skip the missing facts (RuleBase.assess), e.g. when nobody reads them


@dataclass(frozen=True)
class How:
    """How every profile of a batch is assessed: on which engine, and whether missing facts are asked."""

    engine: str | None = None
    missing: bool = True


@dataclass
class DetachedAssessment(Assessment):
    """An assessment made in a worker process: its document, its profile and the rules that fired there,
    without the engine session."""

    rules_fired: frozenset[str] = frozenset()
    provisions: frozenset[ir.Provision] = frozenset()  # provision values of its derived facts

    def explain(self, query: Any) -> Any:
        raise CplawError(f"{self.profile.source} was assessed in a worker process (jobs > 1); "
                         "assess it in this process (RuleBase.assess) to explain it")

    why_not = explain


def items_of(profiles: Iterable[ProfileInput | BatchItem]) -> Iterator[BatchItem]:
    """Each input as a named BatchItem: a path by its path, a Profile by its source, a dict as profiles[i]."""
    for i, profile in enumerate(profiles):
        if isinstance(profile, BatchItem):
            yield profile
        elif isinstance(profile, Profile):
            yield BatchItem(profile.source, profile)
        elif isinstance(profile, dict):
            yield BatchItem(f"profiles[{i}]", profile)
        else:
            yield BatchItem(str(profile), profile)


def from_arguments(arguments: list[str]) -> list[BatchItem] | Iterator[BatchItem]:
    """The profiles the command line names: files, folders (every *.yaml, *.yml, *.json below, sorted), and
    ``-`` for standard input: JSON Lines (one profile per line, named ``<stdin>:LINE``) or one document."""
    if arguments == ["-"]:
        return stdin_items(sys.stdin)
    items: list[BatchItem] = []
    for argument in arguments:
        if argument == "-":
            items.extend(stdin_items(sys.stdin))
            continue
        path = pathlib.Path(argument)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix.lower() in PROFILE_SUFFIXES and p.is_file())
            if not found:
                raise CplawError(f"{path}: no profile (*.yaml, *.yml, *.json) in this folder")
            items.extend(BatchItem(str(p), p) for p in found)
        else:
            items.append(BatchItem(argument, path))  # a missing file is that profile's error
    return items


def stdin_items(stream: Iterable[str]) -> Iterator[BatchItem]:
    """Standard input: JSON Lines (streamed) when its first non-blank line is a JSON document of its own,
    else one profile document (YAML, or JSON over several lines), named ``<stdin>``."""
    lines = enumerate(stream, 1)
    number, first = next(((n, line) for n, line in lines if line.strip()), (0, ""))
    if not first:
        return
    try:
        json.loads(first)
    except ValueError:
        yield BatchItem("<stdin>", text=first + "".join(line for _, line in lines), text_is_json=False)
        return
    yield BatchItem(f"<stdin>:{number}", text=first.rstrip("\r\n"))
    yield from json_lines((line for _, line in lines), start=number + 1)


def json_lines(stream: Iterable[str], start: int = 1) -> Iterator[BatchItem]:
    """One item per non-blank line of a JSON Lines stream."""
    for number, line in enumerate(stream, start):
        if line.strip():
            yield BatchItem(f"<stdin>:{number}", text=line.rstrip("\r\n"))


def batch_is(arguments: list[str]) -> bool:
    """Whether the command line names a batch rather than one profile file."""
    return len(arguments) != 1 or arguments[0] == "-" or pathlib.Path(arguments[0]).is_dir()


def assess_many(rules: RuleBase, profiles: Iterable[ProfileInput | BatchItem], as_of: _dt.date | str | None,
                options: tuple[str, ...], jobs: int, engine: str | None = None, missing: bool = True,
                ) -> Iterator[tuple[str, Assessment | CplawError]]:
    """(name, assessment or error) per profile, in input order; see RuleBase.assess_many."""
    if jobs < 1:
        raise CplawError(f"jobs: {jobs} is not a number of processes (1 or more)")
    day = parse_as_of(as_of)  # one date for the whole batch (today, if none); a bad one fails it at once
    unknown = [name for name in options if name not in rules.options()]
    if unknown:
        raise CplawError(f"unknown option {', '.join(map(repr, unknown))}; options: "
                         f"{', '.join(sorted(rules.options())) or 'none'}")
    session_class(engine)  # an unknown engine fails the batch at once
    items = items_of(profiles)
    how = How(engine, missing)
    return _in_process(rules, items, day, options, how) if jobs == 1 else _over_processes(
        rules, items, day, options, jobs, how)


def _assess(rules: RuleBase, item: BatchItem, as_of: Any, options: tuple[str, ...],
            how: How) -> Assessment:
    """One item's assessment; a profile given as text or as a dict is checked under the item's name."""
    profile = item.profile
    if item.text is not None:
        profile = load_profile(item.name, text=item.text, as_json=item.text_is_json)
    elif isinstance(profile, dict):
        profile = profile_from_document(profile, item.name)
    return rules.assess(profile, item.as_of if item.as_of is not None else as_of,
                        item.options if item.options is not None else options, engine=how.engine,
                        missing=how.missing and item.missing)


def _in_process(rules: RuleBase, items: Iterable[BatchItem], as_of: Any, options: tuple[str, ...],
                how: How) -> Iterator[tuple[str, Assessment | CplawError]]:
    for item in items:
        try:
            yield item.name, _assess(rules, item, as_of, options, how)
        except CplawError as err:
            yield item.name, err


# ── worker processes ────────────────────────────────────────────────────────
_worker_rules: RuleBase | None = None


def _recipe(rules: RuleBase) -> tuple[str, Any]:
    """How a worker gets the same rule base: the packaged one, the files at a path, or the program itself."""
    from .api import _packaged
    if _packaged.cache_info().currsize and rules is _packaged():
        return ("packaged", None)
    if rules.source is not None:
        return ("path", str(rules.source))
    from .cache import encode
    return ("program", encode({"program": rules.program, "facts": rules._rule_base_facts}))


def _start_worker(recipe: tuple[str, Any]) -> None:
    global _worker_rules
    from .api import RuleBase
    kind, value = recipe
    if kind == "program":
        from .cache import decode
        compiled = decode(value)
        _worker_rules = RuleBase(compiled["program"], compiled["facts"])
    else:
        _worker_rules = RuleBase.load(value)


def _work(item: BatchItem, as_of: Any, options: tuple[str, ...], how: How) -> tuple[str, Any]:
    """In a worker: the assessment's document and profile, or the error as data (exceptions with their own
    constructors do not survive pickling)."""
    assert _worker_rules is not None
    try:
        result = _assess(_worker_rules, item, as_of, options, how)
    except ProfileError as err:
        return "profile-error", ([(i.path, i.message) for i in err.issues], err.source)
    except CplawError as err:
        return "error", (type(err).__name__, str(err))
    return "ok", (result.data, result.profile, frozenset(result.session.rules_that_fired()),
                  derived_provisions(result.session))


def derived_provisions(session: Any) -> frozenset[ir.Provision]:
    """The provisions that stand as values in a session's derived facts (a sanction's, a reference resolved)."""
    return frozenset(v for rows in session.everything().values() for _, args in rows for v in args
                     if isinstance(v, ir.Provision))


def _result(outcome: tuple[str, Any]) -> Assessment | CplawError:
    kind, value = outcome
    if kind == "ok":
        return DetachedAssessment(value[0], value[1], None, value[2], value[3])  # type: ignore[arg-type]
    if kind == "profile-error":
        issues, source = value
        return ProfileError([ProfileIssue(path, message) for path, message in issues], source)
    name, message = value
    cls = getattr(errors, name, CplawError)
    return cls(message) if isinstance(cls, type) and issubclass(cls, CplawError) else CplawError(message)


def _over_processes(rules: RuleBase, items: Iterable[BatchItem], as_of: Any, options: tuple[str, ...],
                    jobs: int, how: How) -> Iterator[tuple[str, Assessment | CplawError]]:
    """The workers start here, before the caller iterates (and perhaps starts a progress bar's thread)."""
    from concurrent.futures import ProcessPoolExecutor
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker, initargs=(_recipe(rules),))
    pool.submit(int).result()
    return _stream(pool, items, as_of, options, jobs, how)


def _stream(pool: Any, items: Iterable[BatchItem], as_of: Any, options: tuple[str, ...],
            jobs: int, how: How) -> Iterator[tuple[str, Assessment | CplawError]]:
    pending: deque = deque()
    try:
        for item in items:
            pending.append((item.name, pool.submit(_work, item, as_of, options, how)))
            if len(pending) >= jobs * WINDOW:
                name, future = pending.popleft()
                yield name, _result(future.result())
        while pending:
            name, future = pending.popleft()
            yield name, _result(future.result())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# ── progress on a terminal ──────────────────────────────────────────────────
def with_progress(results: Iterable[Any], total: int | None, label: str) -> Iterator[Any]:
    """``results`` unchanged, with a progress bar on standard error when it is a terminal (rich)."""
    if not sys.stderr.isatty():
        yield from results
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(label, total=total)
        for result in results:
            yield result
            progress.advance(task)


def json_line(document: dict[str, Any]) -> str:
    """One document on one line (JSON Lines)."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))
