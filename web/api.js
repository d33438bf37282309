// Talking to the RESV-assistent HTTP API (same origin).
//
// Every /api request carries the optional bearer token kept in sessionStorage. A 401 calls the
// handler registered with onUnauthorized() so the page can ask for a token. Failures become an
// ApiError whose message is the server's `detail` (or a Dutch fallback), never a raw body.

const TOKEN_KEY = "resv-api-token";

export class ApiError extends Error {
  constructor(message, status = 0) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

let unauthorizedHandler = () => {};

export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
}

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY) || "";
}

export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

function authHeaders(extra = {}) {
  const token = getToken();
  return token ? { ...extra, Authorization: `Bearer ${token}` } : { ...extra };
}

const FALLBACK_MESSAGES = {
  401: "Toegang geweigerd: vul een geldig API-token in.",
  403: "Geen toegang tot deze functie.",
  404: "Niet gevonden.",
  413: "Het bestand is te groot.",
  415: "Dit bestandstype wordt niet ondersteund.",
  503: "De assistent is nog niet gereed. Probeer het zo opnieuw.",
};

/** Turn a parsed `{"detail": ...}` body into one readable sentence. */
export function detailText(body) {
  const detail = body && body.detail;
  if (typeof detail === "string" && detail.trim()) return detail.trim();
  if (Array.isArray(detail)) {
    // FastAPI validation errors: [{loc, msg, type}, ...]
    const parts = detail.map((d) => (d && typeof d.msg === "string" ? d.msg : "")).filter(Boolean);
    if (parts.length) return parts.join("; ");
  }
  return "";
}

function fallbackMessage(status) {
  if (FALLBACK_MESSAGES[status]) return FALLBACK_MESSAGES[status];
  if (status >= 500) return `Er ging iets mis op de server (HTTP ${status}). Probeer het opnieuw.`;
  return `Het verzoek is mislukt (HTTP ${status}).`;
}

/** Build an ApiError from a non-OK fetch Response; notifies the 401 handler. */
async function errorFromResponse(response) {
  let message = "";
  const type = response.headers.get("content-type") || "";
  if (type.includes("json")) {
    try {
      message = detailText(await response.json());
    } catch {
      message = "";
    }
  }
  if (response.status === 401) unauthorizedHandler();
  return new ApiError(message || fallbackMessage(response.status), response.status);
}

async function request(url, options = {}) {
  let response;
  try {
    response = await fetch(url, { ...options, headers: authHeaders(options.headers) });
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new ApiError("De server is niet bereikbaar. Controleer of de assistent draait.");
  }
  if (!response.ok) throw await errorFromResponse(response);
  return response;
}

export async function getJSON(url) {
  const response = await request(url);
  return response.json();
}

