/*
 * The results: an ordered list of links to event pages, virtualised. Every row has the same
 * height, so only the rows in (and just around) the visible part of the scrollable box are in
 * the DOM; each carries aria-setsize/aria-posinset so a screen reader still says "5 of 300".
 * Tab walks the rendered links; arrows, Page Up/Down, Home and End move between rows.
 */

import { capitalise, el } from "./explorer-dom.js";

/** Rows rendered beyond each edge of the visible part, so scrolling and Tab find them ready. */
const OVERSCAN = 8;
/** Used until a row can be measured (the list is hidden while nothing matches). */
const FALLBACK_ROW_HEIGHT = 56;
const EVENT_ID = /^[0-9]{4}(?:-[0-9]{2}){0,2}-[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

export class ResultList {
  /** `root` is the site root (absolute URL ending in /): event pages are `events/<id>/`. */
  constructor(root) {
    this.root = root;
    this.model = null;
    this.result = new Uint32Array(0);
    this.rows = new Map();
    this.rowHeight = 0;
    this.list = el("ol", { class: "tl-x__list", "aria-labelledby": "tl-x-results-title" });
    this.viewport = el(
      "div",
      {
        class: "tl-x__viewport",
        tabindex: "0",
        role: "region",
        "aria-label": "Matching events, scrollable",
      },
      this.list,
    );
    this.viewport.addEventListener("scroll", () => this.renderRows(), { passive: true });
    this.list.addEventListener("keydown", (event) => this.onKey(event));
    window.addEventListener("resize", () => this.onResize(), { passive: true });
  }

  /** Show a new result from its first row. */
  show(model, result) {
    this.model = model;
    this.result = result;
    this.viewport.hidden = result.length === 0; // an empty box says nothing; the count does
    this.viewport.scrollTop = 0;
    this.clear();
    this.renderRows();
  }

  clear() {
    for (const row of this.rows.values()) row.remove();
    this.rows.clear();
  }

  renderRows() {
    const total = this.result.length;
    if (!this.model || !total) return;
    if (!this.rowHeight) this.rowHeight = this.measure();
    const height = this.rowHeight || FALLBACK_ROW_HEIGHT;
    this.list.style.height = `${total * height}px`;
    const top = this.viewport.scrollTop;
    const first = Math.max(0, Math.floor(top / height) - OVERSCAN);
    const visible = Math.ceil((top + this.viewport.clientHeight) / height);
    const last = Math.min(total - 1, visible + OVERSCAN);
    // The row holding focus stays, wherever it scrolled: removing it would drop focus to <body>.
    const active = document.activeElement;
    const focused = this.list.contains(active) ? active.closest("li") : null;
    for (const [position, row] of this.rows) {
      if ((position < first || position > last) && row !== focused) {
        row.remove();
        this.rows.delete(position);
      }
    }
    const fragment = document.createDocumentFragment();
    for (let position = first; position <= last; position += 1) {
      if (!this.rows.has(position)) {
        const row = this.row(position, total, height);
        this.rows.set(position, row);
        fragment.append(row);
      }
    }
    this.list.append(fragment);
  }

  row(position, total, height) {
    const m = this.model;
    const i = this.result[position];
    const id = m.ids[i];
    const status = m.statuses[m.status[i]];
    const title = EVENT_ID.test(id)
      ? el("a", {
          href: `${this.root}events/${id}/`,
          class: "tl-x__title",
          "data-position": position,
          text: m.titles[i],
        })
      : el("span", { class: "tl-x__title", text: m.titles[i] });
    const meta = el("span", { class: "tl-x__meta" });
    if (status !== "confirmed") {
      const badge = el("span", {
        class: `tl-x__status tl-x__status--${status}`,
        text: capitalise(status),
      });
      meta.append(badge, " ");
    }
    meta.append(m.texts[i]);
    const row = el(
      "li",
      { class: "tl-x__row", "aria-setsize": total, "aria-posinset": position + 1 },
      el("span", { class: "tl-x__line" }, el("span", { class: "tl-x__date", text: m.dates[i] }), title),
      meta,
    );
    row.style.transform = `translateY(${position * height}px)`;
    return row;
  }

  /** The height of a row as the stylesheet makes it (taller on narrow screens). */
  measure() {
    const probe = el("li", { class: "tl-x__row" }, el("span", { text: "x" }));
    probe.style.visibility = "hidden";
    this.list.append(probe);
    const height = probe.getBoundingClientRect().height;
    probe.remove();
    return height; // 0 while the list is not displayed: measured again next time
  }

  onResize() {
    const height = this.measure();
    if (height && height !== this.rowHeight) {
      this.rowHeight = height;
      this.clear();
    }
    this.renderRows();
  }

  onKey(event) {
    const link = event.target.closest("a[data-position]");
    if (!link || event.altKey || event.ctrlKey || event.metaKey) return;
    const position = Number(link.getAttribute("data-position"));
    const height = this.rowHeight || FALLBACK_ROW_HEIGHT;
    const page = Math.max(1, Math.floor(this.viewport.clientHeight / height) - 1);
    const moves = {
      ArrowDown: position + 1,
      ArrowUp: position - 1,
      PageDown: position + page,
      PageUp: position - page,
      Home: 0,
      End: this.result.length - 1,
    };
    if (!(event.key in moves)) return;
    event.preventDefault();
    this.focusRow(Math.min(Math.max(moves[event.key], 0), this.result.length - 1));
  }

  /** Scroll row `position` into view, render it, and move focus to its link. */
  focusRow(position) {
    const height = this.rowHeight || FALLBACK_ROW_HEIGHT;
    const top = position * height;
    const viewport = this.viewport;
    if (top < viewport.scrollTop) viewport.scrollTop = top;
    else if (top + height > viewport.scrollTop + viewport.clientHeight) {
      viewport.scrollTop = top + height - viewport.clientHeight;
    }
    this.renderRows();
    const row = this.rows.get(position);
    const link = row && row.querySelector("a");
    if (link) link.focus({ preventScroll: true });
  }
}
