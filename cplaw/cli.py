"""The ``cplaw`` command: assess, why, why-not, what-if, law, options, coverage, impact, show, check, test,
serve, screen.

Exit codes: 0 answered (also when the reader closed the pipe early, e.g. ``| head -1``); 1 bad input (a
clear message, no traceback; also a limit of cplaw.limits passed); 2 misuse of the command; 3 an internal
error, i.e. a bug in cplaw (please report it). Set CPLAW_DEBUG=1 to see the traceback of an internal error.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import pathlib
import sys
from typing import Any

from . import __version__
from .api import RuleBase
from .compiler import compile_files, rule_base_files
from .engines import DEFAULT_ENGINE, ENGINES
from .errors import CplawError, RuleError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cplaw", description="China's cleaner-production audit law, explained.")
    parser.add_argument("--version", action="version", version=f"cplaw {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    assess = sub.add_parser("assess", help="assess enterprise profiles (prints cplaw.assessment/1)",
                            description="One profile prints its assessment; several (files, folders, or - for "
                                        "JSON Lines on standard input) print one result each, JSON Lines with "
                                        "--format json; a bad profile is reported and the rest still assessed.")
    assess.add_argument("profile", nargs="+",
                        help="profile files, folders of profiles, or - (one document, or JSON Lines)")
    assess.add_argument("--jobs", type=int, default=1, metavar="N", help="assess over N processes (default 1)")
    assess.add_argument("--as-of", help="the date to assess as of (YYYY-MM-DD; default: today)")
    assess.add_argument("--format", choices=["text", "json", "html"], default="text")
    assess.add_argument("--no-missing", action="store_true",
                        help="leave out the facts still needed (missing_facts): several times faster on many profiles")
    _lang_arguments(assess)
    _option_argument(assess)
    _engine_argument(assess)

    for name, what in (("why", "why a conclusion holds"), ("why-not", "why a conclusion does not hold")):
        cmd = sub.add_parser(name, help=f"explain {what}",
                             description="QUERY is an atom such as 'mandatory(toxic)' or "
                                         "'sanction(submit_report)'; missing trailing arguments mean any value.")
        cmd.add_argument("profile")
        cmd.add_argument("query")
        cmd.add_argument("--as-of")
        cmd.add_argument("--format", choices=["text", "json", "dot", "svg", "html"], default="text")
        _lang_arguments(cmd)
        _option_argument(cmd)
        _engine_argument(cmd)

    whatif = sub.add_parser("what-if", help="assess a profile and a changed copy; print what changes",
                            description="Changes: --set PATH=VALUE (a field of cplaw.profile/1, e.g. "
                                        "events[2].date=2009-05-10), --add-event TYPE@DATE[,key=value…], --drop PATH; "
                                        "--option NAME assesses the copy under a reading; --vs-as-of DATE as of "
                                        "another day. PROFILE may be - (standard input).")
    whatif.add_argument("profile")
    whatif.add_argument("--as-of", help="the date to assess as of (YYYY-MM-DD; default: today)")
    whatif.add_argument("--set", action="append", default=[], metavar="PATH=VALUE", dest="set_")
    whatif.add_argument("--add-event", action="append", default=[], metavar="TYPE@DATE[,key=value…]")
    whatif.add_argument("--drop", action="append", default=[], metavar="PATH")
    whatif.add_argument("--vs-as-of", metavar="DATE", help="assess the changed copy as of this date")
    whatif.add_argument("--format", choices=["text", "json"], default="text")
    _lang_arguments(whatif)
    _option_argument(whatif)
    _engine_argument(whatif)

    law = sub.add_parser("law", help="which texts were in force on a date, their versions and sources")
    law.add_argument("--as-of", help="the date (YYYY-MM-DD; default: today)")
    law.add_argument("--format", choices=["text", "json"], default="text")
    _lang_arguments(law)

    options = sub.add_parser("options", help="the alternative readings --option can choose")
    options.add_argument("--lang", choices=["en", "zh"], default=None,
                         help="language of the answer (default: zh where the locale is Chinese, else en)")
    options.add_argument("--format", choices=["text", "json"], default="text",
                         help="json: each reading's name and its English words (as /api/options)")

    cover = sub.add_parser("coverage", help="every inventory entry: what encodes it, which scenarios exercise it")
    cover.add_argument("--scenarios", default="tests/scenarios",
                       help="scenario folder to run (default: tests/scenarios, where it exists)")
    cover.add_argument("--format", choices=["text", "json"], default="text")
    cover.add_argument("--jobs", type=int, default=1, metavar="N", help="run the scenarios over N processes")
    cover.add_argument("--article", metavar="ARTICLE",
                       help="list the scenarios whose derivations reach this article, e.g. 'CN-CPPL-2012 art 39'")
    cover.add_argument("--by", choices=["articles", "readings", "rules"],
                       help="one line per article, reading or rule the rules cite or carry: the scenarios reaching it")

    cache = sub.add_parser("cache", help="where the compiled rule base is cached; --clear empties the cache")
    cache.add_argument("--clear", action="store_true")

    cal = sub.add_parser("calendar", help="a year's statutory rest days: what is known and from where")
    cal.add_argument("--year", type=int, required=True)
    cal.add_argument("--dir", help="also read the arrangement files (YYYY.yaml) in this directory")
    cal.add_argument("--format", choices=["text", "json"], default="text")

    impact = sub.add_parser("impact", help="what a rule change changes in a corpus of profiles, and why",
                            description="Assess every profile of the corpus (scenario files at their own date; "
                                        "plain profiles at --as-of) under two rule bases and report each "
                                        "conclusion gained, lost or changed, with the edited rules and "
                                        "articles in its derivation. Before: --before DIR or --base GITREV "
                                        "(the packaged rule base at that revision); after: --after DIR or "
                                        "the packaged rule base of this checkout.")
    impact.add_argument("--before", metavar="DIR", help="the old rule files (a folder or a file)")
    impact.add_argument("--base", metavar="GITREV", help="the old rule base: cplaw/rules at a git revision")
    impact.add_argument("--after", metavar="DIR", help="the new rule files (default: the packaged rule base)")
    impact.add_argument("--corpus", nargs="+", action="extend", required=True, metavar="PATH",
                        help="scenario files, profiles, or folders of them")
    impact.add_argument("--as-of", help="the date plain profiles are assessed at (scenarios carry their own)")
    impact.add_argument("--format", choices=["text", "json", "markdown"], default="text")
    _engine_argument(impact)

    show = sub.add_parser("show", help="a rule file woven with its law: each article's words, the rules beneath",
                          description="The instrument's header, each article's words with the rules that encode "
                                      "it (their source), readings, and with --scenarios the scenarios in which "
                                      "each rule fired. --all --out DIR builds the docs site for the rule base.")
    show.add_argument("rulefile", nargs="?", help="a file of the rule base (e.g. cn/cppl-2012.cplaw)")
    show.add_argument("--rules", metavar="DIR", help="the rule base (default: the packaged one)")
    show.add_argument("--format", choices=["html", "md"], default="md")
    show.add_argument("--scenarios", metavar="DIR", help="run the scenarios here; show which exercise each rule")
    show.add_argument("--jobs", type=int, default=1, metavar="N", help="run the scenarios over N processes")
    show.add_argument("--all", action="store_true", help="every rule file of the rule base, with an index")
    show.add_argument("--out", metavar="DIR", help="with --all: the folder to write the pages to")
    serve = sub.add_parser("serve", help="the web page and HTTP API (needs the web extra; docs/web.md)")
    serve.add_argument("--host", default="127.0.0.1", help="the address to listen on (default: loopback only)")
    serve.add_argument("--port", type=int, default=8000)

    check = sub.add_parser("check", help="run the static checks on rule files (default: the packaged rule base)")
    check.add_argument("path", nargs="?")

    test = sub.add_parser("test", help="run scenario files: each failure as expected vs got; N passed, M failed",
                          description="Scenario files (docs/scenarios.md) run against the packaged rule base or "
                                      "the rule files in --rules DIR. Exit 1 when a scenario fails or cannot run.")
    test.add_argument("path", nargs="*", help="scenario files or folders (default: tests/scenarios)")
    test.add_argument("--rules", metavar="DIR", help="the rule files to test (default: the packaged rule base)")
    test.add_argument("--format", choices=["text", "junit", "json"], default="text")
    test.add_argument("--explain", action="store_true", help="explain each failing conclusion (why / why not)")
    test.add_argument("--jobs", type=int, default=1, metavar="N", help="run the scenarios over N processes")
    _lang_arguments(test)
    _engine_argument(test)
    screen = sub.add_parser("screen", help="screen a register (profiles, JSON Lines, or Parquet/CSV tables) in SQL "
                                           "(DuckDB, or Spark)",
                            description="One row per enterprise plus obligations and sanctions tables; bad "
                                        "entries go to OUT's stem + .errors.jsonl and the run exits 1.")
    screen.add_argument("input", help="a folder of profiles, a JSON Lines file (*.jsonl), or a folder of register "
                                      "tables (facts/schema/register.md)")
    screen.add_argument("--as-of", required=True, help="the date to screen as of (YYYY-MM-DD)")
    screen.add_argument("--out", default="screening.parquet", help="the enterprises table (default screening.parquet)")
    screen.add_argument("--format", choices=["parquet", "csv", "jsonl"], default=None,
                        help="default: from --out's suffix, else parquet")
    screen.add_argument("--explain", metavar="ID", help="instead: rebuild why-trees for one enterprise of the register "
                                                         "on the reference engine (pyDatalog)")
    screen.add_argument("--batch-size", type=int, default=100_000, metavar="N",
                        help="a register in tables is screened N enterprises at a time, grouped by province, which "
                             "bounds memory (default 100000)")
    screen.add_argument("--database", metavar="FILE", help="a register in tables: hold its tables in this new DuckDB "
                        "file, which DuckDB keeps on disk beyond its memory limit (default: in memory)")
    screen.add_argument("--memory-limit", metavar="SIZE", help="a register in tables: DuckDB's memory limit, e.g. "
                        "4GB (default: 80%% of the machine's); with --database, tables beyond it stay on disk")
    screen.add_argument("--workers", type=int, default=None, metavar="N",
                        help="with DuckDB: derive N batches side by side, each holding its batch in memory (default "
                             "2, or 1 on one core); with Spark: 1 (Spark spreads each batch over its executors)")
    screen.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb",
                        help="where the rules run: DuckDB in this process (default), or Spark SQL (pip install "
                             "\"cplaw[spark]\"; needs Java)")
    screen.add_argument("--spark-master", default="local[*]", metavar="URL",
                        help="with --engine spark: local[N], spark://HOST:7077, yarn, k8s://… (default local[*])")
    screen.add_argument("--spark-conf", action="append", default=[], metavar="KEY=VALUE",
                        help="with --engine spark: a Spark setting (repeatable), e.g. spark.executor.memory=8g")
    _option_argument(screen)
    return parser


def _engine_argument(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--engine", choices=ENGINES, default=None,
                     help=f"the engine that evaluates the rules (default: {DEFAULT_ENGINE}; docs/engines.md)")


def default_lang() -> str:
    """zh where the locale is Chinese (LC_ALL, LC_MESSAGES or LANG zh_*), else en."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def _lang_arguments(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--lang", choices=["en", "zh"], default=None,
                     help="language of the answer (default: zh where the locale is Chinese, else en)")
    cmd.add_argument("--detail", choices=["brief", "full"], default="brief",
                     help="full: show internal steps and every reading taken")


