// Reference games for EngineReferenceTests: a faithful re-implementation of the original 2048 game manager
// (gabrielecirulli/2048: js/tile.js, js/grid.js, js/game_manager.js) without its actuator, input and storage,
// with Math.random() replaced by a seeded Mulberry32 (./mulberry32.js).
//
// Re-generate the fixture with:
//   node tests/Unit/reference/reference-games.js > tests/Unit/reference/games.json
//
// Fixture format (compact on purpose):
//   [{ "seed": <uint32>, "policy": "uniform"|"corner"|"strong",
//      "start": [[row 0], .. [row 3]],                 // board[y][x] after the two start tiles, 0 = empty
//      "steps": [ "U" | "R" | "D" | "L"                  // a move that moved nothing (no change, no draw)
//               | ["U"|"R"|"D"|"L", board, score, won, over] ] }]   // a move that moved something, and after it
'use strict';

const { mulberry32 } = require('./mulberry32.js');

// ---- tile.js -------------------------------------------------------------------------------------------------
function Tile(position, value) {
  this.x = position.x;
  this.y = position.y;
  this.value = value || 2;
  this.previousPosition = null;
  this.mergedFrom = null; // Tracks tiles that merged together
}
Tile.prototype.savePosition = function () {
  this.previousPosition = { x: this.x, y: this.y };
};
Tile.prototype.updatePosition = function (position) {
  this.x = position.x;
  this.y = position.y;
};

// ---- grid.js --------------------------------------------------------------------------------------------------
function Grid(size, random) {
  this.size = size;
  this.random = random; // stands in for Math.random
  this.cells = this.empty();
}
Grid.prototype.empty = function () {
  const cells = [];
  for (let x = 0; x < this.size; x++) {
    const row = (cells[x] = []);
    for (let y = 0; y < this.size; y++) row.push(null);
  }
  return cells;
};
Grid.prototype.randomAvailableCell = function () {
  const cells = this.availableCells();
  if (cells.length) return cells[Math.floor(this.random() * cells.length)];
};
Grid.prototype.availableCells = function () {
  const cells = [];
  this.eachCell(function (x, y, tile) {
    if (!tile) cells.push({ x: x, y: y });
  });
  return cells;
};
// Call callback for every cell: x outer, y inner.
Grid.prototype.eachCell = function (callback) {
  for (let x = 0; x < this.size; x++) {
    for (let y = 0; y < this.size; y++) callback(x, y, this.cells[x][y]);
  }
};
Grid.prototype.cellsAvailable = function () {
  return !!this.availableCells().length;
};
Grid.prototype.cellAvailable = function (cell) {
  return !this.cellOccupied(cell);
};
Grid.prototype.cellOccupied = function (cell) {
  return !!this.cellContent(cell);
};
Grid.prototype.cellContent = function (cell) {
  if (this.withinBounds(cell)) return this.cells[cell.x][cell.y];
  return null;
};
Grid.prototype.insertTile = function (tile) {
  this.cells[tile.x][tile.y] = tile;
};
Grid.prototype.removeTile = function (tile) {
  this.cells[tile.x][tile.y] = null;
};
Grid.prototype.withinBounds = function (position) {
  return position.x >= 0 && position.x < this.size && position.y >= 0 && position.y < this.size;
};

