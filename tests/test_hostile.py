"""Hostile input (issue 14): each crash, hang and silent wrong answer the fuzzing run found, as a regression
test. Every input ends in an answer or a CplawError naming where the input is wrong; never a traceback."""

from __future__ import annotations

import datetime
import json
import os
import pathlib
import shutil
import subprocess
import sys
import time
from decimal import Decimal

import pytest
import yaml

from cplaw import AsOfError, CplawError, ProfileError, RuleBase, limits
from cplaw.cli import main
from cplaw.errors import InputFileError, LimitError
from cplaw.profile import load_profile

HERE = pathlib.Path(__file__).parent
ROOT = HERE.parent
DONGGUAN = ROOT / "facts" / "examples" / "dongguan-dyeing.yaml"
BASE = DONGGUAN.read_text(encoding="utf-8")
RULES = RuleBase.load()


def _error(text: str, name: str = "t.yaml") -> str:
    """The message of the ProfileError the text raises (it must raise one)."""
    with pytest.raises(ProfileError) as caught:
        load_profile(name, text=text)
    return str(caught.value)


def _doc() -> dict:
    return yaml.safe_load(BASE)


# ── crashes: nesting, YAML tricks, numbers, text ─────────────────────────────────────────────────────────

@pytest.mark.parametrize("text, name", [
    ("enterprise: " + "[" * 500 + "]" * 500, "t.yaml"),
    ("enterprise:\n  id: X\n  province: '44'\n  industry: " + "[" * 100_000 + "]" * 100_000, "t.yaml"),
    ('{"format": ' + "[" * 100_000 + "]" * 100_000 + "}", "t.json"),
    ('{"enterprise": {"id": "X", "province": "44"}, "format": ' + "[" * 200 + "]" * 200 + "}", "t.json"),
], ids=["yaml-500", "yaml-100000", "json-100000", "json-200"])
def test_deep_nesting_is_an_error_naming_the_limit(text: str, name: str) -> None:
    assert "MAX_DEPTH" in _error(text, name)


def test_deep_nesting_through_the_api() -> None:
    doc: list = []
    for _ in range(1000):
        doc = [doc]
    with pytest.raises(ProfileError, match="MAX_DEPTH"):
        RULES.assess({"format": "cplaw.profile/1", "enterprise": {"id": "X", "province": "44", "industry": doc}},
                     "2010-04-01")
    cyclic: dict = {"format": "cplaw.profile/1"}
    cyclic["enterprise"] = cyclic
    with pytest.raises(ProfileError, match="MAX_DEPTH"):
        RULES.assess(cyclic, "2010-04-01")


@pytest.mark.parametrize("text, fragment", [
    ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
     "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n", "alias"),
    ("a: &a [*a]\n", "alias"),
    ("format: cplaw.profile/1\nenterprise: &e {id: X, province: '44'}\nother: *e\n", "alias"),
    ("format: !custom x\n", "could not determine a constructor"),
    ("format: !!python/object:os.system x\n", "could not determine a constructor"),
    ("format: !!int a\n", "'a' is not an integer"),
    ("0b: 1\n", "unknown field \"0b\""),
    ("format: " + "9" * 5000 + "\n", "MAX_INT_DIGITS"),
    ("format: 0x" + "f" * 100 + "\n", "MAX_INT_DIGITS"),
    ("format: .nan\n", "not a finite decimal"),
    ("format: -.inf\n", "not a finite decimal"),
], ids=["alias-bomb", "recursive-alias", "alias", "custom-tag", "python-tag", "int-tag", "0b-key",
        "int-5000-digits", "hex-100-digits", "nan", "infinity"])
def test_yaml_tricks_are_errors(text: str, fragment: str) -> None:
    assert fragment in _error(text)


