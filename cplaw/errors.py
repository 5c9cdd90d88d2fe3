"""Errors cplaw raises for bad input: each names where the input is wrong."""

from __future__ import annotations

from dataclasses import dataclass


class CplawError(Exception):
    """Base class: bad input that cplaw reports to the user (CLI exit 1)."""


@dataclass(frozen=True)
class Diagnostic:
    """One problem in a rule file, at file:line:column."""

    file: str
    line: int
    column: int
    message: str
    code: str = "error"
    source_line: str | None = None  # the offending line, for a caret display

    def render(self) -> str:
        head = f"{self.file}:{self.line}:{self.column}: {self.code}: {self.message}"
        if self.source_line is None:
            return head
        caret = " " * max(self.column - 1, 0) + "^"
        return f"{head}\n    {self.source_line.rstrip()}\n    {caret}"


class RuleError(CplawError):
    """A rule base that failed its static checks; nothing was evaluated."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = sorted(diagnostics, key=lambda d: (d.file, d.line, d.column, d.message))
        count = len(self.diagnostics)
        super().__init__(f"{count} error{'s' if count != 1 else ''} in the rule base:\n"
                         + "\n".join(d.render() for d in self.diagnostics))


@dataclass(frozen=True)
class ProfileIssue:
    """One problem in an enterprise profile, named by its field path (``events[3].date``)."""

    path: str
    message: str

    def render(self) -> str:
        return f"{self.path or '(top level)'}: {self.message}"


class ProfileError(CplawError):
    """A profile that does not satisfy ``cplaw.profile/1``."""

    def __init__(self, issues: list[ProfileIssue], source: str = "<profile>"):
        self.issues = issues
        self.source = source
        super().__init__(f"{source}: invalid profile:\n" + "\n".join("  " + i.render() for i in issues))


class AsOfError(CplawError):
    """An as-of date for which no cleaner-production law can answer."""


class InputFileError(CplawError):
    """A file that cannot be read as text: missing, a folder, a bad path, not UTF-8."""


class LimitError(CplawError):
    """Input beyond one of the limits in :mod:`cplaw.limits`; the message names the limit."""
