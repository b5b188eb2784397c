// The front-end tests all build fixtures/app one way and compare it with the same app built plainly.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { expect } from 'vitest';
import { root } from './instrument';

export const appSrc = join(root, 'fixtures', 'app', 'src');

export interface AppRun {
  direct: string;
  async: string;
  sliced: string;
  pauses: number;
}

const RUNNER = `import { launch, resume } from 'preemptible';
const m = await import(process.argv[process.argv.length - 1]);
const direct = m.main(400);
const asyncOut = await m.mainAsync(100);
const t = launch(m.main, 0.05, 400);
let pauses = 0;
while (t.status === 'paused') { pauses++; resume(t, 0.05); }
console.log(JSON.stringify({ direct, async: asyncOut, sliced: t.value, pauses }));
`;

/** Runs a build of the app in a fresh Node: main() and mainAsync() called directly, then main() in 0.05 ms slices. */
export function runApp(entry: string, options: { cwd?: string; nodeArgs?: string[]; env?: Record<string, string> } = {}): AppRun {
  const dir = join(root, '.test-out', 'app-runner');
  mkdirSync(dir, { recursive: true });
  const runner = join(dir, `run-app-${process.pid}.mjs`); // test files running at once each write their own
  writeFileSync(runner, RUNNER);
  const url = entry.startsWith('file:') ? entry : pathToFileURL(entry).href;
  const out = execFileSync(process.execPath, [...(options.nodeArgs ?? []), runner, url], {
    cwd: options.cwd ?? root,
    encoding: 'utf8',
    env: { ...process.env, PREEMPTIBLE_QUIET: '1', ...options.env },
  });
  return JSON.parse(out) as AppRun;
}

/** The reference: the app bundled by esbuild with no instrumentation. */
export async function plainAppBuild(outfile: string): Promise<string> {
  await build({
    entryPoints: [join(appSrc, 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    external: ['preemptible'], // the app imports the decorator from the runtime
    logLevel: 'silent',
  });
  return outfile;
}

/** Same observable output as the plain build, and the instrumented build really paused. */
export function expectSameAsPlain(inst: AppRun, plain: AppRun): void {
  expect(plain.pauses).toBe(0);
  expect(inst.direct).toBe(plain.direct);
  expect(inst.async).toBe(plain.async);
  expect(inst.sliced).toBe(plain.direct);
  expect(inst.pauses).toBeGreaterThan(0);
  expect(plain.direct).toMatch(/<h1>Inventory \(\d+ moved\)<\/h1>/);
}
