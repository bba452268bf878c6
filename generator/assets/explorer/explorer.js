/*
 * The timeline explorer: filters, a density strip and a virtualised list over
 * data/explorer.json. Entry point (an ES module) of generator/assets/explorer/.
 *
 * Progressive enhancement: docs/explore.md works without scripts; this fills its
 * <div id="tl-explorer"> and hides the "needs JavaScript" note. The project's own code, no
 * framework, nothing fetched from another host. The state lives in the query string (see
 * queryOf in explorer-data.js), so a view can be shared, bookmarked and restored; the date
 * range doubles as the strip's zoom. Discrete changes push a history entry (Back undoes them),
 * typing replaces it.
 *
 * Performance marks: tl-explorer:start, tl-explorer:data (fetched and indexed),
 * tl-explorer:ready (first render done); a measure tl-explorer:update for the last change.
 */

import {
  KINDS,
  dayOf,
  emptyState,
  filter,
  haystack,
  isoOf,
  prepare,
  queryOf,
  readState,
  scratchFor,
} from "./explorer-data.js";
import { capitalise, el, format, plural } from "./explorer-dom.js";
import { ResultList } from "./explorer-list.js";
import { DensityStrip } from "./explorer-strip.js";

const TEXT_DEBOUNCE_MS = 60;
const collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });

class Explorer {
  constructor(container, model, root) {
    this.container = container;
    this.model = model;
    this.state = emptyState(model);
    this.result = new Uint32Array(0);
    this.scratch = scratchFor(model);
    this.updates = 0;
    this.textTimer = 0;
    this.strip = new DensityStrip((from, to) => this.zoom(from, to));
    this.list = new ResultList(root);
    this.build();
    this.listen();
  }

  build() {
    const filters = el("section", {
      class: "tl-x__filters",
      "aria-labelledby": "tl-x-filters-title",
    });
    filters.append(
      el("h2", { id: "tl-x-filters-title", text: "Filters" }),
      el("p", {
        class: "tl-x__hint",
        text:
          "Filters of different kinds all apply together; several tags, actors or places " +
          "match events with any of them.",
      }),
    );
    this.textInput = el("input", {
      id: "tl-x-text",
      type: "search",
      autocomplete: "off",
      spellcheck: "false",
      "aria-describedby": "tl-x-text-hint",
    });
    filters.append(
      el(
        "div",
        { class: "tl-x__field tl-x__field--wide" },
        el("label", { for: "tl-x-text", text: "Search the results" }),
        this.textInput,
        el("span", {
          id: "tl-x-text-hint",
          class: "tl-x__note",
          text: "Words in titles, summaries, names and dates; all words must match.",
        }),
      ),
    );
    this.facets = KINDS.map((kind) => this.buildFacet(kind));
    const grid = el("div", { class: "tl-x__grid" }, ...this.facets.map((f) => f.field));
    grid.append(...this.buildDates(), this.buildOrder());
    this.resetButton = el("button", {
      type: "button",
      class: "tl-x__button",
      text: "Clear all filters",
    });
    filters.append(
      grid,
      el("p", {
        id: "tl-x-dates-hint",
        class: "tl-x__note",
        text:
          "From and To keep the events any of whose days fall in the range; they also set " +
          "the chart's zoom.",
      }),
      this.buildStatus(),
      el("p", { class: "tl-x__actions" }, this.resetButton),
    );
    this.count = el("p", {
      class: "tl-x__count",
      role: "status",
      "aria-live": "polite",
      "aria-atomic": "true",
    });
    this.empty = el("p", {
      class: "tl-x__empty",
      hidden: true,
      text: "No event matches these filters.",
    });
    const results = el(
      "section",
      { class: "tl-x__results", "aria-labelledby": "tl-x-results-title" },
      el("h2", { id: "tl-x-results-title", text: "Events" }),
      this.count,
      this.list.viewport,
      this.empty,
    );
    this.container.textContent = "";
    this.container.classList.add("tl-x");
    this.container.append(filters, this.strip.element, results);
  }

  buildFacet(kind) {
    const f = this.model.kinds[kind.key];
    const id = `tl-x-${kind.key}`;
    const select = el("select", { id }, el("option", { value: "", text: kind.prompt }));
    const values = f.ids.map((_id, value) => value).filter((value) => f.counts[value] > 0);
    values.sort((a, b) => collator.compare(f.labels[a], f.labels[b]) || a - b);
    const options = document.createDocumentFragment();
    for (const value of values) {
      const text = `${f.labels[value]} (${format(f.counts[value])})`;
      options.append(el("option", { value: f.ids[value], text }));
    }
    select.append(options);
    const chips = el("ul", { class: "tl-x__chips", "aria-label": `Selected ${kind.plural}` });
    const field = el(
      "div",
      { class: "tl-x__field" },
      el("label", { for: id, text: kind.label }),
      select,
      chips,
    );
    return { kind, select, chips, field };
  }

