// The JavaScript engine replays the vectors the C# engine wrote (tests/vectors/engine-vectors.json, written by
// tests/Unit/Vectors/EngineVectors.cs): the generators' draws, the commitments, and whole sessions move by move,
// every event and every view GET /sessions/{id} answered.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as engine from "../../src/Api/wwwroot/js/engine.js";
import { readVectors } from "./vectors.mjs";

const vectors = readVectors("engine-vectors.json");

test("mulberry32 draws what the C# Mulberry32 draws, and ends in the same state", () => {
  for (const { seed, draws, state } of vectors.mulberry32) {
    const random = engine.mulberry32(seed);
    assert.deepEqual(draws.map(() => random.next()), draws, `seed ${seed}`);
    assert.equal(random.state, state, `seed ${seed}`);
    assert.equal(engine.mulberry32(seed).advance(draws.length).state, state, `seed ${seed}: advanced`);
  }
});

test("sealedRandom draws what the C# keyed generator draws, and refuses a draw past its count", async () => {
  for (const { secret, draws } of vectors.keyed) {
    const random = await engine.sealedRandom(secret, draws.length);
    assert.deepEqual(draws.map(() => random.next()), draws, `secret ${secret}`);
    assert.equal(random.drawn, draws.length);
    assert.throws(() => random.next(), RangeError);
    const skipping = await engine.sealedRandom(secret.toUpperCase(), draws.length);
    assert.equal(skipping.advance(3).next(), draws[3]);
  }
});

test("commitment is the C# SeedCommitment, for seeds and secrets", async () => {
  for (const { sessionId, of, commitment } of vectors.commitments)
    assert.equal(await engine.commitment(sessionId, of), commitment, `${sessionId}:${of}`);
});

test("the vectors hold a game past 2048 to its end, refused moves, games over and abandoned, open and sealed", () => {
  const events = vectors.sessions.flatMap(s => s.steps.flatMap(step => step.events ?? []));
  assert.deepEqual(events.filter(e => e.type === "milestone_reached").map(e => e.data.tile), [512, 1024, 2048]);
  const past2048 = vectors.sessions.find(s => s.steps.some(step => step.view?.won));
  assert.ok(past2048.steps.filter(step => step.view?.won).length > 100, "a game goes on past 2048");
  assert.equal(past2048.steps.at(-1).view.status, "over");
  assert.ok(vectors.sessions.every(s => s.steps.some(step => step.refused)), "every game has a move that moves nothing");
  const ends = vectors.sessions.map(s => `${s.start.view.generator} ${s.steps.at(-1).view.status}`);
  for (const end of ["mulberry32 over", "mulberry32 abandoned", "hmac-sha256 over", "hmac-sha256 abandoned"]) assert.ok(ends.includes(end), end);
});

