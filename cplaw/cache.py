"""The compiled rule base, kept as data in the user's cache folder so that it is compiled once per change.

A cache file is one header line of JSON (format, schema, package version, the key, the payload's SHA-256)
and a JSON payload. The key is a SHA-256 of everything the compiled form depends on: the rule files and
the vocabulary, the grammar, the data tables, the compiler's own source files and the package version; so
an edited rule file, a new release or a changed compiler simply misses. A file that is truncated, edited,
foreign or of another version is never trusted: it is rebuilt, with a one-line notice on standard error.
Nothing is pickled or executed: the payload is decoded by the registry of node types below.

Where: ``$CPLAW_CACHE_DIR``, else the platform's user cache folder (``~/.cache/cplaw`` on Linux).
``CPLAW_NO_CACHE=1`` turns it off (every process compiles). ``cplaw cache --clear`` empties it.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import gc
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any

from . import ir
from .periods import Period

FORMAT = "cplaw.compiled-rule-base"
SCHEMA = 1  # the layout of the file; bump it when the encoding below changes
PREFIX = "rulebase-"
KEEP = 8  # cache files kept (several checkouts or versions may share one folder)

# The compiler's own sources: a change to any of them changes what a rule file compiles to.
COMPILER_MODULES = ("builtins.py", "cache.py", "checks.py", "compiler.py", "facts_mapping.py", "ir.py",
                    "parser.py", "periods.py", "resolve.py", "tables.py")


class CacheError(Exception):
    """A cache file that cannot be trusted (the message says why)."""


# ── the node registry: a new IR dataclass needs one line here ───────────────
NODE_TYPES: dict[str, type] = {}


def register(*classes: type) -> None:
    """Make dataclasses storable: each is written as its name and its fields, in declaration order."""
    for cls in classes:
        if not dataclasses.is_dataclass(cls):
            raise TypeError(f"{cls.__name__} is not a dataclass")
        NODE_TYPES[cls.__name__] = cls


register(ir.Pos, ir.Provision, ir.Var, ir.Const, ir.BinOp, ir.Call, ir.Atom, ir.Comparison, ir.ArticleRef, ir.Instrument,
         ir.Article, ir.Param, ir.Predicate, ir.Enum, ir.Reading, ir.Clause, ir.Rule, ir.RuleFile,
         ir.CompiledClause, ir.Program, Period)


def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


# ── encoding ────────────────────────────────────────────────────────────────
# A value is a JSON scalar, or a list whose first item says what it is: ["n", i] the i-th node,
# ["t", …] a tuple, ["l", …] a list, ["m", k, v, k, v, …] a dict, ["d", iso] a date, ["D", text] a Decimal.
# Nodes are written children first, each once (equal nodes, positions included, are shared).
class _Encoder:
    def __init__(self) -> None:
        self.types: dict[type, int] = {}
        self.nodes: list[tuple] = []
        self._by_value: dict[str, int] = {}
        self._by_id: dict[int, tuple[int, Any]] = {}

    def value(self, v: Any) -> Any:
        t = type(v)
        if v is None or t in (str, int, bool, float):
            return v
        if t is tuple:
            return ("t", *map(self.value, v))
        if t is list:
            return ("l", *map(self.value, v))
        if t is dict:
            return ("m", *(x for k, item in v.items() for x in (self.value(k), self.value(item))))
        if t is _dt.date:
            return ("d", v.isoformat())
        if t is Decimal:
            return ("D", str(v))
        if t.__name__ in NODE_TYPES and NODE_TYPES[t.__name__] is t:
            return ("n", self.node(v))
        raise TypeError(f"cannot store a {t.__name__} in the rule-base cache: register it in cplaw/cache.py")

    def node(self, obj: Any) -> int:
        seen = self._by_id.get(id(obj))
        if seen is not None:
            return seen[0]
        cls = type(obj)
        index = self.types.setdefault(cls, len(self.types))
        entry = (index, *(self.value(getattr(obj, name)) for name in _field_names(cls)))
        text = json.dumps(entry)  # distinguishes 1, 1.0 and true, which compare equal in Python
        ref = self._by_value.setdefault(text, len(self.nodes))
        if ref == len(self.nodes):
            self.nodes.append(entry)
        self._by_id[id(obj)] = (ref, obj)  # holding obj keeps its id from being reused
        return ref


def encode(root: Any) -> bytes:
    """The JSON payload of ``root`` (dataclasses of NODE_TYPES, containers, dates, Decimals, scalars)."""
    encoder = _Encoder()
    value = encoder.value(root)
    types = [[cls.__name__, list(_field_names(cls))] for cls in encoder.types]
    payload = {"types": types, "nodes": encoder.nodes, "root": value}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# ── decoding: every tag, type and reference checked ─────────────────────────
def decode(data: bytes) -> Any:
    """The value ``encode`` stored; CacheError if the payload is not one this version wrote."""
    collecting = gc.isenabled()
    gc.disable()  # tens of thousands of new objects, none of them garbage: collections would only rescan them
    try:
        payload = json.loads(data)
        return _Decoder(payload["types"]).run(payload["nodes"], payload["root"])
    except CacheError:
        raise
    except (ValueError, KeyError, IndexError, TypeError, AttributeError, InvalidOperation) as err:
        raise CacheError(f"unreadable payload ({type(err).__name__})") from None
    finally:
        if collecting:
            gc.enable()


class _Decoder:
    def __init__(self, types: list) -> None:
        self.types: list[tuple[type, tuple[str, ...], Any, bool]] = []
        for name, names in types:
            cls = NODE_TYPES.get(name)
            if cls is None or tuple(names) != _field_names(cls):
                raise CacheError(f"node type {name} is not the one this version defines")
            self.types.append((cls, tuple(names), getattr(cls, "__post_init__", None), hasattr(cls, "__slots__")))
        self.nodes: list[Any] = []

    def run(self, entries: list, root: Any) -> Any:
        nodes, types, value, new = self.nodes, self.types, self.value, object.__new__
        for entry in entries:
            cls, names, post_init, slotted = types[entry[0]]
            if len(entry) != len(names) + 1:
                raise CacheError(f"a {cls.__name__} node has {len(entry) - 1} fields, not {len(names)}")
            obj = new(cls)
            if slotted:
                for name, v in zip(names, entry[1:]):
                    object.__setattr__(obj, name, value(v))
            else:
                fields = obj.__dict__
                for name, v in zip(names, entry[1:]):  # a node reference inline: most values are one
                    fields[name] = v if type(v) is not list else nodes[v[1]] if v[0] == "n" else value(v)
            if post_init is not None:  # the class's own validation
                post_init(obj)
            nodes.append(obj)
        return value(root)

    def value(self, v: Any) -> Any:
        if type(v) is not list:
            if v is None or type(v) in (str, int, bool, float):
                return v
            raise CacheError(f"unexpected {type(v).__name__} in the payload")
        tag = v[0]
        if tag == "n":
            return self.nodes[v[1]]  # only earlier nodes: children are written first
        if tag == "t":
            return tuple(map(self.value, v[1:]))
        if tag == "l":
            return list(map(self.value, v[1:]))
        if tag == "m":
            items = list(map(self.value, v[1:]))
            return dict(zip(items[::2], items[1::2]))
        if tag == "d":
            return _dt.date.fromisoformat(v[1])
        if tag == "D":
            return Decimal(v[1])
        raise CacheError(f"unknown value tag {tag!r}")


# ── the cache folder ────────────────────────────────────────────────────────
def cache_dir() -> Path | None:
    """Where compiled rule bases are kept; None when caching is turned off (CPLAW_NO_CACHE)."""
    if os.environ.get("CPLAW_NO_CACHE"):
        return None
    if os.environ.get("CPLAW_CACHE_DIR"):
        return Path(os.environ["CPLAW_CACHE_DIR"])
    import platformdirs
    return Path(platformdirs.user_cache_dir("cplaw", appauthor=False))


def cache_files() -> list[Path]:
    folder = cache_dir()
    return sorted(folder.glob(f"{PREFIX}*.json")) if folder is not None and folder.is_dir() else []


def clear() -> int:
    """Remove every cached rule base; how many were removed."""
    removed = 0
    for path in cache_files():
        path.unlink(missing_ok=True)
        removed += 1
    return removed


def _version() -> str:
    from . import __version__
    return __version__


def fingerprint(files: list[tuple[str, str]]) -> str:
    """The key of a compiled rule base: SHA-256 over its rule files (vocabulary included), the grammar, the
    data tables, the compiler's sources, the package version and this file layout."""
    digest = hashlib.sha256()

    def add(name: str, data: bytes) -> None:
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)

    add("format", f"{FORMAT}/{SCHEMA}/{_version()}".encode())
    for path, text in files:
        add(f"rules:{path}", text.encode("utf-8"))
    add("grammar", resources.files("cplaw.grammar").joinpath("cplaw.lark").read_bytes())
    tables = resources.files("cplaw.facts").joinpath("tables")
    for entry in sorted(tables.iterdir(), key=lambda e: e.name) if tables.is_dir() else ():
        if entry.name.endswith(".yaml"):
            add(f"table:{entry.name}", entry.read_bytes())
    package = resources.files("cplaw")
    for name in COMPILER_MODULES:
        source = package.joinpath(name)
        add(f"code:{name}", source.read_bytes() if source.is_file() else b"")
    return digest.hexdigest()


