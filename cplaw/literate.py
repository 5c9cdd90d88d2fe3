"""A literate rendering of a rule file, as Catala weaves law and code: the instrument's header, each article's
words with the rules that encode it beneath (their source text, their readings), and the scenarios in which
each rule fired (optional: it costs one assessment per scenario). HTML (Jinja2, autoescaped) or Markdown.

``site`` renders every file of a rule base, with an index, into a folder (the docs site: docs/rules/).
"""

from __future__ import annotations

import html
import pathlib
import re
from dataclasses import dataclass, field
from typing import Any

from . import ir
from .api import RuleBase
from .compiler import rule_base_files
from .errors import CplawError
from .labels import LANGS, label


@dataclass
class RuleView:
    id: str
    source: str  # the rule's lines in its file, with the comment lines right above it
    lines: tuple[int, int]
    readings: list[tuple[str, str]]
    scenarios: list[str] = field(default_factory=list)


@dataclass
class ArticleView:
    label: str
    words: str
    reported_by: str | None
    number_confirmed: bool
    lines: tuple[int, int]  # in the instrument's source
    caveat: str | None = None  # not the article's words, or not surely its number: said in zh and en
    rules: list[RuleView] = field(default_factory=list)
    also: list[str] = field(default_factory=list)  # rules shown under another article that cite this one too


@dataclass
class FileView:
    path: str
    instrument: dict[str, Any] | None
    articles: list[ArticleView]
    other_rules: list[RuleView]  # rules citing no article of this file
    readings: list[tuple[str, str, str]]  # (name, words, rule id)
    scenarios_run: bool


def rule_lines(text: str, rule: ir.Rule) -> tuple[int, int]:
    """The first and last line of a rule in its file's text: from its ``rule`` line (and the comment lines
    right above it) to the line that ends its last clause."""
    lines = text.splitlines()
    first = rule.pos.line
    while first > 1 and lines[first - 2].lstrip().startswith("#"):
        first -= 1
    last = max([rule.pos.line] + [c.pos.line for c in rule.clauses])
    while last < len(lines) and not _strip_comment(lines[last - 1]).endswith("."):
        last += 1
    return first, last


def _strip_comment(line: str) -> str:
    """A line without a trailing ``# comment`` (a # inside a string stays)."""
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == "#" and not quoted:
            return line[:i].rstrip()
    return line.rstrip()


def file_view(rules: RuleBase, path: str, text: str, fired: dict[str, list[str]] | None = None) -> FileView:
    """What one rule file declares, arranged for reading: articles in file order, each with its rules."""
    program = rules.program
    source = text.splitlines()
    views: dict[str, RuleView] = {}
    for rule in (r for r in program.rules.values() if r.pos.file == path):
        first, last = rule_lines(text, rule)
        views[rule.id] = RuleView(rule.id, "\n".join(source[first - 1:last]), (first, last),
                                  [(r.name, r.text) for r in rule.readings], (fired or {}).get(rule.id, []))
    articles = sorted((a for a in program.articles.values() if a.pos.file == path), key=lambda a: a.pos.line)
    here = {a.ref.key for a in articles}
    ordered = sorted(views.values(), key=lambda v: v.lines)
    # each rule under the first article of this file it cites; the other articles it cites point to it
    primary = {v.id: next((c.key for c in program.rules[v.id].cites if c.key in here), None) for v in ordered}
    shown: list[ArticleView] = []
    for article in articles:
        key = article.ref.key
        shown.append(ArticleView(
            str(article.ref), article.text, article.reported_by, article.number_confirmed, article.lines,
            _caveat(article),
            rules=[v for v in ordered if primary[v.id] == key],
            also=[v.id for v in ordered if primary[v.id] != key
                  and key in {c.key for c in program.rules[v.id].cites}]))
    other = [v for v in ordered if primary[v.id] is None]
    inst = next((i for i in program.instruments.values() if i.pos.file == path), None)
    readings = [(name, words, v.id) for v in ordered for name, words in v.readings]
    return FileView(path, _instrument(inst) if inst else None, shown, other, readings, fired is not None)


def _caveat(article: ir.Article) -> str | None:
    """What a reader must know before taking the words as the article's, in both languages (labels.yaml)."""
    if article.reported:
        return " / ".join(label("phrases", "reported_substance", lang) + label("phrases", "colon", lang)
                          + (article.reported_by or "") for lang in LANGS)
    if not article.number_confirmed:
        return " / ".join(label("phrases", "cite_number_unconfirmed", lang).strip() for lang in LANGS)
    return None


def _instrument(inst: ir.Instrument) -> dict[str, Any]:
    return {"id": inst.id, "title": inst.title, "number": inst.number, "issuer": inst.issuer,
            "version": (inst.version or inst.in_force_from).isoformat(),
            "in_force": f"{inst.in_force_from.isoformat()} … {inst.in_force_to.isoformat()}" if inst.in_force_to
            else f"from {inst.in_force_from.isoformat()}",
            "source": f"{inst.source_file} lines {inst.source_lines[0]}–{inst.source_lines[1]}",
            "status": inst.status, "note": inst.note,
            "grade": " / ".join(label("enums", f"source_status.{inst.status}", lang) for lang in LANGS)}


