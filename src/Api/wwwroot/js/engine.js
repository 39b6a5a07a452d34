// The 2048 engine of src/Domain/Game and the fold of src/Domain/Sessions, in JavaScript: the same generators, board,
// move rules and spawning, so that a browser (and Node) plays, replays and checks games exactly as the server does.
// A dependency-free ES module: the API serves it as /js/engine.js, Node imports it by path.
//
// It follows the C# files in their order (Direction, Mulberry32, GameRandom, Board, Rules, GameState, Engine,
// SessionDecider), with the same names where JavaScript allows; each section names the file it mirrors. Parity is
// checked both ways on every test run: tests/js replays vectors the C# engine writes, and the C# unit tests replay
// vectors this module writes (docs/testing.md, "The JavaScript engine").
//
// Shapes:
// - A direction is the API's JSON name: "up", "right", "down" or "left" (DIRECTIONS, in C# Direction order).
// - A tile is { x, y, value } as in the API's JSON: x the column (0 left to 3 right), y the row (0 top to 3 bottom).
// - A board is an array of sixteen tile exponents, indexed y * 4 + x: 0 for an empty cell, k for a tile of value 2^k
//   (as C# Board's inline array). Use toRows/fromRows for the API's board[y][x] of values. Treat it as immutable:
//   every exported function that returns a board returns a new one, except slide and trySpawn, which change the
//   board they are given, as the C# methods do through `ref`.
// - A generator is { next() } giving doubles in [0, 1): mulberry32(seed) for an open game, sealedRandom(secret,
//   count) for a sealed one. Both also have advance(draws), which skips draws without making them.
// - A game is { board, score, moveCount, maxTile, won, over } (C# GameState, without its generator: the generator
//   is passed to start and tryMove).

// ---- Direction.cs --------------------------------------------------------------------------------------------------

/** The directions by their names in the API's JSON, in C# Direction order (Up, Right, Down, Left). */
export const DIRECTIONS = Object.freeze(["up", "right", "down", "left"]);

/** The index of a direction in DIRECTIONS; throws on anything else (C# Rules.Slide's ArgumentOutOfRangeException). */
function directionIndex(direction) {
  const index = DIRECTIONS.indexOf(direction);
  if (index < 0) throw new RangeError(`Unknown direction: ${JSON.stringify(direction)}.`);
  return index;
}

// ---- Mulberry32.cs -------------------------------------------------------------------------------------------------

/** Each draw adds this to Mulberry32's state. */
export const MULBERRY32_INCREMENT = 0x6d2b79f5;

/**
 * Mulberry32 on a 32-bit unsigned state that starts as the seed (Mulberry32.NextDouble): each draw advances the state
 * by 0x6D2B79F5 and returns a double in [0, 1), the same doubles as C#. `state` is the current state; advance(draws)
 * positions the generator after that many more draws without drawing (Mulberry32.Advance).
 */
export function mulberry32(seed) {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`A seed is a uint32, not ${seed}.`);
  let state = seed;
  return {
    next() {
      state = (state + MULBERRY32_INCREMENT) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
    advance(draws) {
      state = (state + Math.imul(draws, MULBERRY32_INCREMENT)) >>> 0;
      return this;
    },
    get state() {
      return state;
    },
  };
}

// ---- GameRandom.cs -------------------------------------------------------------------------------------------------

/** The length of a sealed game's secret: 256 bits. */
export const SECRET_BYTES = 32;

/**
 * A sealed game's generator, keyed by its secret (lowercase or uppercase hex of 32 bytes): draw i (from 0) is the
 * first four bytes of HMAC-SHA256(secret, i as an unsigned 64-bit big-endian integer), read as a big-endian unsigned
 * integer and divided by 2^32 (GameRandom.KeyedDraw). WebCrypto signs asynchronously and a move draws synchronously,
 * so the first `count` draws are made here, up front; drawing more throws. `drawn` is the number of draws made so
 * far (GameRandom.State of a keyed generator); advance(draws) skips draws.
 */
