// partnerkit dashboard bridge (issue 11): the few things plain ipywidgets cannot do.
// - Row "Actions" menu buttons: a real menu (role=menu) next to the button, kept in the viewport;
//   arrows move within it and never run anything; Enter/click runs; Esc closes and returns focus.
//   CRM and Account are real links (target=_blank, rel=noopener) that open in one click.
// - Esc and a click elsewhere close the open panel or dialog (the kernel decides which).
// - Focus moves where the kernel asks (into a panel or dialog, back to the row).
// - The URL's query string follows the view (history.replaceState; no reload).
// No network request, no global state outside this module: offline by construction.

function esc(text) {
  const d = document.createElement("div");
  d.textContent = text == null ? "" : String(text);
  return d.innerHTML;
}

function visible(el) {
  return !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
}

function render({ model, el }) {
  el.classList.add("pk-bridge");
  el.setAttribute("aria-hidden", "true");
  let menu = null;
  let opener = null;

  function label(key) {
    return (model.get("labels") || {})[key] || key;
  }

  function closeMenu(returnFocus) {
    if (!menu) return;
    menu.remove();
    menu = null;
    if (opener) {
      opener.setAttribute("aria-expanded", "false");
      if (returnFocus) opener.focus();
    }
    opener = null;
  }

  function items() {
    return menu ? [...menu.querySelectorAll("[role=menuitem]:not([aria-disabled=true])")] : [];
  }

  function place(btn) {
    const r = btn.getBoundingClientRect();
    const m = menu.getBoundingClientRect();
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    let top = r.bottom + 2;
    if (top + m.height > vh - 4) top = Math.max(4, r.top - m.height - 2);
    let left = r.right - m.width;
    left = Math.min(Math.max(4, left), vw - m.width - 4);
    menu.style.top = `${Math.round(top)}px`;
    menu.style.left = `${Math.round(left)}px`;
  }

  function openMenu(btn) {
    closeMenu(false);
    const row = btn.closest("[data-client]");
    if (!row) return;
    opener = btn;
    menu = document.createElement("div");
    menu.className = "pk-menu";
    menu.setAttribute("role", "menu");
    menu.dataset.client = row.dataset.client;
    const link = (key, href, why, cls) =>
      href
        ? `<a role="menuitem" tabindex="-1" class="pk-menu-item ${cls}" href="${esc(href)}"` +
          ` target="_blank" rel="noopener noreferrer">${esc(label(key))} ↗</a>`
        : `<span role="menuitem" tabindex="-1" aria-disabled="true" class="pk-menu-item ${cls}"` +
          ` title="${esc(why)}">${esc(label(key))}</span>`;
    menu.innerHTML =
      `<button type="button" role="menuitem" tabindex="-1" class="pk-menu-item pk-menu-details"` +
      ` data-action="details">${esc(label("details"))}</button>` +
      link("crm", row.dataset.crm, row.dataset.crmWhy, "pk-menu-crm") +
      link("account", row.dataset.account, row.dataset.accountWhy, "pk-menu-account") +
      `<button type="button" role="menuitem" tabindex="-1" class="pk-menu-item pk-menu-end"` +
      ` data-action="end">${esc(label("end"))}</button>`;
    document.body.appendChild(menu);
    place(btn);
    btn.setAttribute("aria-expanded", "true");
    const first = items()[0];
    if (first) first.focus();
  }

  function run(item) {
    const client = menu ? menu.dataset.client : null;
    const action = item.dataset.action;
    closeMenu(false);
    if (action && client != null) model.send({ type: "action", action, client });
  }

  function onClick(ev) {
    const btn = ev.target.closest && ev.target.closest(".pk-actions-btn");
    if (btn) {
      ev.preventDefault();
      if (menu && opener === btn) closeMenu(true);
      else openMenu(btn);
      return;
    }
    const direct = ev.target.closest && ev.target.closest("[data-pk-action]");
    if (direct && !(menu && menu.contains(direct))) {
      const row = direct.closest("[data-client]");
      if (row) {
        ev.preventDefault();
        model.send({ type: "action", action: direct.dataset.pkAction, client: row.dataset.client });
      }
      return;
    }
    if (menu && menu.contains(ev.target)) {
      const item = ev.target.closest("[role=menuitem]");
      if (!item || item.getAttribute("aria-disabled") === "true") return;
      if (item.tagName === "A") {
        closeMenu(false); // the browser follows the link in a new tab
        return;
      }
      ev.preventDefault();
      run(item);
      return;
    }
    if (menu) closeMenu(false);
  }

  function onPointerDown(ev) {
    // A press outside every open panel and dialog closes it ("clicking elsewhere").
    const t = ev.target;
    if (!t.closest) return;
    const open = [...document.querySelectorAll(".pk-closable")].filter(visible);
    if (!open.length) return;
    if (t.closest(".pk-closable, .pk-menu, .pk-actions-btn, .pk-opens-panel")) return;
    if (!document.body.contains(t)) return;
    model.send({ type: "outside" });
  }

  function onKey(ev) {
    if (menu && menu.contains(document.activeElement)) {
      const list = items();
      const i = list.indexOf(document.activeElement);
      if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        ev.preventDefault();
        const n = list.length;
        const next = ev.key === "ArrowDown" ? (i + 1) % n : (i - 1 + n) % n;
        list[next].focus();
      } else if (ev.key === "Home" || ev.key === "End") {
        ev.preventDefault();
        list[ev.key === "Home" ? 0 : list.length - 1].focus();
      } else if (ev.key === "Escape") {
        ev.preventDefault();
        ev.stopPropagation();
        closeMenu(true);
      } else if (ev.key === "Tab") {
        closeMenu(false);
      } else if ((ev.key === "Enter" || ev.key === " ") && i >= 0) {
        const item = list[i];
        if (item.tagName === "A") {
          if (ev.key === " ") { ev.preventDefault(); item.click(); }
          setTimeout(() => closeMenu(false), 0);
          return;
        }
        ev.preventDefault();
        run(item);
      }
      return;
    }
    const btn = ev.target.closest && ev.target.closest(".pk-actions-btn");
    if (btn && (ev.key === "ArrowDown" || ev.key === "Enter" || ev.key === " ")) {
      ev.preventDefault(); // opens the menu; never runs an action
      openMenu(btn);
      return;
    }
    if (ev.key === "Escape") {
      const open = [...document.querySelectorAll(".pk-closable")].filter(visible);
      if (open.length) {
        ev.preventDefault();
        model.send({ type: "escape" });
      }
    }
  }

  function focusWhenShown() {
    // "selector\ncounter": the counter makes the same selector asked twice a change
    const selector = (model.get("focus") || "").split("\n")[0];
    if (!selector) return;
    const until = Date.now() + 4000;
    const tryFocus = () => {
      let target = null;
      try {
        target = document.querySelector(selector);
      } catch (e) {
        return;
      }
      if (target && visible(target)) {
        target.focus();
        if (document.activeElement === target || target.contains(document.activeElement)) return;
      }
      if (Date.now() < until) setTimeout(tryFocus, 30);
    };
    tryFocus();
  }

  function syncUrl() {
    const query = model.get("query") || "";
    const here = new URLSearchParams(window.location.search);
    const next = new URLSearchParams(query);
    const token = here.get("token"); // a served token must survive the rewrite
    if (token && !next.has("token")) next.set("token", token);
    const text = next.toString();
    const url = window.location.pathname + (text ? `?${text}` : "") + window.location.hash;
    if (url !== window.location.pathname + window.location.search + window.location.hash) {
      window.history.replaceState(window.history.state, "", url);
    }
  }

  function saveFile() {
    const file = model.get("download") || {};
    if (!file.b64) return;
    const bytes = Uint8Array.from(atob(file.b64), (c) => c.charCodeAt(0));
    const url = URL.createObjectURL(new Blob([bytes], { type: file.mime }));
    const a = document.createElement("a");
    a.href = url;
    a.download = file.name;
    a.style.display = "none";
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  function printNow() {
    // Two frames: the full print list the kernel just sent is laid out first.
    requestAnimationFrame(() => requestAnimationFrame(() => window.print()));
  }

  function syncTitle() {
    const title = model.get("title");
    if (title) document.title = title;
  }

  document.addEventListener("click", onClick, true);
  document.addEventListener("keydown", onKey, true);
  document.addEventListener("pointerdown", onPointerDown, true);
  const onScroll = () => closeMenu(false);
  window.addEventListener("resize", onScroll);
  model.on("change:focus", focusWhenShown);
  model.on("change:query", syncUrl);
  model.on("change:title", syncTitle);
  model.on("change:download", saveFile);
  model.on("change:print_count", printNow);
  syncUrl();
  syncTitle();
  focusWhenShown();
  return () => {
    closeMenu(false);
    document.removeEventListener("click", onClick, true);
    document.removeEventListener("keydown", onKey, true);
    document.removeEventListener("pointerdown", onPointerDown, true);
    window.removeEventListener("resize", onScroll);
  };
}

export default { render };