export async function postJSON(url, body, options = {}) {
  const response = await request(url, {
    ...options,
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return response.json();
}

/** GET /healthz → "ok" | "loading" | "down" (no token needed). */
export async function health() {
  try {
    const response = await fetch("/healthz", { cache: "no-store" });
    return response.ok ? "ok" : "loading";
  } catch {
    return "down";
  }
}

export const domain = () => getJSON("/api/domain");
export const documents = () => getJSON("/api/documents").then((b) => b.documents || []);

/** POST /api/documents: the file with its kind and title (insurer, version, origin optional) → its manifest entry. */
export async function addDocument(file, fields) {
  const form = new FormData();
  form.append("file", file, file.name);
  for (const [name, value] of Object.entries(fields)) if (value) form.append(name, value);
  const response = await request("/api/documents", { method: "POST", body: form });
  return response.json();
}

/** DELETE /api/documents/{id} → the removed manifest entry. */
export async function removeDocument(id) {
  const response = await request(`/api/documents/${encodeURIComponent(id)}`, { method: "DELETE" });
  return response.json();
}
export const passage = (id) => getJSON(`/api/passages/${encodeURIComponent(id)}`);
export const ask = (body, signal) => postJSON("/api/ask", body, { signal });

/**
 * Parse a text/event-stream body. Calls onEvent(name, data) per event; `data` is the raw
 * string (multi-line data joined with "\n").
 */
export async function readEventStream(body, onEvent) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let eventName = "";
  let dataLines = [];

  const dispatch = () => {
    if (dataLines.length || eventName) onEvent(eventName || "message", dataLines.join("\n"));
    eventName = "";
    dataLines = [];
  };
  const handleLine = (line) => {
    if (line === "") return dispatch();
    if (line.startsWith(":")) return; // comment / keep-alive
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") eventName = value;
    else if (field === "data") dataLines.push(value);
  };

  for (;;) {
    const { value, done } = await reader.read();
    buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
    // A "\r" at the very end may be the first half of "\r\n": keep it for the next chunk.
    const hold = !done && buffer.endsWith("\r");
    const lines = (hold ? buffer.slice(0, -1) : buffer).split(/\r\n|\r|\n/);
    const partial = lines.pop(); // text after the last line break
    buffer = partial + (hold ? "\r" : "");
    lines.forEach(handleLine);
    if (done) {
      if (buffer) handleLine(buffer);
      dispatch();
      return;
    }
  }
}

function parseData(data) {
  try {
    return JSON.parse(data);
  } catch {
    return null;
  }
}

/**
 * POST /api/chat and stream the answer. onDelta(text) receives each chunk. Resolves with the
 * final answer object. Falls back to POST /api/ask when the server has no streaming endpoint.
 */
export async function chat(body, { onDelta, signal }) {
  let response;
  try {
    response = await fetch("/api/chat", {
      method: "POST",
      headers: authHeaders({ "Content-Type": "application/json", Accept: "text/event-stream" }),
      body: JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new ApiError("De server is niet bereikbaar. Controleer of de assistent draait.");
  }
  if ([404, 405, 501].includes(response.status)) return ask(body, signal);
  if (!response.ok) throw await errorFromResponse(response);
  const type = response.headers.get("content-type") || "";
  if (type.includes("application/json")) return response.json();
  if (!response.body) return ask(body, signal);

  let answer = null;
  let failure = null;
  await readEventStream(response.body, (name, data) => {
    if (name === "delta") {
      const chunk = parseData(data);
      if (chunk && typeof chunk.text === "string") onDelta(chunk.text);
    } else if (name === "answer") {
      answer = parseData(data);
    } else if (name === "error") {
      failure = new ApiError(detailText(parseData(data)) || "Het antwoord kon niet worden gemaakt.");
    }
  });
  if (failure) throw failure;
  if (!answer) throw new ApiError("Het antwoord is onvolledig ontvangen. Probeer het opnieuw.");
  return answer;
}

/**
 * POST /api/review (multipart) with upload progress. Returns {promise, abort}.
 * onProgress(fraction) during upload; onUploaded() once the file is sent.
 */
export function uploadReview(file, insurer, { onProgress, onUploaded }) {
  const xhr = new XMLHttpRequest();
  const promise = new Promise((resolve, reject) => {
    xhr.open("POST", "/api/review");
    const token = getToken();
    if (token) xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.responseType = "text";
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.upload.onload = () => onUploaded();
    xhr.onerror = () => reject(new ApiError("De server is niet bereikbaar. Het plan is niet verstuurd."));
    xhr.onabort = () => reject(new DOMException("Upload geannuleerd", "AbortError"));
    xhr.onload = () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300 && body) return resolve(body);
      if (xhr.status === 401) unauthorizedHandler();
      const message =
        detailText(body) ||
        (xhr.status >= 200 && xhr.status < 300
          ? "Het antwoord van de server was onleesbaar."
          : fallbackMessage(xhr.status));
      reject(new ApiError(message, xhr.status));
    };
    const form = new FormData();
    form.append("file", file, file.name);
    form.append("insurer", insurer);
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}

function filenameFrom(disposition) {
  if (!disposition) return "";
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ""));
    } catch {
      /* fall through to the plain filename */
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(disposition);
  return plain ? plain[1].trim() : "";
}

/** POST /api/report?format=md|html and save the file via an object URL. */
export async function downloadReport(review, format, fallbackName) {
  const response = await request(`/api/report?format=${encodeURIComponent(format)}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(review),
  });
  const blob = await response.blob();
  const name = filenameFrom(response.headers.get("content-disposition")) || fallbackName;
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
