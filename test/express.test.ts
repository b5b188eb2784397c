// The express example (fixtures/express/): CPU-heavy routes through preemptibleHandler. Each server runs in
// its own process on an ephemeral loopback port; the assertions are about order and content, not timing.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
// @ts-expect-error express ships no types and @types/express is not a dependency
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preemptibleHandler } from 'preemptible';
import { instrument, root } from './helpers/instrument';

const { checksum } = (await import(pathToFileURL(join(root, 'fixtures', 'express', 'routes.mjs')).href)) as {
  checksum: (units: number) => number;
};

interface Server {
  child: ChildProcess;
  port: number;
  /** Resolves once the server has logged `line` (its request log: "GET /path?query"). */
  logged(line: string): Promise<void>;
}

function startServer(args: string[]): Promise<Server> {
  const child = spawn(process.execPath, [join(root, 'fixtures', 'express', 'server.mjs'), '--log', ...args], {
    cwd: root,
    env: { ...process.env, PREEMPTIBLE_QUIET: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const waiters: { line: string; resolve: () => void }[] = [];
  let buffered = '';
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server ${args.join(' ')} exited with ${code}`)));
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        lines.push(line);
        const port = /^listening on http:\/\/127\.0\.0\.1:(\d+)$/.exec(line);
        if (port) {
          resolve({
            child,
            port: Number(port[1]),
            logged: (want) => (lines.includes(want) ? Promise.resolve() : new Promise((r) => waiters.push({ line: want, resolve: r }))),
          });
        }
        for (const w of waiters.filter((w) => w.line === line)) w.resolve();
      }
    });
  });
}

interface Reply {
  status: number;
  body: any;
}

/** GET on a fresh connection (no keep-alive queueing between requests). */
function get(port: number, path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      })
      .on('error', reject);
  });
}

let preemptive: Server;
let plain: Server;
let longUnits: number;
let longChecksum: number;

beforeAll(async () => {
  const servers = Promise.all([startServer([]), startServer(['--plain'])]);
  // Calibrate the long request to ~400 ms of CPU in plain code (instrumented code inside a task is slower).
  for (let i = 0; i < 5; i++) checksum(20_000);
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    checksum(100_000);
    best = Math.min(best, performance.now() - t);
  }
  longUnits = Math.min(20_000_000, Math.round((400 / best) * 100_000));
  longChecksum = checksum(longUnits);
  [preemptive, plain] = await servers;
});

afterAll(() => {
  preemptive?.child.kill();
  plain?.child.kill();
});

/**
 * Sends one long request; once the server has logged it (it is being handled), sends three waves of three
 * short requests, each wave after the previous one answered. Returns the order in which responses arrived.
 */
async function longAmongShorts(server: Server, route = '/checksum'): Promise<{ order: string[]; replies: Map<string, Reply> }> {
  const order: string[] = [];
  const replies = new Map<string, Reply>();
  const request = (name: string, path: string) =>
    get(server.port, path).then((reply) => {
      order.push(name);
      replies.set(name, reply);
    });
  const longPath = `${route}?units=${longUnits}`;
  const long = request('long', longPath);
  await server.logged(`GET ${longPath}`);
  for (let wave = 0; wave < 3; wave++) {
    await Promise.all([0, 1, 2].map((i) => request(`short${wave}.${i}`, `/checksum?units=${2000 + 10 * wave + i}`)));
  }
  await long;
  return { order, replies };
}

function expectCorrect(replies: Map<string, Reply>): void {
  expect(replies.size).toBe(10);
  for (const [name, reply] of replies) {
    const units = name === 'long' ? longUnits : 2000 + 10 * Number(name[5]) + Number(name[7]);
    expect(reply).toEqual({ status: 200, body: { units, checksum: name === 'long' ? longChecksum : checksum(units) } });
  }
}

describe('express example (fixtures/express)', () => {
  it('with preemptibleHandler, every short request is answered while the long one still runs', async () => {
    const { order, replies } = await longAmongShorts(preemptive);
    expect(order.indexOf('long')).toBe(9); // last: after all nine short responses
    expectCorrect(replies);
  });

  it('an async handler (await, then CPU work) is preemptible too', async () => {
    const { order, replies } = await longAmongShorts(preemptive, '/checksum-async');
    expect(order.indexOf('long')).toBe(9);
    expectCorrect(replies);
  });

  it('with plain express handlers, the short requests wait for the long one (the scenario can fail)', async () => {
    const { order, replies } = await longAmongShorts(plain);
    expect(order.indexOf('long')).toBe(0); // first: every short response came after it
    expectCorrect(replies);
  });

  it('an error thrown in a handler, also after several slices, becomes a 500 through the error middleware', async () => {
    const units = 300_000; // several 1 ms slices before the throw
    const body = { error: `failed on purpose after ${units} units (checksum ${checksum(units)})` };
    for (const server of [preemptive, plain]) {
      expect(await get(server.port, `/fail?units=${units}`)).toEqual({ status: 500, body });
      expect(await get(server.port, '/checksum?units=-1')).toEqual({ status: 400, body: { error: 'units must be a non-negative integer, got -1' } });
      expect(await get(server.port, '/checksum?units=5')).toEqual({ status: 200, body: { units: 5, checksum: checksum(5) } });
    }
    expect((await get(preemptive.port, '/health')).body.tasks).toMatchObject({ queued: 0, failed: 2 });
  });

  it("preemptibleHandler's default onError hands the error to express's next(); without next it answers 500", async () => {
    const m = await instrument(`export function broken(req, res) { let s = 0; for (let i = 0; i < 1e6; i++) s += i; throw new Error('broken ' + s); }`);
    const seen: string[] = [];
    const app = express();
    app.get('/broken', preemptibleHandler(m.broken));
    app.use((error: Error, _req: unknown, res: { status(n: number): { send(t: string): void } }, _next: unknown) => {
      seen.push(error.message);
      res.status(503).send('via express');
    });
    const express_ = app.listen(0, '127.0.0.1');
    const bare = http.createServer(preemptibleHandler(m.broken));
    bare.listen(0, '127.0.0.1');
    await Promise.all([express_, bare].map((s) => new Promise((r) => (s.listening ? r(null) : s.once('listening', r)))));
    const fetchText = (port: number) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port, path: '/broken', agent: false }, (r) => {
            let text = '';
            r.setEncoding('utf8').on('data', (d: string) => (text += d));
            r.on('end', () => resolve({ status: r.statusCode!, text }));
          })
          .on('error', reject);
      });
    try {
      const port = (s: { address(): unknown }) => (s.address() as { port: number }).port;
      expect(await fetchText(port(express_))).toEqual({ status: 503, text: 'via express' });
      expect(seen).toEqual([`broken ${(1e6 * (1e6 - 1)) / 2}`]);
      expect(await fetchText(port(bare))).toEqual({ status: 500, text: 'Internal Server Error' });
    } finally {
      express_.close();
      bare.close();
    }
  });
});