def scenarios_fired(rules: RuleBase, files: list[tuple[str, str]], folder: pathlib.Path,
                    jobs: int = 1) -> dict[str, list[str]]:
    """Rule id → the scenario files (folder/name) in which it fired: one assessment per scenario, kept in the
    rule-base cache (cplaw/cache.py) for exactly these rule ``files`` and scenario files."""
    from .cache import cached
    from .coverage import fired
    from .limits import read_text
    from .scenarios import discover
    paths = discover([folder], allow_empty=True)
    key = [*files, ("<scenarios fired>", ""), *((str(p.relative_to(folder)), read_text(p)) for p in paths)]

    def run() -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for name, rule_ids in sorted(fired(rules, folder, jobs=jobs).items()):
            for rule in sorted(rule_ids):
                found.setdefault(rule, []).append(name)
        return found
    return cached(key, run)


def find_file(files: list[tuple[str, str]], wanted: str) -> tuple[str, str]:
    """A rule file of the rule base by its path, its path below cplaw/rules/, or its resolved location."""
    target = pathlib.Path(wanted)
    for path, text in files:
        if path == wanted or path.endswith("/" + wanted.lstrip("./")) or (
                target.exists() and pathlib.Path(path).exists() and pathlib.Path(path).resolve() == target.resolve()):
            return path, text
    raise CplawError(f"{wanted}: not a file of the rule base (e.g. cn/cppl-2012.cplaw)")


# ── rendering ───────────────────────────────────────────────────────────────────────────────────────────
def render_html(view: FileView, up: str = "") -> str:
    from .explain.html import render_page
    title = view.instrument["title"] if view.instrument else view.path
    return render_page("literate.html.j2", title=title, view=view, up=up, lang="zh")


def _md(text: str) -> str:
    """Prose for Markdown: HTML special characters escaped (a Markdown renderer passes raw HTML through)."""
    return html.escape(text, quote=False)


def render_markdown(view: FileView) -> str:
    inst = view.instrument
    out = [f"# {_md(inst['title']) if inst else _md(view.path)}", ""]
    if inst:
        out += [f"- id: `{inst['id']}`" + (f"; {_md(inst['number'])}" if inst["number"] else ""),
                f"- issuer: {_md(inst['issuer'] or '—')}", f"- version: {inst['version']}; in force {inst['in_force']}",
                f"- source: `{inst['source']}`; grade: **{_md(inst['grade'])}**"]
        if inst["note"]:
            out.append(f"- note: {_md(inst['note'])}")
    out += [f"- rule file: `{view.path}`", ""]
    for article in view.articles:
        out += [f"## {_md(article.label)}", ""]
        if article.caveat:
            out += [f"*{_md(article.caveat)}*", ""]
        if article.reported_by is None:
            out.append(f"> {_md(article.words)}")
        elif article.words:
            out.append(_md(article.words))
        out.append("")
        for rule in article.rules:
            out += _rule_md(rule, view.scenarios_run)
        if article.also:
            out += [f"Also encoded by: {', '.join(f'`{r}`' for r in article.also)} (shown under another article).", ""]
    if view.other_rules:
        out += ["## Rules citing no article of this file", ""]
        for rule in view.other_rules:
            out += _rule_md(rule, view.scenarios_run)
    if view.readings:
        out += ["## Readings", ""] + [f"- **{name}** (`{rule}`): {_md(words)}" for name, words, rule in view.readings]
    return "\n".join(out).rstrip() + "\n"


def _rule_md(rule: RuleView, scenarios_run: bool) -> list[str]:
    out = [f"### rule `{rule.id}` (lines {rule.lines[0]}–{rule.lines[1]})", "", "```", rule.source, "```", ""]
    if scenarios_run:
        out += [f"Scenarios: {', '.join(f'`{s}`' for s in rule.scenarios) or 'none'}", ""]
    return out


def site(rules: RuleBase, out: pathlib.Path, fmt: str, fired: dict[str, list[str]] | None,
         files: list[tuple[str, str]] | None = None) -> int:
    """Every rule file (not the vocabulary) rendered into ``out``, mirroring cplaw/rules/, with an index."""
    files = rule_base_files() if files is None else files
    entries = []
    suffix = ".html" if fmt == "html" else ".md"
    for path, text in files:
        if path.endswith("vocabulary.cplaw"):
            continue
        view = file_view(rules, path, text, fired)
        relative = re.sub(r"^.*?cplaw/rules/", "", path)
        target = out / pathlib.Path(relative).with_suffix(suffix)
        target.parent.mkdir(parents=True, exist_ok=True)
        up = "../" * (len(pathlib.Path(relative).parts) - 1)
        target.write_text(render_html(view, up) if fmt == "html" else render_markdown(view), "utf-8")
        entries.append((str(pathlib.Path(relative).with_suffix(suffix)),
                        view.instrument["title"] if view.instrument else relative,
                        view.instrument["id"] if view.instrument else ""))
    if fmt == "html":
        from .explain.html import render_page
        index = render_page("literate_index.html.j2", title="cplaw rule base", entries=entries, lang="zh")
    else:
        index = "# cplaw rule base\n\n" + "\n".join(f"- [{_md(t)}]({p}) `{i}`" for p, t, i in entries) + "\n"
    (out / f"index{suffix}").write_text(index, "utf-8")
    return len(entries)
