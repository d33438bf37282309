"""The source list in the browser: a document added through the page, listed, then removed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.plans import make_plan_docx
from tests.server import copy_index, running_server
from tests.test_manage import AGREEMENT
from tests.test_web import TIMEOUT_MS, browser, refused  # noqa: F401 - fixture

pytestmark = pytest.mark.browser


def test_add_and_remove_a_document_in_the_page(browser: Browser, built_data_dir: Path, corpus_dir: Path, tmp_path: Path) -> None:  # noqa: F811
    corpus = tmp_path / "corpus"
    shutil.copytree(corpus_dir, corpus)
    data_dir = copy_index(built_data_dir, tmp_path / "data")
    with running_server(data_dir, env={"RESV_CORPUS_DIR": str(corpus)}) as server:
        context = browser.new_context(base_url=server.url)
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" and not refused(m.text) else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto("/")
        expect(page.locator("#health")).to_have_text("Gereed")
        page.click("#documents summary")
        expect(page.locator("#documents-list li")).to_have_count(2)
        page.set_input_files("#add-document input[name=file]", files=[{
            "name": "akkoord.docx", "mimeType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "buffer": make_plan_docx(AGREEMENT)}])
        page.fill("#add-document input[name=title]", "Akkoord Eerstelijn Noorderveld")
        with page.expect_response("**/api/documents") as added:
            page.click("#add-document button[type=submit]")
        assert added.value.status == 201, added.value.text()
        expect(page.locator("#add-document-status")).to_contain_text("Toegevoegd")
        expect(page.locator("#documents-list li")).to_have_count(3)
        assert (corpus / "akkoord-eerstelijn-noorderveld.docx").is_file()
        page.on("dialog", lambda dialog: dialog.accept())
        page.click("button.remove-document[data-id=akkoord-eerstelijn-noorderveld]")
        expect(page.locator("#add-document-status")).to_contain_text("Verwijderd")
        expect(page.locator("#documents-list li")).to_have_count(2)
        context.close()
        assert not problems, problems
