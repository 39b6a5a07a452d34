// The JavaScript engine against the original 2048 game manager: the reference games the C# engine is tested against
// (tests/Unit/reference/games.json, EngineReferenceTests), and more games played side by side with the reference
// re-implementation of the original itself (tests/Unit/reference/reference-games.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import * as engine from "../../src/Api/wwwroot/js/engine.js";

const reference = new URL("../Unit/reference/", import.meta.url);
const games = JSON.parse(readFileSync(new URL("games.json", reference), "utf8"));
const { GameManager, rows } = createRequire(import.meta.url)(fileURLToPath(new URL("reference-games.js", reference)));
const DIRECTION = { U: "up", R: "right", D: "down", L: "left" };

for (const game of games) {
  test(`the reference game on seed ${game.seed} (${game.policy}) move for move`, () => {
    const random = engine.mulberry32(game.seed);
    let { game: played } = engine.start(random);
    assert.deepEqual(engine.toRows(played.board), game.start, "start");

    for (const [i, step] of game.steps.entries()) {
      const direction = DIRECTION[typeof step === "string" ? step : step[0]];
      const moved = engine.tryMove(played, direction, random);
      if (typeof step === "string") {
        assert.equal(moved, null, `step ${i} (${direction}): the original moved nothing`);
        continue;
      }

      const [, board, score, won, over] = step;
      assert.notEqual(moved, null, `step ${i} (${direction}): the original moved`);
      assert.deepEqual([engine.toRows(moved.game.board), moved.game.score, moved.game.won, moved.game.over], [board, score, won, over], `step ${i} (${direction})`);
      played = moved.game;
    }
    assert.equal(played.moveCount, game.steps.filter(s => typeof s !== "string").length);
  });
}

test("100 random games played side by side with the original game manager", () => {
  const driver = engine.mulberry32(2048);
  for (let g = 0; g < 100; g++) {
    const seed = Math.floor(driver.next() * 4294967296);
    const original = new GameManager(4, seed);
    const random = engine.mulberry32(seed);
    let { game } = engine.start(random);
    assert.deepEqual(engine.toRows(game.board), rows(original), `seed ${seed}: start`);

    while (!game.over) {
      const d = Math.floor(driver.next() * 4);
      const moved = engine.tryMove(game, engine.DIRECTIONS[d], random);
      assert.equal(moved !== null, original.move(d), `seed ${seed}, move ${game.moveCount}: moved`);
      if (moved === null) continue;
      game = moved.game;
      assert.deepEqual([engine.toRows(game.board), game.score, game.over], [rows(original), original.score, original.over], `seed ${seed}, move ${game.moveCount}`);
    }
  }
});
