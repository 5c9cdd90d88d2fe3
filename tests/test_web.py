"""The HTTP API and the page (cplaw/web/, issue 11), through Starlette's TestClient.

The API answers exactly what the CLI prints (`cplaw assess --format json` …), checked on every scenario profile
(the full sweep is `slow`); bad input is a 4xx JSON answer naming what is wrong, and the server keeps serving.
"""

from __future__ import annotations

import json
import pathlib
import re

import pytest

pytest.importorskip("fastapi")
from starlette.testclient import TestClient  # noqa: E402

from cplaw import scenarios  # noqa: E402
from cplaw.cli import main  # noqa: E402
from cplaw.limits import MAX_FILE_BYTES  # noqa: E402
from cplaw.scenarios import Scenario  # noqa: E402
from cplaw.web import service  # noqa: E402
from cplaw.web.app import create_app  # noqa: E402

HERE = pathlib.Path(__file__).parent
EXAMPLES = HERE.parent / "facts" / "examples"
DONGGUAN = EXAMPLES / "dongguan-dyeing.yaml"
SCENARIOS = [s for s in map(scenarios.load, sorted(HERE.glob("scenarios/**/[0-9]*.yaml")))
             if s.expect_error is None]


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def cli_json(capsys, *argv: str) -> dict:
    capsys.readouterr()
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def shanxi() -> dict:
    """A Shanxi firm using a mercury catalyst, its hazards not given: the answer waits on missing facts."""
    return {"format": "cplaw.profile/1", "enterprise": {"id": "SX-1", "province": "山西"},
            "substances": [{"name": "汞催化剂", "use": "raw_material"}]}


# ── the API answers the CLI's contracts ───────────────────────────────────────────────────────────────
def _scenario_params():
    return [pytest.param(s, id=s.path.stem, marks=() if i % 50 == 0 else pytest.mark.slow)
            for i, s in enumerate(SCENARIOS)]


@pytest.mark.parametrize("scenario", _scenario_params())
def test_api_assess_equals_cli_assess_json(scenario: Scenario, client, capsys, tmp_path) -> None:
    profile = tmp_path / "profile.json"
    profile.write_text(scenario.profile_json(), encoding="utf-8")
    as_of, options = scenario.as_of, list(scenario.options)
    expected = cli_json(capsys, "assess", str(profile), "--as-of", as_of, "--format", "json",
                        *[arg for o in options for arg in ("--option", o)])
    answer = client.post("/api/assess", params={"as_of": as_of, "option": options}, content=profile.read_bytes())
    assert answer.status_code == 200, answer.text
    assert answer.json() == expected


def test_a_yaml_body_is_read_as_a_profile_file_is(client, capsys) -> None:
    expected = cli_json(capsys, "assess", str(DONGGUAN), "--as-of", "2010-04-01", "--format", "json")
    answer = client.post("/api/assess?as_of=2010-04-01", content=DONGGUAN.read_bytes(),
                         headers={"content-type": "application/yaml"})
    assert answer.json() == expected


@pytest.mark.parametrize("command, route, query", [("why", "/api/why", "mandatory(double_exceed)"),
                                                   ("why", "/api/why", "违法(开展审核)"),
                                                   ("why-not", "/api/why-not", "mandatory(energy)")])
def test_why_and_why_not_answer_the_explanation_contract(client, capsys, command, route, query) -> None:
    expected = cli_json(capsys, command, str(DONGGUAN), query, "--as-of", "2010-04-01", "--format", "json")
    answer = client.post(route, params={"query": query, "as_of": "2010-04-01"}, content=DONGGUAN.read_bytes())
    assert answer.status_code == 200 and answer.json() == expected
    assert expected["format"] == "cplaw.explanation/1"


def test_what_if_answers_the_comparison_contract(client, capsys) -> None:
    argv = ["--as-of", "2010-04-01", "--set", "events[2].date=2009-05-10", "--add-event", "audit_completed@2010-01-10"]
    expected = cli_json(capsys, "what-if", str(DONGGUAN), *argv, "--format", "json")
    answer = client.post("/api/what-if", content=DONGGUAN.read_bytes(),
                         params={"as_of": "2010-04-01", "set": "events[2].date=2009-05-10",
                                 "add_event": "audit_completed@2010-01-10"})
    assert answer.status_code == 200 and answer.json() == expected
    # starting the audit on 2009-05-10 instead of 2009-05-20 is within the two months of GD-S001 四: the late
    # start that the base case has (due 2009-05-15) is no longer a breach
    assert any(e["section"] == "violations" and e["key"]["duty"] == "start_audit" for e in expected["lost"])