def _option_argument(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--option", action="append", default=[], metavar="NAME",
                     help="choose a named alternative reading instead of the default (see `cplaw options`)")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        code = _run(args)
        sys.stdout.flush()
        return code
    except BrokenPipeError:  # the reader stopped reading (`cplaw why … | head -1`): nothing to say
        _quiet_stdout()
        return 0
    except RecursionError:
        print("cplaw: the input is nested too deeply to process", file=sys.stderr)
        return 1
    except CplawError as err:
        print(f"cplaw: {err}", file=sys.stderr)
        return 1
    except OSError as err:  # a path the system refuses (too long, no permission…): bad input, named
        print(f"cplaw: {err.filename or ''}{': ' if err.filename else ''}{err.strerror or err}", file=sys.stderr)
        return 1
    except Exception as err:  # an internal error: say so plainly
        if os.environ.get("CPLAW_DEBUG"):
            raise
        print(f"cplaw: internal error ({type(err).__name__}: {err}); set CPLAW_DEBUG=1 for details",
              file=sys.stderr)
        return 3


def _screen(rules: RuleBase, args: argparse.Namespace) -> int:
    from .api import parse_as_of
    try:
        from .sql.screen import WORKERS, on_duckdb, screen, summary, write
    except ImportError as err:
        raise CplawError(f"cplaw screen needs DuckDB, sqlglot and pyarrow: pip install \"cplaw[sql]\" ({err})") from None
    unknown = [name for name in args.option if name not in rules.options()]
    if unknown:
        raise CplawError(f"unknown option {', '.join(map(repr, unknown))}; see `cplaw options`")
    if args.explain is not None:
        from .explain.render import render
        from .sql.screen import find_profile
        assessment = rules.assess(find_profile(args.input, args.explain), args.as_of, args.option, engine="pydatalog",
                                  missing=False)
        for query in ("mandatory", "due", "violation", "sanction"):
            print(render(assessment.explain(query), "text", default_lang(), "brief"))
        return 0
    out = pathlib.Path(args.out)
    fmt = args.format or {".csv": "csv", ".jsonl": "jsonl"}.get(out.suffix.lower(), "parquet")
    day = parse_as_of(args.as_of)
    if rules.first_day is None or day < rules.first_day:
        raise CplawError(f"no cleaner-production law was in force on {day.isoformat()}")
    if args.workers is not None and args.workers < 1:
        raise CplawError(f"--workers must be at least 1 (not {args.workers})")
    derive, workers = on_duckdb, args.workers or WORKERS
    if args.engine == "spark":  # Spark spreads a batch over its executors: one batch at a time unless asked
        workers = args.workers or 1
        from .sql.spark import on_spark
        derive = on_spark(args.spark_master, _settings(args.spark_conf))
    run, errors = screen(rules, args.input, day, tuple(dict.fromkeys(args.option)), default_lang(), args.batch_size,
                         derive, workers, pathlib.Path(args.database) if args.database else None, args.memory_limit)
    for path in write(run, out, fmt):
        print(f"wrote {path}", file=sys.stderr)
    from rich.console import Console
    Console(width=None if sys.stdout.isatty() else 200).print(summary(run, default_lang()))
    if errors:
        errors_path = out.with_name(f"{out.stem}.errors.jsonl")
        errors_path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in errors), encoding="utf-8")
        print(f"cplaw: {len(errors)} problems; the enterprises they concern were not screened; see {errors_path}",
              file=sys.stderr)
        return 1
    return 0


