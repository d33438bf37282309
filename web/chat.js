// "Vragen": the conversation. History lives here and is sent with every question, because the
// server keeps no session state.

import * as api from "./api.js";
import { el, renderAnswerHtml, sourceLabel } from "./format.js";
import { closeViewer, openSource } from "./viewer.js";
import { clearErrors, showError } from "./errors.js";

const MAX_HISTORY = 20; // turns sent back to the server

const form = document.getElementById("chat-form");
const question = document.getElementById("question");
const send = document.getElementById("send");
const insurer = document.getElementById("insurer");
const newChat = document.getElementById("new-chat");
const messages = document.getElementById("messages");
const scroller = document.getElementById("conversation");
const empty = document.getElementById("chat-empty");
const errors = document.getElementById("chat-errors");

let history = [];
let controller = null;
let titles = new Map();
const answers = new WeakMap(); // message element → Promise<answer object>

export function setDocumentTitles(map) {
  titles = map;
}

function nearBottom() {
  return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
}

function scrollToBottom() {
  scroller.scrollTop = scroller.scrollHeight;
}

function insurerLabel(value) {
  return value || "Alle verzekeraars";
}

function addUserMessage(text, scope) {
  const node = el(
    "article",
    { class: "message user", "aria-label": "Uw vraag" },
    el("p", { class: "message-meta", text: `U · ${insurerLabel(scope)}` }),
    el("div", { class: "message-body plain", text })
  );
  messages.append(node);
  return node;
}

function sourceButton(item, kind, index) {
  const number = Number.isInteger(item.n) ? `[${item.n}] ` : "";
  return el(
    "button",
    { type: "button", class: "source-link", dataset: { kind, index: String(index) } },
    el("span", { class: "source-n", text: number }),
    el("span", { text: sourceLabel(item, titles) }),
    el("span", { class: "chip", text: item.insurer || "Handreiking" })
  );
}

function sourcesBlock(answer) {
  const parts = [];
  const citations = answer.citations || [];
  const related = answer.related || [];
  if (citations.length) {
    parts.push(
      el("h3", { class: "sources-heading", text: "Bronnen" }),
      el("ol", { class: "source-list" }, citations.map((c, i) => el("li", {}, sourceButton(c, "citation", i))))
    );
  }
  if (related.length) {
    parts.push(
      el("h3", { class: "sources-heading", text: "Dichtstbijzijnde passages" }),
      el("p", {
        class: "muted small",
        text: "Deze passages liggen het dichtst bij uw vraag, maar onderbouwen geen antwoord.",
      }),
      el("ul", { class: "source-list related" }, related.map((r, i) => el("li", {}, sourceButton(r, "related", i))))
    );
  }
  return parts.length ? el("div", { class: "sources" }, parts) : null;
}

/** Render the final answer into its message element. */
function renderAnswer(node, answer) {
  const body = node.querySelector(".message-body");
  const text = answer.answer || "";
  const split = Number.isInteger(answer.context_start) ? answer.context_start : text.length;
  body.innerHTML = renderAnswerHtml(text.slice(0, split));
  if (split < text.length) {
    // The answer is stated above; the passages around it are context, shown on request.
    // Its first line is the heading in the question's language: it becomes the toggle.
    const rest = text.slice(split);
    const heading = /^\s*\*\*([^*\n]+)\*\*\s*\n/.exec(rest);
    const context = el("details", { class: "answer-context" }, el("summary", { text: heading ? heading[1] : "Context" }));
    context.insertAdjacentHTML("beforeend", renderAnswerHtml(heading ? rest.slice(heading[0].length) : rest));
    body.append(context);
  }
  const known = new Set((answer.citations || []).map((c) => c.n));
  for (const button of body.querySelectorAll(".cite")) {
    if (!known.has(Number(button.dataset.n))) button.replaceWith(button.textContent);
  }
  node.classList.remove("streaming");
  node.removeAttribute("aria-busy");
  if (answer.abstained) {
    node.classList.add("abstained");
    node.querySelector(".message-meta").after(el("p", { class: "abstain-label", text: "Geen antwoord in de bronnen" }));
  }
  if (answer.composer === "language-model") {
    body.before(el("p", { class: "composer-label muted small",
      text: "Geformuleerd door een taalmodel; elke zin staat in de bron die hij noemt." }));
  }
  if (answer.composer_note) body.after(el("p", { class: "composer-note muted small", text: answer.composer_note }));
  const sources = sourcesBlock(answer);
  if (sources) node.append(sources);
}

