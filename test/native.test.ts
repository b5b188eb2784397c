// The native addon: overrun guard for code the transform cannot see, timer, and the pure-JS fallback.
// Each scenario runs in its own process (test/harness/overrun.mjs): terminations must not touch the runner.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capabilities } from 'preemptible';
import { root } from './helpers/instrument';

const pureJs = process.env.PREEMPTIBLE_NATIVE === '0';

function scenario(name: string, env: Record<string, string> = {}, nodeArgs: string[] = []): any {
  const out = execFileSync(process.execPath, [...nodeArgs, join(root, 'test', 'harness', 'overrun.mjs'), name], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, PREEMPTIBLE_QUIET: '1', ...env },
    timeout: 60_000,
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

const healthyAfterwards = { timer: 'timer', promise: 'promise', nextLaunch: 42, work: true };
// budget 5 ms + grace 50 ms (see the harness); "within grace + 2 ms" is the target, the test bound is generous.
const expectOverrun = (r: any): void => {
  expect(r.result).toMatchObject({ error: 'PreemptionOverrunError', isOverrun: true, taskStatus: 'cancelled' });
  expect(r.result.ms).toBeGreaterThanOrEqual(54);
  expect(r.result.ms).toBeLessThan(55 + 500);
  expect(r.after).toEqual(healthyAfterwards);
};

describe.skipIf(pureJs)('overrun guard (native addon)', () => {
  it('the addon is built and loaded', () => {
    expect(capabilities()).toMatchObject({ nativeTimer: true, overrunGuard: true, gcForecast: true });
  });

  it('cancels a catastrophic regular expression close to budget + grace; the process works normally after', () => {
    expectOverrun(scenario('redos'));
  });

  it('cancels an infinite loop in an uninstrumented function', () => {
    expectOverrun(scenario('infinite-loop'));
  });

  it('cancels an uninstrumented loop entered after the pause path was warmed (deadline and grace re-armed)', () => {
    const r = scenario('stuck-after-rehearsal');
    expect(r.rehearsals).toBe(1);
    expectOverrun(r);
  });

  it('cancels a WebAssembly infinite loop', () => {
    expectOverrun(scenario('wasm'));
  });

  it('cancels Array.prototype.sort with a slow uninstrumented comparator', () => {
    expectOverrun(scenario('sort-slow-comparator'));
  });

  it('lets a huge JSON.parse (not interruptible) return its result, and terminates nothing later', () => {
    const r = scenario('json-parse');
    expect(r.result).toMatchObject({ status: 'completed', value: 1_500_000 });
    expect(r.after).toEqual(healthyAfterwards);
  });

  it('leaves a vm timeout inside a launched function to vm', () => {
    const r = scenario('vm-timeout-inside');
    expect(r.result).toMatchObject({ status: 'completed', value: 'ERR_SCRIPT_EXECUTION_TIMEOUT' });
    expect(r.after).toEqual(healthyAfterwards);
  });

  it('cuts off vm code whose own timeout is longer than the task budget + grace', () => {
    expectOverrun(scenario('vm-timeout-outlived'));
  });

  it('counts the grace in the JS thread\'s running time: a thread that is not running is not cut off', () => {
    expect(scenario('not-running').result).toMatchObject({ status: 'completed', value: 'woke' });
  });

  it('does not charge garbage-collection time against the grace period', () => {
    const r = scenario('gc-stall', {}, ['--expose-gc']);
    expect(r.gcMs).toBeGreaterThan(60); // the stall really is longer than the 50 ms grace
    expect(r.result).toMatchObject({ status: 'completed', value: 3_000_000 });
  });

  it('does not charge making a function\'s versions at run time against the grace period', () => {
    const r = scenario('versions-stall');
    expect(r.makeMs).toBeGreaterThan(40); // making them really takes longer than the 20 ms grace
    let s = 0;
    for (let k = 0; k < 20000; k++) s += (k % 3000) * k;
    expect(r.result).toEqual({ status: 'completed', value: s + 4950 });
  });

  it('does not cancel the termination of a worker that runs launches, while the main thread launches', () => {
    const r = scenario('worker-terminate');
    expect(r.exitCode).toBe(1);
    expect(r.mainLaunches).toBeGreaterThan(100);
    expect(r.after).toEqual(healthyAfterwards);
  });
});

describe('pure-JS fallback', () => {
  it('PREEMPTIBLE_NATIVE=0 skips the addon; capabilities() says why', () => {
    const r = scenario('capabilities', { PREEMPTIBLE_NATIVE: '0' });
    expect(r.capabilities).toEqual({ nativeTimer: false, overrunGuard: false, gcForecast: false, nativeCallees: false, reason: 'disabled by PREEMPTIBLE_NATIVE=0' });
  });

  it('warns once, at the first launch, unless PREEMPTIBLE_QUIET=1', () => {
    const script = `const { launch } = require('preemptible'); for (let i = 0; i < 3; i++) launch(() => i, 1);`;
    const loud = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8', env: { ...process.env, PREEMPTIBLE_NATIVE: '0', PREEMPTIBLE_QUIET: '' } });
    expect(loud.status).toBe(0);
    expect(loud.stderr.match(/PREEMPTIBLE_NO_NATIVE/g)).toHaveLength(1);
    expect(loud.stderr).toMatch(/running without its native addon: disabled by PREEMPTIBLE_NATIVE=0/);
    const quiet = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8', env: { ...process.env, PREEMPTIBLE_NATIVE: '0', PREEMPTIBLE_QUIET: '1' } });
    expect(quiet.stderr).not.toMatch(/PREEMPTIBLE_NO_NATIVE/);
  });

  it('without the guard an opaque infinite loop cannot be stopped (documented limitation), but instrumented code still pauses', () => {
    const script = `
      const { launch, resume } = require('preemptible');
      const { transform } = require('preemptible/transform');
      const m = { exports: {} };
      new Function('module', 'require', transform('function spin(n){let s=0;for(let i=0;i<n;i++)s+=i;return s}module.exports=spin', { filename: 'x.cjs' }).code)(m, require);
      const t = launch(m.exports, 0.5, 5e6); let p = 0; while (t.status === 'paused') { resume(t, 0.5); p++; }
      console.log(JSON.stringify({ value: t.value, paused: p > 0 }));`;
    const out = execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8', env: { ...process.env, PREEMPTIBLE_NATIVE: '0', PREEMPTIBLE_QUIET: '1' } });
    expect(JSON.parse(out)).toEqual({ value: 12499997500000, paused: true });
  });

  it('a failed addon build does not fail the install', () => {
    const dir = join(root, '.test-out', 'native-build-fail');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    cpSync(join(root, 'native', 'src'), join(dir, 'src'), { recursive: true });
    cpSync(join(root, 'native', 'binding.gyp'), join(dir, 'binding.gyp'));
    cpSync(join(root, 'native', 'build.js'), join(dir, 'build.js'));
    const r = spawnSync(process.execPath, [join(dir, 'build.js')], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, CXX: '/nonexistent/c++', CC: '/nonexistent/cc' },
    });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/the native addon failed to build; running in pure-JS mode/);
  });
});
