/*
 * The explorer's data side: data/explorer.json → typed columns and indexes, the filter state
 * and its query string, the filter itself and the density counts. No DOM here.
 *
 * Filters combine with AND across kinds (tag, actor, place, status, dates, text) and OR within
 * a kind (two tags: events with either). An event is inside a date range when any day it can
 * mean is: "2024" is inside every range within 2024, an ongoing range reaches the present.
 */

export const FORMAT = 1;
const DAY_MS = 86400000;
const OPEN_END = 2147483647;
const ISO_DAY = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
export const MONTHS = [
  "January", "February", "March", "April", "May", "June",
  "July", "August", "September", "October", "November", "December",
];

/** The facets: URL parameter, table in the data, words for the controls. */
export const KINDS = [
  { key: "tag", table: "tags", label: "Tag", plural: "tags", prompt: "Add a tag…" },
  { key: "actor", table: "actors", label: "Actor", plural: "actors", prompt: "Add an actor…" },
  { key: "place", table: "places", label: "Place", plural: "places", prompt: "Add a place…" },
];

// --- days ------------------------------------------------------------------------------------

/** `2024-11-17` → days since 1970-01-01, or null when it is not a real day. */
export function dayOf(iso) {
  const match = ISO_DAY.exec(iso || "");
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const time = Date.UTC(year, month - 1, day);
  const check = new Date(time);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return Math.floor(time / DAY_MS);
}

export const isoOf = (day) => new Date(day * DAY_MS).toISOString().slice(0, 10);

