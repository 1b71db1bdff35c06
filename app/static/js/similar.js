// Similar ideas, live as the title is typed. Without JavaScript, "Check for similar ideas"
// and the step before publishing show the same list after a round trip.
"use strict";
(() => {
  const form = document.querySelector("form[data-similar-url]");
  if (!form) return;
  const title = form.querySelector("#title");
  const region = document.getElementById("similar-ideas");
  let timer = null;
  let shownFor = title.value.trim();
  let controller = null;

  async function refresh() {
    const text = title.value.trim();
    if (text === shownFor) return;
    shownFor = text;
    if (controller) controller.abort();
    if (text.length < 4) {
      region.replaceChildren();
      return;
    }
    controller = new AbortController();
    try {
      const url = form.dataset.similarUrl + "?titel=" + encodeURIComponent(text);
      const response = await fetch(url, { credentials: "same-origin", signal: controller.signal });
      if (!response.ok) return;
      const html = await response.text();
      const fragment = new DOMParser().parseFromString(html, "text/html");
      region.replaceChildren(...fragment.body.childNodes);
    } catch (error) {
      // Aborted or offline: the button and the step before publishing still work.
    }
  }

  title.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
})();