@pytest.mark.parametrize("old, new, fragment", [
    ("value: 180", "value: 1.0e+999999999", "MAX_NUMBER_EXPONENT"),
    ("value: 180", "value: 1.0e-999999999", "MAX_NUMBER_EXPONENT"),
    ("id: GD-0001", 'id: "\\ud800"', "lone surrogate"),
    ("id: GD-0001", "id: " + "x" * (limits.MAX_STRING + 1), "MAX_STRING"),
    ("year: 2008", "year: 99999", "outside the dates"),
])
def test_values_beyond_limits_are_errors(old: str, new: str, fragment: str) -> None:
    assert old in BASE
    assert fragment in _error(BASE.replace(old, new, 1))


def test_json_numbers() -> None:
    doc = json.dumps(_doc(), default=str)
    for bad, fragment in (("1e999999999", "MAX_NUMBER_EXPONENT"), ("NaN", "not a finite number"),
                          ("Infinity", "not a finite number"), ("1" * 5000, "MAX_INT_DIGITS")):
        assert fragment in _error(doc.replace('"value": 180', f'"value": {bad}'), "t.json")
    assert "lone surrogate" in _error(doc.replace('"GD-0001"', '"\\udc00"'), "t.json")


def test_too_many_events_is_an_error_naming_the_limit() -> None:
    doc = _doc()
    doc["events"] += [{"type": "emissions_published", "date": "2009-04-10"}] * limits.MAX_EVENTS
    with pytest.raises(ProfileError, match="MAX_EVENTS"):
        RULES.assess(doc, "2010-04-01")
    doc["events"] = doc["events"][:4]
    doc["substances"] *= limits.MAX_ITEMS + 1
    with pytest.raises(ProfileError, match=r"substances: .*MAX_ITEMS"):
        RULES.assess(doc, "2010-04-01")


# ── silent wrong answers: trailing whitespace passed the schema's `$` ────────────────────────────────────

@pytest.mark.parametrize("old, new", [
    ("date: 2008-11-20", 'date: "2008-11-20\\n"'),
    ("date: 2008-11-20", 'date: "2013-02-30\\n"'),
    ("date: 2009-03-15", 'date: "2009-03-15 "'),
    ('industry: "1713"', 'industry: "2530\\n"'),
    ('industry: "1713"', 'industry: "1713 "'),
    ("province: 广东 ", 'province: "44\\n" '),
])
def test_trailing_newline_or_space_is_an_error_not_a_changed_answer(old: str, new: str) -> None:
    assert old in BASE
    _error(BASE.replace(old, new, 1))


def test_order_deadline_with_trailing_newline() -> None:
    doc = _doc()
    doc["events"].append({"type": "order_to_correct", "date": "2011-01-10", "deadline": "2011-02-28\n"})
    with pytest.raises(ProfileError, match=r"events\[4\]\.deadline"):
        RULES.assess(doc, "2012-04-01")


def test_huge_score_is_an_error_never_infinity_in_json() -> None:
    doc = _doc()
    doc["events"] += [{"type": "evaluation_applied", "date": "2011-03-01"},
                      {"type": "evaluation", "date": "2011-04-01", "score": Decimal("1.0e+400")}]
    with pytest.raises(ProfileError, match=r"events\[5\]\.score"):
        RULES.assess(doc, "2012-04-01")


# ── dates: strict as-of, no overflow ─────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("as_of", ["2010-W01-1", "20100401", "2010-04-01\n", " 2010-04-01", "2010-4-1",
                                   "２０１０-04-01", datetime.datetime(2010, 4, 1), 20100401, 2010.0, ["2010-04-01"]])
def test_as_of_is_strictly_a_date(as_of: object) -> None:
    with pytest.raises(AsOfError):
        RULES.assess(str(DONGGUAN), as_of)  # type: ignore[arg-type]


def test_listing_at_the_end_of_the_calendar() -> None:
    doc = _doc()
    doc["events"] = [{"type": "listed", "date": "9999-12-01", "ground": "double_exceed"}]
    with pytest.raises(ProfileError, match="outside the dates"):
        RULES.assess(doc, "2010-04-01")
    with pytest.raises(LimitError, match="outside the dates"):
        RULES.assess(str(DONGGUAN), "9999-12-31")
    doc["events"] = [{"type": "listed", "date": "2999-12-01", "ground": "double_exceed"}]
    late = RULES.assess(doc, "2999-12-31").data  # the last day allowed: periods run past it without overflow
    assert late["as_of"] == "2999-12-31"


