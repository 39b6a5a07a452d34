// The vectors the JavaScript engine writes for the C# engine (tests/vectors/js-engine-vectors.json, replayed by
// tests/Unit/Vectors/JsEngineVectorTests.cs): games the JavaScript engine plays with moves chosen by a seeded driver,
// so that they are the same on every run. js-engine-vectors.test.mjs fails when the checked-in file is not what this
// writes now; EVENTAPI_WRITE_VECTORS=1 node --test tests/js rewrites it.
import * as engine from "../../src/Api/wwwroot/js/engine.js";

export const FILE_NAME = "js-engine-vectors.json";

const LETTERS = { up: "u", right: "r", down: "d", left: "l" };

/** The games: each plays until it is over or has made `moves` moves. Open ones on a seed, sealed ones on a secret the driver draws. */
const GAMES = [
  { policy: "uniform", seed: 0, moves: 400 },
  { policy: "uniform", seed: 4294967295, moves: 400 },
  { policy: "uniform", sealed: true, moves: 400 },
  { policy: "corner", seed: "drawn", moves: 400 },
  { policy: "corner", seed: "drawn", moves: 400 },
  { policy: "corner", sealed: true, moves: 400 },
  { policy: "lookahead", seed: "drawn", moves: 600 },
];

export async function jsEngineVectors() {
  const driver = engine.mulberry32(20480);
  const uint32 = () => Math.floor(driver.next() * 4294967296);
  const games = [];
  for (const [n, plan] of GAMES.entries()) {
    const seed = plan.sealed ? null : plan.seed === "drawn" ? uint32() : plan.seed;
    const secret = plan.sealed ? Array.from({ length: engine.SECRET_BYTES }, () => (uint32() & 0xff).toString(16).padStart(2, "0")).join("") : null;
    const sessionId = `00000000-0000-4000-8000-${(0x5eed0000 + n).toString(16).padStart(12, "0")}`;
    games.push(await play({ ...plan, seed, secret, sessionId }, chooser(plan.policy, driver)));
  }

  const lines = games.map(({ steps, ...head }) => `    ${JSON.stringify(head).slice(0, -1)},"steps":[\n${steps.map(s => `      ${JSON.stringify(s)}`).join(",\n")}\n    ]}`);
  return "{\n" +
    `  "about": ${JSON.stringify(
      "Written by the JavaScript engine (tests/js/js-engine-vectors.mjs) and replayed by the C# engine " +
      "(tests/Unit/Vectors/JsEngineVectorTests.cs). Do not edit: tests/js fails when this file is not what the JavaScript " +
      "engine makes now; rewrite it with EVENTAPI_WRITE_VECTORS=1 node --test tests/js. A step is a letter (u, r, d, l) " +
      "for a move that moved nothing, or [letter, board rows after it, score after it, score gained, merged tiles, " +
      "spawned tile, milestones, over].")},\n` +
    `  "games": [\n${lines.join(",\n")}\n  ]\n}\n`;
}

async function play(plan, choose) {
  const random = plan.secret
    ? await engine.sealedRandom(plan.secret, engine.DRAWS_PER_SPAWN * (2 + plan.moves))
    : engine.mulberry32(plan.seed);
  const commitment = await engine.commitment(plan.sessionId, plan.secret ?? plan.seed);
  const keyedDraws = plan.secret ? (await engine.sealedRandom(plan.secret, 4)) : null;
  let { game, spawned } = engine.start(random);
  const steps = [];
  while (!game.over && game.moveCount < plan.moves) {
    const direction = choose(game);
    const played = engine.tryMove(game, direction, random);
    if (played === null) {
      steps.push(LETTERS[direction]);
      continue;
    }
    steps.push([LETTERS[direction], engine.toRows(played.game.board), played.game.score, played.scoreGained, played.merged,
      played.spawned, played.milestones, played.over]);
    game = played.game;
  }

  return {
    policy: plan.policy, sessionId: plan.sessionId, seed: plan.seed, secret: plan.secret, commitment,
    keyedDraws: keyedDraws && [0, 1, 2, 3].map(() => keyedDraws.next()),
    start: spawned, steps,
  };
}

/**
 * How the driver picks a direction. uniform: all four alike, so many move nothing. corner: mostly down and left, which
 * lives longer. lookahead: the move whose board, after every spawn that may follow, scores best on average, the
 * driver's draw breaking no ties (it makes tiles of 512 and 1024 within 600 moves).
 */
function chooser(policy, driver) {
  if (policy === "uniform") return () => engine.DIRECTIONS[Math.floor(driver.next() * 4)];
  if (policy === "corner") {
    return () => {
      const r = driver.next();
      return r < 0.45 ? "down" : r < 0.9 ? "left" : r < 0.98 ? "right" : "up";
    };
  }
  return game => {
    let best = -1, bestDirection = null;
    for (const direction of engine.DIRECTIONS) {
      const board = game.board.slice();
      if (!engine.slide(board, direction).moved) continue;
      const value = afterSpawns(board);
      if (value > best) [best, bestDirection] = [value, direction];
    }
    return bestDirection;
  };
}

/** The weights of a snake from the top left corner, so that large tiles stay in one corner, in a row. */
const SNAKE = [15, 14, 13, 12, 8, 9, 10, 11, 7, 6, 5, 4, 0, 1, 2, 3].map(k => 4 ** (k / 2));

function evaluate(board) {
  let sum = 0;
  for (let i = 0; i < engine.CELL_COUNT; i++) sum += board[i] === 0 ? 64 : 2 ** board[i] * SNAKE[i];
  return sum;
}

/** The average, over every spawn (2 in nine cases out of ten, else 4) on every empty cell, of the best next move's board. */
function afterSpawns(board) {
  let total = 0, cells = 0;
  for (let i = 0; i < engine.CELL_COUNT; i++) {
    if (board[i] !== 0) continue;
    cells++;
    for (const [exponent, p] of [[1, 0.9], [2, 0.1]]) {
      board[i] = exponent;
      let best = 0;
      for (const direction of engine.DIRECTIONS) {
        const next = board.slice();
        if (engine.slide(next, direction).moved) best = Math.max(best, evaluate(next));
      }
      total += p * best;
      board[i] = 0;
    }
  }
  return cells ? total / cells : evaluate(board);
}
