// HTTP server for the latency experiment: node bench/http/server.mjs <plain|scheduler|piscina> <shortUnits> <longUnits>
// GET /short and GET /long run the same kernel, ~0.5 ms and ~50 ms of CPU. Prints the port when ready.
import http from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const [mode, shortUnits, longUnits] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const here = dirname(fileURLToPath(import.meta.url));
let handler;

if (mode === 'plain' || mode === 'piscina') {
  const { work } = await import('./kernel.mjs');
  if (mode === 'plain') {
    handler = (req, res) => res.end(String(work(req.url === '/long' ? longUnits : shortUnits)));
  } else {
    const { Piscina } = await import('piscina');
    const pool = new Piscina({ filename: join(here, 'piscina-worker.mjs'), minThreads: 1, maxThreads: 1 });
    await pool.run(1); // warm
    handler = (req, res) => {
      if (req.url === '/long') pool.run(longUnits).then((v) => res.end(String(v)));
      else res.end(String(work(shortUnits)));
    };
  }
} else if (mode === 'scheduler') {
  const { transform } = await import('preemptible/transform');
  const { preemptibleHandler, Scheduler } = await import('preemptible');
  const out = join(here, '..', '..', '.test-out', 'http');
  mkdirSync(out, { recursive: true });
  const app = `import { work } from './kernel.mjs';
export function handle(req, res) { res.end(String(work(req.url === '/long' ? ${longUnits} : ${shortUnits}))); }`;
  writeFileSync(join(out, 'kernel.mjs'), transform(readFileSync(join(here, 'kernel.mjs'), 'utf8'), { filename: 'kernel.mjs' }).code);
  writeFileSync(join(out, 'app.mjs'), transform(app, { filename: 'app.mjs' }).code);
  const { handle } = await import(pathToFileURL(join(out, 'app.mjs')).href);
  handler = preemptibleHandler(handle, { scheduler: new Scheduler({ sliceMs: 1 }) });
} else {
  throw new Error(`unknown mode ${mode}`);
}

const server = http.createServer(handler);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