def _settings(pairs: list[str]) -> dict[str, str]:
    """``--spark-conf KEY=VALUE`` settings as a dict."""
    found = {}
    for pair in pairs:
        key, equals, value = pair.partition("=")
        if not equals or not key.strip():
            raise CplawError(f"--spark-conf {pair!r}: expected KEY=VALUE, e.g. spark.executor.memory=8g")
        found[key.strip()] = value.strip()
    return found


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's final flush does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _run(args: argparse.Namespace) -> int:
    if args.command == "check":
        return _check(args.path)
    if args.command == "calendar":
        return _calendar(args)
    if args.command == "cache":
        return _cache(args.clear)
    if args.command == "impact":
        return _impact(args)
    if args.command == "show":
        return _show(args)
    if args.command == "test":
        from .scenario_report import run_tests
        return run_tests(args)
    if args.command == "serve":
        return _serve(args.host, args.port)
    rules = RuleBase.load()
    if args.command == "assess":
        from .batch import batch_is, stdin_items
        if args.profile == ["-"]:  # one document on standard input reads as one profile file would
            items = stdin_items(sys.stdin)
            first = next(items, None)
            if first is None or first.text_is_json:
                return _assess_batch(rules, args, itertools.chain([first] if first else [], items))
            from .profile import load_profile
            args.profile = [load_profile(first.name, text=first.text)]
        elif batch_is(args.profile):
            return _assess_batch(rules, args)
        args.profile = args.profile[0]
    if args.command == "law":
        table = rules.law(args.as_of)
        print(json.dumps(table, ensure_ascii=False, indent=2) if args.format == "json"
              else render_law(table, args.lang or default_lang()))
        return 0
    if args.command == "coverage":
        from .coverage import coverage, render
        if args.article or args.by:
            return _reach(rules, args)
        report = coverage(rules, pathlib.Path(args.scenarios), progress=True, jobs=args.jobs)
        print(json.dumps(report, ensure_ascii=False, indent=2) if args.format == "json" else render(report))
        return 1 if report["unencoded_without_reason"] else 0
    if args.command == "options":
        from .explain.options import options_text
        print(json.dumps(rules.options(), ensure_ascii=False, indent=2) if args.format == "json"
              else options_text(rules.program, args.lang or default_lang()))
        return 0
    if args.command == "what-if":
        return _what_if(rules, args)
    if args.command == "screen":
        return _screen(rules, args)
    assessment = rules.assess(_profile(args.profile), args.as_of, args.option, engine=args.engine,
                              missing=not getattr(args, "no_missing", False))
    lang = args.lang or default_lang()
    if args.command == "assess":
        if args.format == "json":
            print(json.dumps(assessment.data, ensure_ascii=False, indent=2))
        else:
            from .explain.memo import memo_html, memo_text
            print((memo_html if args.format == "html" else memo_text)(assessment.data, lang, args.detail))
        return 0
    from .explain.render import render
    graph = assessment.explain(args.query) if args.command == "why" else assessment.why_not(args.query)
    print(render(graph, args.format, lang, args.detail))
    return 0