export async function sealedRandom(secretHex, count) {
  const draws = await keyedDraws(secretHex, count);
  let index = 0;
  return {
    next() {
      if (index >= draws.length) throw new RangeError(`Draw ${index} was asked for; only the first ${draws.length} were made.`);
      return draws[index++];
    },
    advance(skipped) {
      index += skipped;
      return this;
    },
    get drawn() {
      return index;
    },
  };
}

/** The first `count` keyed draws of the secret (GameRandom.KeyedDraw for i = 0 .. count - 1). */
export async function keyedDraws(secretHex, count) {
  const key = await webCrypto().importKey("raw", secretBytes(secretHex), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const draws = [];
  for (let i = 0; i < count; i++) {
    const message = new DataView(new ArrayBuffer(8));
    message.setBigUint64(0, BigInt(i));
    draws.push(webCrypto().sign("HMAC", key, message.buffer));
  }
  return (await Promise.all(draws)).map(mac => new DataView(mac).getUint32(0) / 4294967296);
}

function secretBytes(secretHex) {
  if (typeof secretHex !== "string" || !/^[0-9a-fA-F]*$/.test(secretHex) || secretHex.length !== SECRET_BYTES * 2)
    throw new RangeError(`A sealed game's secret is ${SECRET_BYTES} bytes in hex.`);
  const bytes = new Uint8Array(SECRET_BYTES);
  for (let i = 0; i < SECRET_BYTES; i++) bytes[i] = parseInt(secretHex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** WebCrypto: globalThis.crypto.subtle, in browsers (secure contexts) and in Node 20. */
function webCrypto() {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new Error("WebCrypto (crypto.subtle) is not available here; browsers offer it on https and localhost only.");
  return subtle;
}

// ---- Board.cs ------------------------------------------------------------------------------------------------------

export const SIZE = 4;
export const CELL_COUNT = SIZE * SIZE;

/** A board with no tile. */
export function emptyBoard() {
  return new Array(CELL_COUNT).fill(0);
}

/** The tile value at column x, row y (0 when empty): C# board[x, y]. */
export function valueAt(board, x, y) {
  return value(board[y * SIZE + x]);
}

/** Places a tile, changing the board (Board.Place). */
export function place(board, tile) {
  board[tile.y * SIZE + tile.x] = toExponent(tile.value);
}

export function emptyCount(board) {
  let count = 0;
  for (let i = 0; i < CELL_COUNT; i++) if (board[i] === 0) count++;
  return count;
}

export function maxTile(board) {
  let max = 0;
  for (let i = 0; i < CELL_COUNT; i++) if (board[i] > max) max = board[i];
  return value(max);
}

/** Whether any move is possible: an empty cell, or two equal neighbours in a row or a column (Board.HasMoves). */
export function hasMoves(board) {
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const e = board[y * SIZE + x];
      if (e === 0) return true;
      if (x + 1 < SIZE && board[y * SIZE + x + 1] === e) return true;
      if (y + 1 < SIZE && board[(y + 1) * SIZE + x] === e) return true;
    }
  }
  return false;
}

/** The board of the API's rows (board[y][x] of values, 0 for empty). */
export function fromRows(rows) {
  if (!Array.isArray(rows) || rows.length !== SIZE || rows.some(r => !Array.isArray(r) || r.length !== SIZE))
    throw new RangeError("A board has 4 rows of 4 cells.");
  const board = emptyBoard();
  for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) board[y * SIZE + x] = toExponent(rows[y][x]);
  return board;
}

/** The board as the API's rows: board[y][x], rows top to bottom, 0 for an empty cell. */
export function toRows(board) {
  const rows = [];
  for (let y = 0; y < SIZE; y++) {
    rows.push([]);
    for (let x = 0; x < SIZE; x++) rows[y].push(valueAt(board, x, y));
  }
  return rows;
}

function value(exponent) {
  return exponent === 0 ? 0 : 2 ** exponent;
}

function toExponent(tileValue) {
  if (tileValue === 0) return 0;
  const exponent = Math.log2(tileValue);
  if (!Number.isInteger(exponent) || exponent < 1 || exponent > 30)
    throw new RangeError(`A tile is 0 (empty) or a power of two from 2, not ${tileValue}.`);
  return exponent;
}

// ---- Rules.cs ------------------------------------------------------------------------------------------------------

