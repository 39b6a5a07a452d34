// Checking a finished sealed game in the browser: the secret it revealed against the commitment shown before the
// first move, every spawn against the secret's draws (the engine's verifySealedGame), and every board this page was
// shown against what the events give.

import { api } from "./api.js";
import { evolve, INITIAL_SESSION, sessionView, verifySealedGame } from "./engine.js";

/**
 * Reads every event of the session and checks it. `commitment` is the one the page saw when the game started, `seen`
 * the views the server answered while it was played (both optional: a replay checks the events alone).
 * Returns { fair, reason?, spawnsChecked, boardsChecked, events }.
 */
export async function verifyInBrowser(id, { commitment = null, seen = [] } = {}) {
  const events = await api.events(id);
  const result = await verifySealedGame(events);
  if (!result.fair) return { ...result, boardsChecked: 0, events };

  const start = events.find(e => e.type === "session_started")?.data;
  if (commitment !== null && start.seedCommitment !== commitment)
    return unfair(`the game's events commit to ${start.seedCommitment}, not to ${commitment} as shown when it started`);

  // One pass over the events, comparing each board shown with the fold at its version.
  const byVersion = new Map(seen.map(view => [view.version, view]));
  let state = INITIAL_SESSION, boardsChecked = 0;
  for (const event of [...events].sort((a, b) => a.version - b.version)) {
    state = evolve(state, event);
    const shown = byVersion.get(event.version);
    if (!shown) continue;
    const folded = sessionView(state);
    if (JSON.stringify(folded.board) !== JSON.stringify(shown.board) || folded.score !== shown.score)
      return unfair(`the board shown at version ${shown.version} is not the one the events give`);
    boardsChecked++;
  }
  return { ...result, boardsChecked, events };

  function unfair(reason) {
    return { fair: false, reason, spawnsChecked: result.spawnsChecked, boardsChecked: 0, events };
  }
}
