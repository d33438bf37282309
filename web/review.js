// "Plan beoordelen": upload a draft plan, show the review per bouwsteen, filter it and
// download the report.

import * as api from "./api.js";
import { el, pageLabel, STATUS_ORDER } from "./format.js";
import { clearErrors, showError } from "./errors.js";

const ACCEPTED = ["pdf", "docx", "md", "markdown", "txt"];
// Names from the API's domain data (setDomain): the page keeps no copy of its own.
let bouwstenen = {};
let labels = {};

/** Bouwsteen titles and status labels as GET /api/domain gives them. */
export function setDomain(domain) {
  bouwstenen = Object.fromEntries((domain.bouwstenen || []).map((b) => [b.number, b.title]));
  labels = domain.statuses || {};
}

const label = (status) => labels[status] || status;
const ICONS = { missing: "✕", partial: "◐", met: "✓" };

const form = document.getElementById("review-form");
const dropZone = document.getElementById("drop-zone");
const fileInput = document.getElementById("plan-file");
const fileName = document.getElementById("file-name");
const insurer = document.getElementById("review-insurer");
const submit = document.getElementById("review-submit");
const cancel = document.getElementById("review-cancel");
const statusBox = document.getElementById("review-status");
const progress = document.getElementById("review-progress");
const progressLabel = document.getElementById("review-progress-label");
const errors = document.getElementById("review-errors");
const result = document.getElementById("review-result");
const resultTitle = document.getElementById("review-title");
const summary = document.getElementById("review-summary");
const documentWarning = document.getElementById("document-warning");
const table = document.getElementById("review-table");
const onlyGaps = document.getElementById("only-gaps");
const statusFilter = document.getElementById("status-filter");
const filterStatus = document.getElementById("filter-status");
const downloadMd = document.getElementById("download-md");
const downloadHtml = document.getElementById("download-html");
const reportErrors = document.getElementById("report-errors");
const placeholder = document.getElementById("review-placeholder");

let file = null;
let upload = null;
let review = null;
let titles = new Map();

export function setDocumentTitles(map) {
  titles = map;
}

function extension(name) {
  const dot = name.lastIndexOf(".");
  return dot === -1 ? "" : name.slice(dot + 1).toLowerCase();
}

