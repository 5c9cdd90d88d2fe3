"""The ``cplaw`` command: assess, why, why-not, what-if, law, options, coverage, check.

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
from .missing import render_missing


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cplaw", description="China's cleaner-production audit law, explained.")
    sub = parser.add_subparsers(dest="command", required=True)

    assess = sub.add_parser("assess", help="assess an enterprise profile (prints cplaw.assessment/1)")
    assess.add_argument("profile")
    assess.add_argument("--as-of", help="the date to assess as of (YYYY-MM-DD; default: today)")
    assess.add_argument("--format", choices=["text", "json"], default="text")
    assess.add_argument("--lang", choices=["en", "zh"], default="en")
    _option_argument(assess)

    for name, what in (("why", "why a conclusion holds"), ("why-not", "why a conclusion does not hold")):
        cmd = sub.add_parser(name, help=f"explain {what}",
                             description="QUERY is an atom such as 'mandatory(toxic)' or "
                                         "'sanction(submit_report)'; missing trailing arguments mean any value.")
        cmd.add_argument("profile")
        cmd.add_argument("query")
        cmd.add_argument("--as-of")
        cmd.add_argument("--format", choices=["text", "json", "dot"], default="text")
        cmd.add_argument("--lang", choices=["en", "zh"], default="en")
        _option_argument(cmd)

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
    _option_argument(whatif)

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
    if args.command == "what-if":
        return _what_if(rules, args)
    assessment = rules.assess(_profile(args.profile), args.as_of, args.option)
    if args.command == "assess":
        if args.format == "json":
            print(json.dumps(assessment.data, ensure_ascii=False, indent=2))
        else:
            print(render_assessment(assessment.data, args.lang))
        return 0
    from .explain.render import to_dot, to_json, to_text
    graph = assessment.explain(args.query) if args.command == "why" else assessment.why_not(args.query)
    print({"text": lambda: to_text(graph, args.lang), "json": lambda: to_json(graph),
           "dot": lambda: to_dot(graph, args.lang)}[args.format]())
    return 0


def _profile(source: str) -> Any:
    """A profile argument: a file, or - for standard input."""
    if source != "-":
        return source
    from .profile import load_profile
    return load_profile("<stdin>", text=sys.stdin.read())


def _what_if(rules: RuleBase, args: argparse.Namespace) -> int:
    from .compare import Change, parse_event, parse_set, read_document, render_comparison
    doc = read_document("<stdin>", sys.stdin.read()) if args.profile == "-" else read_document(args.profile)
    changes = [parse_set(text) for text in args.set_] + [parse_event(text) for text in args.add_event] \
        + [Change("drop", path) for path in args.drop]
    result = rules.compare(doc, args.as_of, changes, vs_as_of=args.vs_as_of, options=(), vs_options=args.option,
                           source="<stdin>" if args.profile == "-" else args.profile)
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.format == "json" else render_comparison(result))
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
    """A plain-text reading of an assessment."""
    zh = lang == "zh"
    lines = [f"{doc['enterprise']} — {'评估基准日' if zh else 'as of'} {doc['as_of']}", ""]
    grounds = doc["mandatory_audit"]
    if grounds:
        lines.append("应当实施强制性清洁生产审核：" if zh else "Subject to mandatory cleaner-production audit:")
        for g in grounds:
            lines.append(f"  {g['ground']}: " + "; ".join(f"{c['instrument']} art. {c['article']}" for c in g["cites"]))
    else:
        lines.append("不属于强制性清洁生产审核对象" if zh else "Not subject to mandatory cleaner-production audit.")
    if doc["obligations"]:
        lines += ["", "义务：" if zh else "Duties:"]
        for o in doc["obligations"]:
            moved = f" (nominal {o['due_nominal']})" if o["due_nominal"] != o["due"] else ""
            done = f", done {o['done']}" if o.get("done") else ""
            first = " (binds first)" if o.get("binds_first") and o["status"] in ("overdue", "pending") else ""
            first += " [holiday calendar unknown for that year]" if o.get("calendar_note") else ""
            lines.append(f"  [{o['instrument']}] {o['duty']}: due {o['due']}{moved} — {o['status']}{done}{first}")
    if doc["violations"]:
        lines += ["", "违法：" if zh else "Breaches:"]
        lines += [f"  [{v['instrument']}] {v['duty']} since {v['since']}" + (f" until {v['until']}" if v.get("until") else "")
                  for v in doc["violations"]]
    if doc["sanctions"]:
        lines += ["", "法律责任：" if zh else "Sanctions:"]
        for s in doc["sanctions"]:
            fine = f" {s['fine_min']}–{s['fine_max']} yuan" if s["fine_max"] is not None else ""
            cond = f" if {s['condition']}" if s["condition"] else ""
            may = " (may)" if s.get("discretionary") else ""
            barred = " [time-barred]" if s.get("time_barred") else ""
            lines.append(f"  {s['duty']}: {s['measure']}{fine}{cond}{may} — {s['authority']} "
                         f"({s['provision']}, law of {s['law_day']}){barred}")
    if doc["notes"]:
        lines += ["", "说明：" if zh else "Notes:"]
        lines += [f"  [{n['kind']}] {n['text']}" for n in doc["notes"]]
    lines += render_missing(doc.get("missing_facts", []), lang)
    return "\n".join(lines)


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
