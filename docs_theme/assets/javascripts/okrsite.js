/* okrsite: the little the generated pages do in the browser. Served from the site itself and
   loaded by the theme (never inline); every page works without it (filters stay hidden, every
   row shows, <details> open and close on their own).

   - filters: a form with [data-okr-filter] filters the rows ([data-u] unit, [data-s] status,
     [data-m] set by hand) of the page's [data-okr-rows] containers; a unit includes its
     sub-units; the rows above a match stay, as its context. "Expand all" / "Collapse all" open
     and close every <details> of them. The choice is kept in the address (?unit=…&status=…).
   - a link to an anchor inside closed <details> opens them.
   - Material's parts: the search dialog gets a name, the version button a label that says its
     text, nested navigation labels are made unique; an old snapshot's banner names the
     snapshot and links to the same page in the latest one. */
(function () {
  "use strict";

  function rowsOf(container) {
    return Array.prototype.slice.call(container.querySelectorAll("[data-s]"));
  }

  function units(select) {
    var parents = {};
    Array.prototype.forEach.call(select.options, function (option) {
      if (option.value) parents[option.value] = option.getAttribute("data-parent") || "";
    });
    return parents;
  }

  function within(unit, chosen, parents) {
    for (var seen = 0; unit && seen < 64; seen += 1) {
      if (unit === chosen) return true;
      unit = parents[unit];
    }
    return false;
  }

  function openAround(node) {
    for (var el = node; el; el = el.parentElement) {
      if (el.tagName === "DETAILS") el.open = true;
    }
  }

  function setupFilter(form) {
    var containers = Array.prototype.slice.call(document.querySelectorAll("[data-okr-rows]"));
    if (!containers.length) return;
    var unit = form.elements.namedItem("unit");
    var status = form.elements.namedItem("status");
    var count = form.querySelector("output");
    var parents = units(unit);
    var rows = [];
    containers.forEach(function (c) { rows = rows.concat(rowsOf(c)); });

    function matches(row) {
      if (unit.value && !within(row.getAttribute("data-u"), unit.value, parents)) return false;
      if (!status.value) return true;
      if (status.value === "manual") return row.hasAttribute("data-m");
      return row.getAttribute("data-s") === status.value;
    }

    function apply() {
      var active = Boolean(unit.value || status.value);
      var kept = new Set();
      var found = 0;
      // Deepest rows first: a row stays when it matches or a row below it stays.
      for (var i = rows.length - 1; i >= 0; i -= 1) {
        var row = rows[i];
        var hit = !active || matches(row);
        if (hit) found += 1;
        var keep = hit || kept.has(row);
        row.classList.toggle("okr-filtered-out", !keep);
        row.classList.toggle("okr-context", active && keep && !hit);
        if (keep && active) {
          var up = row.parentElement && row.parentElement.closest("[data-s]");
          if (up) kept.add(up);
          if (hit) openAround(row.parentElement);
        }
      }
      containers.forEach(function (c) {
        var any = c.querySelector("[data-s]:not(.okr-filtered-out)");
        c.classList.toggle("okr-filtered-out", active && !any);
      });
      count.textContent = active ? found + " of " + rows.length + " match" : "";
      var params = new URLSearchParams(window.location.search);
      ["unit", "status"].forEach(function (name) {
        var value = form.elements.namedItem(name).value;
        if (value) params.set(name, value); else params.delete(name);
      });
      var query = params.toString();
      window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "")
        + window.location.hash);
    }

    var given = new URLSearchParams(window.location.search);
    ["unit", "status"].forEach(function (name) {
      var select = form.elements.namedItem(name);
      var value = given.get(name);
      if (value && Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
        select.value = value;
      }
    });
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    Array.prototype.forEach.call(form.querySelectorAll("[data-okr-open]"), function (button) {
      button.addEventListener("click", function () {
        var open = button.getAttribute("data-okr-open") === "true";
        containers.forEach(function (c) {
          if (c.tagName === "DETAILS") c.open = open;
          Array.prototype.forEach.call(c.querySelectorAll("details"), function (d) { d.open = open; });
          if (open) openAround(c);
        });
      });
    });
    form.hidden = false;
    if (unit.value || status.value) apply();
  }

  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target) {
      openAround(target);
      if (target.tagName === "DETAILS") target.open = true;
    }
  }

  /* --- Material's parts ------------------------------------------------------------------ */

  function nameSearch() {
    var dialog = document.querySelector(".md-search[role=dialog]");
    if (dialog && !dialog.hasAttribute("aria-label")) dialog.setAttribute("aria-label", "Search");
  }

  function uniqueNavLabels() {
    // A section of Material's nav is labelled by its toggle, which holds only an icon when the
    // section has its own page: name it by its title instead.
    Array.prototype.forEach.call(document.querySelectorAll("nav[aria-labelledby]"), function (nav) {
      var by = document.getElementById(nav.getAttribute("aria-labelledby"));
      var title = nav.querySelector(":scope > .md-nav__title");
      if (by && !by.textContent.trim() && title && title.textContent.trim()) {
        nav.removeAttribute("aria-labelledby");
        nav.setAttribute("aria-label", title.textContent.trim());
      }
    });
    var seen = {};
    Array.prototype.forEach.call(document.querySelectorAll("nav[aria-label]"), function (nav) {
      var label = nav.getAttribute("aria-label");
      if (seen[label]) nav.setAttribute("aria-label", label + " (" + (seen[label] + 1) + ")");
      seen[label] = (seen[label] || 0) + 1;
    });
  }

  function labelVersion(button) {
    // "2026-Q4" and its alias "latest" are read as two words, and the label says them both.
    var alias = button.querySelector(".md-version__alias");
    if (alias && alias.previousSibling && !/\s$/.test(alias.previousSibling.textContent)) {
      button.insertBefore(document.createTextNode(" "), alias);
    }
    var text = button.textContent.replace(/\s+/g, " ").trim();
    if (text) button.setAttribute("aria-label", "Version " + text + ": select another");
  }

  function watchVersion() {
    var topic = document.querySelector(".md-header__topic");
    if (!topic || !window.MutationObserver) return;
    new MutationObserver(function () {
      var button = topic.querySelector(".md-version__current");
      if (button && !/^Version /.test(button.getAttribute("aria-label") || "")) labelVersion(button);
    }).observe(topic, { childList: true, subtree: true });
  }

  function fillOutdated() {
    var banner = document.querySelector("[data-okr-outdated]");
    var config = document.getElementById("__config");
    if (!banner || !config || !window.fetch) return;
    var base = new URL(JSON.parse(config.textContent).base, window.location.href);
    var here = window.location.pathname.slice(base.pathname.length);
    fetch(new URL("../versions.json", base)).then(function (r) { return r.json(); })
      .then(function (versions) {
        var current = base.pathname.replace(/\/$/, "").split("/").pop();
        var mine = versions.filter(function (v) {
          return v.version === current || v.aliases.indexOf(current) >= 0;
        })[0];
        var latest = versions.filter(function (v) { return v.aliases.indexOf("latest") >= 0; })[0]
          || versions[0];
        if (!latest) return;
        var name = banner.querySelector("[data-okr-snapshot]");
        var asOf = mine && mine.properties && mine.properties.okrsite && mine.properties.okrsite.as_of;
        if (name && mine) name.textContent = ": " + mine.title + (asOf ? ", as of " + asOf : "");
        var root = new URL("../" + latest.version + "/", base);
        var link = banner.querySelector("a");
        link.href = root.href;
        return fetch(new URL("sitemap.xml", root)).then(function (r) { return r.text(); })
          .then(function (xml) {
            if (here && xml.indexOf("/" + here + "</loc>") >= 0) link.href = new URL(here, root).href;
          });
      })
      .catch(function () { /* keep the link to the latest snapshot's root */ });
  }

  function start() {
    nameSearch();
    uniqueNavLabels();
    watchVersion();
    fillOutdated();
    Array.prototype.forEach.call(document.querySelectorAll("[data-okr-filter]"), setupFilter);
    openTarget();
    window.addEventListener("hashchange", openTarget);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
