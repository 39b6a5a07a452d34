// Watch: the lobby of games being played (GET /sessions?status=active), and one game watched live through its
// Server-Sent Events (GET /sessions/{id}/live). EventSource reconnects by itself after a drop and resumes with
// Last-Event-ID; the server closes the stream after the event that ends the game, and answers a resume with nothing
// left with 204, which stops EventSource for good.

import { api } from "../api.js";
import { announce, board, count, fill, formatNumber, h, pageHeading, problemBox, scoreboard, shortId, time, updateBoard, updateScoreboard } from "../ui.js";

const ENDINGS = new Set(["game_over", "session_abandoned"]);
const EVENT_TYPES = ["session", "session_started", "tiles_moved", "milestone_reached", "game_over", "session_abandoned"];
const LOBBY_REFRESH_MS = 3000;

export function mountLobby(main) {
  let alive = true, timer = null, shown = "";
  const active = h("div", { class: "lobby" });
  const ended = h("div", { class: "lobby-ended" });
  fill(main,
    pageHeading("Watch"),
    h("p", {}, "Games being played now, the most recently moved first. The list refreshes by itself."),
    h("div", { class: "actions" }, h("button", { type: "button", onclick: () => refresh() }, "Refresh")),
    h("h2", {}, "Live games"), active,
    h("h2", {}, "Just ended"), ended);

  async function refresh() {
    clearTimeout(timer);
    try {
      const [live, over, abandoned] = await Promise.all([api.sessions("active", 50), api.sessions("over", 5), api.sessions("abandoned", 5)]);
      const key = JSON.stringify([live, over, abandoned]);
      // Only a change redraws the lists, so that a link with the focus keeps it.
      if (alive && key !== shown) {
        shown = key;
        const focused = document.activeElement?.dataset?.session;
        fill(active, live.length ? sessionTable(live, "watch") : h("p", {}, "Nobody is playing right now. ", h("a", { href: "#/play" }, "Start a game"), " and watch it from another tab."));
        const finished = [...over, ...abandoned].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)).slice(0, 5);
        fill(ended, finished.length ? sessionTable(finished, "replay") : h("p", {}, "No game has ended yet."));
        if (focused) main.querySelector(`a[data-session="${focused}"]`)?.focus();
      }
    } catch (error) {
      if (alive) fill(active, problemBox(error));
    }
    if (alive) timer = setTimeout(refresh, LOBBY_REFRESH_MS);
  }
  refresh();
  return () => {
    alive = false;
    clearTimeout(timer);
  };
}

function sessionTable(sessions, action) {
  return h("table", { class: "sessions" },
    h("thead", {}, h("tr", {}, ["Player", "Score", "Best tile", "Moves", "Game", "Last change", ""].map(c => h("th", { scope: "col" }, c)))),
    h("tbody", {}, sessions.map(s => h("tr", { "data-session-row": s.id },
      h("td", {}, s.player),
      h("td", { class: "number" }, formatNumber(s.score)),
      h("td", { class: "number" }, formatNumber(s.maxTile)),
      h("td", { class: "number" }, formatNumber(s.moveCount)),
      h("td", {}, s.sealed ? "sealed" : "open", s.status === "active" ? "" : `, ${s.status}`),
      h("td", {}, time(s.updatedAt)),
      h("td", {}, h("a", { href: `#/${action}/${s.id}`, "data-session": s.id, "aria-label": `${action === "watch" ? "Watch" : "Replay"} ${s.player}'s game ${shortId(s.id)}` }, action === "watch" ? "Watch" : "Replay"))))));
}

