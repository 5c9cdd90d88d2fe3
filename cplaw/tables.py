"""Data tables in facts/tables/*.yaml (an annex's rows, a catalogue): each row becomes one base fact of an
input predicate, with the row's address as its first argument so that explanations point back to it.

A table file names its predicate, its source (a seed file and the lines the rows come from), the
jurisdiction whose enterprises it concerns, and its rows, each a mapping of the predicate's other
arguments plus the `line` of the source it was read from.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from . import ir
from .errors import CplawError


@dataclass(frozen=True)
class Table:
    name: str  # the file's stem
    predicate: str
    jurisdiction: str  # CN, or a province's GB/T 2260 code
    source: str
    rows: tuple[dict[str, Any], ...]

    def facts(self, program: ir.Program) -> list[tuple[str, tuple]]:
        """The rows as facts of the table's predicate, each checked against its declared arguments."""
        pred = program.predicates.get(self.predicate)
        if pred is None or pred.kind != "input":
            raise CplawError(f"facts/tables/{self.name}.yaml: {self.predicate!r} is not an input predicate")
        out = []
        for i, row in enumerate(self.rows):
            args = [f"tables/{self.name}[{i}]"]
            for param in pred.params[1:]:
                key = param.name.lower()
                if key not in row:
                    raise CplawError(f"facts/tables/{self.name}.yaml: rows[{i}] lacks {key!r}")
                value = row[key]
                if param.type == "number":
                    value = Decimal(str(value))
                elif param.type in ("string", "ref") or param.type in program.enums:
                    value = str(value)
                    enum = program.enums.get(param.type)
                    if enum is not None and value not in enum.values:
                        raise CplawError(f"facts/tables/{self.name}.yaml: rows[{i}].{key}: {value!r} is not a "
                                         f"{param.type} ({', '.join(enum.values)})")
                args.append(value)
            out.append((self.predicate, tuple(args)))
        return out


@lru_cache(maxsize=1)
def packaged_tables() -> tuple[Table, ...]:
    folder = resources.files("cplaw.facts").joinpath("tables")
    if not folder.is_dir():
        return ()
    tables = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            doc = yaml.safe_load(entry.read_text(encoding="utf-8"))
            tables.append(Table(entry.name[:-5], doc["predicate"], str(doc["jurisdiction"]), doc["source"],
                                tuple(doc["rows"])))
    return tuple(tables)

