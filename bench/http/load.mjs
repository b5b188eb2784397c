// Open-loop load generator (separate process): node bench/http/load.mjs <port> <longFraction> <seconds> <rate>
// Requests are sent at `rate` per second with exponential gaps (seeded), regardless of how fast answers
// come back (no coordinated omission); a request is /long with probability longFraction.
import http from 'node:http';

const [port, longFraction, seconds, rate] = process.argv.slice(2).map(Number);
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
let seed = 12345;
const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296);
const lat = { short: [], long: [] };
let errors = 0;
const start = performance.now();
const pending = [];

function send(kind) {
  const t = performance.now();
  pending.push(
    new Promise((resolve) => {
      http
        .get({ host: '127.0.0.1', port, path: `/${kind}`, agent }, (res) => {
          res.resume();
          res.on('end', () => {
            lat[kind].push(performance.now() - t);
            resolve();
          });
        })
        .on('error', () => {
          errors++;
          resolve();
        });
    }),
  );
}

// Schedule arrivals on a timeline; fire all that are due whenever the loop gets control.
let next = start;
await new Promise((done) => {
  const tick = () => {
    const now = performance.now();
    while (next <= now) {
      if (next - start >= seconds * 1000) return done();
      send(rnd() < longFraction ? 'long' : 'short');
      next += (-Math.log(1 - rnd()) / rate) * 1000;
    }
    setTimeout(tick, Math.max(0, Math.min(5, next - now)));
  };
  tick();
});
await Promise.all(pending);
agent.destroy();
const q = (xs, p) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2);
};
const elapsed = (performance.now() - start) / 1000;
process.stdout.write(
  JSON.stringify({
    short: { n: lat.short.length, p50: q(lat.short, 0.5), p99: q(lat.short, 0.99), max: q(lat.short, 1) },
    long: { n: lat.long.length, p50: q(lat.long, 0.5), p99: q(lat.long, 0.99) },
    errors,
    seconds: +elapsed.toFixed(2),
    rps: +((lat.short.length + lat.long.length) / elapsed).toFixed(1),
    longPerS: +(lat.long.length / elapsed).toFixed(2),
  }) + '\n',
);
