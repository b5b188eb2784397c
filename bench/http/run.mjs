// The HTTP latency experiment (issue 7): short requests (~0.5 ms CPU) and long ones (~50 ms CPU, same
// kernel) against plain Node, the preemptible Scheduler (1 ms slices) and a warm piscina pool for the long
// route; 0 %, 1 % and 2 % long requests; an open-loop load generator in its own process.
//   node bench/http/run.mjs [--seconds N]      prints Markdown, writes bench/results/http.json and http.svg (plot.mjs)
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { calibrate } from './kernel.mjs';
import { writeHttpSvg } from './plot.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const argSeconds = process.argv.indexOf('--seconds');
const SECONDS = argSeconds > 0 ? Number(process.argv[argSeconds + 1]) : 5;
const RATE = 250; // requests per second, open loop (well below the plain server's capacity)
const MODES = ['plain', 'scheduler', 'piscina'];
const MIXES = [0, 0.01, 0.02];

const { short: shortUnits, long: longUnits } = calibrate();

function startServer(mode) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, 'server.mjs'), mode, String(shortUnits), String(longUnits)], {
      cwd: root,
      env: { ...process.env, PREEMPTIBLE_QUIET: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout.once('data', (d) => resolve({ child, port: Number(String(d).trim()) }));
    child.once('exit', (code) => reject(new Error(`server ${mode} exited with ${code}`)));
  });
}

const results = [];
for (const mix of MIXES) {
  for (const mode of MODES) {
    const { child, port } = await startServer(mode);
    // Warm the server (JIT) before measuring.
    execFileSync(process.execPath, [join(here, 'load.mjs'), String(port), String(mix), '1', String(RATE)]);
    const r = JSON.parse(execFileSync(process.execPath, [join(here, 'load.mjs'), String(port), String(mix), String(SECONDS), String(RATE)], { encoding: 'utf8' }));
    child.kill();
    results.push({ mode, longPct: mix * 100, ...r });
    process.stderr.write(`  ${mode} ${mix * 100}% long: short p99 ${r.short.p99} ms\n`);
  }
}

const base = (mode) => results.find((r) => r.mode === mode && r.longPct === 0);
console.log(`## HTTP latency: short requests while long ones run (${SECONDS} s per row, open loop at ${RATE} req/s, loopback)\n`);
console.log(`Kernel calibrated to ${shortUnits} units ≈ 0.5 ms (short) and ${longUnits} units ≈ 50 ms (long).\n`);
console.log('| server | long % | short p50 ms | short p99 ms | short max ms | p99 / p99 at 0 % | req/s | long req/s | long p50 ms |');
console.log('|:---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of results) {
  const ratio = r.short.p99 && base(r.mode)?.short.p99 ? (r.short.p99 / base(r.mode).short.p99).toFixed(2) : '';
  console.log(`| ${r.mode} | ${r.longPct} | ${r.short.p50} | ${r.short.p99} | ${r.short.max} | ${ratio} | ${r.rps} | ${r.longPerS} | ${r.long.p50 ?? ''} |`);
}
const at1 = (mode) => results.find((r) => r.mode === mode && r.longPct === 1);
const s1 = at1('scheduler');
const p1 = at1('plain');
console.log(
  `\nTargets at 1 % long: scheduler short p99 <= 3x its p99 at 0 % (measured ${(s1.short.p99 / base('scheduler').short.p99).toFixed(2)}x); ` +
    `>= 5x lower than plain Node's p99 (measured ${(p1.short.p99 / s1.short.p99).toFixed(2)}x lower); ` +
    `long-request throughput >= 80 % of plain's (measured ${((100 * s1.longPerS) / p1.longPerS).toFixed(0)} %).`,
);
const file = join(root, 'bench', 'results', 'http.json');
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file + '.tmp', JSON.stringify({ date: new Date().toISOString(), shortUnits, longUnits, ratePerS: RATE, results }, null, 2) + '\n');
renameSync(file + '.tmp', file);
console.log(`\nwrote bench/results/http.json, ${writeHttpSvg(root)}`);
