"""The ``cplaw`` command: assess, why, why-not, law, options, coverage, check.

Exit codes: 0 answered; 1 bad input (a clear message, no traceback); 2 misuse of the command.
Set CPLAW_DEBUG=1 to see the traceback of an internal error.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import sys
from typing import Any

from .api import RuleBase
from .compiler import compile_files, rule_base_files
from .errors import CplawError, RuleError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cplaw", description="China's cleaner-production audit law, explained.")
    sub = parser.add_subparsers(dest="command", required=True)

    assess = sub.add_parser("assess", help="assess an enterprise profile (prints cplaw.assessment/1)")
    assess.add_argument("profile")
    assess.add_argument("--as-of", help="the date to assess as of (YYYY-MM-DD; default: today)")
    assess.add_argument("--format", choices=["text", "json", "html"], default="text")
    _lang_arguments(assess)
    _option_argument(assess)

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

    law = sub.add_parser("law", help="which texts were in force on a date, their versions and sources")
    law.add_argument("--as-of", help="the date (YYYY-MM-DD; default: today)")
    law.add_argument("--format", choices=["text", "json"], default="text")

    sub.add_parser("options", help="the alternative readings --option can choose")

    cover = sub.add_parser("coverage", help="every inventory entry: what encodes it, which scenarios exercise it")
    cover.add_argument("--scenarios", default="tests/scenarios",
                       help="scenario folder to run (default: tests/scenarios, where it exists)")
    cover.add_argument("--format", choices=["text", "json"], default="text")

    check = sub.add_parser("check", help="run the static checks on rule files (default: the packaged rule base)")
    check.add_argument("path", nargs="?")
    return parser


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
        return _run(args)
    except CplawError as err:
        print(f"cplaw: {err}", file=sys.stderr)
        return 1
    except Exception as err:  # an internal error: say so plainly
        if os.environ.get("CPLAW_DEBUG"):
            raise
        print(f"cplaw: internal error ({type(err).__name__}: {err}); set CPLAW_DEBUG=1 for details",
              file=sys.stderr)
        return 3


def _run(args: argparse.Namespace) -> int:
    if args.command == "check":
        return _check(args.path)
    rules = RuleBase.load()
    if args.command == "law":
        table = rules.law(args.as_of)
        print(json.dumps(table, ensure_ascii=False, indent=2) if args.format == "json" else render_law(table))
        return 0
    if args.command == "coverage":
        from .coverage import coverage, render
        report = coverage(rules, pathlib.Path(args.scenarios))
        print(json.dumps(report, ensure_ascii=False, indent=2) if args.format == "json" else render(report))
        return 1 if report["unencoded_without_reason"] else 0
    if args.command == "options":
        for name, text in sorted(rules.options().items()):
            print(f"{name}\n  {text}")
        return 0
    assessment = rules.assess(args.profile, args.as_of, args.option)
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


def render_assessment(doc: dict[str, Any], lang: str = "en") -> str:
    """The assessment as a short legal memo (kept for callers; see cplaw.explain.memo)."""
    from .explain.memo import memo_text
    return memo_text(doc, lang)


def render_law(table: dict[str, Any]) -> str:
    """The texts in force on a date, then those that were not, one line each."""
    lines = [f"In force on {table['as_of']}:"]
    for section, heading in (("in_force", None), ("not_in_force", "Not in force on that date:")):
        if heading:
            lines += ["", heading]
        for t in table[section]:
            until = t["in_force_to"] or "open"
            by_reading = " — applied to this date by a named reading" if t["applied_by_reading"] else ""
            lines.append(f"  {t['instrument']:<14} {t['title']} (version {t['version']}), "
                         f"{t['in_force_from']} … {until}, {t['status']}: {t['source']}{by_reading}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