  buildDates() {
    const common = {
      type: "date",
      min: isoOf(this.model.first),
      max: isoOf(this.model.last),
      "aria-describedby": "tl-x-dates-hint",
    };
    this.fromInput = el("input", { id: "tl-x-from", ...common });
    this.toInput = el("input", { id: "tl-x-to", ...common });
    return [
      el("div", { class: "tl-x__field" }, el("label", { for: "tl-x-from", text: "From" }), this.fromInput),
      el("div", { class: "tl-x__field" }, el("label", { for: "tl-x-to", text: "To" }), this.toInput),
    ];
  }

  buildOrder() {
    this.orderSelect = el(
      "select",
      { id: "tl-x-order" },
      el("option", { value: "asc", text: "Oldest first" }),
      el("option", { value: "desc", text: "Newest first" }),
    );
    const label = el("label", { for: "tl-x-order", text: "Order" });
    return el("div", { class: "tl-x__field" }, label, this.orderSelect);
  }

  buildStatus() {
    const fieldset = el(
      "fieldset",
      { class: "tl-x__status" },
      el("legend", { text: "Claim status" }),
    );
    this.statusBoxes = this.model.statuses.map((name) => {
      const box = el("input", { type: "checkbox", id: `tl-x-status-${name}`, value: name });
      const label = el("label", { for: box.id, class: "tl-x__check" }, box, ` ${capitalise(name)}`);
      fieldset.append(label);
      return box;
    });
    return fieldset;
  }

  listen() {
    const setText = () => {
      clearTimeout(this.textTimer);
      this.state.text = this.textInput.value;
      this.update("replace");
    };
    this.textInput.addEventListener("input", () => {
      clearTimeout(this.textTimer);
      this.textTimer = setTimeout(setText, TEXT_DEBOUNCE_MS);
    });
    this.textInput.addEventListener("keydown", (event) => {
      if (event.key === "Enter") setText();
    });
    for (const { kind, select, chips } of this.facets) {
      select.addEventListener("change", () => {
        const value = this.model.kinds[kind.key].index.get(select.value);
        select.value = "";
        if (value === undefined || this.state[kind.key].includes(value)) return;
        this.state[kind.key] = [...this.state[kind.key], value];
        this.update("push");
      });
      chips.addEventListener("click", (event) => {
        const button = event.target.closest("button[data-value]");
        if (!button) return;
        const value = Number(button.getAttribute("data-value"));
        this.state[kind.key] = this.state[kind.key].filter((v) => v !== value);
        this.update("push");
        select.focus(); // the chip is gone; its list is where the reader was
      });
    }
    for (const box of this.statusBoxes) {
      box.addEventListener("change", () => {
        this.state.status = this.statusBoxes.map((b) => b.checked);
        this.update("push");
      });
    }
    const onDate = () => {
      const from = dayOf(this.fromInput.value);
      const to = dayOf(this.toInput.value);
      const swap = from !== null && to !== null && from > to;
      this.zoom(swap ? to : from, swap ? from : to);
    };
    this.fromInput.addEventListener("change", onDate);
    this.toInput.addEventListener("change", onDate);
    this.orderSelect.addEventListener("change", () => {
      this.state.order = this.orderSelect.value === "desc" ? "desc" : "asc";
      this.update("push");
    });
    this.resetButton.addEventListener("click", () => {
      this.state = emptyState(this.model);
      this.update("push");
    });
    this.strip.zoomOut.addEventListener("click", () => this.zoom(null, null));
    window.addEventListener("popstate", () => {
      this.state = readState(this.model, location.search);
      this.update(null);
    });
  }

  zoom(from, to) {
    if (from === this.state.from && to === this.state.to) return;
    this.state.from = from;
    this.state.to = to;
    this.update("push");
  }

