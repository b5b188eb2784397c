// The ts-patch front-end, through `tspc` and through a tsc patched with `ts-patch install`.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectSameAsPlain, runApp } from './helpers/app';
import { root } from './helpers/instrument';

const work = join(root, '.test-out', 'tsc');

/** A scratch project that sees this package as node_modules/preemptible, like a user's project does. */
function scratchProject(name: string): string {
  const dir = join(work, name);
  rmSync(dir, { recursive: true, force: true });
  cpSync(join(root, 'fixtures', 'tsc-project'), dir, { recursive: true });
  return dir;
}

function runCompiled(dir: string): { plain: number; value: number; pauses: number; status: string } {
  const script = `
    const { launch, resume } = require('preemptible');
    const m = require(${JSON.stringify(join(dir, 'out', 'shapes.js'))});
    const plain = m.crunch(300);
    const t = launch(m.crunch, 0.2, 300);
    let pauses = 0;
    while (t.status === 'paused') { pauses++; resume(t, 0.2); }
    console.log(JSON.stringify({ plain, value: t.value, pauses, status: t.status }));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8' }));
}

beforeAll(() => {
  mkdirSync(join(work, 'node_modules'), { recursive: true });
  const link = join(work, 'node_modules', 'preemptible');
  if (!existsSync(link)) symlinkSync(root, link, 'dir');
});

describe('preemptible/tsc', () => {
  it('works with tspc: output pauses, resumes to the plain result, declarations unaffected', () => {
    const dir = scratchProject('tspc');
    // Default: notes do not fail the build (exit status 0).
    execFileSync(process.execPath, [join(root, 'node_modules', 'ts-patch', 'bin', 'tspc.js'), '-p', dir], { encoding: 'utf8' });
    const js = readFileSync(join(dir, 'out', 'shapes.js'), 'utf8');
    expect(js).toMatch(/require\("preemptible\/runtime"\)/);
    const dts = readFileSync(join(dir, 'out', 'shapes.d.ts'), 'utf8');
    expect(dts).not.toMatch(/preemptible|\$pe|function\*/);
    expect(dts).toMatch(/export declare function crunch\(n: number\): number;/);
    const r = runCompiled(dir);
    expect(r.status).toBe('completed');
    expect(r.value).toBe(r.plain);
    expect(r.pauses).toBeGreaterThan(0);
  });

  it("reports uninstrumented constructs as tsc warnings with warnings: 'diagnostics'", () => {
    const dir = scratchProject('diagnostics');
    const tsconfig = join(dir, 'tsconfig.json');
    writeFileSync(tsconfig, readFileSync(tsconfig, 'utf8').replace('"instrument": "all"', '"instrument": "all", "warnings": "diagnostics"'));
    let out = '';
    try {
      execFileSync(process.execPath, [join(root, 'node_modules', 'ts-patch', 'bin', 'tspc.js'), '-p', dir], { encoding: 'utf8' });
    } catch (e) {
      out = (e as { stdout: string }).stdout; // tsc exits 2 when it printed any diagnostic
    }
    expect(out).toMatch(/util\.ts\(1,\d+\): warning TS9001: preemptible: getter runs to completion/);
  });

  it('builds the multi-file app (ESM, decorator, async, dependency); output runs preemptibly like a plain build', () => {
    const dir = join(work, 'app');
    rmSync(dir, { recursive: true, force: true });
    cpSync(join(root, 'fixtures', 'app', 'src'), join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    const tsconfig = (plugins: unknown[], outDir: string) =>
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, outDir, rootDir: 'src', types: [], skipLibCheck: true, plugins },
        include: ['src'],
      });
    writeFileSync(join(dir, 'tsconfig.json'), tsconfig([{ transform: 'preemptible/tsc', instrument: 'all' }], 'out'));
    writeFileSync(join(dir, 'tsconfig.plain.json'), tsconfig([], 'plain'));
    const tspc = join(root, 'node_modules', 'ts-patch', 'bin', 'tspc.js');
    execFileSync(process.execPath, [tspc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
    execFileSync(process.execPath, [tspc, '-p', join(dir, 'tsconfig.plain.json')], { encoding: 'utf8' });
    const plain = runApp(join(dir, 'plain', 'main.js'), { cwd: dir });
    const inst = runApp(join(dir, 'out', 'main.js'), { cwd: dir });
    expect(readFileSync(join(dir, 'out', 'inventory.js'), 'utf8')).toMatch(/import \* as \$pe\w* from "preemptible\/runtime"/);
    expectSameAsPlain(inst, plain);
  });

  it('works with a tsc patched by `ts-patch install`', () => {
    const dir = scratchProject('patched');
    const tsDir = join(work, 'patched-ts', 'node_modules', 'typescript');
    rmSync(join(work, 'patched-ts'), { recursive: true, force: true });
    cpSync(join(root, 'node_modules', 'typescript'), tsDir, { recursive: true });
    execFileSync(process.execPath, [join(root, 'node_modules', 'ts-patch', 'bin', 'ts-patch.js'), 'install', '-s', '-d', tsDir], {
      encoding: 'utf8',
    });
    execFileSync(process.execPath, [join(tsDir, 'bin', 'tsc'), '-p', dir], { encoding: 'utf8' });
    const r = runCompiled(dir);
    expect(r.value).toBe(r.plain);
    expect(r.pauses).toBeGreaterThan(0);
  });
});
