// The CPU work behind both routes (same kernel, different sizes): integer mixing in nested loops with a
// switch, like a checksum or a tokenizer inner loop. Instrumented, it runs ~3x slower inside a task (measured
// for a 50 ms call in 1 ms slices; see the numeric kernels in bench/).
export function work(units) {
  let acc = 0;
  for (let u = 0; u < units; u++) {
    let v = u;
    for (let i = 0; i < 40; i++) {
      const k = (u * 31 + i * 7) % 97;
      switch ((u + i) & 3) {
        case 0: v = (v + k) % 1000003; break;
        case 1: v = (v * (k + 1)) % 1000003; break;
        case 2: v = v ^ k; break;
        default: v = (v + (v >> 3)) % 1000003;
      }
    }
    acc = (acc + v) % 1000003;
  }
  return acc;
}

/**
 * Kernel units for a short (~0.5 ms) and a long (~50 ms) request on this machine, from the best of 7 warm
 * plain runs (used by bench/http/run.mjs and the demo).
 */
export function calibrate() {
  for (let i = 0; i < 20; i++) work(2000);
  let best = Infinity;
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    work(2000);
    best = Math.min(best, performance.now() - t);
  }
  const perMs = 2000 / best;
  return { short: Math.max(1, Math.round(perMs * 0.5)), long: Math.round(perMs * 50) };
}
