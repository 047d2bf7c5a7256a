// The questionnaire's progressive enhancement. Without it the page works by form posts; with it,
// GOV.UK Frontend's components start, the outcome panel refreshes as answers change (the server
// renders it, from the same assessment as the API), and the minutes can be copied or printed.
import { initAll } from "/assets/govuk/govuk-frontend.min.js";

initAll();

const form = document.querySelector("[data-questionnaire]");
const live = document.querySelector("[data-outcome-live]");

if (form && live) {
  let pending;
  let latest = 0;
  // When the panel cannot be refreshed it says so, keeps nothing stale in view, and offers the
  // path that needs no script: posting the form.
  const failed = () => {
    live.innerHTML =
      '<div class="app-outcome" id="outcome" data-live-failed="true">' +
      '<h2 class="govuk-heading-m">The advice could not be updated</h2>' +
      '<p class="govuk-body">The box could not follow your last change. Your answers are still here.</p>' +
      '<button type="submit" form="questionnaire" class="govuk-button" data-module="govuk-button">See the advice</button>' +
      "</div>";
  };
  const refresh = async () => {
    const ticket = ++latest;
    const body = new URLSearchParams(new FormData(form));
    body.delete("action");
    try {
      const res = await fetch("/assessment/panel", {
        method: "POST",
        body,
        headers: { Accept: "text/html" },
      });
      if (ticket !== latest) return;
      if (!res.ok) {
        failed();
        return;
      }
      live.innerHTML = await res.text();
    } catch {
      if (ticket === latest) failed();
    }
  };
  form.addEventListener("change", (event) => {
    if (event.target && event.target.name === "edition") return; // the questions change: post the form
    clearTimeout(pending);
    pending = setTimeout(refresh, 150);
  });
}

// "Copy for Word": the one-page minutes as HTML (Word keeps the headings and lists), with plain
// text beside it for anything that takes text only.
for (const button of document.querySelectorAll("[data-copy-minutes]")) {
  button.addEventListener("click", async () => {
    const minutes = document.getElementById("minutes-preview");
    const status = document.querySelector("[data-copy-status]");
    if (!minutes) return;
    try {
      const html = new Blob([minutes.innerHTML], { type: "text/html" });
      const text = new Blob([minutes.innerText], { type: "text/plain" });
      await navigator.clipboard.write([new ClipboardItem({ "text/html": html, "text/plain": text })]);
      if (status) status.textContent = "Minutes copied: paste them into Word.";
    } catch {
      if (status)
        status.textContent = "Copying is not allowed here: use the Word or HTML button to download them.";
    }
  });
}

for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}

// A link to an open question takes the reader to it and puts the focus on its first answer.
document.addEventListener("click", (event) => {
  const link = event.target instanceof Element ? event.target.closest("a[data-decisive]") : null;
  if (!link) return;
  const target = document.getElementById(link.dataset.decisive);
  if (!target) return;
  event.preventDefault();
  history.pushState(null, "", `#${link.dataset.decisive}`);
  target.scrollIntoView({ block: "center" });
  target.focus({ preventScroll: true });
});
