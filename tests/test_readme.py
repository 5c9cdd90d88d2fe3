"""The README's Python example runs as written (it once crashed unnoticed)."""

from __future__ import annotations

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_readme_api_example_runs(monkeypatch, capsys) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    [block] = re.findall(r"```python\n(.*?)```", text, re.S)
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace)  # our own documentation, not user data
    start = namespace["start"]
    assert (start["status"], start["instrument"]) == ("late", "GD-S001")
    out = capsys.readouterr().out
    assert out.startswith("结论：企业未在2009-05-15前开展清洁生产审核")
    assert "facts/examples/jiangsu-chemical.yaml True\nfacts/examples/beijing-compliant.json False" in out
