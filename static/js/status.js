// The letter's status page while something is on its way: fetch the page
// again every few seconds and swap in its live part, which screen readers
// announce (aria-live) without the page reloading under the reader's cursor.
// Without JavaScript, a <noscript> meta refresh reloads the page instead.
(function () {
  "use strict";
  var live = document.getElementById("status-live");
  if (!live || !live.dataset.refreshSeconds) return;
  var delay = Number(live.dataset.refreshSeconds) * 1000;

  function poll() {
    fetch(window.location.href, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { window.setTimeout(poll, delay); return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("status-live");
        if (!fresh) { window.setTimeout(poll, delay); return; }
        if (fresh.innerHTML !== live.innerHTML) live.innerHTML = fresh.innerHTML;
        if (fresh.dataset.refreshSeconds) window.setTimeout(poll, delay);
      })
      .catch(function () { window.setTimeout(poll, delay * 2); });
  }
  window.setTimeout(poll, delay);
})();
