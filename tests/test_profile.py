"""Loading and checking cplaw.profile/1; the assessment schema."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from decimal import Decimal
from importlib import resources

import pytest

from cplaw.errors import InputFileError, ProfileError, ProfileIssue
from cplaw.profile import (
    Profile,
    assessment_schema,
    load_profile,
    profile_from_document,
    profile_schema,
    validate_assessment,
)

EXAMPLES = resources.files("cplaw.facts").joinpath("examples")
HEAD = "format: cplaw.profile/1\nenterprise: {id: T-1, province: 广东}\n"


def issues(text: str, name: str = "test.yaml") -> list[ProfileIssue]:
    """The issues a bad profile raises (the test fails if it loads)."""
    with pytest.raises(ProfileError) as caught:
        load_profile(name, text=text)
    assert caught.value.source == name
    return caught.value.issues


def only(text: str, name: str = "test.yaml") -> ProfileIssue:
    found = issues(text, name)
    assert len(found) == 1, found
    return found[0]


# ------------------------------------------------------------------------------------------------ examples

@pytest.mark.parametrize("name", ["dongguan-dyeing.yaml", "jiangsu-chemical.yaml", "beijing-compliant.json"])
def test_examples_load(name: str) -> None:
    with resources.as_file(EXAMPLES.joinpath(name)) as path:
        profile = load_profile(path)
    assert isinstance(profile, Profile)
    assert profile.source == str(path)


def test_dongguan_example_as_in_contract() -> None:
    with resources.as_file(EXAMPLES.joinpath("dongguan-dyeing.yaml")) as path:
        p = load_profile(path)
    e = p.enterprise
    assert (e.id, e.province, e.province_name, e.city, e.industries) == ("GD-0001", "44", "广东省", "东莞", ("1713",))
    assert (e.size, e.monitoring, e.central, e.nuclear_facility) == ("medium", "provincial", False, False)
    assert p.emissions[0].value == Decimal(180) and p.emissions[0].limit == Decimal(100)
    assert p.emissions[0].date == datetime.date(2008, 11, 20)
    assert p.totals[0].year == 2008 and p.totals[0].quota == Decimal(400)
    assert p.energy[0].product == "水泥熟料"
    assert p.substances[0].catalogs == ("危险化学品名录",)
    assert [(ev.path, ev.type, ev.date) for ev in p.events] == [
        ("events[0]", "listed", datetime.date(2009, 3, 15)),
        ("events[1]", "emissions_published", datetime.date(2009, 4, 10)),
        ("events[2]", "audit_started", datetime.date(2009, 5, 20)),
        ("events[3]", "report_submitted", datetime.date(2010, 2, 1)),
    ]
    assert p.events[0].ground == "double_exceed"


def test_jiangsu_example() -> None:
    with resources.as_file(EXAMPLES.joinpath("jiangsu-chemical.yaml")) as path:
        p = load_profile(path)
    assert (p.enterprise.province, p.enterprise.industries) == ("32", ("2613", "2614"))
    listed = p.events[0]
    assert (listed.type, listed.date, listed.ground) == ("listed", datetime.date(2010, 6, 30), "toxic")
    assert any(s.name == "重铬酸钾" for s in p.substances)
    assert p.substances[1].catalogs == ("剧毒化学品目录",)  # written 剧毒化学品名录
    assert p.events[-1].to == ("local", "provincial")
    assert all(em.value <= em.limit for em in p.emissions)


def test_beijing_example_is_json_and_compliant() -> None:
    with resources.as_file(EXAMPLES.joinpath("beijing-compliant.json")) as path:
        p = load_profile(path)
    assert p.enterprise.province == "11" and p.enterprise.province_name == "北京市"
    assert p.events == ()
    assert p.emissions[0].value == Decimal("45.5")
    assert all(em.value < em.limit for em in p.emissions)


# ------------------------------------------------------------------------------------------------ exact values

def test_yaml_dates_stay_plain_dates() -> None:
    p = load_profile("t.yaml", text=HEAD + "events:\n  - {type: notified, date: 2009-03-15}\n"
                                           "  - {type: order_to_correct, date: 2009-04-01, deadline: 2009-06-30}\n")
    assert type(p.events[0].date) is datetime.date
    assert p.events[0].date == datetime.date(2009, 3, 15)
    assert type(p.events[1].deadline) is datetime.date and p.events[1].deadline == datetime.date(2009, 6, 30)


def test_yaml_timestamp_with_time_is_not_a_date() -> None:
    issue = only(HEAD + "events:\n  - {type: notified, date: 2009-03-15 10:00:00+08:00}\n")
    assert issue.path == "events[0].date"
    assert "bad date format" in issue.message and "YYYY-MM-DD" in issue.message


def test_decimal_exactness() -> None:
    p = load_profile("t.yaml", text=HEAD + "emissions:\n  - {pollutant: COD, value: 100.1, limit: 100}\n"
                                           "events:\n  - {type: evaluation, date: 2010-01-01, result: pass, "
                                           "score: 85.5}\n")
    em = p.emissions[0]
    assert em.value == Decimal("100.1") and type(em.value) is Decimal
    assert em.limit == Decimal("100") and type(em.limit) is Decimal
    assert p.events[0].score == Decimal("85.5")
    long = load_profile("t.yaml", text=HEAD + "emissions:\n  - {pollutant: X, value: 0.12345678901234567890123, "
                                              "limit: 1_000.50}\n").emissions[0]
    assert str(long.value) == "0.12345678901234567890123" and long.limit == Decimal("1000.50")


def test_json_decimal_exactness() -> None:
    text = ('{"format": "cplaw.profile/1", "enterprise": {"id": "J", "province": "44"},'
            ' "totals": [{"pollutant": "SO2", "year": 2008, "value": 0.1, "quota": 0.3}]}')
    total = load_profile("t.json", text=text).totals[0]
    assert total.value == Decimal("0.1") and total.quota == Decimal("0.3") and total.year == 2008


def test_defaults_when_optional_fields_absent() -> None:
    p = load_profile("t.yaml", text=HEAD)
    e = p.enterprise
    assert (e.name, e.city, e.industries, e.size, e.monitoring) == (None, None, (), None, None)
    assert e.central is False and e.nuclear_facility is False
    assert (p.emissions, p.totals, p.energy, p.substances, p.events) == ((), (), (), (), ())


@pytest.mark.parametrize("given", ["广东", "广东省", "'44'"])
def test_province_by_short_name_full_name_and_code(given: str) -> None:
    p = load_profile("t.yaml", text=f"format: cplaw.profile/1\nenterprise: {{id: X, province: {given}}}\n")
    assert (p.enterprise.province, p.enterprise.province_name) == ("44", "广东省")


@pytest.mark.parametrize(("given", "code", "full"), [
    ("广西", "45", "广西壮族自治区"), ("新疆维吾尔自治区", "65", "新疆维吾尔自治区"), ("内蒙古", "15", "内蒙古自治区"),
    ("西藏自治区", "54", "西藏自治区"), ("'64'", "64", "宁夏回族自治区"), ("北京市", "11", "北京市"),
])
def test_autonomous_regions_and_municipalities(given: str, code: str, full: str) -> None:
    p = load_profile("t.yaml", text=f"format: cplaw.profile/1\nenterprise: {{id: X, province: {given}}}\n")
    assert (p.enterprise.province, p.enterprise.province_name) == (code, full)


def test_catalogue_alias_normalised() -> None:
    p = load_profile("t.yaml", text=HEAD + "substances:\n  - {name: 氰化钠, use: both, "
                                           "catalogs: [剧毒化学品名录, 危险化学品名录], hazards: [highly_toxic]}\n")
    assert p.substances[0].catalogs == ("剧毒化学品目录", "危险化学品名录")
    assert p.substances[0].path == "substances[0]"


# ------------------------------------------------------------------------------------------------ bad input

def test_unknown_top_level_key() -> None:
    issue = only(HEAD + "colour: red\n")
    assert issue.path == "colour"
    assert "unknown field" in issue.message and "colour" in issue.message
    assert "events" in issue.message and "enterprise" in issue.message  # lists the allowed fields


def test_unknown_nested_key() -> None:
    issue = only(HEAD + "events:\n  - {type: notified, date: 2009-01-01}\n"
                        "  - {type: notified, date: 2009-01-02, colour: red}\n")
    assert issue.path == "events[1].colour"
    assert "unknown field" in issue.message and "type, date" in issue.message


def test_wrong_type() -> None:
    issue = only(HEAD + "emissions:\n  - {pollutant: COD, value: abc, limit: 100}\n")
    assert issue.path == "emissions[0].value"
    assert "expected number" in issue.message and '"abc"' in issue.message


def test_boolean_is_not_a_number() -> None:
    issue = only(HEAD + "energy:\n  - {product: 熟料, year: 2015, value: yes, limit: 1}\n")
    assert issue.path == "energy[0].value" and "expected number, got boolean" in issue.message


def test_missing_enterprise_id() -> None:
    issue = only("format: cplaw.profile/1\nenterprise: {province: 广东}\n")
    assert issue.path == "enterprise.id"
    assert "missing required field" in issue.message and "id" in issue.message


def test_missing_format() -> None:
    issue = only("enterprise: {id: X, province: 广东}\n")
    assert issue.path == "format" and "missing required field" in issue.message


def test_wrong_format() -> None:
    issue = only("format: cplaw.profile/2\nenterprise: {id: X, province: 广东}\n")
    assert issue.path == "format" and "cplaw.profile/1" in issue.message


def test_unknown_enum_lists_accepted_values() -> None:
    issue = only("format: cplaw.profile/1\nenterprise: {id: X, province: 广东, size: huge}\n")
    assert issue.path == "enterprise.size"
    assert "huge" in issue.message
    for accepted in ("large", "medium", "small", "micro"):
        assert accepted in issue.message


def test_unknown_catalogue_names_its_index() -> None:
    issue = only(HEAD + "substances:\n  - {name: x, use: emitted, catalogs: [危险化学品名录, 某名录]}\n")
    assert issue.path == "substances[0].catalogs[1]"
    assert "某名录" in issue.message and "剧毒化学品目录" in issue.message


def test_impossible_date() -> None:
    issue = only(HEAD + "events:\n  - {type: notified, date: 2009-02-30}\n")
    assert issue.path == "events[0].date"
    assert issue.message == "2009-02-30 is not a calendar date"


def test_impossible_deadline_and_emission_date() -> None:
    found = issues(HEAD + "emissions:\n  - {pollutant: COD, value: 1, limit: 2, date: 2008-13-01}\n"
                          "events:\n  - {type: order_to_correct, date: 2009-01-05, deadline: 2009-04-31}\n")
    assert [(i.path, i.message) for i in found] == [
        ("emissions[0].date", "2008-13-01 is not a calendar date"),
        ("events[0].deadline", "2009-04-31 is not a calendar date"),
    ]


@pytest.mark.parametrize("bad", ["2009-3-15", "15/03/2009", "'2009-03-15 '", "二〇〇九-03-15"])
def test_bad_date_format(bad: str) -> None:
    issue = only(HEAD + f"events:\n  - {{type: notified, date: {bad}}}\n")
    assert issue.path == "events[0].date"
    assert "bad date format" in issue.message and "YYYY-MM-DD" in issue.message


def test_date_as_number() -> None:
    issue = only(HEAD + "events:\n  - {type: notified, date: 20090315}\n")
    assert issue.path == "events[0].date" and "YYYY-MM-DD" in issue.message and "integer" in issue.message


@pytest.mark.parametrize("bad", ["火星", "Guangdong", "'99'", "广东自治区"])
def test_unknown_province_lists_names(bad: str) -> None:
    issue = only(f"format: cplaw.profile/1\nenterprise: {{id: X, province: {bad}}}\n")
    assert issue.path == "enterprise.province"
    assert "unknown province" in issue.message
    for short in ("北京", "广东", "广西", "新疆", "内蒙古", "宁夏", "西藏"):
        assert short in issue.message


def test_province_code_must_be_a_string() -> None:
    issue = only("format: cplaw.profile/1\nenterprise: {id: X, province: 44}\n")
    assert issue.path == "enterprise.province"
    assert "expected string" in issue.message and "quotes" in issue.message


def test_industry_code() -> None:
    issue = only("format: cplaw.profile/1\nenterprise: {id: X, province: 广东, industry: ['1713', '17a3']}\n")
    assert issue.path == "enterprise.industry[1]" and "GB/T 4754" in issue.message
    issue = only("format: cplaw.profile/1\nenterprise: {id: X, province: 广东, industry: 1713}\n")
    assert issue.path == "enterprise.industry" and "expected string or list" in issue.message


def test_listed_event_needs_ground() -> None:
    issue = only(HEAD + "events:\n  - {type: listed, date: 2009-03-15, level: provincial}\n")
    assert issue.path == "events[0].ground"
    assert "missing required field" in issue.message and "listed" in issue.message


@pytest.mark.parametrize(("event", "field"), [
    ("{type: evaluation, date: 2010-01-01}", "result"),
    ("{type: acceptance, date: 2010-01-01, score: 90}", "result"),
    ("{type: order_to_correct, date: 2010-01-01, duty: submit_report}", "deadline"),
])
def test_other_required_event_fields(event: str, field: str) -> None:
    issue = only(HEAD + f"events:\n  - {event}\n")
    assert issue.path == f"events[0].{field}" and "missing required field" in issue.message


@pytest.mark.parametrize(("event", "field"), [
    ("{type: audit_started, date: 2009-05-20, ground: toxic}", "ground"),
    ("{type: listed, date: 2009-03-15, ground: toxic, result: pass}", "result"),
    ("{type: report_submitted, date: 2010-02-01, media: 南方日报}", "media"),
    ("{type: corrected, date: 2010-02-01, deadline: 2010-03-01}", "deadline"),
])
def test_field_of_another_event_type_rejected(event: str, field: str) -> None:
    issue = only(HEAD + f"events:\n  - {event}\n")
    assert issue.path == f"events[0].{field}"
    assert "does not belong" in issue.message


def test_field_of_another_event_type_names_allowed_fields() -> None:
    issue = only(HEAD + "events:\n  - {type: audit_started, date: 2009-05-20, ground: toxic}\n")
    assert "audit_started" in issue.message and issue.message.endswith("type, date")


def test_every_event_type_with_its_fields_loads() -> None:
    events = """events:
  - {type: listed, date: 2009-03-15, ground: provincial, list: 粤环〔2009〕1号, level: provincial}
  - {type: notified, date: 2009-03-20}
  - {type: task_issued, date: 2009-03-25}
  - {type: emissions_published, date: 2009-04-10, media: 东莞日报}
  - {type: plan_filed, date: 2009-04-20}
  - {type: audit_started, date: 2009-05-20}
  - {type: audit_completed, date: 2009-12-20}
  - {type: report_submitted, date: 2010-02-01, to: [local, provincial, national]}
  - {type: results_published, date: 2010-02-10}
  - {type: evaluation_applied, date: 2010-03-01}
  - {type: evaluation, date: 2010-04-01, result: pass, score: 80}
  - {type: acceptance_applied, date: 2010-09-01}
  - {type: acceptance, date: 2010-10-01, result: fail}
  - {type: order_to_correct, date: 2010-10-05, deadline: 2010-12-31, duty: rectify, authority: 东莞市环境保护局}
  - {type: corrected, date: 2010-12-20, duty: rectify}
  - {type: false_report_found, date: 2011-01-05}
  - {type: penalty_decision, date: 2011-02-01, duty: submit_report}
