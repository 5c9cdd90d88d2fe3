"""The compiled rule base kept as data (cplaw/cache.py): round trip, keying, and never trusting a bad file."""

from __future__ import annotations

import dataclasses
import datetime
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cplaw import RuleBase, RuleError, cache, ir
from cplaw.cli import main
from cplaw.compiler import compile_files, rule_base_files
from cplaw.facts_mapping import rule_base_facts

HERE = Path(__file__).parent
RULES_GOOD = HERE / "rules_good"


@pytest.fixture(scope="module")
def packaged():
    program = compile_files(rule_base_files())
    return {"program": program, "facts": rule_base_facts(program)}


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CPLAW_CACHE_DIR", str(folder))
    monkeypatch.delenv("CPLAW_NO_CACHE", raising=False)
    return folder


def test_the_whole_packaged_program_round_trips(packaged) -> None:
    data = cache.encode(packaged)
    back = cache.decode(data)
    assert back["program"] == packaged["program"] and back["facts"] == packaged["facts"]
    assert cache.encode(back) == data  # positions too (they take no part in ==)
    clause = back["program"].clauses[0]
    assert isinstance(clause, type(packaged["program"].clauses[0])) and clause.head.pos.line > 0


@dataclasses.dataclass(frozen=True)
class Provision:  # stands for a node type added to the IR later
    id: str
    start: object
    terms: tuple


def test_a_new_node_type_needs_only_its_registration(monkeypatch) -> None:
    value = Provision("p1", ir.Const(datetime.date(2016, 7, 1), "date"), ("a", 1, None))
    with pytest.raises(TypeError, match="register it"):
        cache.encode(value)
    monkeypatch.setitem(cache.NODE_TYPES, "Provision", Provision)
    assert cache.decode(cache.encode([value, value])) == [value, value]


def test_a_payload_naming_an_unknown_type_or_tag_is_refused() -> None:
    with pytest.raises(cache.CacheError):
        cache.decode(b'{"types": [["Exec", ["code"]]], "nodes": [[0, "x"]], "root": ["n", 0]}')
    with pytest.raises(cache.CacheError):
        cache.decode(b'{"types": [], "nodes": [], "root": ["pickle", "x"]}')
    with pytest.raises(cache.CacheError):
        cache.decode(b'{"types": [["Var", ["name"]]], "nodes": [], "root": null}')  # fields of another version


def _counting_build(calls: list) -> object:
    def build():
        calls.append(1)
        return {"n": len(calls)}
    return build


FILES = [("a.cplaw", "rule x")]


def test_built_once_then_read(cache_dir, capsys) -> None:
    calls: list = []
    assert cache.cached(FILES, _counting_build(calls)) == {"n": 1}
    assert cache.cached(FILES, _counting_build(calls)) == {"n": 1}
    assert len(calls) == 1 and len(list(cache_dir.glob("rulebase-*.json"))) == 1
    assert capsys.readouterr().err == ""  # a first build says nothing
    assert cache.cached([("a.cplaw", "rule y")], _counting_build(calls)) == {"n": 2}  # other files: other key


def _spoil_truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:-10])


def _spoil_edited(path: Path) -> None:
    path.write_bytes(path.read_bytes().replace(b'"n",1', b'"n",7'))


def _spoil_other_version(path: Path) -> None:
    head, _, payload = path.read_bytes().partition(b"\n")
    header = json.loads(head)
    header["cplaw"] = "0.0.1"
    path.write_bytes(json.dumps(header).encode() + b"\n" + payload)


def _spoil_foreign(path: Path) -> None:
    path.write_bytes(b"\x80\x04\x95 not ours")


@pytest.mark.parametrize("spoil", [_spoil_truncated, _spoil_edited, _spoil_other_version, _spoil_foreign])
def test_a_spoilt_cache_is_rebuilt_with_a_one_line_notice(cache_dir, capsys, spoil) -> None:
    calls: list = []
    cache.cached(FILES, _counting_build(calls))
    (path,) = cache_dir.glob("rulebase-*.json")
    spoil(path)
    assert cache.cached(FILES, _counting_build(calls)) == {"n": 2}  # rebuilt, not read
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "compiling it again" in err and str(path) in err
    assert cache.cached(FILES, _counting_build(calls)) == {"n": 2} and len(calls) == 2  # the rebuilt file is good
    assert capsys.readouterr().err == ""


def test_off_and_unwritable(cache_dir, monkeypatch, capsys) -> None:
    calls: list = []
    monkeypatch.setenv("CPLAW_NO_CACHE", "1")
    cache.cached(FILES, _counting_build(calls))
    cache.cached(FILES, _counting_build(calls))
    assert len(calls) == 2 and not cache_dir.exists()
    monkeypatch.delenv("CPLAW_NO_CACHE")
    cache_dir.write_text("a file where the folder should be")
    assert cache.cached(FILES, _counting_build(calls)) == {"n": 3}
    err = capsys.readouterr().err
    assert "cannot write the rule-base cache" in err and err.count("\n") == 1


def test_an_edited_rule_file_is_compiled_again(cache_dir, tmp_path, monkeypatch) -> None:
    rules_dir = tmp_path / "rules"
    shutil.copytree(RULES_GOOD, rules_dir)
    compiled: list = []
    real = compile_files
    monkeypatch.setattr("cplaw.api.compile_files", lambda files: compiled.append(1) or real(files))
    first = RuleBase.load(rules_dir)
    again = RuleBase.load(rules_dir)
    assert len(compiled) == 1 and again.program == first.program
    target = rules_dir / "measures.cplaw"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("企业应当实施清洁", "企业应当开展清洁"), encoding="utf-8")
    edited = RuleBase.load(rules_dir)
    assert len(compiled) == 2 and "列入名单的企业应当开展清洁生产审核。" in {
        a.text for a in edited.program.articles.values()}
    broken = text + "\nrule good.broken\n  cites art 1\n  mandatory(toxic) :- no_such_fact(x).\n"
    target.write_text(broken, encoding="utf-8")  # a rule base that fails its checks is never served
    with pytest.raises(RuleError):
        RuleBase.load(rules_dir)
    assert main(["check", str(rules_dir)]) == 1


def test_cache_command_shows_and_clears(cache_dir, capsys) -> None:
    cache.cached(FILES, _counting_build([]))
    assert main(["cache"]) == 0 and "1 compiled rule base" in capsys.readouterr().out
    assert main(["cache", "--clear"]) == 0 and "removed 1" in capsys.readouterr().out
    assert cache.cache_files() == []


def test_a_new_process_reads_the_packaged_rule_base_from_the_cache(cache_dir) -> None:
    code = "from cplaw import RuleBase; r = RuleBase.load(); print(len(r.program.clauses))"
    env = {"CPLAW_CACHE_DIR": str(cache_dir), "PATH": "/usr/bin:/bin"}
    runs = [subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True,
                           env=env, check=True, timeout=120) for _ in range(2)]
    assert runs[0].stdout == runs[1].stdout and int(runs[0].stdout) > 1000
    assert "cplaw.parser" in runs[0].stderr  # the first process compiled
    assert "cplaw.parser" not in runs[1].stderr and "lark" not in runs[1].stderr  # the second only read
