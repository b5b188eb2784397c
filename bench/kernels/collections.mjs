// Map/Set: word counting in a Map, Set membership and dedupe, iteration over entries.
export const meta = { title: 'Map/Set', n: 200 };

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
}

export function run(n) {
  const next = rng(42);
  let checksum = 0;
  for (let r = 0; r < n; r++) {
    const counts = new Map();
    const seen = new Set();
    for (let i = 0; i < 2000; i++) {
      const key = 'k' + (next() % 300);
      counts.set(key, (counts.get(key) ?? 0) + 1);
      seen.add(next() % 1000);
    }
    let best = 0;
    for (const [k, v] of counts) if (v > best && k.length > 1) best = v;
    let hits = 0;
    for (let i = 0; i < 1000; i++) if (seen.has(i)) hits++;
    checksum = (checksum * 31 + best * 1000 + hits + counts.size) >>> 0;
  }
  return checksum;
}