def _assess_batch(rules: RuleBase, args: argparse.Namespace, items: Any = None) -> int:
    """Several profiles (or ``items`` already read): one result each (JSON Lines, or text under a heading),
    errors on standard error; exit 1 at the end if any profile failed."""
    from .batch import from_arguments, json_line, with_progress
    items = from_arguments(args.profile) if items is None else items
    results = rules.assess_many(items, args.as_of, args.option, args.jobs, engine=args.engine,
                                missing=not args.no_missing)
    failed = 0
    for name, result in with_progress(results, len(items) if isinstance(items, list) else None, "assessing"):
        if isinstance(result, CplawError):
            failed += 1
            message = str(result)
            print(f"cplaw: {message if message.startswith(name) else f'{name}: {message}'}", file=sys.stderr)
        elif args.format == "json":
            print(json_line(result.data))
        else:
            print(f"== {name} ==\n{render_assessment(result.data, args.lang or default_lang(), args.detail)}\n")
    return 1 if failed else 0


def _reach(rules: RuleBase, args: argparse.Namespace) -> int:
    """`coverage --article` / `--by`: what the scenarios' derivations reach."""
    from .coverage import article_reach, reach, reached, render_article, render_reach
    if args.article:
        from .scenarios import parse_article
        parse_article(args.article, rules.program)  # a bad article fails before the scenarios run
    runs, values = reached(rules, pathlib.Path(args.scenarios), progress=True, jobs=args.jobs)
    if args.article:
        found = article_reach(rules, runs, args.article, values)
        print(json.dumps(found, ensure_ascii=False, indent=2) if args.format == "json" else render_article(found))
        return 0
    view = reach(rules, runs, values)
    print(json.dumps(view, ensure_ascii=False, indent=2) if args.format == "json" else render_reach(view, args.by))
    return 0


