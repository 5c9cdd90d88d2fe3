"""Every quoted article is checked against its source in ../shared (beside the project's root).

A quote must occur, whitespace aside, within the lines its article declares; page-number lines (a line
holding only digits) are left out of the source first. Skipped, with the reason shown, where ../shared
is absent.
"""

from __future__ import annotations

import os
import pathlib
import re

import pytest

from cplaw import RuleBase
from cplaw.tables import packaged_tables

SHARED = pathlib.Path(os.environ.get("CPLAW_SHARED") or pathlib.Path(__file__).resolve().parents[1].parent / "shared")
RULES = RuleBase.load()
ARTICLES = sorted(RULES.program.articles.values(), key=lambda a: (a.ref.instrument, a.lines))


def _source_text(relative: str, first: int, last: int) -> str:
    lines = (SHARED / relative).read_text(encoding="utf-8").splitlines()[first - 1: last]
    kept = [line for line in lines if not re.fullmatch(r"\s*\d+\s*", line)]
    return re.sub(r"\s+", "", "".join(kept))


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"SOURCE CHECK SKIPPED: {SHARED} is absent, so no quoted "
                    "article could be checked against its source")
@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: str(a.ref))
def test_article_quotes_its_source(article) -> None:
    instrument = RULES.program.instruments[article.ref.instrument]
    first, last = article.lines
    assert instrument.source_lines[0] <= first <= last <= instrument.source_lines[1], \
        f"{article.ref}: lines {first}..{last} lie outside the instrument's lines {instrument.source_lines}"
    source = _source_text(instrument.source_file, first, last)
    assert article.text in source, f"{article.ref} is not quoted exactly from {instrument.source_file}:{first}..{last}"


# A Latin-letter word of three letters or more is commentary (an editor's note), not Chinese law text; the
# few Latin tokens law text itself holds (units, "GB/T", "COD", roman numerals) are two letters or capitals.
COMMENTARY = re.compile(r"[a-z]{3,}")


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: str(a.ref))
def test_no_quotation_holds_commentary(article) -> None:
    """Runs without ../shared: the words an article shows (quoted, or attributed to a reporter) are words
    seen in a source, never English notes."""
    assert not COMMENTARY.search(article.text), f"{article.ref} holds commentary: {article.text[:80]}"
    if article.reported_by:
        assert not COMMENTARY.search(article.reported_by), f"{article.ref}: reporter named in commentary"


def test_unverified_measures_are_never_quoted() -> None:
    """Every CN-M-2016 article the notes grade below verified is `reported`, not quoted, and its citation
    carries an empty text and the reported label in both languages."""
    from cplaw.assessment import citation

    for article in ARTICLES:
        if article.ref.instrument != "CN-M-2016" or article.ref.article == "header":
            continue
        assert article.reported, f"{article.ref} is corroborated only: it must be `reported`, not quoted"
        cite = citation(RULES.program, article.ref)
        assert cite["text"] == "" and cite["reported"]["words"] == article.text
        assert cite["reported"]["label"]["zh"].startswith("地方通知转述") and "not verified" in cite["reported"]["label"]["en"]


def test_commentary_is_caught() -> None:
    """The commentary check itself can fail: the old English note of art. 8 para. 2 is rejected."""
    assert COMMENTARY.search("hazardousexcludedwaste;highlytoxicchemicals")
    assert not COMMENTARY.search("(一) 污染物排放超过国家或者地方规定的排放标准；COD、GB/T")


def test_every_instrument_names_an_existing_source() -> None:
    if not SHARED.is_dir():
        pytest.skip(f"SOURCE CHECK SKIPPED: {SHARED} is absent")
    for instrument in RULES.program.instruments.values():
        assert (SHARED / instrument.source_file).is_file(), instrument.id


def test_a_misquote_is_caught() -> None:
    """The check itself can fail: one character changed in a real quote is not found."""
    if not SHARED.is_dir():
        pytest.skip(f"SOURCE CHECK SKIPPED: {SHARED} is absent")
    article = next(a for a in ARTICLES if a.ref.instrument == "CN-CPPL-2002" and a.ref.article == "40")
    source = _source_text("seeds/002_9c443752d6c2806a.txt", *article.lines)
    assert article.text in source
    assert article.text.replace("10万元", "20万元") not in source


TABLE_ROWS = [(t, i, row) for t in packaged_tables() for i, row in enumerate(t.rows)]


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"SOURCE CHECK SKIPPED: {SHARED} is absent, so no table row "
                    "could be checked against its source")
@pytest.mark.parametrize("table, index, row", TABLE_ROWS, ids=[f"{t.name}[{i}]" for t, i, _ in TABLE_ROWS])
def test_table_rows_quote_their_source(table, index, row) -> None:
    """Every row of a data table (facts/tables/) quotes the source line it was read from."""
    source = _source_text(table.source, row["line"], row["line"])
    assert re.sub(r"\s+", "", row["quote"]) in source, f"{table.name} rows[{index}] is not on line {row['line']}"