# ── the API: bad values and paths ────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("value", [float("nan"), float("inf"), Decimal("sNaN"), Decimal("NaN"), Decimal("-Infinity")])
def test_api_non_finite_numbers(value: object) -> None:
    doc = _doc()
    doc["emissions"][0]["value"] = value
    with pytest.raises(ProfileError, match=r"emissions\[0\]\.value: .* not a finite number"):
        RULES.assess(doc, "2010-04-01")


@pytest.mark.parametrize("path, fragment", [
    ("a\0b.yaml", "not a usable path"), ("/nonexistent/p.yaml", "no such file"), (str(HERE), "is a directory"),
])
def test_api_bad_paths(path: str, fragment: str) -> None:
    with pytest.raises(InputFileError, match=fragment):
        RULES.assess(path, "2010-04-01")


def test_reading_stops_at_the_size_limit(tmp_path: pathlib.Path) -> None:
    if os.path.exists("/dev/zero"):
        start = time.monotonic()
        with pytest.raises(LimitError, match="MAX_FILE_BYTES"):
            load_profile("/dev/zero")
        assert time.monotonic() - start < 5
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * 1001)
    with pytest.raises(LimitError):
        limits.read_bytes(big, limit=1000)
    assert limits.read_bytes(big, limit=1001) == b"#" * 1001


def test_not_utf8_profile(tmp_path: pathlib.Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"format: \xff\xfe\n")
    with pytest.raises(InputFileError, match="not UTF-8"):
        load_profile(bad)


# ── rule files: positions, empty files, missing braces ───────────────────────────────────────────────────