function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(1).replace(".", ",")} MB`;
}

function chooseFile(candidate) {
  clearErrors(errors);
  if (!candidate) {
    file = null;
    fileName.textContent = "Nog geen bestand gekozen.";
    return;
  }
  if (!ACCEPTED.includes(extension(candidate.name))) {
    file = null;
    fileInput.value = "";
    fileName.textContent = "Nog geen bestand gekozen.";
    showError(errors, `„${candidate.name}” is geen PDF-, DOCX-, Markdown- of tekstbestand.`);
    return;
  }
  file = candidate;
  fileName.textContent = `${candidate.name} (${formatSize(candidate.size)})`;
}

fileInput.addEventListener("change", () => chooseFile(fileInput.files[0] || null));
// A click anywhere in the zone opens the file picker, like the "Kies bestand" button.
dropZone.addEventListener("click", (event) => {
  if (event.target === dropZone || event.target.matches("p")) fileInput.click();
});

for (const type of ["dragenter", "dragover"]) {
  dropZone.addEventListener(type, (event) => {
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    dropZone.classList.add("dragging");
  });
}
dropZone.addEventListener("dragleave", (event) => {
  if (!dropZone.contains(event.relatedTarget)) dropZone.classList.remove("dragging");
});
dropZone.addEventListener("drop", (event) => {
  event.preventDefault();
  dropZone.classList.remove("dragging");
  const dropped = event.dataTransfer.files;
  if (!dropped.length) return;
  try {
    fileInput.files = dropped; // keep the input in sync where the browser allows it
  } catch {
    /* older browsers: the `file` variable is enough */
  }
  chooseFile(dropped[0]);
});
// A file dropped next to the zone must not make the browser navigate away from the page.
window.addEventListener("dragover", (event) => event.preventDefault());
window.addEventListener("drop", (event) => event.preventDefault());

function setBusy(busy) {
  submit.disabled = busy;
  cancel.hidden = !busy;
  fileInput.disabled = busy;
  insurer.disabled = busy;
  form.setAttribute("aria-busy", String(busy));
}

function showProgress(fraction) {
  statusBox.hidden = false;
  const percent = Math.round(fraction * 100);
  progress.max = 100;
  progress.value = percent;
  progressLabel.textContent = `Plan wordt geüpload… ${percent}%`;
}

function showReviewing() {
  progress.removeAttribute("value"); // indeterminate
  progressLabel.textContent = "Plan wordt beoordeeld…";
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(errors);
  insurer.removeAttribute("aria-invalid");
  if (!file) {
    showError(errors, "Kies eerst een plan: een PDF-, DOCX-, Markdown- of tekstbestand.");
    fileInput.focus();
    return;
  }
  if (!insurer.value) {
    insurer.setAttribute("aria-invalid", "true");
    showError(errors, "Kies de verzekeraar die marktleider is in de regio van het plan.");
    insurer.focus();
    return;
  }
  result.hidden = true;
  clearErrors(reportErrors);
  review = null;
  setBusy(true);
  showProgress(0);
  upload = api.uploadReview(file, insurer.value, { onProgress: showProgress, onUploaded: showReviewing });
  try {
    review = await upload.promise;
    progress.value = 100;
    progressLabel.textContent = "Beoordeling gereed.";
    renderReview(review);
  } catch (err) {
    statusBox.hidden = true;
    if (err.name === "AbortError") {
      progressLabel.textContent = "";
    } else {
      showError(errors, err.message);
    }
  } finally {
    upload = null;
    setBusy(false);
  }
});

cancel.addEventListener("click", () => {
  if (upload) upload.abort();
});

function counts(findings) {
  const tally = { met: 0, partial: 0, missing: 0 };
  for (const f of findings) if (f.status in tally) tally[f.status] += 1;
  return tally;
}

function tallyText(tally) {
  return ["missing", "partial", "met"].map((s) => `${tally[s]} ${label(s)}`).join(" · ");
}

function badge(finding) {
  // a partial the judge doubted is probably met: it says so, so an assessor reads those first
  const shown = finding.lowered === "uncertain" ? "uncertain" : finding.status;
  return el(
    "span",
    { class: `badge status-${finding.status}`, dataset: { shown } },
    el("span", { "aria-hidden": "true", text: ICONS[finding.status] || "•" }),
    ` ${label(shown)}`
  );
}

function quoteBlock(text, cite) {
  return el("figure", { class: "quote-block" }, el("blockquote", {}, text), cite ? el("figcaption", { text: cite }) : null);
}

function detailContent(finding) {
  const evidence = finding.evidence || [];
  const source = finding.source || {};
  const sourceTitle = titles.get(source.document) || source.document || "Onbekend document";
  return el(
    "div",
    { class: "finding-details" },
    el(
      "section",
      {},
      el("h4", { text: "Bewijs in het plan" }),
      evidence.length
        ? evidence.map((e) => quoteBlock(e.quote, pageLabel(e.page) || "geen paginanummer"))
        : el("p", { class: "muted", text: "Geen bewijs gevonden in het plan." })
    ),
    el(
      "section",
      {},
      el("h4", { text: "Eis in de bron" }),
      quoteBlock(source.quote || "", [sourceTitle, source.section].filter(Boolean).join(" · "))
    )
  );
}

function findingRows(finding, index) {
  const detailId = `finding-detail-${index}`;
  const toggle = el(
    "button",
    { type: "button", class: "expand", "aria-expanded": "false", "aria-controls": detailId },
    el("span", { class: "chevron", "aria-hidden": "true" }),
    el("span", { text: finding.requirement })
  );
  const row = el(
    "tr",
    { class: "finding", dataset: { status: finding.status, bouwsteen: String(finding.bouwsteen), id: finding.id } },
    el("td", { class: "col-status" }, badge(finding)),
    el("td", { class: "col-requirement" }, toggle),
    el("td", { class: "col-insurer", text: finding.insurer || "Handreiking" }),
    el("td", { class: "col-note", text: finding.note || "" })
  );
  const detail = el("tr", { class: "finding-detail", id: detailId, hidden: true }, el("td", { colspan: "4" }, detailContent(finding)));
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    detail.hidden = !open;
  });
  return [row, detail];
}

function groupBody(bouwsteen, findings, startIndex) {
  const sorted = findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => (STATUS_ORDER[a.f.status] ?? 9) - (STATUS_ORDER[b.f.status] ?? 9) || a.i - b.i)
    .map(({ f }) => f);
  const name = bouwstenen[bouwsteen] ? `Bouwsteen ${bouwsteen} – ${bouwstenen[bouwsteen]}` : `Bouwsteen ${bouwsteen}`;
  return el(
    "tbody",
    { class: "bouwsteen-group", dataset: { bouwsteen: String(bouwsteen) } },
    el(
      "tr",
      { class: "group-heading" },
      el(
        "th",
        { colspan: "4", scope: "rowgroup" },
        el("h3", { id: `bouwsteen-${bouwsteen}`, text: name }),
        el("span", { class: "tally", text: tallyText(counts(findings)) })
      )
    ),
    sorted.flatMap((f, i) => findingRows(f, startIndex + i)),
    el(
      "tr",
      { class: "group-empty", hidden: true },
      el("td", {
        colspan: "4",
        class: "muted",
        text: findings.length ? "Geen eisen die aan het filter voldoen." : "Geen eisen gevonden voor deze bouwsteen.",
      })
    )
  );
}

function renderSummary(data) {
  const tally = data.summary || counts(data.findings || []);
  const total = tally.met + tally.partial + tally.missing;
  const items = [];
  for (const s of ["missing", "partial", "met"]) {
    items.push(el("li", { class: `summary-item status-${s}`, dataset: { status: s } }, el("strong", { text: String(tally[s]) }), ` ${label(s)}`));
    if (s === "partial" && tally.uncertain) {
      items.push(el("li", { class: "summary-item status-uncertain" }, "waarvan ", el("strong", { text: String(tally.uncertain) }), ` ${label("uncertain")}`));
    }
  }
  summary.replaceChildren(...items, el("li", { class: "summary-item total" }, el("strong", { text: String(total) }), " eisen"));
}

function renderDocumentCheck(data) {
  // the review's statement on the document as a whole: shown above everything when nothing could be judged met
  const doc = data.document;
  documentWarning.hidden = !doc || doc.judged;
  documentWarning.textContent = doc && !doc.judged ? doc.statement : "";
}

export function renderReview(data) {
  resultTitle.textContent = `Beoordeling van ${data.plan || "het plan"} — ${data.insurer || ""}`.replace(/ — $/, "");
  renderDocumentCheck(data);
  renderSummary(data);
  const groups = new Map();
  for (const f of data.findings || []) {
    const key = Number(f.bouwsteen) || 0;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(f);
  }
  const keys = [...new Set([1, 2, 3, 4, 5, 6, 7, ...groups.keys()])].sort((a, b) => (a || 99) - (b || 99));
  const head = el(
    "thead",
    {},
    el(
      "tr",
      {},
      el("th", { scope: "col", class: "col-status", text: "Status" }),
      el("th", { scope: "col", text: "Eis" }),
      el("th", { scope: "col", class: "col-insurer", text: "Bron" }),
      el("th", { scope: "col", text: "Toelichting" })
    )
  );
  let index = 0;
  const bodies = [];
  for (const key of keys) {
    const findings = groups.get(key) || [];
    bodies.push(groupBody(key, findings, index));
    index += findings.length;
  }
  table.replaceChildren(el("caption", { class: "visually-hidden", text: "Bevindingen per bouwsteen" }), head, ...bodies);
  placeholder.hidden = true;
  result.hidden = false;
  applyFilters();
  resultTitle.focus();
}

function applyFilters() {
  const gapsOnly = onlyGaps.checked;
  const wanted = statusFilter.value;
  let shown = 0;
  let total = 0;
  for (const group of table.querySelectorAll("tbody.bouwsteen-group")) {
    let visible = 0;
    for (const row of group.querySelectorAll("tr.finding")) {
      total += 1;
      const status = row.dataset.status;
      const show = (!gapsOnly || status !== "met") && (!wanted || status === wanted);
      row.hidden = !show;
      const detail = row.nextElementSibling;
      const expanded = row.querySelector(".expand").getAttribute("aria-expanded") === "true";
      detail.hidden = !(show && expanded);
      if (show) visible += 1;
    }
    shown += visible;
    group.querySelector(".group-empty").hidden = visible > 0;
  }
  filterStatus.textContent = `${shown} van ${total} eisen getoond.`;
}

onlyGaps.addEventListener("change", applyFilters);
statusFilter.addEventListener("change", applyFilters);

async function download(format, button) {
  if (!review) return;
  clearErrors(reportErrors);
  const stem = (review.plan || "plan").replace(/\.[^.]+$/, "");
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    await api.downloadReport(review, format, `beoordeling-${stem}.${format}`);
  } catch (err) {
    showError(reportErrors, err.message);
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

downloadMd.addEventListener("click", () => download("md", downloadMd));
downloadHtml.addEventListener("click", () => download("html", downloadHtml));
