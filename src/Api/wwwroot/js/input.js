// Moves from the keyboard (arrow keys, WASD) and from swipes on the board (touch, pen or mouse: pointer events).

const KEYS = {
  ArrowUp: "up", ArrowRight: "right", ArrowDown: "down", ArrowLeft: "left",
  w: "up", d: "right", s: "down", a: "left",
};

/** The smallest swipe, in CSS pixels. */
const SWIPE = 24;

/**
 * Calls onMove(direction) for each move the player makes, until the returned function is called. Keys typed into a
 * field (a name, a seed) or pressed with a modifier are not moves.
 */
export function listenForMoves(boardElement, onMove) {
  const keydown = event => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    const target = event.target;
    if (target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) return;
    const direction = KEYS[event.key.length === 1 ? event.key.toLowerCase() : event.key];
    if (!direction) return;
    // Arrow keys would scroll the page instead.
    event.preventDefault();
    onMove(direction);
  };

  let from = null;
  const down = event => {
    from = { x: event.clientX, y: event.clientY, id: event.pointerId };
  };
  const up = event => {
    if (!from || from.id !== event.pointerId) return;
    const dx = event.clientX - from.x, dy = event.clientY - from.y;
    from = null;
    if (Math.max(Math.abs(dx), Math.abs(dy)) < SWIPE) return;
    onMove(Math.abs(dx) > Math.abs(dy) ? (dx > 0 ? "right" : "left") : (dy > 0 ? "down" : "up"));
  };
  const cancel = () => { from = null; };

  document.addEventListener("keydown", keydown);
  boardElement.addEventListener("pointerdown", down);
  boardElement.addEventListener("pointerup", up);
  boardElement.addEventListener("pointercancel", cancel);
  return () => {
    document.removeEventListener("keydown", keydown);
    boardElement.removeEventListener("pointerdown", down);
    boardElement.removeEventListener("pointerup", up);
    boardElement.removeEventListener("pointercancel", cancel);
  };
}
