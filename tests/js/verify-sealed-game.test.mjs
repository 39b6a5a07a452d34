// scripts/verify-sealed-game.mjs, the command-line check of a finished sealed game, on a game of the C# vectors: on its
// standard input (one page or several) and following the pages of a URL, and refusing a tampered game.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { readVectors } from "./vectors.mjs";

const script = fileURLToPath(new URL("../../scripts/verify-sealed-game.mjs", import.meta.url));
const sealed = readVectors("engine-vectors.json").sessions.find(s => s.name.startsWith("sealed (hmac-sha256)") && s.steps.at(-1).view.status === "over");
const events = sealed.start.events.concat(...sealed.steps.map(s => s.events ?? []));
const spawns = 2 + events.filter(e => e.type === "tiles_moved").length;
const fair = `fair: the secret matches the commitment and draws all ${spawns} spawns of session ${sealed.sessionId}\n`;

test("the script says fair for a sealed game on its standard input, in one page or several", async () => {
  assert.deepEqual(await run([], JSON.stringify(events)), { code: 0, stdout: fair, stderr: "" });
  const pages = [events.slice(0, 10), events.slice(10, 50), events.slice(50)].map(p => JSON.stringify(p, null, 2));
  assert.deepEqual(await run([], pages.join("\n")), { code: 0, stdout: fair, stderr: "" });
  assert.deepEqual(await run([], pages[0] + pages[2]), {
    code: 1, stdout: "", stderr: "not verified: the events are not the whole game: version 11 is missing\n",
  });
});

test("the script refuses a game whose spawn the secret does not draw", async () => {
  const tampered = structuredClone(events);
  tampered[1].data.spawned.value = tampered[1].data.spawned.value === 2 ? 4 : 2;
  const { code, stderr } = await run([], JSON.stringify(tampered));
  assert.equal(code, 1);
  assert.match(stderr, /^not verified: the move at version 2 spawned /);
});

test("the script follows the next links of the pages at a URL", async () => {
  const server = createServer((request, response) => {
    const url = new URL(request.url, "http://localhost");
    const after = Number(url.searchParams.get("after") ?? 0), limit = 25;
    const page = events.filter(e => e.version > after).slice(0, limit);
    if (page.length === limit && page.at(-1).version < events.length)
      response.setHeader("link", `</sessions/${sealed.sessionId}/events?after=${page.at(-1).version}&limit=${limit}>; rel="next"`);
    response.setHeader("content-type", "application/json");
    response.end(JSON.stringify(page));
  });
  await new Promise(resolve => server.listen(0, "127.0.0.1", resolve));
  try {
    const url = `http://127.0.0.1:${server.address().port}/sessions/${sealed.sessionId}/events`;
    assert.deepEqual(await run([url], null), { code: 0, stdout: fair, stderr: "" });
  } finally {
    server.close();
  }
});

function run(args, stdin) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    child.stdout.on("data", d => (stdout += d));
    child.stderr.on("data", d => (stderr += d));
    child.on("error", reject);
    child.on("close", code => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? "");
  });
}
