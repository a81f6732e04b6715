/* Vigie: load the search index only when the reader opens the search.
 *
 * Material requests search/search_index.json as soon as a page loads, and that file grows
 * with every incident published. This script, loaded before Material's bundle, holds that
 * one request back until the search field gets the focus or the search dialog opens
 * (click, tap, or Material's keyboard shortcuts, which focus the field). Nothing else is
 * changed but one thing (below: both toggles start closed); without JavaScript there is no
 * search and nothing is loaded.
 */
(function () {
  "use strict";
  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  var released = false;
  var waiting = [];

  function release() {
    if (released) return;
    released = true;
    waiting.splice(0).forEach(function (resume) { resume(); });
  }

  XMLHttpRequest.prototype.open = function (method, address) {
    this.vigieSearchIndex = /\/search\/search_index\.json(?:[?#]|$)/.test(String(address));
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    if (released || !this.vigieSearchIndex) return send.apply(this, arguments);
    var request = this;
    var body = arguments;
    waiting.push(function () { send.apply(request, body); });
  };

  // Material's toggles start closed: Firefox restores a checkbox's state on reload and back
  // navigation, which Material prevented with autocomplete="off", an attribute HTML does not
  // allow on a checkbox (Vigie drops it: pages/html.py).
  ["__drawer", "__search"].forEach(function (id) {
    var box = document.getElementById(id);
    if (box) box.checked = false;
  });
  var toggle = document.getElementById("__search");
  if (toggle) {
    toggle.addEventListener("change", function () { if (toggle.checked) release(); });
  }
  var field = document.querySelector("[data-md-component=search-query]");
  if (field) {
    field.addEventListener("focus", release);
    field.addEventListener("input", release);
  }
})();
