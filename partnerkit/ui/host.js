// partnerkit's host helper (issue 17): makes an app at home in whatever page holds it.
// - data-lm-suppress-shortcuts on the app's root: JupyterLab's command-mode keys (d d, a, b, ...)
//   do nothing while a control of the app has the focus (Lumino stops at that attribute);
// - data-pk-below="760 1100": the breakpoints the app's OWN width is below (layout by the space
//   the widget has, not the window: a JupyterLab output area is narrower than the window);
// - --pk-visible-height: the visible height of what scrolls the app (the notebook in JupyterLab,
//   the window in Voila), so a panel is never taller than what can be seen;
// - the page's theme (JupyterLab/Voila set data-jp-theme-light on <body>) in the `dark` trait,
//   so the kernel draws charts to match.
// No network, no globals; everything is undone when the widget goes away.

// What scrolls the app: the nearest ancestor that scrolls and is no taller than the window
// (a widget box with overflow: auto but grown to its content does not count).
function scrollerOf(node) {
  for (let p = node.parentElement; p && p !== document.body; p = p.parentElement) {
    const oy = getComputedStyle(p).overflowY;
    if ((oy === "auto" || oy === "scroll") && p.clientHeight > 0
        && p.clientHeight <= window.innerHeight) return p;
  }
  return null;
}

function render({ model, el }) {
  el.classList.add("pk-host");
  let stopped = false;
  const undo = [];
  const selector = model.get("root_selector");

  function attach(root) {
    root.setAttribute("data-lm-suppress-shortcuts", "true");
    // Lumino matches a binding on the focused element itself before it walks up to the root
    // (JupyterLab's command-mode keys select ":focus"), so each control gets it when focused.
    const mark = (ev) => {
      const t = ev.target;
      if (t && t.setAttribute && !t.hasAttribute("data-lm-suppress-shortcuts"))
        t.setAttribute("data-lm-suppress-shortcuts", "true");
    };
    root.addEventListener("focusin", mark, true);
    undo.push(() => root.removeEventListener("focusin", mark, true));
    if (root.contains(document.activeElement)) mark({ target: document.activeElement });
    // In a JupyterLab/Notebook 7 notebook, not a Voila page: panels stay in the output area.
    root.setAttribute("data-pk-host", root.closest(".jp-NotebookPanel") ? "notebook" : "page");
    const breaks = (model.get("breakpoints") || []).slice().sort((a, b) => a - b);
    const scroller = scrollerOf(root);
    const measure = () => {
      const w = root.getBoundingClientRect().width;
      if (w > 0) {
        const below = breaks.filter((b) => w < b).join(" ");
        if (root.getAttribute("data-pk-below") !== below) root.setAttribute("data-pk-below", below);
      }
      const h = Math.min(scroller ? scroller.clientHeight : window.innerHeight, window.innerHeight);
      if (h > 0) root.style.setProperty("--pk-visible-height", `${Math.round(h)}px`);
    };
    const ro = new ResizeObserver(measure);
    ro.observe(root);
    if (scroller) ro.observe(scroller);
    window.addEventListener("resize", measure);
    undo.push(() => { ro.disconnect(); window.removeEventListener("resize", measure); });
    const theme = () => {
      const dark = document.body.getAttribute("data-jp-theme-light") === "false";
      root.setAttribute("data-pk-theme", dark ? "dark" : "light");
      if (model.get("dark") !== dark) { model.set("dark", dark); model.save_changes(); }
    };
    const mo = new MutationObserver(theme);
    mo.observe(document.body, { attributes: true, attributeFilter: ["data-jp-theme-light"] });
    undo.push(() => mo.disconnect());
    measure();
    theme();
  }

  // The widget is drawn before it is put in the page: wait until it has its root.
  let tries = 0;
  (function find() {
    if (stopped) return;
    const root = el.isConnected ? el.closest(selector) : null;
    if (root) { attach(root); return; }
    if (++tries < 600) requestAnimationFrame(find);
  })();
  return () => { stopped = true; undo.forEach((f) => f()); };
}

export default { render };
