"""The web app in Debian's chromium (Playwright, never a downloaded browser) against a real server.

Each state is saved as `test-output/screenshots/<name>.png`. Without /usr/bin/chromium the tests
are skipped locally (`apt-get install -y chromium`) and fail in CI (CI=true).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from assistant.settings import PROJECT_ROOT
from tests.documents import make_docx

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

    from tests.server import Server

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = PROJECT_ROOT / "test-output" / "screenshots"
TIMEOUT_MS = 30_000

PLAN_NAME = "plan-lingeland.docx"
PLAN_BLOCKS = [
    ("h1", "RESV-plan Regio Lingeland 2027-2029"),
    ("p", "Samenwerkingsverband Eerstelijn Lingeland, versie voor CZ, juni 2026."),
    ("h2", "1. Deelnemers en mandaat"),
    ("p", "Aan het RESV nemen huisartsen, apothekers, wijkverpleging, fysiotherapeuten en sociaal werkers deel."),
    ("p", "De huisartsen hebben hun mandaat vastgelegd in de ALV van 9 april 2026."),
    ("h2", "2. Werkgebied"),
    ("p", "Het werkgebied omvat de gemeenten Lingedal en Beekhoven (postcodes 4100-4119)."),
    ("h2", "3. Activiteiten 2027"),
    ("li", "In 2027 starten we drie hechte wijkverbanden (hoofdtaak 4) in Lingedal-Noord, Beekhoven en Asperen."),
    ("li", "We richten een regionaal HR-loket in voor werving en behoud van personeel (hoofdtaak 5)."),
    ("h2", "4. Begroting 2027"),
    ("p", "De begroting 2027 bedraagt 1,2 miljoen euro, waarvan 60 % voor de hechte wijkverbanden."),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} ontbreekt; installeer Debian's chromium: apt-get update && apt-get install -y chromium"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, api_server: Server) -> Iterator[Page]:
    """A fresh page on the app; fails the test on any console error or uncaught exception."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(base_url=api_server.url, accept_downloads=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" and not refused(message.text) else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto("/")
    from playwright.sync_api import expect

    expect(page.locator("#health")).to_have_text("Gereed")
    yield page
    context.close()
    assert not problems, problems


def refused(console_text: str) -> bool:
    """Chromium logs every 4xx response; those the test provokes are not page errors."""
    return console_text.startswith("Failed to load resource: the server responded with a status of 4")


