// Play: an open game on a seed, a sealed game or the day's challenge, against the API. The game survives going to
// another page and back, and a reload of the tab (its id and token are kept in sessionStorage).

import { api, todayUtc } from "../api.js";
import { listenForMoves } from "../input.js";
import { SessionPlayer } from "../session-player.js";
import { announce, board, count, fill, formatNumber, h, pageHeading, problemBox, scoreboard, updateBoard, updateScoreboard } from "../ui.js";
import { verifyInBrowser } from "../verify.js";

const STORED = "eventapi.play";

/** The game being played, kept while the page is away: { player, label, mismatches, problem, verification, last }. */
let current = null;
/** The mounted page's render function, or null. */
let rerender = null;

export function playerName() {
  return localStorage.getItem("eventapi.player") || "player";
}

export function rememberPlayerName(name) {
  localStorage.setItem("eventapi.player", name);
}

export function randomSeed() {
  return crypto.getRandomValues(new Uint32Array(1))[0];
}

export function mount(main) {
  let alive = true;
  const setup = setupForm(what => startGame(what, setup).then(() => { if (alive) render(); }));
  const game = h("section", { class: "game", "aria-label": "Game" });
  fill(main, pageHeading("Play"), game, h("h2", {}, "New game"), setup);

  let stopInput = () => {};
  function render() {
    stopInput();
    stopInput = () => {};
    if (!current) {
      fill(game, h("p", { class: "hint" }, "Start a game: on a seed of your own (predicted move by move in this browser), sealed (the server keeps a secret you can check when it ends), or today's challenge."));
      return;
    }
    const boardElement = renderGame(game);
    stopInput = listenForMoves(boardElement, direction => play(direction));
  }
  rerender = () => current && updateGame(game);
  render();
  if (!current) resumeStored().then(() => { if (alive) render(); });

  return () => {
    alive = false;
    stopInput();
    rerender = null;
  };
}

function setupForm(onStart) {
  const status = h("div", { class: "setup-status", "aria-live": "polite" });
  const player = h("input", { id: "player", name: "player", autocomplete: "nickname", maxlength: 32, required: true, value: playerName() });
  const seed = h("input", { id: "seed", name: "seed", type: "number", min: 0, max: 4294967295, step: 1, required: true, value: randomSeed() });
  const form = h("form", { class: "setup", "aria-label": "New game", onsubmit: event => event.preventDefault() },
    h("div", { class: "field" }, h("label", { for: "player" }, "Player"), player),
    h("div", { class: "field" }, h("label", { for: "seed" }, "Seed"), seed),
    h("div", { class: "actions" },
      h("button", { type: "button", "data-start": "open", onclick: () => start({ kind: "open", seed: Number(seed.value) }) }, "Start an open game"),
      h("button", { type: "button", "data-start": "sealed", onclick: () => start({ kind: "sealed" }) }, "Start a sealed game"),
      h("button", { type: "button", "data-start": "daily", onclick: () => start({ kind: "daily" }) }, "Play today's challenge")),
    status);

  function start(what) {
    const name = player.value.trim();
    rememberPlayerName(name);
    onStart({ ...what, player: name });
  }
  form.status = status;
  return form;
}

async function startGame({ kind, player, seed }, form) {
  fill(form.status, h("p", {}, "Starting…"));
  try {
    let label;
    if (kind === "daily") {
      const challenge = await api.challenge(todayUtc());
      seed = challenge.seed;
      label = `Today's challenge (${challenge.day}, seed ${seed})`;
    } else {
      label = kind === "open" ? `Open game on seed ${seed}` : "Sealed game";
    }
    const started = await api.startSession({ player, seed: kind === "sealed" ? null : seed });
    begin(started, started.token, label);
    sessionStorage.setItem(STORED, JSON.stringify({ id: started.id, token: started.token, label }));
    fill(form.status);
    announce(`${label} started. Use the arrow keys, W A S D, or swipe on the board.`);
  } catch (error) {
    fill(form.status, problemBox(error, { heading: "The game could not be started." }));
  }
}

async function resumeStored() {
  const stored = JSON.parse(sessionStorage.getItem(STORED) ?? "null");
  if (!stored) return;
  try {
    begin(await api.session(stored.id), stored.token, stored.label);
  } catch {
    sessionStorage.removeItem(STORED);
  }
}

function begin(view, token, label) {
  current = { label, mismatches: [], problem: null, verification: null, last: null };
  const game = current;
  game.player = new SessionPlayer(view, token, {
    change: () => rerender?.(),
    mismatch: mismatch => {
      game.mismatches.push(mismatch);
      announce("The server's answer does not match this browser's prediction.");
    },
    problem: error => {
      game.problem = error;
      rerender?.();
    },
    ended: ended => finish(game, ended),
  });
  if (game.player.ended) finish(game, view);
}

function play(direction) {
  const moved = current?.player.move(direction);
  if (!moved) return;
  current.problem = null;
  current.last = moved.spawned ? { spawned: moved.spawned, merged: moved.merged } : null;
  if (moved.milestones?.length) announce(`You made a ${moved.milestones[0]} tile.`);
  rerender?.();
}