"""
    p = load_profile("t.yaml", text=HEAD + events)
    assert len(p.events) == 17
    assert p.events[13].deadline == datetime.date(2010, 12, 31) and p.events[13].authority == "东莞市环境保护局"
    assert p.events[10].score == Decimal(80) and p.events[12].result == "fail"


def test_yaml_syntax_error() -> None:
    issue = only(HEAD + "events: [\n")
    assert issue.path == "" and issue.message.startswith("line 4, column 1: ")


def test_yaml_duplicate_key() -> None:
    issue = only(HEAD + "format: cplaw.profile/1\n")
    assert issue.path == "" and issue.message.startswith("line 3, column 1: ") and "duplicate key" in issue.message


def test_json_syntax_error() -> None:
    issue = only('{"format": "cplaw.profile/1",\n "enterprise": {"id": "X" "province": "44"}}', "t.json")
    assert issue.path == "" and issue.message.startswith("line 2, column 27: ")


def test_missing_file() -> None:
    with pytest.raises(InputFileError, match="no such file"):
        load_profile("/nonexistent/profile.yaml")


def test_empty_and_non_mapping_documents() -> None:
    assert only("").message == "the profile is empty"
    issue = only("- a\n- b\n")
    assert issue.path == "" and "expected mapping" in issue.message


def test_several_errors_reported_at_once() -> None:
    text = """format: cplaw.profile/1
