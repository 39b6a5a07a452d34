// The checked-in test vectors of tests/vectors, shared by the tests of the JavaScript engine.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Set to 1, the vector tests rewrite the files they check instead of failing (as the C# ones do). */
export const WRITE_VARIABLE = "EVENTAPI_WRITE_VECTORS";

export function vectorPath(name) {
  return fileURLToPath(new URL(`../vectors/${name}`, import.meta.url));
}

export function readVectors(name) {
  return JSON.parse(readFileSync(vectorPath(name), "utf8"));
}

/** The checked-in text of a vector file; with EVENTAPI_WRITE_VECTORS=1, `text` is written there first. */
export function checkedIn(name, text) {
  if (process.env[WRITE_VARIABLE] === "1") writeFileSync(vectorPath(name), text);
  return readFileSync(vectorPath(name), "utf8");
}