/** The most merges one move can make: two in each of four lines. */
export const MAX_MERGES_PER_MOVE = 8;

/** Draws a spawn uses, so that a fold can position the generator without drawing. */
export const DRAWS_PER_SPAWN = 2;

/**
 * For each direction (in DIRECTIONS order), its four lanes of four cell indices (y * 4 + x), each lane front first:
 * the cell the tiles move towards, then the ones behind it.
 */
const LANES = [
  [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15], // up: columns, top first
  [3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12], // right: rows, right first
  [12, 8, 4, 0, 13, 9, 5, 1, 14, 10, 6, 2, 15, 11, 7, 3], // down: columns, bottom first
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], // left: rows, left first
];

/** The cell indices (y * 4 + x) column by column, x outer and y inner: the original's order of empty cells. */
const COLUMN_MAJOR = [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15];

/**
 * Slides every tile as far as it goes towards the direction, traversing from that side; a tile merges into the next
 * tile of equal value unless that tile was itself made by a merge in this move (Rules.Slide). Changes the board in
 * place, and returns { moved, merged: each merged tile at its destination, scoreGained }; when nothing moved the
 * board is unchanged.
 */
export function slide(board, direction) {
  const lanes = LANES[directionIndex(direction)];
  const merged = [];
  let scoreGained = 0;
  let moved = false;

  for (let lane = 0; lane < CELL_COUNT; lane += SIZE) {
    const line = lanes.slice(lane, lane + SIZE);
    const result = [0, 0, 0, 0];
    let write = 0;
    let lastCanMerge = false;
    for (let read = 0; read < SIZE; read++) {
      const e = board[line[read]];
      if (e === 0) continue;

      if (lastCanMerge && result[write - 1] === e) {
        result[write - 1] = e + 1;
        lastCanMerge = false;
        const tileValue = value(e + 1);
        scoreGained += tileValue;
        const at = line[write - 1];
        merged.push({ x: at % SIZE, y: Math.floor(at / SIZE), value: tileValue });
      } else {
        result[write++] = e;
        lastCanMerge = true;
      }
    }

    for (let i = 0; i < SIZE; i++) {
      if (board[line[i]] === result[i]) continue;
      board[line[i]] = result[i];
      moved = true;
    }
  }

  return { moved, merged, scoreGained };
}

/**
 * Spawns one tile (Rules.TrySpawn): the first draw picks the value (2 when it is below 0.9, else 4); the empty cells
 * are listed column by column (x outer, y inner) and the second draw picks one. Changes the board in place and
 * returns the tile; draws nothing and returns null when the board is full.
 */
export function trySpawn(board, random) {
  const empty = COLUMN_MAJOR.filter(i => board[i] === 0);
  if (empty.length === 0) return null;

  const tileValue = random.next() < 0.9 ? 2 : 4;
  const at = empty[Math.floor(random.next() * empty.length)];
  const spawned = { x: at % SIZE, y: Math.floor(at / SIZE), value: tileValue };
  place(board, spawned);
  return spawned;
}

// ---- GameState.cs --------------------------------------------------------------------------------------------------

export const WINNING_TILE = 2048;

/** A game at one point: the board, the score, the moves played and what follows from the board (GameState). */
export function gameOf(board, score, moveCount) {
  const max = maxTile(board);
  return { board, score, moveCount, maxTile: max, won: max >= WINNING_TILE, over: !hasMoves(board) };
}

// ---- Engine.cs -----------------------------------------------------------------------------------------------------

/** A new game spawns two tiles, drawn from `random` (Engine.Start): { game, spawned: [first, second] }. */
export function start(random) {
  const board = emptyBoard();
  const first = trySpawn(board, random);
  const second = trySpawn(board, random);
  return { game: gameOf(board, 0, 0), spawned: [first, second] };
}

/** The milestone MilestoneReached records after a move (SessionDecider.Move): the smallest tile that counts is 512. */
export const FIRST_MILESTONE = 512;

/**
 * Plays one move (Engine.TryMove). A move that moves no tile is no move: it returns null, and nothing changes or is
 * drawn. After a move that moved something, one tile spawns. Returns { game, merged, scoreGained, spawned,
 * milestones, over }: milestones holds the new highest tile when it is at least 512 and higher than any before (the
 * tile of the MilestoneReached the server records after this move), and over is true when no move is left (the
 * server records GameOver).
 */