function addAssistantMessage() {
  const body = el("div", { class: "message-body" }, el("p", { class: "muted", text: "Bezig met zoeken in de bronnen…" }));
  const node = el(
    "article",
    { class: "message assistant streaming", "aria-label": "Antwoord", "aria-busy": "true" },
    el("p", { class: "message-meta", text: "RESV-assistent" }),
    body
  );
  messages.append(node);

  let text = "";
  let scheduled = false;
  const paint = () => {
    scheduled = false;
    if (!node.classList.contains("streaming")) return;
    const follow = nearBottom();
    body.innerHTML = renderAnswerHtml(text);
    if (follow) scrollToBottom();
  };
  return {
    node,
    append(chunk) {
      text += chunk;
      if (!scheduled) {
        scheduled = true;
        requestAnimationFrame(paint);
      }
    },
  };
}

async function ask(text) {
  clearErrors(errors);
  const scope = insurer.value || null;
  const turns = history.slice(-MAX_HISTORY);
  empty.hidden = true;
  const userNode = addUserMessage(text, scope);
  const reply = addAssistantMessage();
  scrollToBottom();

  controller = new AbortController();
  const mine = controller;
  send.disabled = true;
  send.setAttribute("aria-busy", "true");
  let settle;
  answers.set(reply.node, new Promise((resolve) => (settle = resolve)));
  try {
    const answer = await api.chat(
      { question: text, insurer: scope, history: turns },
      { onDelta: (chunk) => reply.append(chunk), signal: mine.signal }
    );
    renderAnswer(reply.node, answer);
    settle(answer);
    history.push({ role: "user", content: text }, { role: "assistant", content: answer.answer || "" });
    if (nearBottom()) scrollToBottom();
  } catch (err) {
    settle(null);
    if (err.name === "AbortError") return;
    userNode.remove();
    reply.node.remove();
    if (!question.value.trim()) question.value = text;
    empty.hidden = messages.children.length > 0;
    showError(errors, err.message);
  } finally {
    if (controller === mine) {
      controller = null;
      send.disabled = false;
      send.removeAttribute("aria-busy");
    }
  }
}

function submit() {
  const text = question.value.trim();
  if (!text) {
    question.focus();
    return;
  }
  if (controller) return; // an answer is still streaming
  question.value = "";
  ask(text);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  submit();
});

question.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    submit();
  }
});

newChat.addEventListener("click", () => {
  if (controller) controller.abort();
  controller = null;
  send.disabled = false;
  send.removeAttribute("aria-busy");
  history = [];
  messages.replaceChildren();
  clearErrors(errors);
  closeViewer();
  empty.hidden = false;
  question.value = "";
  question.focus();
});

empty.addEventListener("click", (event) => {
  const button = event.target.closest("button.example");
  if (!button) return;
  question.value = button.textContent.trim();
  submit();
});

messages.addEventListener("click", async (event) => {
  const cite = event.target.closest("button.cite");
  const link = event.target.closest("button.source-link");
  if (!cite && !link) return;
  const node = event.target.closest(".message.assistant");
  const answer = node && (await answers.get(node));
  if (!answer) return;
  if (cite) {
    const n = Number(cite.dataset.n);
    const citation = (answer.citations || []).find((c) => c.n === n);
    if (citation) openSource(citation, `Bron [${n}]`, cite);
  } else if (link.dataset.kind === "related") {
    const item = (answer.related || [])[Number(link.dataset.index)];
    if (item) openSource(item, "Dichtstbijzijnde passage", link);
  } else {
    const citation = (answer.citations || [])[Number(link.dataset.index)];
    if (citation) openSource(citation, `Bron [${citation.n}]`, link);
  }
});
