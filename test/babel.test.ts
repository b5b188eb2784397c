// Babel front-end: compile the multi-file app file by file with the plugin, run it, compare with a plain build.
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { transformFileSync, transformSync } from '@babel/core';
import { describe, expect, it } from 'vitest';
import preemptible from 'preemptible/babel';
import { appSrc, expectSameAsPlain, plainAppBuild, runApp } from './helpers/app';
import { root } from './helpers/instrument';

const work = join(root, '.test-out', 'babel');
const src = appSrc;

describe('preemptible/babel', () => {
  it('compiles the app with the plugin (source maps preserved); output runs preemptibly like the plain build', async () => {
    rmSync(work, { recursive: true, force: true });
    mkdirSync(join(work, 'src'), { recursive: true });
    mkdirSync(join(work, 'node_modules'), { recursive: true });
    if (!existsSync(join(work, 'node_modules', 'preemptible'))) symlinkSync(root, join(work, 'node_modules', 'preemptible'), 'dir');
    writeFileSync(join(work, 'package.json'), JSON.stringify({ type: 'module' }));
    for (const f of readdirSync(src)) {
      const r = transformFileSync(join(src, f), { plugins: [[preemptible, { instrument: 'all' }]], sourceMaps: true, babelrc: false, configFile: false });
      expect(r?.map?.sources).toEqual([join(src, f)]);
      writeFileSync(join(work, 'src', f.replace(/\.ts$/, '.js')), r!.code!);
    }
    const plain = runApp(await plainAppBuild(join(work, 'plain.mjs')));
    expectSameAsPlain(runApp(join(work, 'src', 'main.js'), { cwd: work }), plain);
  });

  it('works next to other plugins and reports syntax errors with a location', () => {
    const otherPlugin = () => ({ visitor: { NumericLiteral(path: { node: { value: number } }) { if (path.node.value === 41) path.node.value = 42; } } });
    const r = transformSync('export function f(n) { let s = 41; while (n--) s++; return s; }', {
      filename: join(work, 'x.js'),
      plugins: [preemptible, otherPlugin],
      babelrc: false,
      configFile: false,
    });
    expect(r!.code).toMatch(/let s = 42/);
    expect(r!.code).toMatch(/\.lazy\(f,/);
    let err: any;
    try {
      transformSync('function ok() {}\nfunction bad( {', { filename: join(work, 'bad.js'), plugins: [preemptible], babelrc: false, configFile: false });
    } catch (e) {
      err = e;
    }
    expect(err?.code).toBe('BABEL_PARSE_ERROR');
    expect(err?.message).toMatch(/bad\.js/);
    expect(err?.loc?.line).toBe(2);
  });

  it('refuses copiesAtRunTime, saying why and what takes it', () => {
    expect(() => preemptible({}, { copiesAtRunTime: true } as never)).toThrow(/copiesAtRunTime is not supported by this front-end \(the names the output registers may be renamed .*\); use the Node loader/);
    expect(() => preemptible({}, { other: true } as never)).toThrow(/unknown option 'other'/);
  });
});