export function tryMove(game, direction, random) {
  const board = game.board.slice();
  const { moved, merged, scoreGained } = slide(board, direction);
  if (!moved) return null;

  const spawned = trySpawn(board, random);
  const next = gameOf(board, game.score + scoreGained, game.moveCount + 1);
  const milestones = next.maxTile > game.maxTile && next.maxTile >= FIRST_MILESTONE ? [next.maxTile] : [];
  return { game: next, merged, scoreGained, spawned, milestones, over: next.over };
}

/**
 * Replays a move that is known to have happened, from its recorded spawn: the fold of an event (Engine.Replay). It
 * slides by the rules and places the recorded tile; it throws when the move moves no tile.
 */
export function replayMove(game, direction, spawned) {
  const board = game.board.slice();
  const { moved, scoreGained } = slide(board, direction);
  if (!moved) throw new Error(`A recorded ${direction} move moves no tile on ${JSON.stringify(toRows(game.board))}.`);
  place(board, spawned);
  return gameOf(board, game.score + scoreGained, game.moveCount + 1);
}

// ---- SessionDecider.cs ---------------------------------------------------------------------------------------------
// The fold of the API's events (GET /sessions/{id}/events items: { version, type, data }) into the session, and the
// session as GET /sessions/{id} shows it (SessionResponse.From).

/** The lowercase hex SHA-256 of the UTF-8 text `${sessionId}:${secretHexOrSeed}` (SessionDecider.SeedCommitment). */
export async function commitment(sessionId, secretHexOrSeed) {
  const hash = await webCrypto().digest("SHA-256", new TextEncoder().encode(`${sessionId}:${secretHexOrSeed}`));
  return Array.from(new Uint8Array(hash), b => b.toString(16).padStart(2, "0")).join("");
}

/** The session before its first event (SessionState.Initial). */
export const INITIAL_SESSION = Object.freeze({
  id: null, player: "", seed: null, secret: null, sealed: false, seedCommitment: "", status: "not started",
  game: null, startedAt: null, updatedAt: null, version: 0,
});

/**
 * The session after one more event (SessionDecider.Evolve), from the event as the API shows it. One difference from
 * C#: the public start event of an active sealed session has its seed and secret redacted, so the seed or secret is
 * also taken from the event that ends the game, which reveals it. An event of a type this module does not know
 * changes nothing but the version.
 */
export function evolve(state, event) {
  const e = event.data;
  const next = { ...state, version: event.version };
  switch (event.type) {
    case "session_started":
      return {
        ...next, id: e.sessionId, player: e.player, seed: e.seed ?? null, secret: e.secret ?? null, sealed: e.sealed,
        seedCommitment: e.seedCommitment, status: "active", game: started(e.spawned), startedAt: e.startedAt,
        updatedAt: e.startedAt,
      };
    case "tiles_moved":
      return { ...next, game: replayMove(startedGame(state), e.direction, e.spawned), updatedAt: e.at };
    case "milestone_reached":
      return { ...next, updatedAt: e.at };
    case "game_over":
      return { ...next, ...revealed(state, e), status: "over", updatedAt: e.at };
    case "session_abandoned":
      return { ...next, ...revealed(state, e), status: "abandoned", updatedAt: e.at };
    default:
      return next;
  }
}

/** The fold of a session's events, in version order (SessionDecider.Fold). */
export function foldSession(events) {
  return events.reduce(evolve, INITIAL_SESSION);
}

/**
 * The session as GET /sessions/{id} answers it (SessionResponse.From): the seed and the secret are shown when the
 * player gave the seed or the game has ended (SessionState.SeedIsPublic). The generator is hmac-sha256 when the
 * session has a secret; an active sealed session's is hidden from the public, and is taken to be hmac-sha256 (every
 * session sealed since secrets existed; one sealed before, on a seed, shows mulberry32 on the server).
 */
