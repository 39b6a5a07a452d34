// Small pieces every page uses: building elements (text is always text: player names come from other players),
// the board, problems, freshness, announcements.

/** An element: h("p", { class: "x", onclick: f }, "text", child). Attributes with null or false are left out. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** Says something to screen readers, through the page's one polite live region. */
export function announce(text) {
  const region = document.getElementById("announcer");
  // Emptied first, so the same words said twice are announced twice.
  region.textContent = "";
  requestAnimationFrame(() => { region.textContent = text; });
}

const numbers = new Intl.NumberFormat("en");
export const formatNumber = n => numbers.format(n);

/** "1 move", "3 moves". */
export const count = (n, noun) => `${formatNumber(n)} ${noun}${n === 1 ? "" : "s"}`;

/** The board: 16 cells, with its rows in data-rows (board[y][x], as the API writes them) and a spoken summary. */
export function board(rows, { label = "Board", spawned = null, merged = [] } = {}) {
  const element = h("div", { class: "board", role: "img" });
  updateBoard(element, rows, { label, spawned, merged });
  return element;
}

export function updateBoard(element, rows, { label = "Board", spawned = null, merged = [] } = {}) {
  element.dataset.rows = JSON.stringify(rows);
  element.setAttribute("aria-label", `${label}: ${rows.map((row, y) => `row ${y + 1}: ${row.map(v => v || "empty").join(", ")}`).join("; ")}`);
  const isAt = (tile, x, y) => tile && tile.x === x && tile.y === y;
  fill(element, rows.flatMap((row, y) => row.map((value, x) => h("div", {
    class: ["cell", value ? `tile tile-${value > 2048 ? "super" : value}` : "",
      isAt(spawned, x, y) ? "spawned" : "", merged.some(m => isAt(m, x, y)) ? "merged" : ""].filter(Boolean).join(" "),
    "aria-hidden": "true",
  }, value || ""))));
  return element;
}

/** A problem of the API (or any error) as the page shows it: its title and its detail. */
export function problemBox(error, { heading } = {}) {
  const title = error?.title ?? error?.name ?? "Error";
  const detail = error?.detail ?? error?.message ?? String(error);
  // A validation problem names each field that failed, and why.
  const errors = Object.entries(error?.problem?.errors ?? {});
  return h("div", { class: "problem", role: "alert" },
    heading ? h("p", { class: "problem-heading" }, heading) : null,
    h("p", {}, h("strong", {}, title), detail && detail !== title ? `: ${detail}` : ""),
    errors.length ? h("ul", {}, errors.map(([field, messages]) => h("li", {}, `${field}: ${[messages].flat().join(" ")}`))) : null,
    error?.type && error.type !== "about:blank" ? h("p", { class: "problem-type" }, error.type) : null);
}

/** How fresh a read built by the daemon is (the API's freshness object). */
export function freshness(f) {
  const upToDate = f.lag === 0;
  return h("p", { class: `freshness ${upToDate ? "fresh" : "stale"}`, "data-lag": f.lag },
    upToDate
      ? `Up to date: the ${f.projection} projection has read every event (${formatNumber(f.sequence)} of ${formatNumber(f.highWaterMark)}).`
      : `${formatNumber(f.lag)} event${f.lag === 1 ? "" : "s"} behind: the ${f.projection} projection has read up to event ${formatNumber(f.sequence)} of ${formatNumber(f.highWaterMark)}.`);
}

/** Figures as a description list: [[term, value, name], ...]; each item has data-figure="name". */
export function figures(pairs, attributes = {}) {
  return h("dl", { class: "figures", ...attributes }, figureItems(pairs));
}

function figureItems(pairs) {
  return pairs.map(([term, value, name]) => h("div", { dataset: name ? { figure: name } : {} }, h("dt", {}, term), h("dd", {}, value)));
}

/**
 * A game's score, best tile and moves (and version, when given). Made once and updated in place
 * (updateScoreboard): with `live`, the score is a polite live region, which announces each new score only because it
 * stays the same element.
 */
export function scoreboard({ live = true } = {}) {
  const liveRegion = live ? { role: "status", "aria-live": "polite", "aria-atomic": "true" } : {};
  return h("div", { class: "scoreboard" },
    h("p", { class: "score", ...liveRegion }, "Score ", h("strong", { "data-score": 0 }, "0")),
    h("dl", { class: "figures" }));
}

export function updateScoreboard(element, { score, maxTile, moveCount, version }) {
  const strong = element.querySelector("[data-score]");
  strong.dataset.score = score;
  strong.textContent = formatNumber(score);
  const pairs = [["Best tile", formatNumber(maxTile), "best"], ["Moves", formatNumber(moveCount), "moves"]];
  if (version !== undefined) pairs.push(["Version", formatNumber(version), "version"]);
  fill(element.querySelector(".figures"), figureItems(pairs));
}

/** A page's heading, which takes the focus when the page is shown (so keyboard and screen reader users land on it). */
export function pageHeading(text) {
  return h("h1", { tabindex: "-1", class: "page-heading" }, text);
}

export const shortId = id => id.slice(0, 8);

export function time(iso) {
  const date = new Date(iso);
  return h("time", { datetime: iso }, date.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "medium" }));
}
