#!/usr/bin/env node
// Checks a finished sealed game with nothing but Node: the revealed secret against the commitment shown from the
// start, then every spawn of the game against the draws the secret gives, replaying the moves by the rules.
//
//   node scripts/verify-sealed-game.mjs http://localhost:5080/sessions/$ID/events   # follows the pages itself
//   curl -s localhost:5080/sessions/$ID/events | node scripts/verify-sealed-game.mjs  # or reads them on stdin
//
// Given a URL, it reads that page of events and every page its Link headers (rel="next") lead to. On stdin it reads
// one page or several, one after the other (a game longer than a page of /events is several pages). Either way the
// events must be the whole game: versions 1 to its end, each once.
//
// Draw i is the first 4 bytes of HMAC-SHA256(secret, i as 8 bytes big-endian), big-endian, divided by 2^32. A spawn
// takes two draws: the first picks the value (2 below 0.9, else 4), the second one of the empty cells listed column
// by column (x outer, y inner). Exits 0 and says "fair" when every spawn matches; otherwise names the first that does not.
import { createHash, createHmac } from 'node:crypto';

const url = process.argv[2];
const events = wholeGame(url ? await fetchPages(url) : jsonValues(await new Response(process.stdin).text()).flat());
const started = events.find(e => e.type === 'session_started').data;
const secret = events.map(e => e.data.secret).find(s => s);
if (!secret) fail('no secret revealed: the session is still active, or it is not a sealed session');

const commitment = createHash('sha256').update(`${started.sessionId}:${secret}`).digest('hex');
if (commitment !== started.seedCommitment) fail(`the secret does not match the commitment ${started.seedCommitment}`);

const key = Buffer.from(secret, 'hex');
let index = 0n;
const draw = () => {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(index++);
  return createHmac('sha256', key).update(message).digest().readUInt32BE(0) / 2 ** 32;
};

const board = [0, 1, 2, 3].map(() => [0, 0, 0, 0]);
const spawn = (tile, what) => {
  const value = draw() < 0.9 ? 2 : 4;
  const empty = [];
  for (let x = 0; x < 4; x++) for (let y = 0; y < 4; y++) if (!board[y][x]) empty.push([x, y]);
  const [x, y] = empty[Math.floor(draw() * empty.length)];
  if (tile.x !== x || tile.y !== y || tile.value !== value)
    fail(`${what} spawned ${JSON.stringify(tile)}; the secret draws {"x":${x},"y":${y},"value":${value}}`);
  board[y][x] = value;
};

// Each direction's four lanes, each lane's cells front first (the side the tiles move towards).
const lanes = {
  up: i => [0, 1, 2, 3].map(y => [i, y]), down: i => [3, 2, 1, 0].map(y => [i, y]),
  left: i => [0, 1, 2, 3].map(x => [x, i]), right: i => [3, 2, 1, 0].map(x => [x, i]),
};
const slide = direction => {
  for (let i = 0; i < 4; i++) {
    const cells = lanes[direction](i);
    const tiles = cells.map(([x, y]) => board[y][x]).filter(v => v);
    const moved = [];
    for (let t = 0; t < tiles.length; t++) moved.push(tiles[t] === tiles[t + 1] ? tiles[t++] * 2 : tiles[t]);
    cells.forEach(([x, y], c) => { board[y][x] = moved[c] ?? 0; });
  }
};

started.spawned.forEach((tile, n) => spawn(tile, `start tile ${n + 1}`));
let spawns = started.spawned.length;
for (const e of events.filter(e => e.type === 'tiles_moved')) {
  slide(e.data.direction);
  spawn(e.data.spawned, `the move at version ${e.version}`);
  spawns++;
}
console.log(`fair: the secret matches the commitment and draws all ${spawns} spawns of session ${started.sessionId}`);

/** The pages at url and every page their Link headers name as next, as one list of events. */
async function fetchPages(url) {
  const events = [];
  for (let next = new URL(url); next;) {
    const response = await fetch(next, { headers: { accept: 'application/json' } });
    if (!response.ok) fail(`${next} answered ${response.status}: ${await response.text()}`);
    events.push(...await response.json());
    const link = /<([^>]*)>\s*;\s*rel="?next"?/.exec(response.headers.get('link') ?? '');
    next = link ? new URL(link[1], next) : null;
  }
  return events;
}

/** The JSON values written one after another in text (pages of events, as several requests' bodies are). */
function jsonValues(text) {
  const values = [];
  let start = -1, depth = 0, inString = false, escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') { if (depth++ === 0) start = i; }
    else if (c === ']' || c === '}') { if (--depth === 0) values.push(parse(text.slice(start, i + 1))); }
  }
  if (depth !== 0 || values.length === 0 || !values.every(Array.isArray)) fail('stdin does not hold pages of events (JSON arrays)');
  return values;
}

function parse(json) {
  try {
    return JSON.parse(json);
  } catch (e) {
    return fail(`stdin is not JSON: ${e.message}`);
  }
}

/** The events in version order, checked to be the whole game: from version 1, none missing or repeated, to its end. */
function wholeGame(events) {
  events.sort((a, b) => a.version - b.version);
  events.forEach((e, i) => {
    if (e.version < i + 1) fail(`the events are not the whole game: version ${e.version} is repeated`);
    if (e.version > i + 1) fail(`the events are not the whole game: version ${i + 1} is missing`);
  });
  const end = events.at(-1);
  if (!end || (end.type !== 'game_over' && end.type !== 'session_abandoned'))
    fail('the game has not ended: the session is still active, or its last events are missing');
  return events;
}

function fail(why) {
  console.error(`not verified: ${why}`);
  process.exit(1);
}