export function mountSession(main, [id]) {
  let alive = true, source = null, poller = null, lastVersion = 0;
  const state = h("p", { class: "connection", role: "status", "data-state": "connecting" }, "Connecting…");
  const scores = scoreboard();
  const boardElement = board([[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]], { label: "The watched board" });
  const ending = h("div", { class: "ending" });
  const log = h("ul", { class: "event-log" });
  const label = h("p", { class: "game-label" }, `Session ${id}`);
  fill(main,
    pageHeading("Watching a game"),
    label, state, scores,
    h("div", { class: "board-wrap" }, boardElement),
    ending,
    h("div", { class: "actions" }, h("a", { class: "button", href: `#/replay/${id}` }, "Replay it"), h("a", { class: "button", href: "#/watch" }, "Back to the lobby")),
    h("h2", {}, "Events"), log);

  const setState = (name, text) => {
    state.dataset.state = name;
    state.textContent = text;
  };

  function show(session, event) {
    lastVersion = session.version;
    label.textContent = `${session.player}'s ${session.generator === "hmac-sha256" ? "sealed game" : `open game on seed ${session.seed}`} · session ${session.id}`;
    updateScoreboard(scores, session);
    const data = event?.data ?? {};
    updateBoard(boardElement, session.board, { label: "The watched board", spawned: data.spawned ?? null, merged: data.merged ?? [] });
    log.prepend(h("li", {}, event ? describe(event) : `v${session.version}: the game as it stands`));
    while (log.children.length > 20) log.lastChild.remove();
    if (session.status !== "active") {
      fill(ending, h("div", { class: "game-over", role: "alert" },
        h("p", {}, h("strong", {}, session.status === "over" ? "Game over." : "The player abandoned the game."),
          ` Final score ${formatNumber(session.score)}, best tile ${formatNumber(session.maxTile)}, ${count(session.moveCount, "move")}.`)));
    }
  }

  function end(session) {
    source?.close();
    clearInterval(poller);
    setState("ended", "The game has ended: the stream is closed.");
    announce(`The game has ended. Final score ${session.score}.`);
  }

  function onFrame(message) {
    if (!alive) return;
    const frame = JSON.parse(message.data);
    setState("live", `Live: every move appears as it is made (version ${frame.session.version}).`);
    show(frame.session, frame.event);
    if (frame.event && frame.event.type === "milestone_reached") announce(`${frame.session.player} made a ${frame.event.data.tile} tile.`);
    if (frame.session.status !== "active" || (frame.event && ENDINGS.has(frame.event.type))) end(frame.session);
  }

  source = new EventSource(`sessions/${encodeURIComponent(id)}/live`);
  for (const type of EVENT_TYPES) source.addEventListener(type, onFrame);
  source.onopen = () => setState("live", "Live: every move appears as it is made.");
  source.onerror = async () => {
    if (!alive) return;
    if (source.readyState === EventSource.CONNECTING) {
      // EventSource is already reconnecting; it will send Last-Event-ID and get exactly what it missed.
      setState("reconnecting", `The connection dropped: reconnecting, to resume after version ${lastVersion}…`);
      return;
    }
    // Closed for good: the game ended (a 204), or the stream was refused. Ask the session itself.
    try {
      const session = await api.session(id);
      if (!alive) return;
      show(session, null);
      if (session.status !== "active") end(session);
      else follow();
    } catch (error) {
      if (alive) {
        setState("failed", "This game cannot be watched.");
        fill(ending, problemBox(error));
      }
    }
  };

  /** The live stream was refused (the node serves as many as it may): the session read every 2 s instead. */
  function follow() {
    setState("polling", "The live stream is not available: following the game every 2 seconds instead.");
    poller = setInterval(async () => {
      try {
        const session = await api.session(id);
        if (!alive) return;
        if (session.version !== lastVersion) show(session, null);
        if (session.status !== "active") end(session);
      } catch {
        // The next tick tries again.
      }
    }, 2000);
  }

  return () => {
    alive = false;
    source?.close();
    clearInterval(poller);
  };
}

/** One line for an event of the stream. */
function describe(event) {
  const d = event.data;
  switch (event.type) {
    case "session_started": return `v${event.version}: started`;
    case "tiles_moved": return `v${event.version}: ${d.direction}${d.scoreGained ? `, +${d.scoreGained}` : ""}; a ${d.spawned.value} appeared`;
    case "milestone_reached": return `v${event.version}: reached ${d.tile}`;
    case "game_over": return `v${event.version}: game over`;
    case "session_abandoned": return `v${event.version}: abandoned`;
    default: return `v${event.version}: ${event.type}`;
  }
}