def _cache(clear: bool) -> int:
    from . import cache
    folder = cache.cache_dir()
    if folder is None:
        print("the rule-base cache is off (CPLAW_NO_CACHE is set)")
        return 0
    if clear:
        print(f"removed {cache.clear()} compiled rule base(s) from {folder}")
        return 0
    files = cache.cache_files()
    print(f"{folder}: {len(files)} compiled rule base(s)")
    for path in files:
        print(f"  {path.name}  {path.stat().st_size / 1e6:.1f} MB")
    return 0


def _serve(host: str, port: int) -> int:
    try:
        from .web.app import serve
    except ImportError as err:
        print(f"cplaw serve needs the web extra ({err.name} is missing): pip install 'cplaw[web]'", file=sys.stderr)
        return 2
    serve(host, port)
    return 0


def _profile(source: str) -> Any:
    """A profile argument: a file, or - for standard input."""
    if source != "-":
        return source
    from .profile import load_profile
    return load_profile("<stdin>", text=sys.stdin.read())


def _what_if(rules: RuleBase, args: argparse.Namespace) -> int:
    from .compare import Change, parse_event, parse_set, read_document
    doc = read_document("<stdin>", sys.stdin.read()) if args.profile == "-" else read_document(args.profile)
    changes = [parse_set(text) for text in args.set_] + [parse_event(text) for text in args.add_event] \
        + [Change("drop", path) for path in args.drop]
    result = rules.compare(doc, args.as_of, changes, vs_as_of=args.vs_as_of, options=(), vs_options=args.option,
                           source="<stdin>" if args.profile == "-" else args.profile, engine=args.engine)
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        from .explain.comparison import comparison_text
        print(comparison_text(result, args.lang or default_lang()))
    return 0


