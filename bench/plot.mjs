// Hand-written SVG of the pause-latency distribution in bench/results/latency.json (no dependencies).
// Called by bench/latency.mjs after each run; `node bench/plot.mjs` redraws from the saved JSON.
//
// One panel per budget; in each, one curve per (kernel, timer mode): the fraction of slices whose control
// came back later than x µs after the deadline (complementary CDF, log-log). The target (p99 <= 100 µs)
// means a curve must cross the 1% line left of the 100 µs line.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const COLORS = { numeric: '#1f77b4', calls: '#d62728', allocating: '#2ca02c' };
const FALLBACK_COLORS = ['#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
const DASH = {
  'native timer': '',
  'pure JS': '6 4',
  'native timer, event loop between slices': '2 2',
  'native timer, --no-parallel-scavenge': '4 1',
  'native timer, compiler loaded': '8 2 2 2',
  'native timer, compiler loaded, --max-semi-space-size=1': '1 3',
};
const X_MIN = 0.1; // µs
const X_MAX = 1e5; // 100 ms: values beyond are drawn at the edge
const Y_MIN = 1e-4; // fraction of slices

/** Text escaped for SVG (also used by bench/http/plot.mjs). */
export const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** [[latency µs, fraction of slices later than that], ...] for one row of latency.json. */
function ccdf(row) {
  const n = row.slices;
  const pts = row.cdf
    ? row.cdf.q.map((q, i) => [row.cdf.us[i], q])
    : [
        [row.p50Us, 0.5],
        [row.p99Us, 0.99],
        [row.maxUs, 1],
      ];
  return pts.map(([us, q]) => [Math.min(X_MAX, Math.max(X_MIN, us)), Math.max(Y_MIN, Math.max(1 - q, 1 / n))]);
}

export function latencySvg(data) {
  const modes = Object.entries(data.modes);
  const budgets = [...new Set(modes.flatMap(([, m]) => m.rows.map((r) => r.budgetMs)))].sort((a, b) => a - b);
  const kernels = [...new Set(modes.flatMap(([, m]) => m.rows.map((r) => r.kernel)))];
  const color = (k) => COLORS[k] ?? FALLBACK_COLORS[kernels.indexOf(k) % FALLBACK_COLORS.length];

  const PW = 430; // panel plot area
  const PH = 250;
  const ML = 62; // margins inside a panel cell
  const MT = 34;
  const CELL_W = ML + PW + 24;
  const CELL_H = MT + PH + 48;
  const cols = 2;
  const rowsN = Math.ceil(budgets.length / cols);
  const TOP = 58 + modes.length * 18 + 10;
  const W = cols * CELL_W + 10;
  const H = TOP + rowsN * CELL_H;

  const lx = (us) => (Math.log10(us) - Math.log10(X_MIN)) / (Math.log10(X_MAX) - Math.log10(X_MIN));
  const ly = (f) => (Math.log10(1) - Math.log10(f)) / (Math.log10(1) - Math.log10(Y_MIN));

  const out = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ` +
      `font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  out.push(
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="16" font-weight="600">` +
      `Pause latency: fraction of slices returning later than x after the deadline</text>`,
  );
  out.push(
    `<text x="${W / 2}" y="40" text-anchor="middle" fill="#555">${esc(
      `bench/latency.mjs, ${data.date?.slice(0, 10) ?? ''}; solid: native timer, dashed: pure JS; grey lines: the p99 <= 100 µs target`,
    )}</text>`,
  );
  // Legend: one row per timer mode, one column per kernel.
  modes.forEach(([mode], r) => {
    kernels.forEach((k, c) => {
      const x = 40 + c * 220;
      const y = 58 + r * 18;
      out.push(
        `<line x1="${x}" y1="${y}" x2="${x + 28}" y2="${y}" stroke="${color(k)}" stroke-width="2" stroke-dasharray="${DASH[mode] ?? '2 2'}"/>`,
      );
      out.push(`<text x="${x + 34}" y="${y + 4}">${esc(`${k}, ${mode}`)}</text>`);
    });
  });

  const xTicks = [0.1, 1, 10, 100, 1000, 10000, 100000];
  const xLabel = (v) => (v >= 1000 ? `${v / 1000} ms` : `${v} µs`);
  const yTicks = [1, 0.1, 0.01, 0.001, 0.0001];
  const yLabel = (v) => `${+(v * 100).toPrecision(2)}%`;

  budgets.forEach((budget, i) => {
    const ox = (i % cols) * CELL_W + ML;
    const oy = TOP + Math.floor(i / cols) * CELL_H + MT;
    const X = (us) => (ox + lx(us) * PW).toFixed(1);
    const Y = (f) => (oy + ly(f) * PH).toFixed(1);
    out.push(`<g>`);
    out.push(`<text x="${ox + PW / 2}" y="${oy - 12}" text-anchor="middle" font-weight="600">budget ${budget} ms</text>`);
    out.push(`<rect x="${ox}" y="${oy}" width="${PW}" height="${PH}" fill="none" stroke="#999"/>`);
    for (const t of xTicks) {
      out.push(`<line x1="${X(t)}" y1="${oy}" x2="${X(t)}" y2="${oy + PH}" stroke="#eee"/>`);
      out.push(`<text x="${X(t)}" y="${oy + PH + 16}" text-anchor="middle" fill="#444">${xLabel(t)}</text>`);
    }
    for (const t of yTicks) {
      out.push(`<line x1="${ox}" y1="${Y(t)}" x2="${ox + PW}" y2="${Y(t)}" stroke="#eee"/>`);
      out.push(`<text x="${ox - 6}" y="${+Y(t) + 4}" text-anchor="end" fill="#444">${yLabel(t)}</text>`);
    }
    out.push(`<text x="${ox + PW / 2}" y="${oy + PH + 34}" text-anchor="middle" fill="#444">time from deadline to control back</text>`);
    // Target: p99 <= 100 µs.
    out.push(`<line x1="${X(100)}" y1="${oy}" x2="${X(100)}" y2="${oy + PH}" stroke="#888" stroke-dasharray="3 3"/>`);
    out.push(`<line x1="${ox}" y1="${Y(0.01)}" x2="${ox + PW}" y2="${Y(0.01)}" stroke="#888" stroke-dasharray="3 3"/>`);
    for (const [mode, m] of modes) {
      for (const row of m.rows.filter((r) => r.budgetMs === budget)) {
        const pts = ccdf(row);
        // Straight segments between the saved quantiles (a step curve over 13 points would suggest plateaus
        // that are only gaps between quantiles).
        const d = pts.map(([us, f], j) => `${j === 0 ? 'M' : 'L'}${X(us)},${Y(f)}`).join('');
        out.push(
          `<path d="${d}" fill="none" stroke="${color(row.kernel)}" stroke-width="1.8" stroke-dasharray="${DASH[mode] ?? '2 2'}">` +
            `<title>${esc(`${row.kernel}, ${mode}, ${budget} ms: p50 ${row.p50Us} µs, p99 ${row.p99Us} µs, max ${row.maxUs} µs, ${row.slices} slices`)}</title></path>`,
        );
      }
    }
    out.push(`</g>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** Renders bench/results/<name>.json into <name>.svg (atomic replace); returns the SVG's path from `root`. */
export function writeSvg(root, name, render) {
  const data = JSON.parse(readFileSync(join(root, 'bench', 'results', `${name}.json`), 'utf8'));
  const file = join(root, 'bench', 'results', `${name}.svg`);
  writeFileSync(file + '.tmp', render(data));
  renameSync(file + '.tmp', file);
  return relative(root, file);
}

export function writeLatencySvg(root) {
  return writeSvg(root, 'latency', latencySvg);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(fileURLToPath(import.meta.url), '..', '..');
  console.log(`wrote ${writeLatencySvg(root)}`);
}
