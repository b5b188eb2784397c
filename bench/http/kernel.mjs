// The CPU work behind both routes (same kernel, different sizes): integer mixing in nested loops with a
// switch, like a checksum or a tokenizer inner loop. Loop-heavy on purpose: the transform's generator
// versions cost ~1.3x on such code, against ~10x on call-heavy recursion (see bench/ kernels).
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
