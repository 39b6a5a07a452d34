// Offline: a game played in the browser alone, on today's challenge (its seed fetched while online and kept) or a
// seed of your own, then submitted as a claim (POST /claims): the server replays the moves with the same engine and
// says whether it agrees, and the leaderboard shows where the game stands.

import { api, newIdempotencyKey, Problem, todayUtc } from "../api.js";
import { mulberry32, start, toRows, tryMove } from "../engine.js";
import { listenForMoves } from "../input.js";
import { announce, board, count, fill, formatNumber, freshness, h, pageHeading, problemBox, scoreboard, updateBoard, updateScoreboard } from "../ui.js";
import { playerName, randomSeed, rememberPlayerName } from "./play.js";

const CHALLENGE = "eventapi.challenge";

/** The offline game, kept while the page is away. */
let current = null;

export function mount(main) {
  let alive = true;
  const connection = h("p", { class: "connection", role: "status" });
  const challenge = h("div", { class: "challenge" });
  const player = h("input", { id: "offline-player", autocomplete: "nickname", maxlength: 32, value: playerName() });
  const seed = h("input", { id: "offline-seed", type: "number", min: 0, max: 4294967295, step: 1, value: randomSeed() });
  const game = h("section", { class: "game", "aria-label": "Offline game" });
  fill(main,
    pageHeading("Offline"),
    h("p", {}, "Play with no network at all: the game runs in this browser on a public seed. When you are back online, submit it as a claim; the server replays your moves with the same engine and puts a verified game on the leaderboard."),
    connection,
    h("form", { class: "setup", "aria-label": "New offline game", onsubmit: event => event.preventDefault() },
      h("div", { class: "field" }, h("label", { for: "offline-player" }, "Player"), player),
      challenge,
      h("div", { class: "field" }, h("label", { for: "offline-seed" }, "Seed"), seed),
      h("div", { class: "actions" },
        h("button", { type: "button", "data-start": "seed", onclick: () => begin(Number(seed.value), null) }, "Start on this seed"))),
    game);

  const showConnection = () => fill(connection, navigator.onLine
    ? "You are online."
    : "You are offline. The game plays on; the claim waits until you are back online.");
  showConnection();
  window.addEventListener("online", showConnection);
  window.addEventListener("offline", showConnection);

  const showChallenge = stored => fill(challenge, stored
    ? h("button", { type: "button", "data-start": "challenge", onclick: () => begin(stored.seed, stored.day) },
      stored.day === todayUtc() ? `Play today's challenge (seed ${stored.seed})` : `Play the challenge of ${stored.day} (seed ${stored.seed})`)
    : h("p", { class: "hint" }, "Today's challenge is fetched while you are online, and kept for when you are not."));
  showChallenge(JSON.parse(localStorage.getItem(CHALLENGE) ?? "null"));
  api.challenge(todayUtc()).then(c => {
    localStorage.setItem(CHALLENGE, JSON.stringify({ day: c.day, seed: c.seed }));
    if (alive) showChallenge(c);
  }, () => {});

  let stopInput = () => {};
  function begin(seedValue, day) {
    const name = player.value.trim();
    rememberPlayerName(name);
    const random = mulberry32(seedValue);
    current = { player: name, seed: seedValue, day, random, game: start(random).game, moves: [], key: null, last: null };
    announce(`Offline game on seed ${seedValue} started.`);
    render();
  }

  function render() {
    stopInput();
    stopInput = () => {};
    if (!current) {
      fill(game);
      return;
    }
    const boardElement = board(toRows(current.game.board));
    fill(game,
      h("p", { class: "game-label" }, current.day ? `The challenge of ${current.day}, seed ${current.seed}, played offline` : `Seed ${current.seed}, played offline`),
      scoreboard(),
      h("div", { class: "board-wrap" }, boardElement),
      h("p", { class: "hint" }, "Arrow keys or W A S D move the tiles; on a touch screen, swipe on the board."),
      h("div", { class: "ending" }),
      h("div", { class: "claim" }),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "submit-claim", onclick: () => submit() }, "Submit as a claim")));
    stopInput = listenForMoves(boardElement, direction => move(direction));
    update();
  }

  function update() {
    if (!alive || !current) return;
    const g = current.game;
    updateScoreboard(game.querySelector(".scoreboard"), g);
    updateBoard(game.querySelector(".board"), toRows(g.board), current.last ?? {});
    current.last = null;
    fill(game.querySelector(".ending"), g.over ? h("div", { class: "game-over", role: "alert" },
      h("p", {}, h("strong", {}, "Game over."), ` Final score ${formatNumber(g.score)}, best tile ${formatNumber(g.maxTile)}, ${count(g.moveCount, "move")}. Submit it as a claim.`)) : null);
    fill(game.querySelector(".claim"), claimBox(current));
    const button = game.querySelector(".submit-claim");
    button.disabled = current.submitting || current.claim !== undefined || g.moveCount === 0;
  }

  function move(direction) {
    if (!current || current.claim !== undefined || current.submitting) return;
    const result = tryMove(current.game, direction, current.random);
    if (!result) return;
    current.game = result.game;
    current.moves.push(direction);
    current.last = { spawned: result.spawned, merged: result.merged };
    if (result.milestones.length) announce(`You made a ${result.milestones[0]} tile.`);
    if (result.over) announce(`Game over. Final score ${result.game.score}.`);
    update();
  }

  async function submit() {
    const claimed = current;
    // One key per claim, kept across every retry of it: the server records it once however often it is sent.
    claimed.key ??= newIdempotencyKey();
    claimed.submitting = true;
    claimed.problem = null;
    update();
    try {
      const body = { player: claimed.player, seed: claimed.seed, moves: claimed.moves, claimedScore: claimed.game.score };
      claimed.claim = await api.submitClaim(body, claimed.key, { attempts: 3 });
      announce(`Claim verified: the server replayed your ${count(claimed.moves.length, "move")}.`);
      claimed.submitting = false;
      update();
      await findPlace(claimed, () => update());
    } catch (error) {
      claimed.submitting = false;
      if (error instanceof Problem && error.status === 422 && error.type === "urn:eventapi:problem:claim-rejected") claimed.claim = null;
      claimed.problem = error;
      announce(error instanceof Problem ? `${error.title}. ${error.detail}` : "The server could not be reached: the game is kept here.");
      update();
    }
  }

  render();
  return () => {
    alive = false;
    stopInput();
    window.removeEventListener("online", showConnection);
    window.removeEventListener("offline", showConnection);
  };
}

