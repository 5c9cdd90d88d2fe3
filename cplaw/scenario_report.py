"""``cplaw test``: scenario results as text (failures, then ``N passed, M failed``), JUnit XML or JSON."""

from __future__ import annotations

import argparse
import json
import pathlib
import re
import time
import xml.etree.ElementTree as ET
from typing import Any

from .errors import CplawError
from .scenarios import Result, discover, run, summary

FORMAT = "cplaw.test/1"
DEFAULT_FOLDER = pathlib.Path("tests/scenarios")
# Characters XML 1.0 cannot hold at all, even escaped
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def run_tests(args: argparse.Namespace) -> int:
    """Run the scenario files the command line names; print the results; 1 if any failed or could not run."""
    from .api import RuleBase
    from .batch import with_progress
    from .cli import default_lang
    if not args.path and not DEFAULT_FOLDER.is_dir():
        raise CplawError("name the scenario files or folders to run (there is no tests/scenarios here)")
    paths = discover(args.path or [DEFAULT_FOLDER])
    rules = RuleBase.load(args.rules) if args.rules else RuleBase.load()
    lang = args.lang or default_lang()
    started = time.perf_counter()
    results: list[Result] = []
    stream = run(rules, paths, args.jobs, args.engine, lang if args.explain else None, args.detail)
    for result in with_progress(stream, len(paths), "scenarios"):
        results.append(result)
        if args.format == "text" and not result.passed:
            print(text_of(result), end="\n\n", flush=True)
    seconds = time.perf_counter() - started
    if args.format == "text":
        print(summary(results))
    elif args.format == "json":
        print(json.dumps(json_document(results, seconds), ensure_ascii=False, indent=2))
    else:
        print(junit(results, seconds))
    return 0 if all(r.passed for r in results) else 1


def text_of(result: Result) -> str:
    """A failure or error: its heading, then what differs (expected vs got), indented."""
    heading = f"{result.outcome.upper()} {result.name} ({result.file})"
    report = result.report().removeprefix(f"{result.file}: ")  # an error names its file: the heading does
    return heading + "\n" + "\n".join("  " + line for line in report.splitlines())


def json_document(results: list[Result], seconds: float) -> dict[str, Any]:
    passed = sum(r.passed for r in results)
    return {"format": FORMAT, "passed": passed, "failed": len(results) - passed,
            "errors": sum(r.outcome == "error" for r in results), "seconds": round(seconds, 3),
            "results": [r.to_json() for r in results]}


def junit(results: list[Result], seconds: float) -> str:
    """JUnit XML: one testcase per scenario, classname its folder; a failure or error holds the report."""
    suites = ET.Element("testsuites")
    suite = ET.SubElement(suites, "testsuite", name="cplaw scenarios", tests=str(len(results)),
                          failures=str(sum(r.outcome == "failed" for r in results)),
                          errors=str(sum(r.outcome == "error" for r in results)), time=f"{seconds:.3f}")
    for r in results:
        folder, _, stem = r.name.rpartition("/")
        case = ET.SubElement(suite, "testcase", classname=_xml(folder or "scenarios"), name=_xml(stem),
                             file=_xml(r.file), time=f"{r.seconds:.3f}")
        if not r.passed:
            report = r.report()
            element = ET.SubElement(case, "failure" if r.outcome == "failed" else "error",
                                    message=_xml(report.splitlines()[0] if report else r.outcome))
            element.text = _xml(report)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True)


def _xml(text: str) -> str:
    """Text XML can hold: ElementTree escapes <, & and quotes, but not characters XML forbids outright."""
    return _NOT_XML.sub("\ufffd", text)

