/* Keep what is typed into a profile form in this browser until it is saved.
 *
 * Every change is stored in localStorage under the page's path, with the file version
 * (sha256) and the values the form was loaded with. When the page opens again (after closing
 * the tab, a crash or a server restart) with unsaved typing, it offers it back. Restoring also
 * brings back the version it was typed on, so if the file changed since, saving shows the
 * merge view instead of silently undoing the other change. A successful save clears it.
 */
(function () {
  var form = document.querySelector("form.profile-form");
  if (!form || !window.localStorage) return;
  var key = "speechkit-draft:" + location.pathname;
  var skip = {csrf_token: 1, sha256: 1, base: 1};

  function entries() {
    var out = [];
    form.querySelectorAll("input[name], select[name], textarea[name]").forEach(function (el) {
      if (!skip[el.name]) out.push([el.name, el.value]);
    });
    return out;
  }
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }
  function hidden(name) { return form.querySelector('input[name="' + name + '"]'); }

  var loaded = entries();
  // saved, or the server gave the form back with this user's values (merge view, a refused
  // value, an expired page): what is on the page is the newest typing, nothing to offer back
  var returned = document.getElementById("notice");
  if (document.querySelector(".flash.ok") || returned) {
    localStorage.removeItem(key);
  }

  var draft = null;
  try { draft = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { draft = null; }
  if (draft && draft.fields && !same(draft.fields, loaded)) {
    var offer = document.getElementById("draft-offer");
    if (offer) {
      document.getElementById("draft-when").textContent = draft.when || "";
      offer.hidden = false;
      document.getElementById("draft-restore").addEventListener("click", function () {
        restore(draft);
        offer.hidden = true;
      });
      document.getElementById("draft-discard").addEventListener("click", function () {
        localStorage.removeItem(key);
        offer.hidden = true;
      });
    }
  }

  function ensureRows(name) {
    // KEY.INDEX.COLUMN inputs of a table: add rows until row INDEX exists
    var m = /^(.*)\.(\d+)\.([^.]+)$/.exec(name);
    if (!m) return;
    var box = form.querySelector('.rows-field[data-key="' + m[1] + '"]');
    if (!box) return;
    var body = box.querySelector("tbody"), add = box.querySelector(".add-row");
    while (body.children.length <= +m[2] && add) add.click();
  }

  function restore(d) {
    var byName = {};
    d.fields.forEach(function (pair) {
      ensureRows(pair[0]);
      (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]);
    });
    Object.keys(byName).forEach(function (name) {
      var values = byName[name];
      var box = form.querySelector('.list-field[data-key="' + name + '"]');
      if (box) {
        var add = box.querySelector(".add-item");
        while (box.querySelectorAll('input[name="' + name + '"]').length < values.length && add) add.click();
      }
      var els = form.querySelectorAll('[name="' + CSS.escape(name) + '"]');
      values.forEach(function (v, i) { if (els[i]) els[i].value = v; });
    });
    if (d.sha && hidden("sha256")) hidden("sha256").value = d.sha;
    if (d.base && hidden("base")) hidden("base").value = d.base;
    store();
  }

  var timer = null;
  function store(force) {
    var now = entries();
    if (force !== true && same(now, loaded) && !localStorage.getItem(key)) return;
    var when = new Date();
    localStorage.setItem(key, JSON.stringify({
      when: when.toLocaleString("zh-CN"),
      sha: hidden("sha256") ? hidden("sha256").value : "",
      base: hidden("base") ? hidden("base").value : "",
      fields: now
    }));
  }
  if (returned) store(true);  // keep the returned typing until it is saved
  form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(store, 250); });
  form.addEventListener("change", store);
  form.addEventListener("submit", store);
  form.addEventListener("click", function (e) {
    if (e.target.classList && e.target.classList.contains("remove")) setTimeout(store, 0);
  });
})();
