// Small helpers shared by the chat, the viewer and the review: safe HTML and labels.

export function escapeHtml(text) {
  return String(text ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** Create an element: el("p", {class: "x", text: "..."}, child, ...). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function citeButton(n) {
  return `<button type="button" class="cite" data-n="${n}" aria-label="Bron ${n}">[${n}]</button>`;
}

/** Inline markup on already-escaped text: **bold**, `code`, [n] and [n, m] citation markers. */
function inline(escaped) {
  return escaped
    .replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>")
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\[(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\]/g, (_, list) =>
      list
        .split(/\s*[,;]\s*/)
        .map((n) => citeButton(Number(n)))
        .join("")
    );
}

/**
 * Render the answer's Markdown-ish text as safe HTML: paragraphs, line breaks, "- " / "* "
 * bullet lists, "1. " numbered lists, "#" headings as bold lines, **bold** and [n] buttons.
 * All source text is escaped first; only the tags made here reach the page.
 */
export function renderAnswerHtml(text) {
  const lines = String(text ?? "").replace(/\r\n?/g, "\n").split("\n");
  const out = [];
  let paragraph = [];
  let list = null; // {tag, items}

  const flushParagraph = () => {
    if (paragraph.length) out.push(`<p>${paragraph.join("<br>")}</p>`);
    paragraph = [];
  };
  const flushList = () => {
    if (list) out.push(`<${list.tag}>${list.items.map((i) => `<li>${i}</li>`).join("")}</${list.tag}>`);
    list = null;
  };

  for (const raw of lines) {
    const line = raw.trimEnd();
    const bullet = /^\s*[-*•]\s+(.*)$/.exec(line);
    const numbered = /^\s*\d{1,2}[.)]\s+(.*)$/.exec(line);
    const heading = /^\s*#{1,6}\s+(.*)$/.exec(line);
    if (!line.trim()) {
      flushParagraph();
      flushList();
    } else if (bullet || numbered) {
      flushParagraph();
      const tag = bullet ? "ul" : "ol";
      if (list && list.tag !== tag) flushList();
      if (!list) list = { tag, items: [] };
      list.items.push(inline(escapeHtml((bullet || numbered)[1])));
    } else if (heading) {
      flushParagraph();
      flushList();
      out.push(`<p class="md-heading"><strong>${inline(escapeHtml(heading[1]))}</strong></p>`);
    } else if (list && /^\s{2,}\S/.test(raw)) {
      // indented continuation of the previous list item
      list.items[list.items.length - 1] += `<br>${inline(escapeHtml(line.trim()))}`;
    } else {
      flushList();
      paragraph.push(inline(escapeHtml(line)));
    }
  }
  flushParagraph();
  flushList();
  return out.join("");
}

/** "p. 3" or "" */
export function pageLabel(page) {
  return Number.isInteger(page) ? `p. ${page}` : "";
}

/** Human label of a passage or citation: "title · section · p. 3". */
export function sourceLabel(item, titles = new Map()) {
  const title = item.title || titles.get(item.document) || item.document || "Onbekend document";
  return [title, item.section, pageLabel(item.page)].filter(Boolean).join(" · ");
}

/** Gaps first. What each status is called comes from the API (GET /api/domain), never from here. */
export const STATUS_ORDER = { missing: 0, partial: 1, met: 2 };
