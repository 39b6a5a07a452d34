// tests/vectors/js-engine-vectors.json is what the JavaScript engine makes now: the C# unit tests replay it
// (JsEngineVectorTests), so a change to engine.js that is not written there, and made in C# too, fails here or there.
import { test } from "node:test";
import assert from "node:assert/strict";
import { FILE_NAME, jsEngineVectors } from "./js-engine-vectors.mjs";
import { checkedIn, WRITE_VARIABLE } from "./vectors.mjs";

test("the checked-in JavaScript engine vectors are what the engine makes now", async () => {
  const written = await jsEngineVectors();
  assert.ok(checkedIn(FILE_NAME, written) === written,
    `tests/vectors/${FILE_NAME} is not what the JavaScript engine makes now. If the engine changed on purpose, rewrite ` +
    `it with ${WRITE_VARIABLE}=1 node --test tests/js, then check that dotnet test tests/Unit still passes: the C# ` +
    "engine must change the same way.");
});

test("the JavaScript engine vectors hold refused moves, milestones, games over, open and sealed", async () => {
  const { games } = JSON.parse(await jsEngineVectors());
  const steps = games.flatMap(g => g.steps);
  assert.ok(steps.some(s => typeof s === "string"), "a move that moves nothing");
  assert.deepEqual([...new Set(steps.flatMap(s => (typeof s === "string" ? [] : s[6])))], [512, 1024]);
  assert.ok(games.filter(g => g.steps.at(-1)[7] === true).length >= 5, "games over");
  assert.ok(games.some(g => g.secret) && games.some(g => g.seed !== null), "open and sealed games");
});
