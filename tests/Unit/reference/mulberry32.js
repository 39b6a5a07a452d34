// Independent reference for Mulberry32 (the generator the domain uses in place of Math.random()).
// Re-run with:  node tests/Unit/reference/mulberry32.js
// It prints the first draws for the seeds the unit tests pin, as round-trippable doubles (JS prints the
// shortest string that parses back to the same double, so the literals in Mulberry32Tests.cs are exact).
'use strict';

function mulberry32(seed) {
  let state = seed >>> 0;
  return {
    next() {
      state = (state + 0x6D2B79F5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
    get state() { return state; },
  };
}

module.exports = { mulberry32 };

// The generator as it is usually published (its state is not wrapped, ToInt32 does that), as a cross-check.
function mulberry32Classic(a) {
  return function () {
    let t = (a += 0x6D2B79F5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

if (require.main === module) {
  for (const seed of [0, 1, 12345, 4294967295]) {
    const rng = mulberry32(seed);
    const classic = mulberry32Classic(seed);
    const draws = [];
    for (let i = 0; i < 5; i++) draws.push(rng.next());
    for (const d of draws) if (classic() !== d) throw new Error(`seed ${seed}: the two forms disagree`);
    console.log(`seed ${seed}: state after 5 draws ${rng.state}`);
    for (const d of draws) console.log(`  ${d}`);
  }
}
