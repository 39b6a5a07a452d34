// Replay: any game, scrubbed move by move with a range input. The frames are the session's events (every page of
// them) folded with the engine in this browser, so a game just finished replays whole, with no wait for the daemon's
// timeline. A finished sealed game can be checked here too.

import { api } from "../api.js";
import { evolve, INITIAL_SESSION, sessionView } from "../engine.js";
import { verifyInBrowser } from "../verify.js";
import { board, count, fill, formatNumber, h, pageHeading, problemBox, scoreboard, shortId, time, updateBoard, updateScoreboard } from "../ui.js";
import { verificationBox } from "./play.js";

export function mountList(main) {
  let alive = true;
  const list = h("div", { class: "replays" }, h("p", {}, "Loading…"));
  const id = h("input", { id: "replay-id", inputmode: "text", autocomplete: "off", spellcheck: "false", pattern: "[0-9a-fA-F-]{36}", placeholder: "0195f1c4-6a2e-7c3b-9d41-2f7a8e5b6c10" });
  fill(main,
    pageHeading("Replay"),
    h("p", {}, "Pick a finished game, or give a session's id, and scrub through it move by move."),
    h("form", { class: "setup", onsubmit: event => { event.preventDefault(); location.hash = `#/replay/${id.value.trim()}`; } },
      h("div", { class: "field" }, h("label", { for: "replay-id" }, "Session id"), id),
      h("div", { class: "actions" }, h("button", { type: "submit" }, "Replay"))),
    h("h2", {}, "Finished games"), list);

  Promise.all([api.sessions("over", 20), api.sessions("abandoned", 20)]).then(([over, abandoned]) => {
    if (!alive) return;
    const games = [...over, ...abandoned].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    fill(list, games.length === 0 ? h("p", {}, "No game has ended yet.") : h("ul", { class: "game-list" }, games.map(g => h("li", {},
      h("a", { href: `#/replay/${g.id}`, "data-session": g.id }, `${g.player}: ${formatNumber(g.score)} points, best tile ${formatNumber(g.maxTile)}, ${count(g.moveCount, "move")}`),
      ` (${g.sealed ? "sealed" : "open"}, ${g.status}, `, time(g.updatedAt), ")"))));
  }, error => { if (alive) fill(list, problemBox(error)); });
  return () => { alive = false; };
}

/** The frames of a game: its start, then the session after each move; the other events label the frame they follow. */
export function framesOf(events) {
  const frames = [];
  let state = INITIAL_SESSION;
  for (const event of [...events].sort((a, b) => a.version - b.version)) {
    state = evolve(state, event);
    if (event.type === "session_started" || event.type === "tiles_moved") frames.push({ view: sessionView(state), event, notes: [] });
    else if (frames.length > 0) {
      frames.at(-1).notes.push(event);
      frames.at(-1).view = sessionView(state);
    }
  }
  return frames;
}

export function mountReplay(main, [id]) {
  let alive = true;
  const body = h("div", { class: "replay" }, h("p", { role: "status" }, "Reading the game's events…"));
  fill(main, pageHeading("Replay"), body);

  api.events(id).then(events => {
    if (alive) show(body, id, events);
  }, error => { if (alive) fill(body, problemBox(error)); });
  return () => { alive = false; };
}

function show(body, id, events) {
  const frames = framesOf(events);
  const last = frames.at(-1).view;
  const slider = h("input", { id: "scrub", type: "range", min: 0, max: frames.length - 1, step: 1, value: frames.length - 1, "aria-describedby": "frame-label" });
  const frameLabel = h("p", { id: "frame-label", class: "frame-label", "aria-live": "polite" });
  const scores = scoreboard({ live: false });
  const boardElement = board(last.board, { label: "The replayed board" });
  const verification = h("div", { class: "verification" });
  const step = delta => {
    slider.value = String(Math.min(frames.length - 1, Math.max(0, Number(slider.value) + delta)));
    draw();
  };

  fill(body,
    h("p", { class: "game-label" }, `${last.player}'s ${last.generator === "hmac-sha256" ? "sealed game" : `game on seed ${last.seed}`}, ${last.status === "active" ? "still being played" : last.status}: `,
      `${formatNumber(last.score)} points in ${count(last.moveCount, "move")} · session ${shortId(id)}`),
    last.status === "active" ? h("p", {}, "This game is still going on: ", h("a", { href: `#/watch/${id}` }, "watch it live"), ".") : null,
    scores,
    h("div", { class: "board-wrap" }, boardElement),
    h("div", { class: "scrubber" },
      h("label", { for: "scrub" }, "Move"),
      h("button", { type: "button", "aria-label": "Previous move", onclick: () => step(-1) }, "‹"),
      slider,
      h("button", { type: "button", "aria-label": "Next move", onclick: () => step(1) }, "›")),
    frameLabel,
    last.generator === "hmac-sha256" && last.status !== "active"
      ? h("div", { class: "actions" }, h("button", { type: "button", onclick: event => verify(event.currentTarget) }, "Check this sealed game in your browser"))
      : null,
    verification);

  function draw() {
    const index = Number(slider.value);
    const { view, event, notes } = frames[index];
    const data = event.type === "tiles_moved" ? event.data : {};
    updateScoreboard(scores, view);
    updateBoard(boardElement, view.board, { label: "The replayed board", spawned: data.spawned ?? null, merged: data.merged ?? [] });
    const what = index === 0 ? "The start" : `Move ${index} of ${frames.length - 1}: ${data.direction}${data.scoreGained ? `, +${data.scoreGained}` : ""}`;
    const after = notes.map(n => n.type === "milestone_reached" ? `reached ${n.data.tile}` : n.type === "game_over" ? "game over" : n.type === "session_abandoned" ? "abandoned" : n.type);
    frameLabel.dataset.frame = index;
    frameLabel.textContent = after.length ? `${what}; ${after.join(", ")}.` : `${what}.`;
    slider.setAttribute("aria-valuetext", what);
  }

  async function verify(button) {
    button.disabled = true;
    fill(verification, verificationBox({ checking: true }));
    try {
      fill(verification, verificationBox(await verifyInBrowser(id)));
    } catch (error) {
      fill(verification, problemBox(error));
    }
  }

  slider.addEventListener("input", draw);
  draw();
}