enterprise: {province: 火星, size: huge}
emissions:
  - {pollutant: COD, value: abc, limit: 100}
events:
  - {type: listed, date: 2009-02-30}
  - {type: audit_started, date: 2009-05-20, colour: red}
"""
    with pytest.raises(ProfileError) as caught:
        load_profile("t.yaml", text=text)
    assert [i.path for i in caught.value.issues] == [
        "emissions[0].value", "enterprise.id", "enterprise.province", "enterprise.size",
        "events[0].date", "events[0].ground", "events[1].colour",
    ]
    rendered = str(caught.value)
    assert rendered.startswith("t.yaml: invalid profile:\n") and "Traceback" not in rendered


def test_schema_messages_never_dump_the_schema() -> None:
    for issue in issues(HEAD + "events:\n  - {type: evaluation, date: x, result: ok, score: [1]}\n"
                               "substances:\n  - {name: x, use: 1}\n"):
        assert "{" not in issue.message and "$ref" not in issue.message, issue


# ------------------------------------------------------------------------------------------------ schemas

def test_schemas_are_draft_2020_12_with_ids() -> None:
    assert profile_schema()["$id"] == "https://cplaw.invalid/schema/profile-1.json"
    assert profile_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert assessment_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    profile_schema()["title"] = "changed"
    assert profile_schema()["title"] == "cplaw.profile/1"  # callers get copies


CITATION = {"instrument": "CN-CPPL-2002", "title": "中华人民共和国清洁生产促进法", "version": "2002-06-29",
            "article": "28", "paragraph": 2, "item": None, "text": "污染物排放超过国家和地方规定的排放标准…",
            "status": "verified"}
ASSESSMENT = {
    "format": "cplaw.assessment/1",
    "enterprise": "GD-0001",
    "as_of": "2010-04-01",
    "mandatory_audit": [{"ground": "double_exceed", "cites": [CITATION]}],
    "obligations": [{"duty": "start_audit", "due": "2009-05-15", "due_nominal": "2009-05-15", "status": "late",
                     "done": "2009-05-20", "jurisdiction": "CN", "cites": [CITATION]}],
    "violations": [{"duty": "start_audit", "since": "2009-05-16", "cites": [CITATION]}],
    "sanctions": [{"measure": "fine", "authority": "县级以上地方人民政府环境保护行政主管部门", "fine_min": 0,
                   "fine_max": 100000, "condition": "refuses_to_correct", "duty": "submit_report",
                   "cites": [CITATION]}],
    "notes": [{"kind": "no_sanction", "text": "…", "cites": [CITATION]}],
}


def fresh() -> dict:
    """A copy of ASSESSMENT whose citations are separate objects."""
    return json.loads(json.dumps(ASSESSMENT))


def test_assessment_schema_accepts_contract_example() -> None:
    assert validate_assessment(ASSESSMENT) == []


def test_assessment_schema_accepts_optional_fields() -> None:
    doc = fresh()
    doc["obligations"].append({"duty": "submit_report", "due": "2010-05-15", "due_nominal": "2010-05-15",
                               "status": "pending", "done": None, "jurisdiction": "44", "cites": [],
                               "round": "2009-03-15", "instrument": "GD-X", "nominal_reason": "rest day"})
    doc["sanctions"][0].update(discretionary=True, condition_met=None)
    doc["sanctions"].append({"measure": "order_to_correct", "fine_min": None, "fine_max": None,
                             "condition": None, "duty": "start_audit", "cites": []})
    doc["notes"][0].update(duty="start_audit", reading="…")
    doc["mandatory_audit"][0]["cites"][0] = dict(CITATION, article="四(二)", paragraph=None)
    assert validate_assessment(doc) == []


def test_assessment_schema_rejects_bad_status() -> None:
    doc = fresh()
    doc["obligations"][0]["status"] = "done"
    messages = validate_assessment(doc)
    assert len(messages) == 1
    assert messages[0].startswith("obligations[0].status: unknown value \"done\"")
    assert "met, late, overdue, pending" in messages[0]


@pytest.mark.parametrize(("change", "path"), [
    (lambda d: d["sanctions"][0].update(fine_max=100000.5), "sanctions[0].fine_max"),
    (lambda d: d["obligations"][0].update(jurisdiction="GD"), "obligations[0].jurisdiction"),
    (lambda d: d["obligations"][0].update(due="2009/05/15"), "obligations[0].due"),
    (lambda d: d["obligations"][0].update(done=None), "obligations[0].done"),  # late needs a done date
    (lambda d: d["violations"][0].pop("since"), "violations[0].since"),
    (lambda d: d["notes"][0]["cites"][0].update(status="official"), "notes[0].cites[0].status"),
    (lambda d: d["notes"][0]["cites"][0].update(paragraph="2"), "notes[0].cites[0].paragraph"),
    (lambda d: d.update(format="cplaw.assessment/2"), "format"),
])
def test_assessment_schema_rejects(change: Callable[[dict], None], path: str) -> None:
    doc = fresh()
    change(doc)
    messages = validate_assessment(doc)
    assert messages and all(m.startswith(path + ": ") for m in messages), messages


def test_unknown_city_lists_the_province_cities() -> None:
    doc = {"format": "cplaw.profile/1", "enterprise": {"id": "C-1", "province": "广东", "city": "东港"}}
    with pytest.raises(ProfileError) as caught:
        profile_from_document(doc)
    [issue] = caught.value.issues
    assert issue.path == "enterprise.city"
    assert "东莞" in issue.message and "深圳" in issue.message


@pytest.mark.parametrize("province, city", [("广东", "东莞市"), ("广东", "东莞"), ("北京", "北京"), ("北京", "海淀区"),
                                            ("内蒙古", "锡林郭勒"), ("湖北", "仙桃市")])
def test_known_cities(province: str, city: str) -> None:
    profile_from_document({"format": "cplaw.profile/1", "enterprise": {"id": "C-2", "province": province, "city": city}})