def _impact(args: argparse.Namespace) -> int:
    from . import impact
    if (args.before is None) == (args.base is None):
        raise CplawError("impact: give the old rule base as --before DIR or --base GITREV (one of them)")
    before = impact.folder_files(args.before) if args.before else \
        impact.git_rule_files(args.base, impact.checkout_root())
    after = impact.folder_files(args.after) if args.after else rule_base_files()
    items, unreadable = impact.corpus(args.corpus, args.as_of)
    for bad in unreadable:
        print(f"cplaw: {bad['error']}", file=sys.stderr)
    try:
        old, new = impact.load_sides(before, after)
    except RuleError as err:
        for diagnostic in err.diagnostics:
            print(diagnostic.render(), file=sys.stderr)
        print(f"{len(err.diagnostics)} error(s); nothing was evaluated", file=sys.stderr)
        return 1
    doc = impact.impact(old, new, items, before_label=args.before or args.base,
                        after_label=args.after or "working tree", engine=args.engine)
    render = {"json": lambda d: json.dumps(d, ensure_ascii=False, indent=2), "markdown": impact.render_markdown,
              "text": impact.render_text}[args.format]
    print(render(doc))
    return 1 if unreadable else 0


def _show(args: argparse.Namespace) -> int:
    from . import literate
    if args.all != (args.rulefile is None) or args.all != (args.out is not None):
        raise CplawError("show: give a RULEFILE, or --all with --out DIR")
    files = rule_base_files(args.rules)
    rules = RuleBase.load(args.rules)
    fired = literate.scenarios_fired(rules, files, pathlib.Path(args.scenarios), args.jobs) if args.scenarios \
        else None
    if args.all:
        count = literate.site(rules, pathlib.Path(args.out), args.format, fired, files)
        print(f"{count} rule files rendered into {args.out}", file=sys.stderr)
        return 0
    path, text = literate.find_file(files, args.rulefile)
    view = literate.file_view(rules, path, text, fired)
    print(literate.render_html(view) if args.format == "html" else literate.render_markdown(view))
    return 0


def _check(path: str | None) -> int:
    try:
        program = compile_files(rule_base_files(path))
    except RuleError as err:
        for diagnostic in err.diagnostics:
            print(diagnostic.render(), file=sys.stderr)
        print(f"{len(err.diagnostics)} error(s); nothing was evaluated", file=sys.stderr)
        return 1
    print(f"ok: {len(program.files)} files, {len(program.instruments)} instruments, "
          f"{len(program.articles)} articles, {len(program.rules)} rules ({len(program.clauses)} clauses)")
    return 0


def render_assessment(doc: dict[str, Any], lang: str = "en", detail: str = "brief") -> str:
    """The assessment as a short legal memo (kept for callers; see cplaw.explain.memo)."""
    from .explain.memo import memo_text
    return memo_text(doc, lang, detail)


def _calendar(args: argparse.Namespace) -> int:
    from . import calendar as holidays
    from .periods import use_arrangements
    if args.dir:
        added = holidays.load_arrangements(pathlib.Path(args.dir))
        use_arrangements({**holidays.load_arrangements(), **added})
    report = holidays.describe(args.year)
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.format == "json" else holidays.render(report))
    return 0


def render_law(table: dict[str, Any], lang: str = "en") -> str:
    """The texts in force on a date, those applied to it by a named reading, then those that were not, one
    line each, worded from the label vocabulary."""
    from .labels import label

    def p(key: str, **values: Any) -> str:
        return label("phrases", key, lang, **values)

    def line(t: dict[str, Any]) -> str:
        until = t["in_force_to"] or p("law_end_unknown" if t["end_unknown"] else "law_open")
        version = t["version"] not in (None, t["in_force_from"])  # shown where it is not the first day
        first_line, last_line = t["source_lines"]
        return p("law_line", instrument=f"{t['instrument']:<14}", title=t["title"],
                 number=p("law_number", number=t["number"]) if t["number"] else "",
                 version=p("law_version", version=t["version"]) if version else "",
                 start=t["in_force_from"], until=until, status=label("enums", f"source_status.{t['status']}", lang),
                 source=p("law_source", file=t["source_file"], first=first_line, last=last_line))

    first = table.get("first_day_of_law")
    lines = []
    if first is None or table["as_of"] < first:  # before the Law: a provincial text may still be in force
        lines = [p("law_before_first_day", day=table["as_of"], first=first or "2003-01-01")]
        if table["in_force"]:
            lines.append("")
    if table["in_force"] or not lines:
        lines += [p("law_in_force", day=table["as_of"])] + [line(t) for t in table["in_force"]]
    if table.get("applied_by_reading"):
        lines += ["", p("law_by_reading")] + [line(t) for t in table["applied_by_reading"]]
    if table["not_in_force"]:
        lines += ["", p("law_not_in_force")] + [line(t) for t in table["not_in_force"]]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
