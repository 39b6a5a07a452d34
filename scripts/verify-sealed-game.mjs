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
// The check is the browser's own: verifySealedGame of the JavaScript engine (src/Api/wwwroot/js/engine.js), with
// WebCrypto. Draw i is the first 4 bytes of HMAC-SHA256(secret, i as 8 bytes big-endian), big-endian, divided by 2^32. A spawn takes two draws: the first picks
// the value (2 below 0.9, else 4), the second one of the empty cells listed column by column (x outer, y inner).
// Exits 0 and says "fair" when every spawn matches; otherwise names the first thing that does not.
import { verifySealedGame } from '../src/Api/wwwroot/js/engine.js';

const url = process.argv[2];
const events = url ? await fetchPages(url) : jsonValues(await new Response(process.stdin).text()).flat();
const verdict = await verifySealedGame(events);
if (!verdict.fair) fail(verdict.reason);
const started = events.find(e => e.type === 'session_started').data;
console.log(`fair: the secret matches the commitment and draws all ${verdict.spawnsChecked} spawns of session ${started.sessionId}`);

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

function fail(why) {
  console.error(`not verified: ${why}`);
  process.exit(1);
}