  /** Filter, redraw and record the state in the address; `history`: "push", "replace", null. */
  update(history) {
    const started = performance.now();
    const { model, state } = this;
    this.result = filter(model, state, this.scratch);
    this.syncControls();
    const shown = this.result.length;
    this.count.textContent =
      shown === model.n
        ? `All ${plural(model.n, "event")}`
        : `${format(shown)} of ${plural(model.n, "event")}`;
    this.empty.hidden = shown !== 0;
    const first = state.from === null ? model.first : state.from;
    const last = state.to === null ? Math.max(model.last, first) : state.to;
    this.strip.render(model, this.result, first, last);
    this.list.show(model, this.result);
    if (history) {
      const url = `${location.pathname}${queryOf(model, state)}${location.hash}`;
      if (url !== `${location.pathname}${location.search}${location.hash}`) {
        window.history[history === "push" ? "pushState" : "replaceState"](null, "", url);
      }
    }
    this.updates += 1;
    this.container.setAttribute("data-updates", String(this.updates));
    this.container.setAttribute("data-count", String(shown));
    performance.clearMeasures("tl-explorer:update"); // keep the last one, not thousands
    performance.measure("tl-explorer:update", { start: started });
    const detail = { count: shown, ms: performance.now() - started };
    this.container.dispatchEvent(new CustomEvent("tl-explorer:update", { detail }));
  }

  /** Controls show the state (after a reload, Back or "Clear all filters"). */
  syncControls() {
    const s = this.state;
    if (document.activeElement !== this.textInput && this.textInput.value !== s.text) {
      this.textInput.value = s.text;
    }
    for (const { kind, chips } of this.facets) {
      const labels = this.model.kinds[kind.key].labels;
      chips.textContent = "";
      for (const value of s[kind.key]) {
        const button = el(
          "button",
          { type: "button", class: "tl-x__chip", "data-value": value },
          el("span", { class: "tl-x-sr", text: `Remove ${kind.label.toLowerCase()}: ` }),
          labels[value],
          el("span", { "aria-hidden": "true", text: " ×" }),
        );
        chips.append(el("li", {}, button));
      }
    }
    this.statusBoxes.forEach((box, index) => {
      box.checked = s.status[index];
    });
    this.fromInput.value = s.from === null ? "" : isoOf(s.from);
    this.toInput.value = s.to === null ? "" : isoOf(s.to);
    this.orderSelect.value = s.order;
    this.strip.zoomOut.disabled = s.from === null && s.to === null;
  }
}

/** The site root (absolute, ending in /): Material's config holds it relative to this page. */
function siteRoot(container) {
  let base = container.getAttribute("data-root") || "..";
  const config = document.getElementById("__config");
  if (config) {
    try {
      const parsed = JSON.parse(config.textContent);
      if (typeof parsed.base === "string") base = parsed.base;
    } catch (_error) {
      // keep the page's own hint
    }
  }
  return new URL(base.replace(/\/?$/, "/"), location.href).href;
}

async function start(container) {
  if (container.hasAttribute("data-explorer")) return;
  container.setAttribute("data-explorer", "loading");
  performance.mark("tl-explorer:start");
  const root = siteRoot(container);
  const source = new URL(container.getAttribute("data-src") || "data/explorer.json", root);
  let explorer;
  try {
    const response = await fetch(source.href, { credentials: "same-origin" });
    if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
    const model = prepare(await response.json());
    performance.mark("tl-explorer:data");
    container.hidden = false;
    explorer = new Explorer(container, model, root);
    explorer.state = readState(model, location.search);
    explorer.update(null);
  } catch (error) {
    container.setAttribute("data-explorer", "failed");
    container.hidden = false;
    container.textContent = "";
    const text =
      `The explorer could not load its data (${error.message}); ` +
      "the pages listed below reach every event.";
    container.append(el("p", { class: "tl-x__error", role: "alert", text }));
    return;
  }
  for (const note of document.querySelectorAll(".tl-explorer-nojs")) note.hidden = true;
  container.setAttribute("data-explorer", "ready");
  performance.mark("tl-explorer:ready");
  performance.measure("tl-explorer:first-render", { end: "tl-explorer:ready" });
  // Build the free-text index while the reader looks at the page, not on the first key.
  const idle = window.requestIdleCallback || ((callback) => setTimeout(callback, 200));
  idle(() => haystack(explorer.model));
}

function boot() {
  const container = document.getElementById("tl-explorer");
  if (container) start(container);
}

// Material's instant navigation swaps pages without reloading scripts and announces each page
// on `document$` (replaying the current one); start() ignores a container it has seen, so both
// paths can run. Module scripts run once the document is parsed.
if (window.document$ && typeof window.document$.subscribe === "function") {
  window.document$.subscribe(boot);
}
boot();
