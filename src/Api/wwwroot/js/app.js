// The web client's router: hash routes (#/play, #/watch/{id}, ...), so that the API serves one page and needs no
// fallback route. Every page is a module with mount(main, params), which returns what to do when the page goes.
// All of them are imported here, up front: a page opened while offline needs nothing more from the network.

import * as boards from "./pages/boards.js";
import * as offline from "./pages/offline.js";
import * as play from "./pages/play.js";
import * as replay from "./pages/replay.js";
import * as watch from "./pages/watch.js";
import { fill, h, pageHeading } from "./ui.js";

const ROUTES = [
  [/^\/play$/, play.mount, "Play"],
  [/^\/offline$/, offline.mount, "Offline"],
  [/^\/watch$/, watch.mountLobby, "Watch"],
  [/^\/watch\/([0-9a-fA-F-]{36})$/, watch.mountSession, "Watching"],
  [/^\/replay$/, replay.mountList, "Replay"],
  [/^\/replay\/([0-9a-fA-F-]{36})$/, replay.mountReplay, "Replay"],
  [/^\/leaderboard(?:\/(\d{4}-\d{2}-\d{2}))?$/, boards.mountLeaderboards, "Leaderboards"],
  [/^\/stats(?:\/(\d{4}-\d{2}-\d{2}))?$/, boards.mountStatistics, "Statistics"],
];

const main = document.getElementById("main");
let leave = () => {};

function route({ focus }) {
  const path = decodeURIComponent(location.hash.replace(/^#/, "")) || "/play";
  leave();
  leave = () => {};
  const match = ROUTES.map(([pattern, mount, title]) => ({ m: pattern.exec(path), mount, title })).find(r => r.m);
  if (!match) {
    fill(main, pageHeading("Not found"), h("p", {}, "This page does not exist. ", h("a", { href: "#/play" }, "Play a game")));
    document.title = "Not found · EventApi 2048";
  } else {
    leave = match.mount(main, match.m.slice(1)) ?? (() => {});
    document.title = `${match.title} · EventApi 2048`;
  }
  for (const link of document.querySelectorAll("nav a")) {
    const target = link.getAttribute("href").slice(1);
    if (path === target || path.startsWith(`${target}/`)) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  // Keyboard and screen reader users land on the new page's heading, not at the top of the document.
  if (focus) main.querySelector(".page-heading")?.focus();
}

window.addEventListener("hashchange", () => route({ focus: true }));
document.querySelector("[data-skip]").addEventListener("click", event => {
  event.preventDefault();
  (main.querySelector(".page-heading") ?? main).focus();
});
route({ focus: false });
