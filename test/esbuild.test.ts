// esbuild front-end: bundle the multi-file app plain and with the plugin, run both, compare.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, context } from 'esbuild';
import { describe, expect, it } from 'vitest';
import preemptible, { type TransformStats } from 'preemptible/esbuild';
import { expectSameAsPlain, runApp } from './helpers/app';
import { root } from './helpers/instrument';

const out = join(root, '.test-out', 'esbuild');
const entry = join(root, 'fixtures', 'app', 'src', 'main.ts');

async function bundle(name: string, plugins: Parameters<typeof build>[0]['plugins']) {
  mkdirSync(out, { recursive: true });
  const outfile = join(out, `${name}.mjs`);
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    outfile,
    external: ['preemptible', 'preemptible/*'], // the plain build imports the decorator from the runtime too
    plugins,
    logLevel: 'silent',
  });
  return { outfile, result };
}

describe('preemptible/esbuild', () => {
  it('builds the app; the instrumented bundle behaves like the plain one and pauses', async () => {
    const plain = await bundle('plain', []);
    let stats: TransformStats | undefined;
    const inst = await bundle('instrumented', [preemptible({ onStats: (s) => (stats = s) })]);
    expect(plain.result.errors).toEqual([]);
    expect(inst.result.errors).toEqual([]);
    const code = readFileSync(inst.outfile, 'utf8');
    expect(code).toMatch(/from "preemptible\/runtime"/); // the runtime stays external (one shared copy)
    expect(code).not.toMatch(/function\* \w*\$pe.*marked/); // node_modules are not instrumented by default
    expect(code).not.toMatch(/\.sources\(/); // no original text: esbuild would drop the marks that use it
    expect(stats?.files).toBe(3);
    expectSameAsPlain(runApp(inst.outfile), runApp(plain.outfile));
  });

  it('instruments listed node_modules packages', async () => {
    const inst = await bundle('with-marked', [preemptible({ nodeModules: ['marked'] })]);
    const code = readFileSync(inst.outfile, 'utf8');
    expect(code).toMatch(/node_modules\/marked[\s\S]*\$pe\w*\.def\(/);
    const r = runApp(inst.outfile);
    expect(r.sliced).toBe(r.direct);
  });

  it('chains source maps: the final map points at the original TypeScript', async () => {
    const inst = await bundle('maps', [preemptible()]);
    const map = JSON.parse(readFileSync(inst.outfile + '.map', 'utf8'));
    const inventory = map.sources.findIndex((s: string) => s.endsWith('fixtures/app/src/inventory.ts'));
    expect(inventory).toBeGreaterThanOrEqual(0);
    expect(map.sourcesContent[inventory]).toContain('@preemptible');
  });

  it('reports syntax errors at file:line:col and uninstrumented constructs as warnings', async () => {
    mkdirSync(out, { recursive: true });
    const bad = join(out, 'bad.ts');
    writeFileSync(bad, 'export function f() {\n  return (1 +;\n}\n');
    const r1 = await build({ entryPoints: [bad], bundle: true, write: false, logLevel: 'silent', plugins: [preemptible()] }).catch((e) => e);
    expect(r1.errors[0].location).toMatchObject({ line: 2 });
    expect(r1.errors[0].location.file).toContain('bad.ts');
    const warn = join(out, 'warn.js');
    writeFileSync(warn, 'export function f(s) { for (;;) return eval(s); }\n');
    const r2 = await build({ entryPoints: [warn], bundle: true, write: false, logLevel: 'silent', plugins: [preemptible()] });
    expect(r2.warnings.map((w) => w.text)).toContainEqual(expect.stringMatching(/direct eval.*\[direct-eval\]/));
  });

  it('a rebuild of the same context transforms only the files that changed', async () => {
    const app = join(out, 'rebuilt-app');
    rmSync(app, { recursive: true, force: true });
    cpSync(join(root, 'fixtures', 'app', 'src'), app, { recursive: true });
    const reports: TransformStats[] = [];
    const outfile = join(out, 'rebuilt.mjs');
    const ctx = await context({
      entryPoints: [join(app, 'main.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile,
      external: ['preemptible', 'preemptible/*'],
      plugins: [preemptible({ onStats: (s) => reports.push(s) })],
      logLevel: 'silent',
    });
    try {
      await ctx.rebuild();
      const first = readFileSync(outfile, 'utf8');
      await ctx.rebuild();
      expect(readFileSync(outfile, 'utf8')).toBe(first);
      const report = join(app, 'report.ts');
      writeFileSync(report, `${readFileSync(report, 'utf8')}\nexport const touched = 1;\n`);
      await ctx.rebuild();
    } finally {
      await ctx.dispose();
    }
    expect(reports.map((r) => [r.files, r.reused])).toEqual([[3, 0], [0, 3], [1, 2]]);
    expectSameAsPlain(runApp(outfile), runApp((await bundle('plain-for-rebuilt', [])).outfile));
  });

  it('refuses copiesAtRunTime, saying why and what takes it', () => {
    expect(() => preemptible({ copiesAtRunTime: true } as never)).toThrow(/copiesAtRunTime is not supported by this front-end \(the names the output registers may be renamed .*\); use the Node loader/);
    expect(() => preemptible({ other: true } as never)).toThrow(/unknown option 'other'/);
  });
});
