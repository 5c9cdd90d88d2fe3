"""Citations as lawyers write them: 《中华人民共和国清洁生产促进法》（2012年修正）第三十九条第二款第（一）项."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from ..labels import label

_DIGITS = "零一二三四五六七八九"
_NUMERALS = _DIGITS + "十百"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 39 → 三十九, 105 → 一百零五, 1221 → 一千二百二十一 (article numbers stay below 10000)."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    unit, size = ("百", 100) if n < 1000 else ("千", 1000)
    rest = n % size
    if rest == 0:
        tail = ""
    elif rest < size // 10:
        tail = "零" + (_DIGITS[rest] if rest < 10 else "一" + chinese_number(rest) if rest < 20 else chinese_number(rest))
    else:
        tail = "一" + chinese_number(rest) if rest < 20 else chinese_number(rest)
    return _DIGITS[n // size] + unit + tail


def _number(value: Any, lang: str) -> str:
    text = str(value)
    chinese = label("phrases", "numerals", lang) == "chinese"
    return chinese_number(int(text)) if chinese and text.isdigit() else text


@cache
def program():
    """The packaged rule base's program, whose instruments and predicates the renderers name."""
    from ..api import RuleBase
    return RuleBase.load().program


@cache
def _amended(instrument: str) -> bool:
    """Whether an instrument is a later version of a text of the same title (a statute's 修正)."""
    instruments = program().instruments
    inst = instruments.get(instrument)
    if inst is None or inst.version is None:
        return False
    return any(o.title == inst.title and o.version and o.version < inst.version for o in instruments.values())


def where(cite: dict[str, Any], lang: str) -> str:
    """第三十九条第二款第（一）项 / art. 39, para. 2, item (1)."""
    article = str(cite["article"])
    key = "cite_article_number" if article.isdigit() else \
        "cite_section" if article and all(ch in _NUMERALS for ch in article) else "cite_article_other"
    parts = [label("phrases", key, lang, n=_number(article, lang))]
    if cite.get("paragraph"):
        parts.append(label("phrases", "cite_paragraph", lang, n=_number(cite["paragraph"], lang)))
    if cite.get("item"):
        parts.append(label("phrases", "cite_item", lang, n=_number(cite["item"], lang)))
    return label("phrases", "cite_join", lang).join(parts)


def cite_text(cite: dict[str, Any], lang: str, words: bool = False) -> str:
    """The title, its version, the article, and the grade of an unverified source; with ``words`` the article's
    own words after it."""
    text = title_text(cite.get("title") or cite["instrument"], lang)
    if cite.get("version"):
        key = "cite_amended" if _amended(cite["instrument"]) else "cite_version"
        text += label("phrases", key, lang, year=cite["version"][:4])
    text += label("phrases", "title_gap", lang) + where(cite, lang)
    if cite.get("status") and cite["status"] != "verified":
        text += label("phrases", "cite_grade", lang, grade=label("enums", f"source_status.{cite['status']}", lang))
    if cite.get("number_confirmed") is False:
        text += label("phrases", "cite_number_unconfirmed", lang)
    if cite.get("reported"):
        text += reported_text(cite["reported"], lang)
    elif words and cite.get("text"):
        text += label("phrases", "cite_words", lang, text=cite["text"])
    return text


def reported_text(reported: dict[str, Any], lang: str) -> str:
    """What others report of an article whose words were not seen: marked as such, attributed, never quoted
    as the article."""
    key = "cite_reported" if reported["words"] else "cite_reported_bare"
    return label("phrases", key, lang, label=reported["label"][lang], by=reported["by"], words=reported["words"])


def title_text(title: str, lang: str) -> str:
    """A title in its marks (《…》 in Chinese, a title within it in 〈…〉)."""
    inner = label("phrases", "nested_title_marks", lang)
    return label("phrases", "cite_title", lang, title=title.replace("《", inner[0]).replace("》", inner[1]))


def instrument_text(program_titles: dict[str, str], instrument: str, lang: str) -> str:
    """An instrument named by its title."""
    return title_text(program_titles.get(instrument, instrument), lang)


_PROVISION = re.compile(r"^(?P<instrument>\S+) art\. (?P<article>.+?)(?: para\. (?P<paragraph>\d+))?(?: item (?P<item>\d+))?$")


def provision_text(provision: str, titles: dict[str, str], lang: str) -> str:
    """A provision as the engine prints it (``CN-CPPL-2012 art. 39 para. 1``, ir.Provision) as
    《…》第三十九条第一款."""
    match = _PROVISION.match(provision)
    if not match:
        return provision
    head = instrument_text(titles, match["instrument"], lang)
    return head + label("phrases", "title_gap", lang) + where(match.groupdict(), lang)


def authority_text(authority: str, lang: str) -> str:
    """An authority the rules name in Chinese, in ``lang`` where the vocabulary has it."""
    found = label("phrases", f"authority.{authority}", lang) if "." not in authority else authority
    return authority if found == f"authority.{authority}" else found


def money_text(amount: int, lang: str) -> str:
    """50000 → 五万元 (zh) or 50,000 (en)."""
    if amount % 10000 == 0 and label("phrases", "numerals", lang) == "chinese":
        return label("phrases", "wan_yuan", lang, n=chinese_number(amount // 10000))
    return label("phrases", "yuan", lang, n=f"{amount:,}")


def fine_text(fine_min: int | None, fine_max: int | None, lang: str) -> str:
    """处五万元以上五十万元以下罚款 / a fine of 50,000 to 500,000 yuan; empty where no fine is set."""
    if fine_max is None:
        return ""
    if not fine_min:
        return label("phrases", "fine_upto", lang, max=money_text(fine_max, lang))
    return label("phrases", "fine_range", lang, min=money_text(fine_min, lang), max=money_text(fine_max, lang))


def measure_act(measure: str, fine_min: int | None, fine_max: int | None, lang: str) -> str:
    """What the authority does, as the verb phrase a sentence needs after "may"/"shall" (责令限期改正 / order the
    enterprise to correct within a time limit); a fine by its range (处十万元以下罚款 / impose a fine of up to …)."""
    fine = fine_text(fine_min, fine_max, lang) if measure == "fine" else ""
    return label("phrases", "fine_act", lang, fine=fine) if fine else label("phrases", f"measure_act.{measure}", lang)