async function finish(game, view) {
  const how = view.status === "over" ? "Game over" : "Game abandoned";
  announce(`${how}. Final score ${view.score}, best tile ${view.maxTile}, ${count(view.moveCount, "move")}.`);
  rerender?.();
  if (view.generator !== "hmac-sha256" || game.verification) return;
  game.verification = { checking: true };
  rerender?.();
  try {
    game.verification = await verifyInBrowser(view.id, { commitment: game.player.commitment, seen: game.player.seen });
  } catch (error) {
    game.verification = { fair: false, reason: `the events could not be read: ${error.title ?? error.message}${error.detail ? ` (${error.detail})` : ""}` };
  }
  announce(game.verification.fair ? "This game was fair: verified in your browser." : "This game could not be verified.");
  rerender?.();
}

/** Builds the game's section; returns the board element (the target of swipes). */
function renderGame(section) {
  const p = current.player;
  const boardElement = board(p.shown.board);
  fill(section,
    h("p", { class: "game-label", "data-session-id": p.id }, current.label, " ", h("span", { class: "session-id" }, `session ${p.id}`)),
    p.open ? null : h("p", { class: "commitment" }, "The server committed to its secret before your first move: ", h("code", {}, p.commitment)),
    scoreboard(),
    h("div", { class: "board-wrap" }, boardElement),
    h("p", { class: "hint" }, "Arrow keys or W A S D move the tiles; on a touch screen, swipe on the board."),
    h("p", { class: "sync", "aria-live": "off" }),
    h("div", { class: "mismatches" }),
    h("div", { class: "problems" }),
    h("div", { class: "ending" }),
    h("div", { class: "verification" }),
    h("div", { class: "actions" },
      h("button", { type: "button", class: "abandon", onclick: () => abandon() }, "Abandon"),
      h("a", { class: "button", href: `#/replay/${p.id}` }, "Replay"),
      h("a", { class: "button", href: `#/watch/${p.id}` }, "Watch")));
  updateGame(section);
  return boardElement;
}

function updateGame(section) {
  const p = current.player;
  const shown = p.shown;
  updateScoreboard(section.querySelector(".scoreboard"), shown);
  updateBoard(section.querySelector(".board"), shown.board, current.last ?? {});
  current.last = null;

  const sync = section.querySelector(".sync");
  sync.dataset.pending = p.pending;
  sync.dataset.version = p.view.version;
  sync.textContent = p.retrying
    ? `The connection is lost: sending again (attempt ${p.retrying + 1}), with the same Idempotency-Key.`
    : p.pending
      ? `${count(p.pending, "move")} on the way to the server.`
      : p.open
        ? `Every move predicted here was confirmed by the server (version ${p.view.version}).`
        : `The server has every move (version ${p.view.version}).`;

  fill(section.querySelector(".mismatches"), current.mismatches.map(mismatchBox));
  fill(section.querySelector(".problems"), current.problem ? problemBox(current.problem) : null);

  const v = p.view;
  fill(section.querySelector(".ending"), p.ended
    ? h("div", { class: "game-over", role: "alert" },
      h("p", {}, h("strong", {}, v.status === "over" ? "Game over." : "Game abandoned."),
        ` Final score ${formatNumber(v.score)}, best tile ${formatNumber(v.maxTile)}, ${count(v.moveCount, "move")}.`))
    : null);
  fill(section.querySelector(".verification"), verificationBox(current.verification));
  section.querySelector(".abandon").disabled = p.ended;
}

async function abandon() {
  const game = current;
  try {
    await game.player.abandon();
  } catch (error) {
    game.problem = error;
    rerender?.();
  }
}

function mismatchBox({ expected, actual, moves }) {
  return h("div", { class: "mismatch", role: "alert" },
    h("p", {}, h("strong", {}, "The server's answer does not match this browser's prediction"),
      moves.length ? ` after ${moves.join(", ")}.` : " of the game's start."),
    h("div", { class: "boards-compared" },
      h("figure", {}, board(expected.board, { label: "Predicted board" }), h("figcaption", {}, `Predicted: score ${expected.score}, ${count(expected.moveCount, "move")}`)),
      h("figure", {}, board(actual.board, { label: "The server's board" }), h("figcaption", {}, `The server: score ${actual.score}, ${count(actual.moveCount, "move")}`))),
    h("p", {}, "The game goes on from the server's board."));
}

export function verificationBox(verification) {
  if (!verification) return null;
  if (verification.checking) return h("p", { class: "verifying", role: "status" }, "Checking the game in your browser…");
  if (verification.fair)
    return h("div", { class: "verified", role: "status" },
      h("p", {}, h("strong", {}, "This game was fair: verified in your browser.")),
      h("p", {}, `The secret revealed at the end matches the commitment shown before the first move, and it draws all ${verification.spawnsChecked} spawns of the game`,
        verification.boardsChecked ? `; the ${verification.boardsChecked} boards the server showed you are the ones its events give.` : "."));
  return h("div", { class: "unverified", role: "alert" },
    h("p", {}, h("strong", {}, "This game could not be verified: "), verification.reason));
}
