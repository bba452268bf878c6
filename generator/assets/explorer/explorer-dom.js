/*
 * DOM helpers for the explorer. Event text is untrusted: it reaches the page only as
 * textContent or through setAttribute, never as markup, and these helpers are the only way
 * the explorer creates elements.
 */

const SVG_NS = "http://www.w3.org/2000/svg";
const numbers = new Intl.NumberFormat("en");

/** An element with attributes (`text` sets textContent) and children (nodes or strings). */
export function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

/** An SVG element with attributes. */
export function svg(tag, attributes) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
  return node;
}

export const format = (value) => numbers.format(value);
export const plural = (count, word) => `${format(count)} ${word}${count === 1 ? "" : "s"}`;
export const capitalise = (text) => text.charAt(0).toUpperCase() + text.slice(1);
