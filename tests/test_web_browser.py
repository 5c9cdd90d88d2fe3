"""The page in a real browser (issue 11): `cplaw serve` started as a user would, headless Chromium (Debian's
`chromium`, driven by Playwright) entering a profile by the form, reading the memo, opening a why-tree and
running a what-if. Each step leaves a screenshot under the test's tmp output, and each is checked to show
Chinese drawn in a CJK font (the platform fonts Chromium used for the text, not boxes).
"""

from __future__ import annotations

import os
import pathlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

pytestmark = pytest.mark.slow
playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = os.environ.get("CPLAW_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
if not CHROMIUM:
    pytest.skip("no chromium on this machine (.ci/run installs Debian's chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def server() -> str:
    """`cplaw serve` on a free loopback port, stopped at the end."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "cplaw.cli", "serve", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(url + "/api/options", timeout=1)
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(process.stderr.read().decode()) from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--lang=zh-CN"])
        yield chromium
        chromium.close()


def fonts_used(page, selector: str) -> dict[str, int]:
    """The platform fonts Chromium drew an element's text with (its own and its descendants'), and how many
    glyphs each drew."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    nodes = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": f"{selector}, {selector} *"})["nodeIds"]
    used: dict[str, int] = {}
    for node in nodes[:300]:
        for font in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]:
            used[font["familyName"]] = used.get(font["familyName"], 0) + font["glyphCount"]
    return used


def shows_chinese(page, selector: str, shot: pathlib.Path) -> None:
    """The element's Chinese text is drawn with a CJK font; its screenshot is written to ``shot``."""
    element = page.locator(selector).first
    element.screenshot(path=str(shot))
    assert shot.stat().st_size > 2000
    assert any("\u4e00" <= ch <= "\u9fff" for ch in element.inner_text())
    fonts = fonts_used(page, selector)
    assert any("CJK" in name and count for name, count in fonts.items()), fonts


def test_legal_staff_enter_a_profile_read_the_memo_open_a_why_tree_and_run_a_what_if(server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="zh-CN")
    page.goto(server + "/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"

    # 1. the form: the Dongguan works of facts/examples, entered field by field
    for name, value in {"enterprise.id": "GD-0001", "enterprise.name": "某印染有限公司", "enterprise.province": "广东",
                        "enterprise.city": "东莞", "emissions[0].pollutant": "COD", "emissions[0].value": "180",
                        "emissions[0].limit": "100", "as_of": "2010-04-01"}.items():
        page.fill(f'[name="{name}"]', value)
    page.fill('[name="emissions[0].date"]', "2008-11-20")
    page.select_option('[name="events[0].type"]', "listed")
    page.fill('[name="events[0].date"]', "2009-03-15")
    page.select_option('[name="events[0].ground"]', "double_exceed")
    page.click('#section-events button.add-row')  # a second event row, added in place
    page.select_option('[name="events[1].type"]', "audit_started")
    page.fill('[name="events[1].date"]', "2009-05-20")
    shows_chinese(page, "section.entry", tmp_path / "1-form.png")

    # 2. the memo: mandatory on the ground 双超; GD-S001 四 counts two months from the list: start by 2009-05-15
    page.click("#assess")
    memo = page.locator("#memo")
    assert "清洁生产审核法律意见（GD-0001，评估基准日 2010-04-01）" in memo.inner_text()
    assert "属于强制性审核对象" in memo.inner_text()
    assert "开展清洁生产审核" in memo.inner_text() and "2009-05-15" in memo.inner_text()
    shows_chinese(page, "#memo", tmp_path / "2-memo.png")
    with page.expect_download() as download:
        page.click("#download-memo")
    assert download.value.suggested_filename == "memo-2010-04-01.html"

    # 3. why is it mandatory: the tree folds, and quotes IM-2004 art. 8(1) in its own words
    page.click('button.ask.why[value="why:mandatory(double_exceed)"]')
    tree = page.locator("#tree")
    assert "污染物排放超过国家和地方排放标准" in tree.inner_text()
    first = tree.locator("details").first
    assert first.get_attribute("open") is not None
    shows_chinese(page, "#tree", tmp_path / "3-why-tree.png")
    first.locator("summary").first.click()
    assert first.get_attribute("open") is None  # collapsed

    # 4. what if the audit had started on 2009-05-10: the late start is no longer a breach
    page.fill("#wi_set", "events[1].date=2009-05-10")
    page.click("#run-whatif")
    table = page.locator("#comparison")
    text = table.inner_text()
    assert "变更前（2010-04-01）" in text and "变更后（2010-04-01）" in text
    assert "不再成立" in text and "开展清洁生产审核" in text
    shows_chinese(page, "#comparison", tmp_path / "4-what-if.png")
    page.screenshot(path=str(tmp_path / "4-what-if-page.png"), full_page=True)

    # English on request: the same answer, in English
    page.goto(server + "/?lang=en")
    assert "Enterprise ID" in page.locator("section.entry").inner_text()


def test_an_injected_script_is_shown_as_text_not_run(server, browser, tmp_path):
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server + "/?example=dongguan-dyeing.yaml")
    page.fill('[name="enterprise.id"]', '<script>alert("x")</script>')
    page.fill('[name="enterprise.name"]', '<img src=x onerror=alert(1)>')
    page.click("#assess")
    assert '<script>alert("x")</script>' in page.locator("#memo h3").inner_text()
    assert dialogs == [] and page.locator("#memo img").count() == 0
    page.screenshot(path=str(tmp_path / "injected.png"))
