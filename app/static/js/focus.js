// Moves the keyboard focus to what a page asks attention for (an alert with data-autofocus),
// so that keyboard and screen-reader users start there. Without JavaScript the alert is simply first.
document.addEventListener("DOMContentLoaded", function () {
  var target = document.querySelector("[data-autofocus]");
  if (target) {
    target.focus();
  }
});