export function sessionView(state) {
  if (state.game === null) throw new Error("A session that has not started has no view.");
  const seedIsPublic = !state.sealed || state.status === "over" || state.status === "abandoned";
  const hmac = state.secret !== null || (state.sealed && state.seed === null);
  return {
    id: state.id,
    player: state.player,
    status: state.status,
    generator: hmac ? "hmac-sha256" : "mulberry32",
    seed: seedIsPublic ? state.seed : null,
    secret: seedIsPublic ? state.secret : null,
    seedCommitment: state.seedCommitment,
    board: toRows(state.game.board),
    score: state.game.score,
    moveCount: state.game.moveCount,
    maxTile: state.game.maxTile,
    won: state.game.won,
    version: state.version,
    startedAt: state.startedAt,
    updatedAt: state.updatedAt,
  };
}

/** The API's events folded into the view GET /sessions/{id} answers for them; null for no events. */
export function foldEvents(events) {
  return events.length === 0 ? null : sessionView(foldSession(events));
}

function started(spawned) {
  const board = emptyBoard();
  for (const tile of spawned) place(board, tile);
  return gameOf(board, 0, 0);
}

function startedGame(state) {
  if (state.game === null) throw new Error("A move before the session started.");
  return state.game;
}

function revealed(state, e) {
  return { seed: e.seed ?? state.seed, secret: e.secret ?? state.secret };
}

// ---- scripts/verify-sealed-game.mjs --------------------------------------------------------------------------------

/**
 * Checks a finished sealed game from its events (all of them, in any order): that they are the whole game (versions
 * 1 to the event that ended it, each once), that the revealed secret matches the commitment shown from the start,
 * and that the secret's draws give every spawn of the game, replaying the recorded moves by the rules.
 * Returns { fair: true, spawnsChecked } or { fair: false, reason, spawnsChecked } naming the first thing that is wrong.
 */
export async function verifySealedGame(events) {
  let spawnsChecked = 0;
  const unfair = reason => ({ fair: false, reason, spawnsChecked });

  const ordered = [...events].sort((a, b) => a.version - b.version);
  for (let i = 0; i < ordered.length; i++) {
    if (ordered[i].version < i + 1) return unfair(`the events are not the whole game: version ${ordered[i].version} is repeated`);
    if (ordered[i].version > i + 1) return unfair(`the events are not the whole game: version ${i + 1} is missing`);
  }
  const end = ordered.at(-1);
  if (!end || (end.type !== "game_over" && end.type !== "session_abandoned"))
    return unfair("the game has not ended: the session is still active, or its last events are missing");

  const start = ordered[0].type === "session_started" ? ordered[0].data : null;
  if (!start) return unfair("the game does not begin with session_started");
  const secrets = new Set(ordered.map(e => e.data?.secret).filter(s => s));
  if (secrets.size === 0) return unfair("no secret revealed: the session is still active, or it is not a sealed session");
  if (secrets.size > 1) return unfair(`the events reveal ${secrets.size} different secrets`);
  const [secret] = secrets;
  if ((await commitment(start.sessionId, secret)) !== start.seedCommitment)
    return unfair(`the secret does not match the commitment ${start.seedCommitment}`);

  const moves = ordered.filter(e => e.type === "tiles_moved");
  const random = await sealedRandom(secret, DRAWS_PER_SPAWN * (start.spawned.length + moves.length));
  const board = emptyBoard();
  const spawn = (tile, what) => {
    const drawn = trySpawn(board, random);
    if (tile?.x !== drawn?.x || tile?.y !== drawn?.y || tile?.value !== drawn?.value)
      return `${what} spawned ${JSON.stringify(tile)}; the secret draws ${JSON.stringify(drawn)}`;
    spawnsChecked++;
    return null;
  };

  try {
    for (let n = 0; n < start.spawned.length; n++) {
      const wrong = spawn(start.spawned[n], `start tile ${n + 1}`);
      if (wrong) return unfair(wrong);
    }
    for (const e of moves) {
      if (!slide(board, e.data.direction).moved) return unfair(`the move at version ${e.version} moves no tile`);
      const wrong = spawn(e.data.spawned, `the move at version ${e.version}`);
      if (wrong) return unfair(wrong);
    }
  } catch (error) {
    return unfair(`the events cannot be replayed: ${error.message}`);
  }
  return { fair: true, spawnsChecked };
}