export function dayLabel(day) {
  const date = new Date(day * DAY_MS);
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

function monthLabel(day) {
  const date = new Date(day * DAY_MS);
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

const monthKey = (day) => {
  const date = new Date(day * DAY_MS);
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
};
const monthStart = (key) => Math.floor(Date.UTC(Math.floor(key / 12), key % 12, 1) / DAY_MS);
// Weeks start on Monday; day 0 (1 January 1970) was a Thursday.
const weekKey = (day) => Math.floor((day + 3) / 7);
const weekStart = (key) => key * 7 - 3;

/** Bins of the density strip; `column` names the model's precomputed bin of each event. */
export const UNITS = {
  day: { name: "day", column: "start", key: (d) => d, start: (k) => k, label: dayLabel },
  week: {
    name: "week",
    column: "week",
    key: weekKey,
    start: weekStart,
    label: (day) => `week of ${dayLabel(day)}`,
  },
  month: { name: "month", column: "month", key: monthKey, start: monthStart, label: monthLabel },
};

/** Days for up to three months, weeks for up to three years, months beyond. */
export function unitFor(first, last) {
  const days = last - first + 1;
  if (days <= 92) return UNITS.day;
  if (days <= 3 * 366) return UNITS.week;
  return UNITS.month;
}

/** Lower case without diacritics: "zaporizhzhia" finds "Zaporízhzhia". */
export const fold = (text) =>
  text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

// --- the model: columns and indexes, computed once ---------------------------------------------

/** Column arrays and inverted indexes: filtering then touches only typed arrays. */
export function prepare(data) {
  if (!data || data.format !== FORMAT || !Array.isArray(data.events)) {
    throw new Error(`unsupported explorer data (format ${data && data.format})`);
  }
  const column = {};
  data.fields.forEach((name, index) => {
    column[name] = index;
  });
  const rows = data.events;
  const n = rows.length;
  const model = {
    n,
    statuses: data.statuses.map(String),
    ids: new Array(n),
    dates: new Array(n),
    titles: new Array(n),
    texts: new Array(n),
    start: new Int32Array(n),
    end: new Int32Array(n),
    status: new Uint8Array(n),
    month: new Int32Array(n),
    week: new Int32Array(n),
    kinds: {},
    first: Infinity,
    last: -Infinity,
    haystack: null,
  };
  for (let i = 0; i < n; i += 1) {
    const row = rows[i];
    const start = row[column.start];
    const span = row[column.span];
    model.ids[i] = String(row[column.id]);
    model.dates[i] = String(row[column.date]);
    model.titles[i] = String(row[column.title]);
    model.texts[i] = String(row[column.text] || "");
    model.start[i] = start;
    model.end[i] = span < 0 ? OPEN_END : start + span;
    model.status[i] = row[column.status];
    model.month[i] = monthKey(start);
    model.week[i] = weekKey(start);
    model.first = Math.min(model.first, start);
    model.last = Math.max(model.last, span < 0 ? start : start + span);
  }
  if (n === 0) model.first = model.last = Math.floor(Date.now() / DAY_MS);
  for (const kind of KINDS) {
    model.kinds[kind.key] = facet(data[kind.table], rows, column[kind.table]);
  }
  return model;
}

/** One facet in CSR form (event → values, value → events) with each value's count. */
function facet(table, rows, columnIndex) {
  const n = rows.length;
  const values = table.length;
  const eventOffsets = new Uint32Array(n + 1);
  for (let i = 0; i < n; i += 1) eventOffsets[i + 1] = eventOffsets[i] + rows[i][columnIndex].length;
  const total = eventOffsets[n];
  const eventValues = new Uint32Array(total);
  const counts = new Uint32Array(values);
  for (let i = 0, at = 0; i < n; i += 1) {
    for (const value of rows[i][columnIndex]) {
      eventValues[at] = value;
      at += 1;
      counts[value] += 1;
    }
  }
  const valueOffsets = new Uint32Array(values + 1);
  for (let v = 0; v < values; v += 1) valueOffsets[v + 1] = valueOffsets[v] + counts[v];
  const fill = valueOffsets.slice(0, values);
  const valueEvents = new Uint32Array(total);
  for (let i = 0; i < n; i += 1) {
    for (let at = eventOffsets[i]; at < eventOffsets[i + 1]; at += 1) {
      valueEvents[fill[eventValues[at]]] = i;
      fill[eventValues[at]] += 1;
    }
  }
  const ids = table.map((entry) => String(entry[0]));
  const labels = table.map((entry) => String(entry[1]));
  const index = new Map(ids.map((id, position) => [id, position]));
  return { ids, labels, index, counts, eventOffsets, eventValues, valueOffsets, valueEvents };
}

/** What free text is matched against; built once, when the page is idle or at the first search. */
export function haystack(model) {
  if (model.haystack) return model.haystack;
  const texts = new Array(model.n);
  for (let i = 0; i < model.n; i += 1) {
    const parts = [model.titles[i], model.texts[i], model.dates[i], model.ids[i]];
    for (const kind of KINDS) {
      const f = model.kinds[kind.key];
      for (let at = f.eventOffsets[i]; at < f.eventOffsets[i + 1]; at += 1) {
        parts.push(f.labels[f.eventValues[at]]);
      }
    }
    texts[i] = fold(parts.join(" \u0001 "));
  }
  model.haystack = texts;
  return texts;
}

// --- the state and its query string ---------------------------------------------------------

export function emptyState(model) {
  return {
    text: "",
    tag: [],
    actor: [],
    place: [],
    status: model.statuses.map(() => true),
    from: null,
    to: null,
    order: "asc",
  };
}

/** The state a query string describes; unknown ids and malformed values are dropped. */
export function readState(model, search) {
  const params = new URLSearchParams(search);
  const state = emptyState(model);
  state.text = (params.get("text") || "").slice(0, 200);
  for (const kind of KINDS) {
    const f = model.kinds[kind.key];
    for (const id of (params.get(kind.key) || "").split(",")) {
      const value = f.index.get(id);
      if (value !== undefined && !state[kind.key].includes(value)) state[kind.key].push(value);
    }
  }
  if (params.has("status")) {
    const wanted = new Set((params.get("status") || "").split(","));
    state.status = model.statuses.map((name) => wanted.has(name));
  }
  state.from = dayOf(params.get("from"));
  state.to = dayOf(params.get("to"));
  if (state.from !== null && state.to !== null && state.from > state.to) {
    [state.from, state.to] = [state.to, state.from];
  }
  state.order = params.get("order") === "desc" ? "desc" : "asc";
  return state;
}

/** `?text=…&tag=a,b&actor=…&place=…&status=…&from=…&to=…&order=desc`, defaults left out. */
export function queryOf(model, state) {
  const params = [];
  const add = (name, value) =>
    params.push(`${name}=${encodeURIComponent(value).replace(/%2C/g, ",")}`);
  if (state.text.trim()) add("text", state.text.trim());
  for (const kind of KINDS) {
    const ids = state[kind.key].map((value) => model.kinds[kind.key].ids[value]);
    if (ids.length) add(kind.key, ids.join(","));
  }
  if (!state.status.every(Boolean)) {
    add("status", model.statuses.filter((_name, index) => state.status[index]).join(","));
  }
  if (state.from !== null) add("from", isoOf(state.from));
  if (state.to !== null) add("to", isoOf(state.to));
  if (state.order === "desc") add("order", "desc");
  return params.length ? `?${params.join("&")}` : "";
}

// --- filtering and counting -----------------------------------------------------------------

/** Scratch arrays for `filter`, allocated once per model. */
export const scratchFor = (model) => ({
  mask: new Uint8Array(model.n),
  kind: new Uint8Array(model.n),
});

/** Indexes of the matching events, in display order, as a Uint32Array. */
export function filter(model, state, scratch) {
  const n = model.n;
  const mask = scratch.mask;
  mask.fill(1);
  for (const kind of KINDS) {
    const selected = state[kind.key];
    if (!selected.length) continue;
    const f = model.kinds[kind.key];
    const any = scratch.kind;
    any.fill(0);
    for (const value of selected) {
      for (let at = f.valueOffsets[value]; at < f.valueOffsets[value + 1]; at += 1) {
        any[f.valueEvents[at]] = 1;
      }
    }
    for (let i = 0; i < n; i += 1) mask[i] &= any[i];
  }
  if (!state.status.every(Boolean)) {
    const allowed = Uint8Array.from(state.status, Number);
    for (let i = 0; i < n; i += 1) mask[i] &= allowed[model.status[i]];
  }
  if (state.from !== null || state.to !== null) {
    const low = state.from === null ? -OPEN_END : state.from;
    const high = state.to === null ? OPEN_END : state.to;
    const { start, end } = model;
    for (let i = 0; i < n; i += 1) if (start[i] > high || end[i] < low) mask[i] = 0;
  }
  const terms = fold(state.text).split(/\s+/).filter(Boolean);
  if (terms.length) {
    const texts = haystack(model);
    for (let i = 0; i < n; i += 1) {
      if (mask[i] && !terms.every((term) => texts[i].includes(term))) mask[i] = 0;
    }
  }
  let count = 0;
  for (let i = 0; i < n; i += 1) count += mask[i];
  const result = new Uint32Array(count);
  if (state.order === "desc") {
    for (let i = n - 1, at = 0; i >= 0; i -= 1) if (mask[i]) result[at++] = i;
  } else {
    for (let i = 0, at = 0; i < n; i += 1) if (mask[i]) result[at++] = i;
  }
  return result;
}

/** Events per bin over first..last (by the day they start): all of them, and the matching. */
export function density(model, result, first, last) {
  const unit = unitFor(first, last);
  const base = unit.key(first);
  const bins = unit.key(last) - base + 1;
  const keys = model[unit.column];
  const counts = new Uint32Array(bins);
  const matches = new Uint32Array(bins);
  const start = model.start;
  for (let i = 0; i < model.n; i += 1) {
    if (start[i] >= first && start[i] <= last) counts[keys[i] - base] += 1;
  }
  for (const i of result) {
    if (start[i] >= first && start[i] <= last) matches[keys[i] - base] += 1;
  }
  return { first, last, unit, base, bins, counts, matches };
}