for (const session of vectors.sessions) {
  test(`session "${session.name}": the engine plays every move as C# did`, async () => {
    const [started] = session.start.events;
    const random = await generatorOf(session);
    let { game, spawned } = engine.start(random);
    assert.deepEqual(spawned, started.data.spawned, "the start's spawns");
    assertGame(game, session.start.view, "start");

    for (const [i, step] of session.steps.entries()) {
      const at = `step ${i} (${step.direction ?? "abandon"})`;
      if (step.abandon) continue;
      const played = engine.tryMove(game, step.direction, random);
      if (step.refused) {
        assert.equal(played, null, `${at}: refused by C#, moved here`);
        continue;
      }

      assert.notEqual(played, null, `${at}: moved in C#, refused here`);
      const [moved, ...rest] = step.events;
      assert.equal(moved.type, "tiles_moved", at);
      assert.deepEqual(played.merged, moved.data.merged, `${at}: merged`);
      assert.equal(played.scoreGained, moved.data.scoreGained, `${at}: score gained`);
      assert.deepEqual(played.spawned, moved.data.spawned, `${at}: spawned`);
      const milestones = rest.filter(e => e.type === "milestone_reached");
      assert.deepEqual(played.milestones, milestones.map(e => e.data.tile), `${at}: milestones`);
      for (const m of milestones) assert.deepEqual([m.data.score, m.data.moveCount], [played.game.score, played.game.moveCount], at);
      const over = rest.find(e => e.type === "game_over");
      assert.equal(played.over, over !== undefined, `${at}: over`);
      if (over) assert.deepEqual(
        [over.data.finalScore, over.data.maxTile, over.data.moveCount],
        [played.game.score, played.game.maxTile, played.game.moveCount], `${at}: game over`);
      assertGame(played.game, step.view, at);
      assert.deepEqual(engine.replayMove(game, step.direction, moved.data.spawned), played.game, `${at}: replayed`);
      game = played.game;
    }
  });

  test(`session "${session.name}": folding its events gives every view C# answered`, () => {
    const groups = [session.start.events, ...session.steps.filter(s => s.events).map(s => s.events)];
    const expected = [session.start.view, ...session.steps.filter(s => s.view).map(s => s.view)];
    assert.deepEqual(foldedViews(groups), expected, "with the events as /events shows them once the game has ended");
    assert.deepEqual(engine.foldEvents(groups.flat()), expected.at(-1), "foldEvents");
    assert.equal(engine.foldEvents([]), null);

    // As /events showed them while the session was active: a sealed session's start with its secret redacted.
    const redacted = [[session.start.startedWhileActive], ...groups.slice(1)];
    const whileActive = structuredClone(expected);
    // The one thing the public events cannot tell (engine.js, sessionView): while a session sealed on a seed before
    // secrets existed is active, its generator is hidden, and the fold takes it for hmac-sha256.
    if (isSealedOnASeed(session)) for (const view of whileActive) if (view.status === "active") view.generator = "hmac-sha256";
    assert.deepEqual(foldedViews(redacted), whileActive, "with the events as /events showed them while the session was active");
  });

  test(`session "${session.name}": verifySealedGame`, async () => {
    const events = session.start.events.concat(...session.steps.map(s => s.events ?? []));
    const verdict = await engine.verifySealedGame(events);
    if (!events.some(e => e.data.secret)) {
      assert.deepEqual(verdict, {
        fair: false, spawnsChecked: 0,
        reason: "no secret revealed: the session is still active, or it is not a sealed session",
      });
      return;
    }

    const moves = events.filter(e => e.type === "tiles_moved").length;
    assert.deepEqual(verdict, { fair: true, spawnsChecked: 2 + moves });
    assert.deepEqual(await engine.verifySealedGame([...events].reverse()), verdict, "in any order");

    const tampered = structuredClone(events);
    const move = tampered.find(e => e.type === "tiles_moved" && e.version > 10);
    move.data.spawned.value = move.data.spawned.value === 2 ? 4 : 2;
    const refuted = await engine.verifySealedGame(tampered);
    assert.equal(refuted.fair, false);
    assert.match(refuted.reason, new RegExp(`^the move at version ${move.version} spawned \\{"x":\\d,"y":\\d,"value":\\d\\}; the secret draws`));
    assert.ok(refuted.spawnsChecked > 2);

    const forged = structuredClone(events);
    for (const e of forged) if (e.data.secret) e.data.secret = "ab".repeat(32);
    assert.equal((await engine.verifySealedGame(forged)).reason, `the secret does not match the commitment ${events[0].data.seedCommitment}`);
    forged[0].data.secret = events[0].data.secret;
    assert.equal((await engine.verifySealedGame(forged)).reason, "the events reveal 2 different secrets");
    assert.equal((await engine.verifySealedGame(events.slice(0, -1))).reason,
      "the game has not ended: the session is still active, or its last events are missing");
    assert.equal((await engine.verifySealedGame(events.filter(e => e.version !== 5))).reason,
      "the events are not the whole game: version 5 is missing");
    assert.equal((await engine.verifySealedGame([events[0], ...events])).reason,
      "the events are not the whole game: version 1 is repeated");
  });
}

/** The generator the session drew from: Mulberry32 on its seed, or its secret's keyed draws (revealed at the end). */
async function generatorOf(session) {
  const started = session.start.events[0].data;
  if (started.secret === null) return engine.mulberry32(started.seed);
  const moves = session.steps.filter(s => s.events && !s.abandon).length;
  return engine.sealedRandom(started.secret, engine.DRAWS_PER_SPAWN * (2 + moves));
}

function isSealedOnASeed(session) {
  const started = session.start.events[0].data;
  return started.sealed && started.secret === null;
}

function assertGame(game, view, at) {
  assert.deepEqual(
    { board: engine.toRows(game.board), score: game.score, moveCount: game.moveCount, maxTile: game.maxTile, won: game.won },
    { board: view.board, score: view.score, moveCount: view.moveCount, maxTile: view.maxTile, won: view.won },
    `${at}: the game`);
  assert.deepEqual(engine.fromRows(view.board), game.board, `${at}: fromRows`);
}

/** The view after each group of events (the start, then each command's), folding one event at a time. */
function foldedViews(groups) {
  let state = engine.INITIAL_SESSION;
  return groups.map(events => engine.sessionView(state = events.reduce(engine.evolve, state)));
}