// ---- game_manager.js ------------------------------------------------------------------------------------------
function GameManager(size, seed) {
  const rng = mulberry32(seed);
  this.random = () => rng.next();
  this.size = size;
  this.startTiles = 2;
  this.setup();
}
GameManager.prototype.isGameTerminated = function () {
  return this.over || (this.won && !this.keepPlaying);
};
GameManager.prototype.setup = function () {
  this.grid = new Grid(this.size, this.random);
  this.score = 0;
  this.over = false;
  this.won = false;
  this.keepPlaying = true; // the player always chooses to keep playing after 2048
  this.addStartTiles();
};
GameManager.prototype.addStartTiles = function () {
  for (let i = 0; i < this.startTiles; i++) this.addRandomTile();
};
GameManager.prototype.addRandomTile = function () {
  if (this.grid.cellsAvailable()) {
    const value = this.random() < 0.9 ? 2 : 4;
    const tile = new Tile(this.grid.randomAvailableCell(), value);
    this.grid.insertTile(tile);
  }
};
GameManager.prototype.prepareTiles = function () {
  this.grid.eachCell(function (x, y, tile) {
    if (tile) {
      tile.mergedFrom = null;
      tile.savePosition();
    }
  });
};
GameManager.prototype.moveTile = function (tile, cell) {
  this.grid.cells[tile.x][tile.y] = null;
  this.grid.cells[cell.x][cell.y] = tile;
  tile.updatePosition(cell);
};
// Returns whether anything moved (the original returns nothing; the caller here wants to know).
GameManager.prototype.move = function (direction) {
  // 0: up, 1: right, 2: down, 3: left
  const self = this;
  if (this.isGameTerminated()) return false;

  let cell, tile;
  const vector = this.getVector(direction);
  const traversals = this.buildTraversals(vector);
  let moved = false;

  this.prepareTiles();

  traversals.x.forEach(function (x) {
    traversals.y.forEach(function (y) {
      cell = { x: x, y: y };
      tile = self.grid.cellContent(cell);
      if (tile) {
        const positions = self.findFarthestPosition(cell, vector);
        const next = self.grid.cellContent(positions.next);
        if (next && next.value === tile.value && !next.mergedFrom) {
          const merged = new Tile(positions.next, tile.value * 2);
          merged.mergedFrom = [tile, next];
          self.grid.insertTile(merged);
          self.grid.removeTile(tile);
          tile.updatePosition(positions.next);
          self.score += merged.value;
          if (merged.value === 2048) self.won = true;
        } else {
          self.moveTile(tile, positions.farthest);
        }
        if (!self.positionsEqual(cell, tile)) moved = true;
      }
    });
  });

  if (moved) {
    this.addRandomTile();
    if (!this.movesAvailable()) this.over = true;
  }
  return moved;
};
GameManager.prototype.getVector = function (direction) {
  const map = {
    0: { x: 0, y: -1 }, // Up
    1: { x: 1, y: 0 }, // Right
    2: { x: 0, y: 1 }, // Down
    3: { x: -1, y: 0 }, // Left
  };
  return map[direction];
};
GameManager.prototype.buildTraversals = function (vector) {
  const traversals = { x: [], y: [] };
  for (let pos = 0; pos < this.size; pos++) {
    traversals.x.push(pos);
    traversals.y.push(pos);
  }
  if (vector.x === 1) traversals.x = traversals.x.reverse();
  if (vector.y === 1) traversals.y = traversals.y.reverse();
  return traversals;
};
GameManager.prototype.findFarthestPosition = function (cell, vector) {
  let previous;
  do {
    previous = cell;
    cell = { x: previous.x + vector.x, y: previous.y + vector.y };
  } while (this.grid.withinBounds(cell) && this.grid.cellAvailable(cell));
  return { farthest: previous, next: cell };
};
GameManager.prototype.movesAvailable = function () {
  return this.grid.cellsAvailable() || this.tileMatchesAvailable();
};
GameManager.prototype.tileMatchesAvailable = function () {
  const self = this;
  let tile;
  for (let x = 0; x < this.size; x++) {
    for (let y = 0; y < this.size; y++) {
      tile = this.grid.cellContent({ x: x, y: y });
      if (tile) {
        for (let direction = 0; direction < 4; direction++) {
          const vector = self.getVector(direction);
          const cell = { x: x + vector.x, y: y + vector.y };
          const other = self.grid.cellContent(cell);
          if (other && other.value === tile.value) return true;
        }
      }
    }
  }
  return false;
};
GameManager.prototype.positionsEqual = function (first, second) {
  return first.x === second.x && first.y === second.y;
};

// ---- the games ------------------------------------------------------------------------------------------------
const LETTERS = ['U', 'R', 'D', 'L'];

// board[y][x], 0 for empty
function rows(gm) {
  const out = [];
  for (let y = 0; y < gm.size; y++) {
    const row = [];
    for (let x = 0; x < gm.size; x++) {
      const t = gm.grid.cells[x][y];
      row.push(t ? t.value : 0);
    }
    out.push(row);
  }
  return out;
}

// The move chooser: a 32-bit LCG (Numerical Recipes constants), independent of the game's generator.
function lcg(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s >>> 8; // drop the weak low bits
  };
}

// uniform: every direction alike. corner: mostly down and left, which lives longer and makes bigger tiles.
function chooser(policy, seed) {
  const next = lcg(seed);
  if (policy === 'uniform') return () => next() % 4;
  return () => {
    const r = next() % 100;
    if (r < 45) return 2; // down
    if (r < 90) return 3; // left
    if (r < 98) return 1; // right
    return 0; // up
  };
}

