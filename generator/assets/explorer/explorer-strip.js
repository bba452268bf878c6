/*
 * The density strip: events per day, week or month over the current span, as two SVG paths
 * (all events, matching events). Drag across it to zoom to a range, click a bar to zoom to it.
 * For screen readers it is one image whose title summarises it; the From and To date fields
 * are its keyboard alternative.
 */

import { dayLabel, density } from "./explorer-data.js";
import { capitalise, el, format, plural, svg } from "./explorer-dom.js";

/** Pointer travel (in CSS pixels) below which a press is a click rather than a drag. */
const CLICK_SLOP = 5;

export class DensityStrip {
  /** `onZoom(from, to)` receives the day range the reader picked. */
  constructor(onZoom) {
    this.onZoom = onZoom;
    this.view = null;
    this.element = this.build();
    this.listen();
  }

  build() {
    const section = el("section", {
      class: "tl-x__density",
      "aria-labelledby": "tl-x-density-title",
    });
    section.append(
      el("h2", { id: "tl-x-density-title", text: "Events over time" }),
      el("p", {
        class: "tl-x__hint",
        id: "tl-x-density-hint",
        text:
          "Drag across the chart to zoom to a period, or click a bar to zoom to it; the From " +
          "and To dates do the same from the keyboard.",
      }),
    );
    this.svg = svg("svg", {
      class: "tl-x__strip",
      viewBox: "0 0 100 100",
      preserveAspectRatio: "none",
      role: "img",
      "aria-labelledby": "tl-x-strip-title",
      "aria-describedby": "tl-x-density-hint",
    });
    this.title = svg("title", { id: "tl-x-strip-title" });
    this.allPath = svg("path", { class: "tl-x__bars-all" });
    this.matchPath = svg("path", { class: "tl-x__bars-match" });
    this.brush = svg("rect", { class: "tl-x__brush", x: "0", y: "0", width: "0", height: "100" });
    this.svg.append(this.title, this.allPath, this.matchPath, this.brush);
    this.axisFirst = el("span");
    this.axisUnit = el("span", { class: "tl-x__unit" });
    this.axisLast = el("span");
    this.readout = el("p", { class: "tl-x__readout", "aria-hidden": "true" });
    this.zoomOut = el("button", {
      type: "button",
      class: "tl-x__button",
      text: "Show the whole span",
    });
    section.append(
      el("div", { class: "tl-x__strip-frame" }, this.svg),
      el(
        "div",
        { class: "tl-x__axis", "aria-hidden": "true" },
        this.axisFirst,
        this.axisUnit,
        this.axisLast,
      ),
      this.readout,
      el("p", { class: "tl-x__actions" }, this.zoomOut),
    );
    return section;
  }

  /** Redraw for the span first..last (day numbers) and the current result. */
  render(model, result, first, last) {
    const view = density(model, result, first, last);
    this.view = view;
    const { unit, base, bins, counts, matches } = view;
    let highest = 1;
    let busiest = 0;
    let matching = 0;
    for (let b = 0; b < bins; b += 1) {
      highest = Math.max(highest, counts[b]);
      if (matches[b] > matches[busiest]) busiest = b;
      matching += matches[b];
    }
    this.svg.setAttribute("viewBox", `0 0 ${bins} 100`);
    this.allPath.setAttribute("d", bars(counts, highest));
    this.matchPath.setAttribute("d", bars(matches, highest));
    let summary =
      `Events per ${unit.name} from ${dayLabel(first)} to ${dayLabel(last)}: ` +
      `${plural(matching, "matching event")} start in this period`;
    if (matching) {
      const peak = unit.label(unit.start(base + busiest));
      const article = unit.name === "week" ? "the " : "";  // "the week of 7 March 2022"
      summary += `, most in ${article}${peak} (${format(matches[busiest])})`;
    }
    this.title.textContent = `${summary}.`;
    this.axisFirst.textContent = dayLabel(first);
    this.axisLast.textContent = dayLabel(last);
    this.axisUnit.textContent = `events per ${unit.name}`;
  }

  listen() {
    let origin = null;
    const fraction = (event) => {
      const box = this.svg.getBoundingClientRect();
      const at = (event.clientX - box.left) / Math.max(box.width, 1);
      return Math.min(Math.max(at, 0), 0.999999);
    };
    this.svg.addEventListener("pointerdown", (event) => {
      if (event.button !== 0 || !this.view) return;
      origin = { x: event.clientX, at: fraction(event) };
      this.svg.setPointerCapture(event.pointerId);
      event.preventDefault();
    });
    this.svg.addEventListener("pointermove", (event) => {
      const at = fraction(event);
      this.showReadout(Math.floor(at * (this.view ? this.view.bins : 0)));
      if (!origin) return;
      const low = Math.min(origin.at, at) * 100;
      const high = Math.max(origin.at, at) * 100;
      this.brush.setAttribute("x", low.toFixed(3));
      this.brush.setAttribute("width", (high - low).toFixed(3));
    });
    const finish = (event, cancelled) => {
      if (!origin) return;
      const start = origin;
      origin = null;
      this.brush.setAttribute("width", "0");
      if (cancelled) return;
      const at = fraction(event);
      const bins = this.view.bins;
      if (Math.abs(event.clientX - start.x) < CLICK_SLOP) {
        this.zoomTo(Math.floor(at * bins), Math.floor(at * bins));
      } else {
        this.zoomTo(
          Math.floor(Math.min(start.at, at) * bins),
          Math.floor(Math.max(start.at, at) * bins),
        );
      }
    };
    this.svg.addEventListener("pointerup", (event) => finish(event, false));
    this.svg.addEventListener("pointercancel", (event) => finish(event, true));
    this.svg.addEventListener("pointerleave", () => {
      if (!origin) this.readout.textContent = "";
    });
  }

  /** The days of bins low..high, clipped to the span shown, go to `onZoom`. */
  zoomTo(low, high) {
    const { unit, base, first, last } = this.view;
    const from = Math.max(first, unit.start(base + low));
    const to = Math.min(last, unit.start(base + high + 1) - 1);
    this.onZoom(from, to);
  }

  showReadout(bin) {
    if (!this.view || bin < 0 || bin >= this.view.bins) return;
    const { unit, base, counts, matches } = this.view;
    const label = capitalise(unit.label(unit.start(base + bin)));
    const extra = matches[bin] === counts[bin] ? "" : `, ${format(matches[bin])} matching`;
    this.readout.textContent = `${label}: ${plural(counts[bin], "event")}${extra}`;
  }
}

/** One SVG path of bars, `values` scaled so that `highest` fills the strip. */
function bars(values, highest) {
  let d = "";
  for (let b = 0; b < values.length; b += 1) {
    if (!values[b]) continue;
    const height = Math.max((values[b] / highest) * 96, 1.5);
    d += `M${b + 0.1} 100V${(100 - height).toFixed(2)}h0.8V100z`;
  }
  return d;
}