def _notice(message: str) -> None:
    print(f"cplaw: {message}", file=sys.stderr)


def read(path: Path, key: str) -> Any:
    """The value stored at ``path`` under ``key``; FileNotFoundError if there is none, CacheError if the
    file is not exactly what this version wrote for this key."""
    data = path.read_bytes()
    head, newline, payload = data.partition(b"\n")
    try:
        header = json.loads(head)
    except ValueError:
        raise CacheError("unreadable header") from None
    if not newline or not isinstance(header, dict) or header.get("format") != FORMAT:
        raise CacheError("not a cplaw rule-base cache")
    if header.get("schema") != SCHEMA or header.get("cplaw") != _version():
        raise CacheError(f"written by cplaw {header.get('cplaw')} (cache schema {header.get('schema')})")
    if header.get("key") != key:
        raise CacheError("compiled from other rule files")
    if header.get("size") != len(payload) or header.get("sha256") != hashlib.sha256(payload).hexdigest():
        raise CacheError("truncated or edited")
    return decode(payload)


def write(path: Path, key: str, value: Any) -> None:
    """Store ``value`` at ``path`` atomically (a reader sees the old file or the whole new one)."""
    payload = encode(value)
    header = {"format": FORMAT, "schema": SCHEMA, "cplaw": _version(), "key": key, "size": len(payload),
              "sha256": hashlib.sha256(payload).hexdigest()}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(json.dumps(header).encode("utf-8") + b"\n" + payload)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    try:  # the oldest beyond KEEP go; another process may be pruning too
        for old in sorted(cache_files(), key=lambda p: p.stat().st_mtime, reverse=True)[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


def cached(files: list[tuple[str, str]], build: Callable[[], Any]) -> Any:
    """What ``build`` makes of ``files``, from the cache when it holds it for exactly these files;
    otherwise built, and stored for the next process. A cache that cannot be trusted is rebuilt."""
    folder = cache_dir()
    if folder is None:
        return build()
    key = fingerprint(files)
    path = folder / f"{PREFIX}{key[:32]}.json"
    try:
        return read(path, key)
    except (FileNotFoundError, NotADirectoryError):
        pass
    except CacheError as err:
        _notice(f"the compiled rule base in {path} was not usable ({err}); compiling it again")
    except OSError as err:
        _notice(f"cannot read the rule-base cache {path} ({err.strerror or err}); compiling")
    value = build()
    try:
        write(path, key, value)
    except OSError as err:
        _notice(f"cannot write the rule-base cache in {folder} ({err.strerror or err}); "
                "set CPLAW_CACHE_DIR or CPLAW_NO_CACHE=1")
    return value