// strong: a small expectimax (move, then every possible spawn, then the best move) over a snake-weighted board,
// only to choose moves that reach 2048 and play on past it. It looks at copies; the game itself is played above.
const SNAKE = [
  [15, 14, 13, 12],
  [8, 9, 10, 11],
  [7, 6, 5, 4],
  [0, 1, 2, 3],
].map((r) => r.map((k) => Math.pow(4, k / 2)));

function slideCopy(b, direction) {
  // b[y][x] of values; returns the slid copy or null when nothing moves
  const out = b.map((r) => r.slice());
  let moved = false;
  for (let lane = 0; lane < 4; lane++) {
    const cells = [];
    for (let i = 0; i < 4; i++) {
      if (direction === 3) cells.push([lane, i]); // left: y=lane, x=i
      else if (direction === 1) cells.push([lane, 3 - i]);
      else if (direction === 0) cells.push([i, lane]);
      else cells.push([3 - i, lane]);
    }
    const vals = cells.map(([y, x]) => b[y][x]).filter((v) => v);
    const res = [];
    for (let i = 0; i < vals.length; i++) {
      if (i + 1 < vals.length && vals[i] === vals[i + 1]) { res.push(vals[i] * 2); i++; } else res.push(vals[i]);
    }
    while (res.length < 4) res.push(0);
    cells.forEach(([y, x], i) => { if (out[y][x] !== res[i]) moved = true; out[y][x] = res[i]; });
  }
  return moved ? out : null;
}

function evaluate(b) {
  let s = 0, empty = 0;
  for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) { s += b[y][x] * SNAKE[y][x]; if (!b[y][x]) empty++; }
  return s + empty * 64;
}

function bestValue(b, depth) {
  let best = -1;
  for (let d = 0; d < 4; d++) {
    const n = slideCopy(b, d);
    if (!n) continue;
    best = Math.max(best, depth === 0 ? evaluate(n) : chanceValue(n, depth));
  }
  return best < 0 ? 0 : best;
}

function chanceValue(b, depth) {
  let total = 0, count = 0;
  for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) {
    if (b[y][x]) continue;
    for (const [v, p] of [[2, 0.9], [4, 0.1]]) {
      b[y][x] = v;
      total += p * bestValue(b, depth - 1);
      b[y][x] = 0;
    }
    count++;
  }
  return count ? total / count : evaluate(b);
}

function strongChooser(gm) {
  return () => {
    const b = rows(gm);
    let best = -1, bestDir = 0;
    for (let d = 0; d < 4; d++) {
      const n = slideCopy(b, d);
      if (!n) continue;
      const v = chanceValue(n, 1);
      if (v > best) { best = v; bestDir = d; }
    }
    return bestDir;
  };
}

function play(seed, policy, maxMoves) {
  const gm = new GameManager(4, seed);
  const choose = policy === 'strong' ? strongChooser(gm) : chooser(policy, seed ^ 0x9e3779b9);
  const game = { seed, policy, start: rows(gm), steps: [] };
  let played = 0;
  let attempts = 0;
  while (!gm.over && played < maxMoves && attempts < maxMoves * 20) {
    attempts++;
    const direction = choose();
    if (gm.move(direction)) {
      played++;
      game.steps.push([LETTERS[direction], rows(gm), gm.score, gm.won, gm.over]);
    } else {
      game.steps.push(LETTERS[direction]);
    }
  }
  return game;
}

module.exports = { Tile, Grid, GameManager, rows };

if (require.main === module) main();

function main() {
  const games = [
    play(1, 'uniform', 400),
    play(42, 'uniform', 400),
    play(12345, 'corner', 600),
    play(4294967295, 'corner', 600),
    play(0, 'corner', 600),
    play(2048, 'strong', 1400),
  ];

  // One game per line, one step per line: diff-friendly and small.
  const lines = games.map((g) => {
    const head = `{"seed":${g.seed},"policy":"${g.policy}","start":${JSON.stringify(g.start)},"steps":[\n`;
    return head + g.steps.map((s) => '  ' + JSON.stringify(s)).join(',\n') + '\n]}';
  });
  process.stdout.write('[\n' + lines.join(',\n') + '\n]\n');

  for (const g of games) {
    const moved = g.steps.filter((s) => Array.isArray(s));
    const last = moved[moved.length - 1];
    const max = Math.max(...last[1].flat());
    process.stderr.write(
      `seed ${g.seed} (${g.policy}): ${moved.length} moves, ${g.steps.length - moved.length} no-ops, ` +
        `score ${last[2]}, max ${max}, won ${last[3]}, over ${last[4]}\n`);
  }
}
