// Supports without a page reload. Without JavaScript the form posts and the page comes back.
// The button keeps the keyboard focus (it is never disabled, only marked busy); its label says
// what it does next, and the confirmation appears right below it.
"use strict";
document.addEventListener("submit", async (event) => {
  const form = event.target.closest("form[data-support-form]");
  if (!form) return;
  event.preventDefault();
  const box = form.closest(".support-box");
  const button = form.querySelector("button[type=submit]");
  const status = box.querySelector("[data-support-status]");
  if (form.dataset.busy) return;
  form.dataset.busy = "1";
  button.setAttribute("aria-disabled", "true");
  let data;
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (!(response.headers.get("Content-Type") || "").includes("application/json")) throw new Error("not json");
    data = await response.json();
  } catch (error) {
    form.submit(); // let the server answer with a full page (errors, log-in, limits)
    return;
  } finally {
    delete form.dataset.busy;
    button.removeAttribute("aria-disabled");
  }
  box.querySelector("[data-support-count]").textContent = data.count_text;
  form.action = data.supported ? form.dataset.withdrawUrl : form.dataset.supportUrl;
  button.textContent = data.supported ? form.dataset.labelWithdraw : form.dataset.labelSupport;
  button.classList.toggle("button-secondary", data.supported);
  status.textContent = data.message + " " + data.count_text;
  const follow = box.querySelector("form[data-follow-form]");
  if (data.following && follow) {
    // A new support follows the idea too: the link beside it now offers to stop.
    follow.action = follow.dataset.unfollowUrl;
    follow.querySelector("button[type=submit]").textContent = follow.dataset.labelUnfollow;
    delete follow.dataset.followForm;
  }
  button.focus();
});
