// Leaderboards and statistics: reads the async daemon builds (/leaderboard, /leaderboard/daily/{day}, /stats,
// /stats/daily/{day}), each shown with its freshness: how far the projection has read the store's events.

import { api, todayUtc } from "../api.js";
import { fill, figures, formatNumber, freshness, h, pageHeading, problemBox, time } from "../ui.js";

/** A day picker that changes the route (#/leaderboard/{day}, #/stats/{day}). */
function dayPicker(route, day) {
  const input = h("input", { id: "day", type: "date", value: day, max: todayUtc(), required: true });
  return h("form", { class: "setup day-picker", onsubmit: event => { event.preventDefault(); if (input.value) location.hash = `#/${route}/${input.value}`; } },
    h("div", { class: "field" }, h("label", { for: "day" }, "Day (UTC)"), input),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Show")));
}

/** Loads `load()` into `section` now and when its refresh button is pressed. */
function loaded(section, title, load, render) {
  const content = h("div", { class: "loaded" }, h("p", {}, "Loading…"));
  const refresh = () => load().then(answer => fill(content, freshness(answer.freshness), render(answer.data)), error => fill(content, problemBox(error)));
  fill(section, h("div", { class: "section-head" }, h("h2", {}, title), h("button", { type: "button", onclick: refresh, "aria-label": `Refresh: ${title}` }, "Refresh")), content);
  refresh();
  return section;
}

export function mountLeaderboards(main, [day = todayUtc()]) {
  fill(main,
    pageHeading("Leaderboards"),
    h("p", {}, "Finished games by score, then fewer moves, then the earlier finish: games played through the API and claims the server verified."),
    loaded(h("section", { class: "leaderboard", "data-board": "all" }), "All time", () => api.leaderboard(null, 20), leaderboardTable),
    dayPicker("leaderboard", day),
    loaded(h("section", { class: "leaderboard", "data-board": "daily" }), `The challenge of ${day}`, () => api.leaderboard(day, 20), leaderboardTable));
}

function leaderboardTable(entries) {
  if (entries.length === 0) return h("p", {}, "No finished game yet.");
  return h("table", { class: "sessions" },
    h("thead", {}, h("tr", {}, ["Rank", "Player", "Score", "Moves", "Best tile", "Game", "Finished"].map(c => h("th", { scope: "col" }, c)))),
    h("tbody", {}, entries.map(e => h("tr", { "data-game": e.gameId },
      h("td", { class: "number" }, `#${e.rank}`),
      h("td", {}, e.player),
      h("td", { class: "number" }, formatNumber(e.score)),
      h("td", { class: "number" }, formatNumber(e.moveCount)),
      h("td", { class: "number" }, formatNumber(e.maxTile)),
      h("td", {}, e.source === "session" ? h("a", { href: `#/replay/${e.gameId}`, "aria-label": `Replay ${e.player}'s game` }, "replay") : "offline claim"),
      h("td", {}, time(e.finishedAt))))));
}

export function mountStatistics(main, [day = todayUtc()]) {
  fill(main,
    pageHeading("Statistics"),
    loaded(h("section", { class: "statistics", "data-stats": "all" }), "All time", () => api.stats(null), statistics),
    dayPicker("stats", day),
    loaded(h("section", { class: "statistics", "data-stats": "daily" }), `${day} (UTC)`, () => api.stats(day), statistics));
}

function statistics(s) {
  const histogram = Object.entries(s.maxTileHistogram).map(([tile, games]) => [Number(tile), games]).sort((a, b) => a[0] - b[0]);
  const most = Math.max(1, ...histogram.map(([, games]) => games));
  return h("div", { class: "stats" },
    figures([
      ["Sessions started", formatNumber(s.sessionsStarted), "sessionsStarted"],
      ["Games over", formatNumber(s.sessionsOver), "sessionsOver"],
      ["Abandoned", formatNumber(s.sessionsAbandoned), "sessionsAbandoned"],
      ["Claims verified", formatNumber(s.claimsVerified), "claimsVerified"],
      ["Claims rejected", formatNumber(s.claimsRejected), "claimsRejected"],
      ["Finished games", formatNumber(s.finishedGames), "finishedGames"],
      ["Average final score", formatNumber(s.averageFinalScore), "averageFinalScore"],
      ["Best final score", formatNumber(s.bestFinalScore), "bestFinalScore"],
    ]),
    h("h3", {}, "Moves"),
    figures(["up", "right", "down", "left", "total"].map(d => [d, formatNumber(s.moves[d]), `moves-${d}`])),
    h("h3", {}, "Best tile of each finished game"),
    histogram.length === 0 ? h("p", {}, "No finished game yet.") : h("table", { class: "histogram" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Best tile"), h("th", { scope: "col" }, "Games"), h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Share")))),
      h("tbody", {}, histogram.map(([tile, games]) => h("tr", {},
        h("td", { class: "number" }, formatNumber(tile)),
        h("td", { class: "number" }, formatNumber(games)),
        h("td", { class: "bar-cell" }, h("meter", { min: 0, max: most, value: games, "aria-label": `${games} games` })))))));
}

