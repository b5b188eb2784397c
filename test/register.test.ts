// Node loader front-end: `node --import preemptible/register app.ts`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { appSrc, expectSameAsPlain, plainAppBuild, runApp } from './helpers/app';
import { root } from './helpers/instrument';

const work = join(root, '.test-out', 'register');

function node(args: string[], cwd = root, env: Record<string, string> = {}): string {
  return execFileSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, PREEMPTIBLE_QUIET: '1', ...env } });
}

describe('preemptible/register', () => {
  it('runs the multi-file TypeScript app (ESM, .js specifiers, decorator, async, dependency) preemptibly', async () => {
    const plain = runApp(await plainAppBuild(join(work, 'plain.mjs')));
    const inst = runApp(join(appSrc, 'main.ts'), { nodeArgs: ['--import', 'preemptible/register'] });
    expectSameAsPlain(inst, plain);
  });

  it('runs CommonJS TypeScript through the require hook', () => {
    const script = `
      const { launch, resume } = require('preemptible');
      const { count } = require(${JSON.stringify(join(root, 'fixtures', 'register', 'counter.cts'))});
      const t = launch(count, 0, 5000); let p = 0;
      while (t.status === 'paused') { resume(t, 0); p++; }
      console.log(JSON.stringify({ value: t.value, direct: count(5000), paused: p > 10 }));`;
    const out = JSON.parse(node(['--import', 'preemptible/register', '-e', script]));
    expect(out.value).toBe(out.direct);
    expect(out.paused).toBe(true);
  });

  it('reports original TypeScript positions in stack traces with --enable-source-maps', () => {
    const script = `
      import { launch } from 'preemptible';
      const { deep } = await import(${JSON.stringify(pathToFileURL(join(root, 'fixtures', 'register', 'throws.ts')).href)});
      try { launch(deep, 1000, 5); } catch (e) { console.log(e.stack); }`;
    const out = node(['--enable-source-maps', '--import', 'preemptible/register', '--input-type=module', '-e', script]);
    const frames = out.split('\n').filter((l) => l.trim().startsWith('at '));
    expect(out).toMatch(/RangeError: bottom reached/);
    // The first frame a user sees is the throw site in the original file, not runtime internals.
    expect(frames[0]).toMatch(/fixtures\/register\/throws\.ts:6:\d+/);
  });

  it('reads include/nodeModules from package.json', () => {
    const dir = join(work, 'configured');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'src'), { recursive: true });
    mkdirSync(join(dir, 'other'), { recursive: true });
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    symlinkSync(root, join(dir, 'node_modules', 'preemptible'), 'dir');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', preemptible: { include: ['src/'] } }));
    const loop = 'export function spin(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }\n';
    writeFileSync(join(dir, 'src', 'a.js'), loop);
    writeFileSync(join(dir, 'other', 'b.js'), loop);
    writeFileSync(
      join(dir, 'main.js'),
      `import { launch } from 'preemptible';
       import { spin as a } from './src/a.js';
       import { spin as b } from './other/b.js';
       console.log(JSON.stringify([launch(a, 0, 100).status, launch(b, 0, 100).status]));`,
    );
    expect(JSON.parse(node(['--import', 'preemptible/register', 'main.js'], dir))).toEqual(['paused', 'completed']);
  });
});