def test_law_and_options(client, capsys) -> None:
    assert client.get("/api/law?as_of=2010-04-01").json() == cli_json(capsys, "law", "--as-of", "2010-04-01",
                                                                       "--format", "json")
    capsys.readouterr()
    assert client.get("/api/options").json() == cli_json(capsys, "options", "--format", "json")


def test_openapi_and_its_docs_are_served_from_the_package(client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/assess", "/api/why", "/api/why-not", "/api/what-if", "/api/law", "/api/options"} <= set(paths)
    docs = client.get("/docs").text
    for asset in re.findall(r'(?:src|href)="([^"]+)"', docs) + re.findall(r"url: '([^']+)'", docs):
        assert asset.startswith("/"), asset  # nothing from another host: the docs work offline
        assert client.get(asset).status_code == 200, asset


# ── bad input: a clear 4xx, and the server keeps serving ──────────────────────────────────────────────
def test_a_bad_profile_is_422_with_the_clis_field_paths(client, capsys, tmp_path) -> None:
    doc = {"format": "cplaw.profile/1", "enterprise": {"id": "X", "province": "火星", "size": "huge"},
           "emissions": [{"pollutant": "COD", "value": "high", "limit": 100}],
           "events": [{"type": "listed", "date": "2009-02-30"}] * 9 + [{"type": "audit_started"}] * 9}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert main(["assess", str(path)]) == 1
    cli_lines = {line.strip() for line in capsys.readouterr().err.splitlines()[1:]}
    answer = client.post("/api/assess", content=path.read_bytes())
    assert answer.status_code == 422
    issues = answer.json()["issues"]
    assert len(issues) >= 20  # a profile with twenty errors: every one named
    assert {f"{i['path']}: {i['message']}" for i in issues} == cli_lines
    assert {"enterprise.province", "enterprise.size", "emissions[0].value", "events[0].date",
            "events[0].ground", "events[17].date"} <= {i["path"] for i in issues}


@pytest.mark.parametrize("body, params, status, words", [
    (b'{"format": "cplaw.profile/1", "enterprise": ', {}, 400, "line 1"),
    (b"\xff\xfe not utf-8", {}, 400, "not UTF-8"),
    (DONGGUAN.read_bytes(), {"option": "no-such-reading"}, 400, "unknown option 'no-such-reading'"),
    (DONGGUAN.read_bytes(), {"as_of": "1990-06-01"}, 422, "no cleaner-production law was in force"),
    (DONGGUAN.read_bytes(), {"as_of": "1 June 2010"}, 422, "is not a date"),
    (DONGGUAN.read_bytes(), {"engine": "excel"}, 400, "unknown engine"),
    (b"x" * (MAX_FILE_BYTES + 1), {}, 413, "larger than the limit"),
])
def test_bad_input_is_a_clear_4xx_and_the_server_keeps_serving(client, body, params, status, words) -> None:
    answer = client.post("/api/assess", params=params, content=body)
    assert answer.status_code == status
    assert words in answer.json()["error"]
    assert client.get("/api/options").status_code == 200


def test_an_unknown_query_names_the_conclusions_one_may_ask(client) -> None:
    answer = client.post("/api/why", params={"query": "happiness(x)"}, content=DONGGUAN.read_bytes())
    assert answer.status_code == 400 and "unknown conclusion 'happiness'" in answer.json()["error"]


def test_a_computation_past_the_time_limit_is_503() -> None:
    import time

    import anyio
    with pytest.raises(service.WebError) as caught:
        anyio.run(lambda: service.run(lambda: time.sleep(0.5), timeout=0.05))
    assert caught.value.status == 503 and "limit of 0.05 s" in caught.value.message


# ── the page ───────────────────────────────────────────────────────────────────────────────────────────
def form(**fields: str) -> dict[str, str]:
    """A posted form: the Dongguan works entered field by field (the contract's paths are the names)."""
    base = {"lang": "zh", "as_of": "2010-04-01", "enterprise.id": "GD-0001", "enterprise.name": "某印染有限公司",
            "enterprise.province": "广东", "enterprise.city": "东莞", "enterprise.industry": "1713",
            "emissions[0].pollutant": "COD", "emissions[0].value": "180", "emissions[0].limit": "100",
            "emissions[0].date": "2008-11-20",
            "events[0].type": "listed", "events[0].date": "2009-03-15", "events[0].ground": "double_exceed",
            "events[1].type": "emissions_published", "events[1].date": "2009-04-10",
            "events[2].type": "audit_started", "events[2].date": "2009-05-20"}
    return {**base, **fields}


def test_the_page_is_chinese_first_and_english_on_request(client) -> None:
    zh, en = client.get("/").text, client.get("/?lang=en").text
    assert '<html lang="zh-CN">' in zh and "清洁生产审核法律评估" in zh and "企业编号" in zh
    assert '<html lang="en">' in en and "Enterprise ID" in en and "企业编号" not in en


def test_the_page_loads_no_asset_from_another_host(client) -> None:
    page = client.get("/?example=dongguan-dyeing.yaml").text
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets and all(a.startswith(("/", "#")) for a in assets), assets
    for asset in assets:
        if asset.startswith("/static/"):
            assert client.get(asset).status_code == 200


def test_a_profile_entered_by_the_form_gets_its_memo(client) -> None:
    page = client.post("/", data=form(action="assess"))
    assert page.status_code == 200
    # the listing 2009-03-15 on the ground 双超 makes the works subject to mandatory audit (IM-2004 art. 8(1))
    assert "清洁生产审核法律意见（GD-0001，评估基准日 2010-04-01）" in page.text
    assert "属于强制性审核对象" in page.text
    # GD-S001 四: publish within a month of the list (by 2009-04-15), start within two months (2009-05-15)
    assert "2009-04-15" in page.text and "2009-05-15" in page.text


def test_errors_are_shown_beside_their_fields(client) -> None:
    page = client.post("/", data=form(**{"enterprise.province": "火星", "emissions[0].value": "很高",
                                         "events[0].ground": ""}))
    assert page.status_code == 422
    for path in ("enterprise.province", "emissions[0].value", "events[0].ground"):
        field = re.search(rf'<div class="field has-error[^"]*">\s*<label for="[^"]+">[^<]*(?:<span[^>]*>\*</span>)?'
                          rf'</label>.*?name="{re.escape(path)}".*?<div class="error" data-path="{re.escape(path)}">',
                          page.text, re.S)
        assert field, path


def test_what_the_user_enters_is_never_markup(client) -> None:
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    page = client.post("/", data=form(**{"enterprise.name": attack, "enterprise.id": attack,
                                         "action": "why:mandatory(double_exceed)"})).text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    text = client.post("/", data={"lang": "zh", "profile_text": f"format: cplaw.profile/1\nenterprise: {{id: '{attack}'",
                                  "action": "load"}).text
    assert "<script>alert" not in text
    memo = client.post("/download/memo.html", data=form(**{"enterprise.id": attack})).text
    assert "<script>alert" not in memo and "&lt;script&gt;" in memo


def test_a_pasted_profile_fills_the_form(client) -> None:
    page = client.post("/", data={"lang": "zh", "as_of": "2010-04-01", "action": "load",
                                  "profile_text": DONGGUAN.read_text(encoding="utf-8")}).text
    assert 'name="enterprise.name" value="某印染有限公司"' in page
    assert 'name="events[3].date" value="2010-02-01"' in page
    assert "属于强制性审核对象" in page


def test_missing_facts_are_asked_and_answered_in_place(client) -> None:
    posted = {"lang": "zh", "as_of": "2024-06-01", "enterprise.id": "SX-1", "enterprise.province": "山西",
              "substances[0].name": "汞催化剂", "substances[0].use": "raw_material"}
    page = client.post("/", data=posted).text
    assert "该物质具有哪些危害特性" in page and 'name="answer.substances[0].hazards"' in page
    assert "依现有事实不属于强制性清洁生产审核对象" in page
    # a heavy metal used as a raw material: 双有 under the 2016 Measures art. 8 (CN-M-2016)
    answered = client.post("/", data={**posted, "answer.substances[0].hazards": "heavy_metal"}).text
    assert 'value="heavy_metal" checked' in answered
    assert "使用有毒有害原料进行生产或者在生产中排放有毒有害物质（双有）" in answered
    assert "该物质具有哪些危害特性" not in answered


def test_why_and_why_not_trees_open_from_the_page(client) -> None:
    page = client.post("/", data=form(action="why:mandatory(double_exceed)")).text
    tree = page[page.index('id="tree"'):]
    assert "<details open>" in tree and "2008-11-20测得COD排放浓度 180，标准限值 100" in tree
    assert "污染物排放超过国家和地方排放标准" in tree  # IM-2004 art. 8(1) in its own words
    why_not = client.post("/", data=form(action="whynot:mandatory(energy)")).text
    assert 'id="tree"' in why_not
    # the tree's heading says which question it answers; the answer sentence below names the conclusion once
    assert "<h4>为什么成立</h4>" in tree and "<h4>为什么不成立</h4>" in why_not
    answer = why_not[why_not.index('<p class="answer">'):].split("</p>")[0]
    assert why_not[why_not.index('id="tree"'):].count(answer.split("“")[1].split("”")[0]) == 1
    bad = client.post("/", data=form(action="why", query="happiness")).text
    assert "unknown conclusion" in bad


def test_what_if_is_shown_side_by_side(client) -> None:
    page = client.post("/", data=form(action="whatif", wi_set="events[2].date=2009-05-10")).text
    table = page[page.index('id="comparison"'):]
    assert "变更前（2010-04-01）" in table and "变更后（2010-04-01）" in table
    assert "不再成立" in table and "违法" in table and "开展清洁生产审核" in table
    bad = client.post("/", data=form(action="whatif", wi_set="enterprise.colour=red")).text
    assert "enterprise.colour: the profile contract has no field &#39;colour&#39;" in bad


def test_downloads_and_the_texts_in_force(client) -> None:
    memo = client.post("/download/memo.html", data=form())
    assert memo.headers["content-disposition"] == 'attachment; filename="memo-2010-04-01.html"'
    assert "清洁生产审核法律意见" in memo.text
    data = client.post("/download/assessment.json", data=form()).json()
    assert data["format"] == "cplaw.assessment/1" and data["as_of"] == "2010-04-01"
    page = client.post("/", data=form()).text
    law = page[page.index('id="law"'):]
    assert "清洁生产审核暂行办法" in law and "已核对" in law


def test_the_memo_as_of_today_numbers_the_codes_articles_in_chinese(client) -> None:
    """The 2026 Code's art. 1221 is 第一千二百二十一条 (the page assesses as of today by default)."""
    from cplaw.explain.cite import chinese_number
    assert [chinese_number(n) for n in (1221, 1000, 1005, 1010, 1100)] == \
        ["一千二百二十一", "一千", "一千零五", "一千零一十", "一千一百"]
    page = client.post("/", data=form(as_of="2026-12-01"))
    assert page.status_code == 200 and "第一千二百二十一条" in page.text


def test_full_detail_shows_every_step_and_reading(client) -> None:
    brief = client.post("/", data=form(action="why:mandatory(double_exceed)")).text
    full = client.post("/", data=form(action="why:mandatory(double_exceed)", detail="full")).text
    assert "个内部步骤" in brief and "个内部步骤" not in full
    assert 'name="detail" value="full" checked' in full


def test_a_form_of_many_rows_is_read_whole(client) -> None:
    """A browser posts every input of every row, blank or not: 100 event rows are 1,200 fields."""
    rows = {f"events[{i}].{key}": "" for i in range(100) for key in
            ("type", "date", "ground", "list", "level", "media", "to", "result", "score", "deadline", "duty",
             "authority")}
    page = client.post("/", data={**rows, **form()})
    assert page.status_code == 200 and "属于强制性审核对象" in page.text


@pytest.mark.parametrize("typed, message", [("很高", 'expected number, got string "很高"'),
                                            ("1e999", "the number 1E+999 is beyond the limit"),
                                            ("nan", "NaN is not a finite number")])
def test_a_number_field_says_what_is_wrong_with_what_was_typed(client, typed, message) -> None:
    page = client.post("/", data=form(**{"emissions[0].value": typed}))
    assert page.status_code == 422
    [shown] = re.findall(r'data-path="emissions\[0\]\.value">([^<]*)', page.text)
    assert message in shown.replace("&#34;", '"')