@pytest.mark.parametrize("separator", ["\x85", "\u2028", "\u2029", "\x0c", "\x0b", "\x1c", "\r"])
def test_odd_line_separators_do_not_shift_the_reported_line(tmp_path: pathlib.Path, separator: str,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    rule_file = tmp_path / "t.cplaw"
    rule_file.write_text(f"# one\n# two {separator} still two\nrule a.b\n  cites art 1\n  foo( :- .\n",
                         encoding="utf-8", newline="")
    assert main(["check", str(rule_file)]) == 1
    assert f"{rule_file}:5:" in capsys.readouterr().err


def test_check_rejects_empty_and_instrument_less_files(tmp_path: pathlib.Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.cplaw"
    empty.write_text("# nothing here\n\n", encoding="utf-8")
    assert main(["check", str(empty)]) == 1
    assert "empty rule file" in capsys.readouterr().err
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "vocab-only.cplaw").write_text("", encoding="utf-8")
    assert main(["check", str(folder)]) == 1


def test_missing_closing_brace_says_so(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    rule_file = tmp_path / "t.cplaw"
    rule_file.write_text('instrument XX-T {\n  title "t"\n  jurisdiction CN\n\narticle 1 at 1..1 "x"\n',
                         encoding="utf-8")
    assert main(["check", str(rule_file)]) == 1
    assert "a '}' is missing" in capsys.readouterr().err


def test_check_non_utf8_file_and_folder(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.cplaw").write_bytes(b"# \xff\xfe\n")
    for target in (tmp_path / "bad.cplaw", tmp_path):
        assert main(["check", str(target)]) == 1
        err = capsys.readouterr().err
        assert "not UTF-8" in err and "internal error" not in err


# ── the command line ─────────────────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("argv, fragment", [
    (["assess", "/nonexistent.yaml", "--as-of", "2010-04-01"], "no such file"),
    (["assess", str(HERE / "rules_bad"), "--as-of", "2010-04-01"], "no profile"),  # a folder is a batch
    (["assess", str(DONGGUAN), "--as-of", "2010-W01-1"], "is not a date"),
    (["assess", str(DONGGUAN), "--as-of", "20100401"], "is not a date"),
    (["check", "/dev/zero"], "MAX_FILE_BYTES"),
    (["check", "/nonexistent"], "no such file"),
])
def test_cli_bad_input_exit_1_with_a_message(argv: list[str], fragment: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert fragment in err and "invalid profile" not in err and "Traceback" not in err


def test_cli_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.startswith("cplaw 0.")


def test_coverage_on_malformed_scenarios(tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    for i, text in enumerate(["- a list\n", "as_of: 2010-04-01\n", "profile: x\nas_of: 2010-04-01\n",
                              "a: [\n", "profile: {}\nas_of: 2010-04-01\noptions: 3\n"]):
        folder = tmp_path / str(i)
        folder.mkdir()
        (folder / "01-bad.yaml").write_text(text, encoding="utf-8")
        assert main(["coverage", "--scenarios", str(folder)]) == 1
        err = capsys.readouterr().err
        assert "01-bad.yaml" in err and "internal error" not in err


def _cplaw() -> list[str]:
    return [sys.executable, "-c", "import sys; from cplaw.cli import main; sys.exit(main())"]


def test_closed_pipe_is_quiet() -> None:
    reader = subprocess.Popen(["head", "-1"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    run = subprocess.run([*_cplaw(), "why", str(DONGGUAN), "violation", "--as-of", "2012-04-01"],
                         stdout=reader.stdin, stderr=subprocess.PIPE, timeout=120, cwd=ROOT)
    reader.stdin.close()  # type: ignore[union-attr]
    reader.wait(timeout=10)
    assert run.returncode == 0 and run.stderr == b""


def test_lone_surrogate_in_a_json_profile_through_the_cli(tmp_path: pathlib.Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.dumps(_doc(), default=str).replace('"GD-0001"', '"\\ud800"')
    (tmp_path / "p.json").write_text(doc, encoding="utf-8")
    assert main(["assess", str(tmp_path / "p.json"), "--as-of", "2010-04-01", "--format", "json"]) == 1
    assert "enterprise.id" in capsys.readouterr().err


# ── any working directory ────────────────────────────────────────────────────────────────────────────────

_IMPORT = ("from cplaw import RuleBase; r = RuleBase.load(); import cplaw.explain.render, cplaw.facts; "
           "print(r.assess({'format': 'cplaw.profile/1', 'enterprise': {'id': 'X', 'province': '44'}}, "
           "'2010-04-01').data['as_of'])")


@pytest.mark.parametrize("where", [ROOT, HERE])
def test_import_from_the_checkout_without_installing(where: pathlib.Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(ROOT) if where == HERE else ""
    run = subprocess.run([sys.executable, "-c", _IMPORT], cwd=where, capture_output=True, text=True,
                         timeout=180, env=env)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "2010-04-01"


@pytest.mark.slow
def test_import_from_an_installed_wheel_elsewhere(tmp_path: pathlib.Path) -> None:
    if shutil.which("pip") is None and subprocess.run([sys.executable, "-m", "pip", "--version"],
                                                      capture_output=True).returncode != 0:
        pytest.skip("pip is not available")
    source = tmp_path / "source"  # a copy, so the build writes nothing into the checkout
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".git", "build", "*.egg-info", "__pycache__",
                                                                ".pytest_cache", ".hypothesis"))
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"),
                            str(source)], capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    wheel = next((tmp_path / "dist").glob("cplaw-*.whl"))
    target = tmp_path / "site"
    install = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
                              str(wheel)], capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    run = subprocess.run([sys.executable, "-c", _IMPORT + "; import cplaw; print(cplaw.__file__)"],
                         cwd=elsewhere, capture_output=True, text=True, timeout=180, env=env)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split()[0] == "2010-04-01" and str(target) in run.stdout


def test_errors_are_cplaw_errors() -> None:
    assert issubclass(InputFileError, CplawError) and issubclass(LimitError, CplawError)
