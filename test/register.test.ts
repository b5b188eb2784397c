// Node loader front-end: `node --import preemptible/register app.ts`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { appSrc, expectSameAsPlain, plainAppBuild, runApp } from './helpers/app';
import { root } from './helpers/instrument';
import { transform } from 'preemptible/transform';

const work = join(root, '.test-out', 'register');

function node(args: string[], cwd = root, env: Record<string, string> = {}): string {
  return execFileSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, PREEMPTIBLE_QUIET: '1', ...env } });
}

/** A fresh package under .test-out/register/NAME that can import 'preemptible', with these package.json fields. */
function packageDir(name: string, fields: Record<string, unknown>, subdirs: string[] = []): string {
  const dir = join(work, name);
  rmSync(dir, { recursive: true, force: true });
  for (const sub of ['node_modules', ...subdirs]) mkdirSync(join(dir, sub), { recursive: true });
  symlinkSync(root, join(dir, 'node_modules', 'preemptible'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify(fields));
  return dir;
}

describe('preemptible/register', () => {
  it('runs the multi-file TypeScript app (ESM, .js specifiers, decorator, async, dependency) preemptibly', async () => {
    const plain = runApp(await plainAppBuild(join(work, 'plain.mjs')));
    const inst = runApp(join(appSrc, 'main.ts'), { nodeArgs: ['--import', 'preemptible/register'] });
    expectSameAsPlain(inst, plain);
  });

  it('runs the TypeScript app with copiesAtRunTime: versions made from the emitted text, same results', async () => {
    const plain = runApp(await plainAppBuild(join(work, 'plain-copies.mjs')));
    const inst = runApp(join(appSrc, 'main.ts'), { nodeArgs: ['--import', 'preemptible/register'], env: { PREEMPTIBLE_COPIES_AT_RUN_TIME: '1', PREEMPTIBLE_CACHE: '0' } });
    expectSameAsPlain(inst, plain);
  });

  it('runs real TypeScript sources (@jridgewell/sourcemap-codec, gen-mapping) with and without copiesAtRunTime as their published builds run', () => {
    // Their src/ as published, copied inside this package (the instrumented files import 'preemptible').
    const dir = join(work, 'jridgewell');
    rmSync(dir, { recursive: true, force: true });
    for (const [pkg, to] of [['sourcemap-codec', 'codec'], ['gen-mapping', 'gen']]) {
      const from = join(root, 'node_modules', '@jridgewell', pkg, 'src');
      mkdirSync(join(dir, to), { recursive: true });
      for (const f of readdirSync(from)) writeFileSync(join(dir, to, f), readFileSync(join(from, f)));
    }
    writeFileSync(join(dir, 'run.mjs'), `
      import { launch, resume } from 'preemptible';
      import * as codec from '@jridgewell/sourcemap-codec';
      import * as gen from '@jridgewell/gen-mapping';
      import ts from 'typescript';
      import { readFileSync } from 'node:fs';
      const codecSrc = await import('./codec/sourcemap-codec.ts');
      const genSrc = await import('./gen/gen-mapping.ts');
      const text = readFileSync(${JSON.stringify(join(root, 'node_modules/acorn/dist/acorn.mjs'))}, 'utf8');
      const { mappings } = JSON.parse(ts.transpileModule(text, { fileName: 'acorn.ts', compilerOptions: { sourceMap: true, target: 9 } }).sourceMapText);
      const finish = (t) => { let n = 0; while (t.status === 'paused') { resume(t, 0.05); n++; } return [t.value, n]; };
      const [decoded, p1] = finish(launch(codecSrc.decode, 0.05, mappings));
      const [encoded, p2] = finish(launch(codecSrc.encode, 0.05, decoded));
      const build = (G) => { const g = new G.GenMapping({ file: 'x.js' }); for (let i = 0; i < 20000; i++) G.addMapping(g, { generated: { line: 1 + (i >> 6), column: i & 63 }, source: 's' + (i % 7) + '.ts', original: { line: 1 + (i >> 5), column: i & 31 }, name: i % 3 ? undefined : 'n' + (i % 11) }); return G.toEncodedMap(g); };
      const [built, p3] = finish(launch(build, 0.05, genSrc));
      console.log(JSON.stringify({ decoded: JSON.stringify(decoded) === JSON.stringify(codec.decode(mappings)), encoded: encoded === mappings, built: JSON.stringify(built) === JSON.stringify(build(gen)), pauses: [p1, p2, p3] }));`);
    for (const copies of ['0', '1']) {
      const r = spawnSync(process.execPath, ['--import', 'preemptible/register', join(dir, 'run.mjs')], { cwd: dir, encoding: 'utf8', env: { ...process.env, PREEMPTIBLE_QUIET: '1', PREEMPTIBLE_CACHE: '0', PREEMPTIBLE_COPIES_AT_RUN_TIME: copies } });
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { decoded: boolean; encoded: boolean; built: boolean; pauses: number[] };
      expect([out.decoded, out.encoded, out.built], `copiesAtRunTime=${copies}`).toEqual([true, true, true]);
      for (const p of out.pauses) expect(p).toBeGreaterThan(10);
    }
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
    const dir = packageDir('configured', { type: 'module', preemptible: { include: ['src/'] } }, ['src', 'other']);
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

  it('caches transforms on disk: a second start reuses them, a changed file is transformed again and replaces its entry, warnings come back', () => {
    const dir = packageDir('cached', { type: 'module', preemptible: { include: ['src/'] } }, ['src']);
    const spin = 'export function spin(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }\n';
    writeFileSync(join(dir, 'src', 'a.js'), spin);
    // CommonJS with a `with` statement: a diagnostic the loader reports as a warning on every load.
    writeFileSync(join(dir, 'src', 'w.cjs'), 'exports.get = function (o) { with (o) { return x; } };\n');
    writeFileSync(
      join(dir, 'main.js'),
      `import { launch, TO_COMPLETION } from 'preemptible';
       import { createRequire } from 'node:module';
       import { spin } from './src/a.js';
       const w = createRequire(import.meta.url)('./src/w.cjs');
       console.log(JSON.stringify([launch(spin, TO_COMPLETION, 10).value, launch(spin, 0, 10).status, w.get({ x: 7 })]));`,
    );
    const start = (env: Record<string, string> = {}) => {
      const r = spawnSync(process.execPath, ['--import', 'preemptible/register', 'main.js'], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, PREEMPTIBLE_QUIET: '1', ...env },
      });
      expect(r.status, r.stderr).toBe(0);
      cacheWarnings = r.stderr.split('cannot write the transform cache').length - 1;
      return { out: JSON.parse(r.stdout), warned: /w\.cjs:1:\d+: .*with/.test(r.stderr) };
    };
    let cacheWarnings = 0;
    const cache = join(dir, 'node_modules', '.cache', 'preemptible');
    const entries = () => (existsSync(cache) ? readdirSync(cache).filter((f) => f.endsWith('.json')) : []);

    // Off: nothing written.
    expect(start({ PREEMPTIBLE_CACHE: '0' })).toEqual({ out: [45, 'paused', 7], warned: true });
    expect(entries()).toEqual([]);
    // Default place, beside the package: one entry per transformed file (main.js is not included).
    expect(start()).toEqual({ out: [45, 'paused', 7], warned: true });
    expect(entries().length).toBe(2);
    // A second start runs what the cache holds: an entry edited by hand shows (and its warning still comes).
    for (const f of entries()) {
      const entry = JSON.parse(readFileSync(join(cache, f), 'utf8'));
      if (!entry.code.includes('s += i')) continue;
      entry.code = entry.code.replaceAll('s += i', 's += 2 * i');
      writeFileSync(join(cache, f), JSON.stringify(entry));
    }
    expect(start()).toEqual({ out: [90, 'paused', 7], warned: true });
    // A changed file misses and is transformed again; its new entry replaces the old one, the other file's
    // entry stays (a temporary file another start may be writing is left alone).
    const before = entries();
    writeFileSync(join(cache, `${before[0]}.123.abc.tmp`), '{');
    writeFileSync(join(dir, 'src', 'a.js'), `// changed\n${spin}`);
    expect(start()).toEqual({ out: [45, 'paused', 7], warned: true });
    const after = entries();
    expect(after.length).toBe(2);
    expect(after.filter((f) => before.includes(f)).length).toBe(1);
    expect(readFileSync(join(cache, after.find((f) => !before.includes(f))!), 'utf8')).toContain('// changed');
    expect(readdirSync(cache).filter((f) => f.endsWith('.tmp')).length).toBe(1);
    // PREEMPTIBLE_CACHE names another directory (relative to the package).
    expect(start({ PREEMPTIBLE_CACHE: 'elsewhere' })).toEqual({ out: [45, 'paused', 7], warned: true });
    expect(readdirSync(join(dir, 'elsewhere')).filter((f) => f.endsWith('.json')).length).toBe(2);
    expect(cacheWarnings).toBe(0);
    // A directory that cannot be made (under a file): the app runs uncached and the loader says so, once per
    // thread that transforms (Node 20 runs the ESM hooks off-thread; the require hook runs on the main thread).
    expect(start({ PREEMPTIBLE_CACHE: 'main.js/cache' })).toEqual({ out: [45, 'paused', 7], warned: true });
    expect(cacheWarnings).toBeGreaterThanOrEqual(1);
    expect(cacheWarnings).toBeLessThanOrEqual(2);
  });

  it('rejects a bad "cache" setting in package.json', () => {
    const dir = packageDir('bad-cache', { preemptible: { cache: 3 } });
    const r = spawnSync(process.execPath, ['--import', 'preemptible/register', '-e', '1'], { cwd: dir, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/cache must be true, false or a directory, got 3/);
  });

  it('puts the cache beside the package, else in the user\'s cache directory, never in a shared temporary one', async () => {
    const { loadConfig } = (await import('../dist/transformer/register.js')).default as typeof import('../transformer/register');
    const withModules = packageDir('cache-places', { preemptible: {} });
    expect(loadConfig(withModules, {}).cache).toBe(join(withModules, 'node_modules', '.cache', 'preemptible'));
    const bare = join(work, 'cache-places-bare');
    rmSync(bare, { recursive: true, force: true });
    mkdirSync(bare, { recursive: true });
    writeFileSync(join(bare, 'package.json'), JSON.stringify({ preemptible: {} }));
    expect(loadConfig(bare, { XDG_CACHE_HOME: '/x/cache' }).cache).toBe('/x/cache/preemptible');
    expect(loadConfig(bare, {}).cache).toBe(join(homedir(), '.cache', 'preemptible'));
    expect(loadConfig(bare, { PREEMPTIBLE_CACHE: '0' }).cache).toBeNull();
    expect(loadConfig(bare, { PREEMPTIBLE_CACHE: 'here' }).cache).toBe(join(bare, 'here'));
    writeFileSync(join(bare, 'package.json'), JSON.stringify({ preemptible: { cache: false } }));
    expect(loadConfig(bare, {}).cache).toBeNull();
  });

  it('makes versions at run time with copiesAtRunTime (package.json or environment), mapped to the source, cached apart', () => {
    const dir = packageDir('copies', { type: 'module', preemptible: { include: ['src/'], copiesAtRunTime: true } }, ['src']);
    const source = 'export function spin(n) {\n  let s = 0;\n  for (let i = 0; i < n; i++) s += step(i);\n  return s;\n}\nfunction step(i) { return i; }\nexport function boom() {\n  throw new Error(\'boom\');\n}\n';
    writeFileSync(join(dir, 'src', 'a.js'), source);
    writeFileSync(
      join(dir, 'main.js'),
      `import { launch, resume } from 'preemptible';
       import { spin, boom } from './src/a.js';
       const t = launch(spin, 0, 100); let pauses = 0;
       while (t.status === 'paused') { resume(t, 0); pauses++; }
       let at = '';
       try { boom(); } catch (e) { at = e.stack.split('\\n')[1].trim(); }
       console.log(JSON.stringify({ value: t.value, pauses, text: String(spin), at }));`,
    );
    const start = (env: Record<string, string> = {}) => {
      const r = spawnSync(process.execPath, ['--enable-source-maps', '--import', 'preemptible/register', 'main.js'], { cwd: dir, encoding: 'utf8', env: { ...process.env, PREEMPTIBLE_QUIET: '1', PREEMPTIBLE_COPIES_AT_RUN_TIME: '', ...env } });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { value: number; pauses: number; text: string; at: string };
    };
    const cache = join(dir, 'node_modules', '.cache', 'preemptible');
    const codes = () => readdirSync(cache).filter((f) => f.endsWith('.json')).map((f) => (JSON.parse(readFileSync(join(cache, f), 'utf8')) as { code: string }).code);
    for (const run of [start(), start()]) {
      expect(run.value).toBe(4950);
      expect(run.pauses).toBeGreaterThan(100);
      expect(run.text).toBe(source.slice('export '.length, source.indexOf('\nfunction step')));
      expect(run.at).toMatch(/^at boom \(.*src\/a\.js:8:9\)$/);
    }
    // The output is the source with additions (made once, then read from the cache).
    expect(codes()).toHaveLength(1);
    expect(codes()[0]).toContain('/*$pe<*/');
    expect(codes()[0]).toContain('export function spin(n) {\n  let s = 0;\n  for (let i = 0; i < n; i++) s += step(i);');
    // The environment turns it off: the versions printed, in an entry of their own.
    const off = start({ PREEMPTIBLE_COPIES_AT_RUN_TIME: '0' });
    expect([off.value, off.at]).toEqual([4950, expect.stringMatching(/src\/a\.js:8:9\)$/)]);
    expect(codes()).toHaveLength(2);
    expect(codes().filter((c) => c.includes('/*$pe<*/'))).toHaveLength(1);
    for (const [env, fields, message] of [
      [{ PREEMPTIBLE_COPIES_AT_RUN_TIME: 'yes' }, {}, /PREEMPTIBLE_COPIES_AT_RUN_TIME must be 1, true, 0 or false, got "yes"/],
      [{}, { copiesAtRunTime: 'yes' }, /copiesAtRunTime must be true or false, got "yes"/],
    ] as const) {
      const bad = packageDir('copies-bad', { preemptible: fields });
      const r = spawnSync(process.execPath, ['--import', 'preemptible/register', '-e', '1'], { cwd: bad, encoding: 'utf8', env: { ...process.env, PREEMPTIBLE_COPIES_AT_RUN_TIME: '', ...env } });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(message);
    }
  });

  it('keeps the versions it makes at run time in the cache directory, which the next start reads', () => {
    const dir = packageDir('versions-cache', { type: 'module', preemptible: { include: ['src/'] } }, ['src']);
    writeFileSync(join(dir, 'src', 'a.js'), 'export function spin(n) { let x = 0; for (let i = 0; i < n; i++) x = (x + i * 7) % 1009; return x; }\n');
    writeFileSync(
      join(dir, 'main.js'),
      `import { launch, TO_COMPLETION } from 'preemptible';
       import { spin } from './src/a.js';
       console.log(JSON.stringify([spin(500), launch(spin, TO_COMPLETION, 500).value]));`,
    );
    const cache = join(dir, 'cache');
    const start = (env: Record<string, string>) => {
      const r = spawnSync(process.execPath, ['--import', 'preemptible/register', 'main.js'], { cwd: dir, encoding: 'utf8', env: { ...process.env, PREEMPTIBLE_QUIET: '1', PREEMPTIBLE_COPIES_AT_RUN_TIME: '', ...env } });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as [number, number];
    };
    const plain = start({ PREEMPTIBLE_CACHE: cache })[0];
    expect(start({ PREEMPTIBLE_CACHE: cache })).toEqual([plain, plain]);
    // One file of versions for the source file, holding spin's fast copy (made inside the task).
    const files = readdirSync(join(cache, 'versions'));
    expect(files).toHaveLength(1);
    const file = join(cache, 'versions', files[0]!);
    const entries = JSON.parse(readFileSync(file, 'utf8')) as [string, { code: string }][];
    expect(entries.some(([, v]) => v.code.includes('% 1009'))).toBe(true);
    // The next start runs what it reads there (a version changed in the file changes what the task computes),
    // and without the cache (PREEMPTIBLE_CACHE=0) makes them again.
    writeFileSync(file, JSON.stringify(entries.map(([k, v]) => [k, { ...v, code: v.code.replaceAll('% 1009', '% 1013') }])));
    const changed = start({ PREEMPTIBLE_CACHE: cache });
    expect(changed[0]).toBe(plain);
    expect(changed[1]).not.toBe(plain);
    expect(start({ PREEMPTIBLE_CACHE: '0' })).toEqual([plain, plain]);
    // Without the loader (transformed ahead of time), PREEMPTIBLE_CACHE naming a directory keeps them there
    // too; unset, nothing is kept.
    const ahead = join(dir, 'ahead.mjs');
    writeFileSync(ahead, transform(readFileSync(join(dir, 'src', 'a.js'), 'utf8'), { filename: join(dir, 'src', 'a.js') }).code);
    const run = (env: Record<string, string | undefined>) => {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', `import { launch, TO_COMPLETION } from 'preemptible'; import { spin } from ${JSON.stringify(pathToFileURL(ahead).href)}; console.log(launch(spin, TO_COMPLETION, 500).value);`], { cwd: dir, encoding: 'utf8', env: { ...process.env, PREEMPTIBLE_QUIET: '1', ...env } });
      expect(r.status, r.stderr).toBe(0);
      return Number(r.stdout);
    };
    const other = join(dir, 'other-cache');
    expect(run({ PREEMPTIBLE_CACHE: undefined })).toBe(plain);
    expect(existsSync(other)).toBe(false);
    expect(run({ PREEMPTIBLE_CACHE: other })).toBe(plain);
    expect(readdirSync(join(other, 'versions'))).toHaveLength(1);
  });
});
