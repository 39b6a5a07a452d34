// Used by scripts/lint-openapi.sh: prints the findings of Spectral and Redocly (both run with
// `--format json`) as one plain-text list and decides the gate.
//
// Usage: node report.mjs <display-name> <work-dir> <spectral-exit-code> <redocly-exit-code>
//   <work-dir> holds spectral.json/.out/.err and redocly.json/.err.
// Exit codes: 0 no errors and no warnings; 1 findings; 2 a linter did not run properly (its output is printed).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [displayName, workDir, spectralExit, redoclyExit] = process.argv.slice(2);
const here = dirname(fileURLToPath(import.meta.url));

const read = (file) => {
  try {
    return readFileSync(join(workDir, file), 'utf8');
  } catch {
    return '';
  }
};
const readJson = (file) => {
  try {
    return JSON.parse(read(file));
  } catch {
    return undefined;
  }
};
const version = (pkg) => {
  try {
    return JSON.parse(readFileSync(join(here, 'node_modules', pkg, 'package.json'), 'utf8')).version;
  } catch {
    return '?';
  }
};
const pointer = (segments) =>
  '#' + segments.map((s) => '/' + String(s).replaceAll('~', '~0').replaceAll('/', '~1')).join('');

// Spectral: an array of results; severity 0 error, 1 warn, 2 info, 3 hint; ranges are 0-based.
const spectralJson = readJson('spectral.json');
const spectralParsed = Array.isArray(spectralJson);
const spectralSeverity = ['error', 'warn', 'info', 'hint'];
const spectral = (spectralParsed ? spectralJson : []).map((r) => ({
  tool: 'spectral',
  severity: spectralSeverity[r.severity] ?? String(r.severity),
  rule: r.code,
  path: pointer(r.path ?? []),
  message: r.message,
  at: r.range ? `${r.range.start.line + 1}:${r.range.start.character + 1}` : '',
}));

// Redocly: { totals: { errors, warnings, ignored }, problems: [...] }; severity "error" | "warn".
const redoclyJson = readJson('redocly.json');
const redoclyParsed =
  typeof redoclyJson === 'object' && redoclyJson !== null &&
  typeof redoclyJson.totals === 'object' && Array.isArray(redoclyJson.problems);
const redocly = (redoclyParsed ? redoclyJson.problems : []).map((p) => {
  const loc = (p.location ?? [])[0] ?? {};
  return {
    tool: 'redocly',
    severity: p.severity,
    rule: p.ruleId,
    path: loc.pointer ?? '',
    message: p.message,
    at: loc.start ? `${loc.start.line}:${loc.start.col}` : '',
  };
});

const count = (list, sev) => list.filter((f) => f.severity === sev).length;
const s = { errors: count(spectral, 'error'), warnings: count(spectral, 'warn') };
const totals = redoclyParsed ? redoclyJson.totals : {};
const r = {
  errors: Math.max(totals.errors ?? 0, count(redocly, 'error')),
  warnings: Math.max(totals.warnings ?? 0, count(redocly, 'warn')),
  ignored: totals.ignored ?? 0,
};

// A tool "failed" when its JSON is unreadable, or it exited non-zero without a finding to explain it.
const spectralFailed = !spectralParsed || (spectralExit !== '0' && s.errors + s.warnings === 0);
const redoclyFailed = !redoclyParsed || (redoclyExit !== '0' && r.errors === 0);

console.log(`OpenAPI lint of ${displayName}`);
console.log(`  spectral ${version('@stoplight/spectral-cli')} (spectral:oas), redocly ${version('@redocly/cli')} (recommended)`);
for (const f of [...spectral, ...redocly]) {
  console.log(`  [${f.tool}] ${f.severity.padEnd(5)} ${f.rule}  ${f.path}  ${f.message}${f.at ? `  (${displayName}:${f.at})` : ''}`);
}
console.log(spectralFailed
  ? `  spectral: FAILED to run (exit ${spectralExit})`
  : `  spectral: ${s.errors} error(s), ${s.warnings} warning(s) (exit ${spectralExit})`);
console.log(redoclyFailed
  ? `  redocly:  FAILED to run (exit ${redoclyExit})`
  : `  redocly:  ${r.errors} error(s), ${r.warnings} warning(s), ${r.ignored} ignored (exit ${redoclyExit})`);

if (spectralFailed || redoclyFailed) {
  console.log('  FAIL: a linter did not run properly; its output follows.');
  // Redocly prints a Node.js deprecation box on stderr on Node 20; drop it, keep the rest.
  const clean = (text) => text.split('\n').filter((l) => !/^\s*[╔║╚]/.test(l)).join('\n').replace(/\n{3,}/g, '\n\n').trim();
  if (spectralFailed) console.log(`--- spectral output ---\n${clean(read('spectral.out') + '\n' + read('spectral.err'))}`);
  if (redoclyFailed) console.log(`--- redocly output ---\n${clean(read('redocly.err'))}`);
  process.exit(2);
}

const problems = s.errors + s.warnings + r.errors + r.warnings + r.ignored;
if (problems > 0) {
  const hint = r.ignored ? ' (problems hidden by a Redocly ignore file count too: delete .redocly.lint-ignore.yaml)' : '';
  console.log(`  FAIL: ${problems} finding(s) at warning level or above${hint}.`);
  process.exit(1);
}
console.log('  OK: no errors and no warnings.');
