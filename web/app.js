// Entry point: tabs, readiness, the optional API token and the lists loaded at start-up.

import * as api from "./api.js";
import { el } from "./format.js";
import * as chat from "./chat.js";
import * as review from "./review.js";
import * as viewer from "./viewer.js";

// ---- tabs ---------------------------------------------------------------------------------

const tabs = [...document.querySelectorAll('[role="tab"]')];
const HASHES = { "tab-chat": "#vragen", "tab-review": "#beoordelen" };

function selectTab(tab, { focus = false, updateHash = true } = {}) {
  for (const t of tabs) {
    const selected = t === tab;
    t.setAttribute("aria-selected", String(selected));
    t.tabIndex = selected ? 0 : -1;
    document.getElementById(t.getAttribute("aria-controls")).hidden = !selected;
  }
  if (focus) tab.focus();
  if (updateHash) history.replaceState(null, "", HASHES[tab.id]);
}

for (const tab of tabs) {
  tab.addEventListener("click", () => selectTab(tab));
  tab.addEventListener("keydown", (event) => {
    const i = tabs.indexOf(tab);
    const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    selectTab(tabs[(next + tabs.length) % tabs.length], { focus: true });
  });
}
const initial = tabs.find((t) => HASHES[t.id] === location.hash) || tabs[0];
selectTab(initial, { updateHash: false });

// ---- readiness ----------------------------------------------------------------------------

const healthBadge = document.getElementById("health");
const HEALTH_TEXT = {
  ok: "Gereed",
  loading: "Index wordt geladen…",
  down: "Server niet bereikbaar",
};

async function watchHealth() {
  const state = await api.health();
  healthBadge.textContent = HEALTH_TEXT[state];
  healthBadge.dataset.state = state;
  if (state !== "ok") setTimeout(watchHealth, 3000);
}

// ---- API token ----------------------------------------------------------------------------

const tokenForm = document.getElementById("token-form");
const tokenInput = document.getElementById("api-token");
const tokenClear = document.getElementById("token-clear");
const tokenNote = document.getElementById("token-note");

function showTokenForm(focus) {
  tokenForm.hidden = false;
  tokenInput.value = api.getToken();
  if (focus) tokenInput.focus();
}

api.onUnauthorized(() => {
  const first = tokenForm.hidden;
  showTokenForm(first);
  tokenNote.textContent = "Deze server vraagt om een API-token.";
});

tokenForm.addEventListener("submit", (event) => {
  event.preventDefault();
  api.setToken(tokenInput.value.trim());
  tokenNote.textContent = tokenInput.value.trim() ? "Token opgeslagen. Probeer het opnieuw." : "Token gewist.";
  loadLists();
});

tokenClear.addEventListener("click", () => {
  api.setToken("");
  tokenInput.value = "";
  tokenNote.textContent = "Token gewist.";
});

if (api.getToken()) showTokenForm(false);

// ---- insurers and documents ---------------------------------------------------------------

function fillSelect(select, names, firstOption) {
  const current = select.value;
  select.replaceChildren(
    el("option", { value: "", text: firstOption }),
    ...names.map((name) => el("option", { value: name, text: name }))
  );
  if (names.includes(current)) select.value = current;
}

function renderDocuments(documents) {
  const list = document.getElementById("documents-list");
  list.replaceChildren(
    ...documents.map((d) =>
      el(
        "li",
        {},
        el("strong", { text: d.title || d.id }),
        el(
          "span",
          { class: "muted" },
          " — ",
          [d.insurer || (d.kind === "handreiking" ? "alle verzekeraars" : d.kind), d.version && `versie ${d.version}`, Number.isInteger(d.passages) && `${d.passages} passages`]
            .filter(Boolean)
            .join(" · ")
        ),
        " ",
        el("button", { type: "button", class: "remove-document", dataset: { id: d.id }, text: "Verwijderen", "aria-label": `${d.title || d.id} verwijderen` })
      )
    )
  );
  document.getElementById("documents").hidden = documents.length === 0;
}

function setupDocuments() {
  const form = document.getElementById("add-document");
  const status = document.getElementById("add-document-status");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    status.textContent = "Bezig met controleren en indexeren…";
    try {
      const added = await api.addDocument(data.get("file"), {
        kind: data.get("kind"), title: data.get("title"), insurer: data.get("insurer"), version: data.get("version"),
      });
      status.textContent = `Toegevoegd: ${added.title}.`;
      form.reset();
      await loadLists();
    } catch (err) {
      status.textContent = err.message;
    } finally {
      button.disabled = false;
    }
  });
  document.getElementById("documents-list").addEventListener("click", async (event) => {
    const button = event.target.closest("button.remove-document");
    if (!button || !window.confirm("Dit document uit de bronnen halen?")) return;
    try {
      const removed = await api.removeDocument(button.dataset.id);
      status.textContent = `Verwijderd: ${removed.title}.`;
      await loadLists();
    } catch (err) {
      status.textContent = err.message;
    }
  });
}

async function loadLists() {
  // The page keeps no list of its own: the API's domain data is the one source of names and numbers.
  let names = [];
  try {
    const domain = await api.domain();
    names = domain.insurers;
    review.setDomain(domain);
  } catch (err) {
    // a server still starting: fill the lists once it answers (a token asked for reloads them itself)
    if (err.status !== 401) setTimeout(loadLists, 3000);
  }
  fillSelect(document.getElementById("insurer"), names, "Alle verzekeraars");
  fillSelect(document.getElementById("review-insurer"), names, "Kies verzekeraar…");
  fillSelect(document.getElementById("document-insurer"), names, "Geen (alle verzekeraars)");

  try {
    const documents = await api.documents();
    const titles = new Map(documents.map((d) => [d.id, d.title || d.id]));
    chat.setDocumentTitles(titles);
    review.setDocumentTitles(titles);
    viewer.setDocumentTitles(titles);
    renderDocuments(documents);
  } catch {
    /* titles are a nicety: sources fall back to the document id */
  }
}

watchHealth();
setupDocuments();
loadLists();