/** Polls the leaderboard (the day's, for a challenge) until the daemon has put the claim on it, for up to 30 s. */
async function findPlace(claimed, changed) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      const board = await api.leaderboard(claimed.claim.challengeDay, 100);
      const entry = board.data.find(e => e.gameId === claimed.claim.id);
      claimed.place = { entry, freshness: board.freshness, searched: board.data.length };
      changed();
      if (entry) return;
    } catch (error) {
      claimed.place = { problem: error };
      changed();
    }
    await new Promise(resolve => setTimeout(resolve, 500));
  }
  claimed.place = { ...claimed.place, gaveUp: true };
  changed();
}

function claimBox(claimed) {
  if (claimed.submitting) return h("p", { role: "status" }, "Sending the claim…");
  if (claimed.problem) {
    return claimed.problem instanceof Problem
      ? problemBox(claimed.problem, { heading: claimed.claim === null ? "The server refused the claim." : "The claim was not accepted." })
      : h("div", { class: "problem", role: "alert" },
        h("p", {}, h("strong", {}, "The server could not be reached."), " The game is kept here: submit it again once you are back online (the same Idempotency-Key makes sure it counts once)."));
  }
  const claim = claimed.claim;
  if (!claim) return null;
  const place = claimed.place;
  return h("div", { class: "verdict verified", role: "status", "data-claim-id": claim.id },
    h("p", {}, h("strong", {}, "Verified."), ` The server replayed your ${count(claim.replay.moveCount, "move")} and found score ${formatNumber(claim.replay.score)}, as you claimed.`),
    h("p", { class: "claim-id" }, `Claim ${claim.id}`, claim.challengeDay ? `, counted for the challenge of ${claim.challengeDay}` : ""),
    !place ? h("p", {}, "Looking for it on the leaderboard…")
      : place.problem ? problemBox(place.problem)
        : place.entry ? h("p", { class: "place", "data-rank": place.entry.rank }, h("strong", {}, `#${place.entry.rank}`),
          ` on the ${claim.challengeDay ? `leaderboard of ${claim.challengeDay}` : "leaderboard"}. `, h("a", { href: claim.challengeDay ? `#/leaderboard/${claim.challengeDay}` : "#/leaderboard" }, "See the leaderboard"))
          : h("p", { class: "place" }, place.gaveUp ? `Not among the first ${place.searched} of the leaderboard.` : "Not on the leaderboard yet: the daemon is still building it."),
    place?.freshness ? freshness(place.freshness) : null);
}
