// A session played through the API. On an open seed the page predicts every move with its own engine and shows it at
// once; the moves go to the server in batches (what was pressed while a batch was on its way is the next batch), each
// with an Idempotency-Key that its retries reuse, and each answer is checked against the prediction. On a sealed game
// nothing can be predicted: one move a request, each sent only if it moves something on the board the server showed.

import { api, newIdempotencyKey, withRetries } from "./api.js";
import { DRAWS_PER_SPAWN, fromRows, gameOf, mulberry32, slide, start, toRows, tryMove } from "./engine.js";

/** Keys pressed while a sealed game's move is on its way, kept to be played in turn. */
const SEALED_QUEUE = 4;

export class SessionPlayer {
  /**
   * `started` is the answer of POST /sessions (or the session as GET shows it, to carry on with one). `on` holds the
   * page's callbacks: change(), mismatch({ expected, actual, moves }), problem(error), retrying(n), ended(view).
   */
  constructor(started, token, on) {
    this.id = started.id;
    this.token = token;
    this.view = started;
    this.commitment = started.seedCommitment;
    this.open = started.generator === "mulberry32" && started.seed !== null;
    this.on = on;
    /** Every view the server answered, in order: what a sealed game's check compares with its events. */
    this.seen = [started];
    this.queue = [];
    this.inflight = null;
    this.stopped = false;
    this.retrying = 0;
    if (this.open) {
      this.resync(started);
      if (started.moveCount === 0) this.checkStart(started);
    }
  }

  get ended() {
    return this.view.status !== "active";
  }

  /** What the board shows: the prediction on an open seed, otherwise the server's last answer. */
  get shown() {
    if (!this.open) return this.view;
    const g = this.predicted;
    return { board: toRows(g.board), score: g.score, moveCount: g.moveCount, maxTile: g.maxTile, won: g.won, over: g.over };
  }

  /** Moves not yet confirmed by the server. */
  get pending() {
    return this.queue.length + (this.inflight?.moves.length ?? 0);
  }

  /**
   * A move from the player: played at once on an open seed (the engine's result: spawned, merged, milestones), sent
   * when its turn comes. Null when it moves nothing, or when the game is over.
   */
  move(direction) {
    if (this.ended || this.stopped) return null;
    let result = {};
    if (this.open) {
      if (this.predicted.over) return null;
      result = tryMove(this.predicted, direction, this.random);
      if (!result) return null;
      this.predicted = result.game;
      this.queue.push({ direction, game: result.game });
    } else {
      if (this.queue.length >= SEALED_QUEUE) return null;
      this.queue.push({ direction });
    }
    this.flush();
    return result;
  }

  /** Ends the game (after the batch on its way, if any); what was pressed since is dropped. */
  async abandon() {
    if (this.ended) return this.view;
    this.stopped = true;
    this.queue = [];
    await this.inflight?.done;
    if (this.ended) return this.view;
    let attempts = 0;
    const view = await withRetries(async () => {
      attempts++;
      try {
        return await api.abandon(this.id, this.token);
      } catch (error) {
        // A retry after a lost answer finds the session already abandoned by the first attempt.
        if (attempts > 1 && error.type === "urn:eventapi:problem:session-not-active") return api.session(this.id);
        throw error;
      }
    }, { onRetry: (_, n) => this.setRetrying(n) });
    this.setRetrying(0);
    this.accept(view);
    return view;
  }

  flush() {
    if (this.inflight || this.ended) return;
    const batch = this.open ? this.queue.splice(0, 1000) : this.nextSealedMove();
    if (batch.length === 0) return;

    const moves = batch.map(m => m.direction);
    const expected = this.open ? batch.at(-1).game : null;
    const key = newIdempotencyKey();
    this.inflight = { moves, key };
    this.inflight.done = this.send(moves, key, expected).finally(() => {
      this.inflight = null;
      if (!this.stopped) this.flush();
      // After the flush, which may have sent the next batch or dropped queued moves that move nothing.
      this.on.change();
    });
  }

  /** The first queued move that moves something on the board the server last showed (the others would be refused). */
  nextSealedMove() {
    while (this.queue.length > 0) {
      const next = this.queue.shift();
      if (slide(fromRows(this.view.board), next.direction).moved) return [next];
    }
    return [];
  }

  async send(moves, key, expected) {
    try {
      // A lost connection is retried for as long as it takes, with the batch's key: the server applies it once.
      const view = await api.move(this.id, this.token, moves, key, { onRetry: (_, n) => this.setRetrying(n), attempts: Infinity });
      this.setRetrying(0);
      if (expected && !sameGame(expected, view)) await this.mismatch(expected, view, moves);
      else this.accept(view);
    } catch (error) {
      this.setRetrying(0);
      this.on.problem(error);
      await this.refresh();
    }
  }

  accept(view) {
    this.view = view;
    this.seen.push(view);
    // Nothing more can be played once the server says the game has ended.
    if (this.ended) this.queue = [];
    this.on.change();
    if (this.ended) this.on.ended(view);
  }

  setRetrying(n) {
    this.retrying = n;
    this.on.change();
  }

  /**
   * The server's answer differs from the prediction: said on the page, and the game goes on from the session as the
   * server holds it (read again: the answer itself is in doubt).
   */
  async mismatch(expected, actual, moves) {
    this.on.mismatch({ expected: { board: toRows(expected.board), score: expected.score, moveCount: expected.moveCount, over: expected.over }, actual, moves });
    await this.refresh();
  }

  /** After a refused batch: the session as the server has it, and the prediction from there. */
  async refresh() {
    this.queue = [];
    try {
      const view = await withRetries(() => api.session(this.id), { onRetry: (_, n) => this.setRetrying(n) });
      this.setRetrying(0);
      if (this.open) this.resync(view);
      this.accept(view);
    } catch (error) {
      // The server could not be asked: predict from the last answer it gave.
      if (this.open) this.resync(this.view);
      this.on.problem(error);
    }
  }

  /** The prediction from a view of the server: its game, and Mulberry32 after the draws of its spawns. */
  resync(view) {
    this.predicted = gameOf(fromRows(view.board), view.score, view.moveCount);
    this.random = mulberry32(view.seed).advance(DRAWS_PER_SPAWN * (2 + view.moveCount));
  }

  checkStart(view) {
    const predicted = start(mulberry32(view.seed)).game;
    if (!sameGame(predicted, view)) {
      this.on.mismatch({ expected: { board: toRows(predicted.board), score: 0, moveCount: 0, over: predicted.over }, actual: view, moves: [] });
    }
  }
}

/** Whether the server's view is the predicted game: the same board, score, moves and end. */
export function sameGame(game, view) {
  return JSON.stringify(toRows(game.board)) === JSON.stringify(view.board)
    && game.score === view.score && game.moveCount === view.moveCount && game.over === (view.status === "over");
}