def shoot(page: Page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def answer_of(response) -> dict:  # noqa: ANN001 - playwright Response
    """The `answer` event of a finished /api/chat stream."""
    event = re.search(r"^event: answer\ndata: (.*)$", response.text(), re.MULTILINE)
    assert event, response.text()[:500]
    return json.loads(event.group(1))


def ask(page: Page, question: str) -> dict:
    from playwright.sync_api import expect

    before = page.locator(".message.assistant").count()
    with page.expect_response("**/api/chat") as streamed:
        page.fill("#question", question)
        page.press("#question", "Enter")
    response = streamed.value
    assert response.status == 200 and response.headers["content-type"].startswith("text/event-stream")
    answer = answer_of(response)
    reply = page.locator(".message.assistant").nth(before)
    expect(reply).not_to_have_class(re.compile(r"\bstreaming\b"))
    return answer


def test_chat_follow_up_and_source_viewer(page: Page):
    from playwright.sync_api import expect

    first = ask(page, "Wat eist CZ voor bouwsteen 4?")
    reply = page.locator(".message.assistant").first
    assert reply.locator("button.cite").count() >= len(first["citations"]) > 0
    expect(reply.locator(".message-body")).to_contain_text("[1]")
    expect(reply.locator(".source-list").first).to_contain_text("CZ")
    shoot(page, "chat-answer")

    second = ask(page, "En voor VGZ?")
    follow_up = page.locator(".message.assistant").nth(1)
    insurers = {c["insurer"] for c in second["citations"] if c["insurer"]}
    assert insurers == {"VGZ"}, second["answer"]
    chips = set(follow_up.locator(".source-list .chip").all_inner_texts())
    assert "VGZ" in chips and "CZ" not in chips
    shoot(page, "chat-follow-up")

    citation = second["citations"][0]
    follow_up.locator("button.cite").first.click()
    viewer = page.locator("#viewer")
    expect(viewer).to_be_visible()
    expect(page.locator("#viewer-body mark").first).to_be_visible()
    marked = " ".join(" ".join(page.locator("#viewer-body mark").all_inner_texts()).split())
    assert " ".join(citation["quote"].split()) in marked
    expect(page.locator("#viewer-meta")).to_contain_text("VGZ")
    shoot(page, "citation-viewer")
    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()


def test_review_filter_and_report_download(page: Page):
    from playwright.sync_api import expect

    page.click("#tab-review")
    page.set_input_files("#plan-file", files=[{
        "name": PLAN_NAME,
        "mimeType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "buffer": make_docx(PLAN_BLOCKS),
    }])
    expect(page.locator("#file-name")).to_contain_text(PLAN_NAME)
    page.select_option("#review-insurer", "CZ")
    with page.expect_response("**/api/review") as reviewed:
        page.click("#review-submit")
    assert reviewed.value.status == 200, reviewed.value.text()
    review = reviewed.value.json()
    expect(page.locator("#review-result")).to_be_visible()
    rows = page.locator("tr.finding")
    assert rows.count() == len(review["findings"]) > 0
    statuses = [f["status"] for f in review["findings"]]
    assert "met" in statuses and "missing" in statuses, statuses
    expect(page.locator("#review-title")).to_contain_text(PLAN_NAME)
    # the page names statuses and bouwstenen as the API's domain data does, and so does the report
    domain = page.request.get("/api/domain").json()
    met_badge = page.locator("tr.finding[data-status=met] .badge").first
    expect(met_badge).to_contain_text(domain["statuses"]["met"])
    first = domain["bouwstenen"][0]
    expect(page.locator("#review-result")).to_contain_text(f"Bouwsteen {first['number']} – {first['title']}")
    shoot(page, "review-table")

    page.check("#only-gaps")
    visible = page.locator("tr.finding:visible")
    expect(visible).to_have_count(sum(s != "met" for s in statuses))
    assert set(visible.evaluate_all("rows => rows.map(r => r.dataset.status)")) <= {"missing", "partial"}
    shoot(page, "review-gaps")

    for button, suffix in (("#download-md", "md"), ("#download-html", "html")):
        with page.expect_download() as downloading:
            page.click(button)
        download = downloading.value
        assert download.suggested_filename.startswith("beoordeling-") and download.suggested_filename.endswith(f"-{review['insurer']}.{suffix}")
        text = Path(download.path()).read_text(encoding="utf-8")
        assert PLAN_NAME in text and review["findings"][0]["requirement"][:30] in text
        assert domain["statuses"]["partial"] in text and review["findings"][0]["id"] not in text  # no internal ids for people
    shoot(page, "review-downloaded")


def test_errors_are_shown_in_the_page(page: Page):
    from playwright.sync_api import expect

    page.click("#tab-review")
    page.set_input_files("#plan-file", files=[{"name": "plan.pdf", "mimeType": "application/pdf", "buffer": b"\x89PNG\r\n\x1a\n" + bytes(64)}])
    page.select_option("#review-insurer", "VGZ")
    page.click("#review-submit")
    expect(page.locator("#review-errors .error")).to_contain_text("geen PDF")
    shoot(page, "review-error")


def test_api_docs_render_without_network(page: Page):
    from playwright.sync_api import expect

    origin = page.url.rstrip("/")
    outside: list[str] = []

    def local_only(route) -> None:  # noqa: ANN001 - playwright Route
        if route.request.url.startswith(origin):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", local_only)
    page.goto("/docs")
    expect(page.locator(".opblock").first).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/ask").first).to_be_visible()
    shoot(page, "api-docs")
    assert not outside, outside


def test_fact_answer_first_with_context_collapsed(page: Page):
    from playwright.sync_api import expect

    answer = ask(page, "By what date must the RESV plan be with the insurer?")
    assert answer["context_start"] is not None, answer["answer"]
    reply = page.locator(".message.assistant").last
    body = reply.locator(".message-body")
    expect(body.locator("p").first).to_contain_text("15 juli")
    context = body.locator("details.answer-context")
    expect(context.locator("summary")).to_have_text("Context from the sources")
    expect(context).not_to_have_attribute("open", re.compile(".*"))
    context.locator("summary").click()
    expect(context).to_have_attribute("open", re.compile(".*"))
    expect(context.locator("button.cite").first).to_be_visible()
    shoot(page, "answer-first")


def test_an_answer_a_language_model_phrased_says_so(browser: Browser, scripted, private_data_dir: Path):  # noqa: ANN001
    from playwright.sync_api import expect

    from tests.llm_servers import copy_first_source_and_invent
    from tests.server import running_server

    scripted.reply = copy_first_source_and_invent
    with running_server(private_data_dir, env={"RESV_LLM_URL": scripted.url}) as server:
        context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.goto("/")
        expect(page.locator("#health")).to_have_text("Gereed")
        answer = ask(page, "Wanneer moet het RESV-plan uiterlijk bij de zorgverzekeraar zijn?")
        reply = page.locator(".message.assistant").last
        assert answer["composer"] == "language-model"
        expect(reply.locator(".composer-label")).to_contain_text("taalmodel")
        expect(reply.locator("details.answer-context summary").first).to_have_text("Letterlijk uit de bronnen")
        expect(reply.locator(".message-body")).not_to_contain_text("17 wijkverbanden")
        shoot(page, "chat-language-model")
        context.close()
