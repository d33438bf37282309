// Visible error messages: one `.error[role=alert]` element per problem, inside a container
// that belongs to the part of the page where the problem happened.

import { el } from "./format.js";

export function clearErrors(container) {
  container.replaceChildren();
}

export function showError(container, message) {
  clearErrors(container);
  const box = el(
    "div",
    { class: "error", role: "alert" },
    el("p", { text: message || "Er ging iets mis." }),
    el("button", {
      type: "button",
      class: "link-button",
      text: "Sluiten",
      "aria-label": "Foutmelding sluiten",
      onclick: () => box.remove(),
    })
  );
  container.append(box);
  return box;
}
