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
      if (!res.ok || ticket !== latest) return;
      live.innerHTML = await res.text();
    } catch {
      // The form still works by posting it.
    }
  };
  form.addEventListener("change", (event) => {
    if (event.target && event.target.name === "edition") return; // the questions change: post the form
    clearTimeout(pending);
    pending = setTimeout(refresh, 150);
  });
}

for (const button of document.querySelectorAll("[data-copy-minutes]")) {
  button.addEventListener("click", async () => {
    const minutes = document.getElementById("minutes");
    const status = document.querySelector("[data-copy-status]");
    try {
      await navigator.clipboard.writeText(minutes.value);
      if (status) status.textContent = "Minutes copied.";
    } catch {
      minutes.select();
      if (status) status.textContent = "Select all the text in the box and copy it.";
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
