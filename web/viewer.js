// Source viewer: shows a cited passage inside its document context, the passage in a <mark>
// and the citation's exact quote marked more strongly within it.

import * as api from "./api.js";
import { el, pageLabel } from "./format.js";

const viewer = document.getElementById("viewer");
const title = document.getElementById("viewer-title");
const meta = document.getElementById("viewer-meta");
const body = document.getElementById("viewer-body");
const closeButton = document.getElementById("viewer-close");
const layout = document.getElementById("chat-layout");

let returnFocusTo = null;
let requestId = 0;
let titles = new Map();

export function setDocumentTitles(map) {
  titles = map;
}

function regexEscape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Find `quote` in `text`: exact first, then with collapsed whitespace and "…" standing for an
 * omission. Returns [start, end] or null.
 */
export function locateQuote(text, quote, hint = -1) {
  if (!quote) return null;
  const trimmed = quote.trim();
  if (hint >= 0 && text.slice(hint, hint + trimmed.length) === trimmed) return [hint, hint + trimmed.length];
  const exact = text.indexOf(trimmed);
  if (exact !== -1) return [exact, exact + trimmed.length];
  const parts = trimmed
    .split(/\s*(?:…|\.\.\.)\s*/)
    .filter(Boolean)
    .map((part) => part.split(/\s+/).map(regexEscape).join("\\s+"));
  if (!parts.length) return null;
  const match = new RegExp(parts.join("[\\s\\S]*?")).exec(text);
  return match ? [match.index, match.index + match[0].length] : null;
}

function metaRow(label, value) {
  if (value === null || value === undefined || value === "") return null;
  return [el("dt", { text: label }), el("dd", { text: String(value) })];
}

function renderMeta(item) {
  meta.replaceChildren(
    ...[
      metaRow("Document", item.title || titles.get(item.document) || item.document),
      metaRow("Sectie", item.section),
      metaRow("Pagina", pageLabel(item.page) ? item.page : ""),
      metaRow("Verzekeraar", item.insurer || "Alle verzekeraars (handreiking)"),
      metaRow("Bouwsteen", item.bouwsteen),
    ]
      .filter(Boolean)
      .flat()
  );
}

/** The passage text as nodes: outer <mark>, with the quote in <mark class="quote">. */
function passageNodes(passage, citation) {
  const text = passage.text || "";
  const quote = citation && citation.quote;
  let hint = -1;
  if (citation && Number.isInteger(citation.start) && Number.isInteger(passage.start)) {
    hint = citation.start - passage.start;
  }
  const span = quote ? locateQuote(text, quote, hint) : null;
  const mark = el("mark", { class: "passage" });
  let strong = mark;
  if (span && !(span[0] === 0 && span[1] === text.length)) {
    strong = el("mark", { class: "quote" }, text.slice(span[0], span[1]));
    mark.append(text.slice(0, span[0]), strong, text.slice(span[1]));
  } else {
    mark.append(text);
    if (span) mark.classList.add("quote");
  }
  return { mark, strong, found: Boolean(span) };
}

function show() {
  viewer.hidden = false;
  layout.classList.add("has-viewer");
}

export function closeViewer() {
  if (viewer.hidden) return;
  requestId += 1;
  viewer.hidden = true;
  layout.classList.remove("has-viewer");
  if (returnFocusTo && returnFocusTo.isConnected) returnFocusTo.focus();
  returnFocusTo = null;
}

/**
 * Open the viewer for a citation or related passage (answer-object shape). `label` is shown as
 * the heading, e.g. "Bron [2]".
 */
export async function openSource(citation, label, opener) {
  const id = ++requestId;
  returnFocusTo = opener || document.activeElement;
  show();
  title.textContent = label;
  renderMeta(citation);
  body.replaceChildren(el("p", { class: "muted", role: "status", text: "Passage wordt geladen…" }));
  viewer.setAttribute("aria-busy", "true");
  title.focus();

  let passage = null;
  let problem = "";
  if (citation.passage_id) {
    try {
      passage = await api.passage(citation.passage_id);
    } catch (err) {
      problem = err.message;
    }
  } else {
    problem = "De context van deze passage is niet beschikbaar.";
  }
  if (id !== requestId) return; // another source was opened meanwhile
  viewer.removeAttribute("aria-busy");

  if (!passage) {
    // Still show the quote itself, so the reader can check the claim.
    body.replaceChildren(
      el("p", { class: "muted", text: problem }),
      el("div", { class: "doc-text" }, el("mark", { class: "passage quote" }, citation.quote || ""))
    );
    return;
  }

  renderMeta({ ...citation, ...passage });
  const { mark, strong, found } = passageNodes(passage, citation);
  const doc = el("div", { class: "doc-text" });
  if (passage.context_before) doc.append(el("span", { class: "context" }, passage.context_before));
  doc.append(mark);
  if (passage.context_after) doc.append(el("span", { class: "context" }, passage.context_after));
  const nodes = [doc];
  if (citation.quote && !found) {
    nodes.unshift(
      el(
        "p",
        { class: "notice" },
        "Het geciteerde fragment staat niet letterlijk in deze passage: ",
        el("q", {}, citation.quote)
      )
    );
  }
  body.replaceChildren(...nodes);
  // Scroll only the viewer's own box (position: relative), not the whole page.
  body.scrollTop = Math.max(0, strong.offsetTop - body.clientHeight / 3);
}

closeButton.addEventListener("click", closeViewer);
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && !viewer.hidden) {
    event.preventDefault();
    closeViewer();
  }
});
