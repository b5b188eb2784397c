// Numeric loops: Mandelbrot escape counts on a grid, float math in tight nested loops (back-edge checkpoints).
export const meta = { title: 'numeric loop (mandelbrot)', n: 800 };

export function run(n) {
  let total = 0;
  const maxIter = 100;
  for (let py = 0; py < n; py++) {
    const ci = (py / n) * 2.4 - 1.2;
    for (let px = 0; px < n; px++) {
      const cr = (px / n) * 3.2 - 2.2;
      let zr = 0;
      let zi = 0;
      let k = 0;
      while (k < maxIter && zr * zr + zi * zi <= 4) {
        const t = zr * zr - zi * zi + cr;
        zi = 2 * zr * zi + ci;
        zr = t;
        k++;
      }
      total += k;
    }
  }
  return total;
}
