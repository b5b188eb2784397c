// Hand-written SVG of the HTTP latency experiment in bench/results/http.json (no dependencies).
// Called by bench/http/run.mjs after each run; `node bench/http/plot.mjs` redraws from the saved JSON.
//
// Grouped bars: one group per share of long requests in the load (whatever the JSON has), one bar per server
// (plain, scheduler, piscina). Panels: short-request p50, short-request p99, and what the long requests pay
// (their p50), each on its own linear scale in ms.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { esc, writeSvg } from '../plot.mjs';

const COLORS = { plain: '#7f7f7f', scheduler: '#1f77b4', piscina: '#ff7f0e' };
const FALLBACK_COLORS = ['#2ca02c', '#9467bd', '#8c564b'];
const LABELS = { plain: 'plain Node', scheduler: 'preemptible Scheduler (1 ms slices)', piscina: 'piscina (long route in a worker)' };

/** A round axis maximum and tick step for values up to `max`. */
function niceScale(max) {
  const target = Math.max(max, 1e-9) * 1.12;
  const mag = 10 ** Math.floor(Math.log10(target / 5));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => target / s <= 6);
  return { top: Math.ceil(target / step) * step, step };
}

const fmt = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

export function httpSvg(data) {
  const rows = data.results;
  const modes = [...new Set(rows.map((r) => r.mode))];
  const mixes = [...new Set(rows.map((r) => r.longPct))].sort((a, b) => a - b);
  const color = (m) => COLORS[m] ?? FALLBACK_COLORS[modes.indexOf(m) % FALLBACK_COLORS.length];
  const find = (mode, pct) => rows.find((r) => r.mode === mode && r.longPct === pct);
  const panels = [
    { title: 'short requests: p50 latency', value: (r) => r?.short?.p50, mixes },
    { title: 'short requests: p99 latency', value: (r) => r?.short?.p99, mixes },
    { title: 'long requests: p50 latency (the price)', value: (r) => r?.long?.p50, mixes: mixes.filter((p) => p > 0) },
  ].filter((p) => p.mixes.length > 0);

  const BAR = 22;
  const GAP = 26; // between groups
  const ML = 62;
  const MT = 40;
  const PH = 250;
  const groupW = modes.length * BAR + GAP;
  const cellW = (p) => ML + p.mixes.length * groupW + GAP + 20;
  const LEGEND_Y = 58;
  const TOP = LEGEND_Y + 26;
  const W = Math.max(760, panels.reduce((s, p) => s + cellW(p), 0) + 10);
  const H = TOP + MT + PH + 58;

  const out = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ` +
      `font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  out.push(
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="16" font-weight="600">` +
      `HTTP latency of short requests (~0.5 ms CPU) while long ones (~50 ms CPU) run</text>`,
  );
  out.push(
    `<text x="${W / 2}" y="40" text-anchor="middle" fill="#555">${esc(
      `bench/http/run.mjs, ${data.date?.slice(0, 10) ?? ''}; open loop at ${data.ratePerS ?? '?'} req/s over loopback; ` +
        `lower is better; x axis: share of requests that are long`,
    )}</text>`,
  );
  let lx = 40;
  for (const m of modes) {
    out.push(`<rect x="${lx}" y="${LEGEND_Y - 9}" width="14" height="12" fill="${color(m)}"/>`);
    out.push(`<text x="${lx + 20}" y="${LEGEND_Y + 2}">${esc(LABELS[m] ?? m)}</text>`);
    lx += 40 + 7 * (LABELS[m] ?? m).length;
  }

  let ox = 0;
  for (const p of panels) {
    const values = p.mixes.flatMap((pct) => modes.map((m) => p.value(find(m, pct)) ?? 0));
    const { top, step } = niceScale(Math.max(...values));
    const x0 = ox + ML;
    const y0 = TOP + MT;
    const plotW = p.mixes.length * groupW + GAP;
    const Y = (v) => (y0 + PH - (v / top) * PH).toFixed(1);
    out.push('<g>');
    out.push(`<text x="${x0 + plotW / 2}" y="${y0 - 14}" text-anchor="middle" font-weight="600">${esc(p.title)}</text>`);
    for (let t = 0; t <= top + step / 1000; t += step) {
      out.push(`<line x1="${x0}" y1="${Y(t)}" x2="${x0 + plotW}" y2="${Y(t)}" stroke="${t === 0 ? '#999' : '#eee'}"/>`);
      out.push(`<text x="${x0 - 6}" y="${+Y(t) + 4}" text-anchor="end" fill="#444">${+t.toPrecision(6)}</text>`);
    }
    out.push(
      `<text x="${x0 - 48}" y="${y0 + PH / 2}" text-anchor="middle" fill="#444" transform="rotate(-90 ${x0 - 48} ${y0 + PH / 2})">ms</text>`,
    );
    p.mixes.forEach((pct, g) => {
      const gx = x0 + GAP + g * groupW;
      modes.forEach((m, i) => {
        const r = find(m, pct);
        const v = p.value(r);
        if (v == null) return;
        const x = gx + i * BAR;
        const h = (v / top) * PH;
        out.push(
          `<rect x="${x}" y="${Y(v)}" width="${BAR - 3}" height="${Math.max(0.5, h).toFixed(1)}" fill="${color(m)}">` +
            `<title>${esc(`${m}, ${pct} % long: short p50 ${r.short.p50} ms, p99 ${r.short.p99} ms, max ${r.short.max} ms; long p50 ${r.long.p50 ?? '-'} ms; ${r.rps} req/s`)}</title></rect>`,
        );
        out.push(
          `<text x="${(x + (BAR - 3) / 2).toFixed(1)}" y="${(+Y(v) - 4).toFixed(1)}" text-anchor="middle" font-size="10" fill="#333">${fmt(v)}</text>`,
        );
      });
      out.push(
        `<text x="${gx + (modes.length * BAR) / 2 - 1.5}" y="${y0 + PH + 17}" text-anchor="middle" fill="#444">${pct} % long</text>`,
      );
    });
    out.push('</g>');
    ox += cellW(p);
  }
  const shortUnits = data.shortUnits ? `short = ${data.shortUnits} kernel units, long = ${data.longUnits}` : '';
  out.push(
    `<text x="${W / 2}" y="${H - 12}" text-anchor="middle" fill="#555">${esc(
      `${shortUnits}; load generator in its own process (open loop: requests are sent on schedule, not after answers)`,
    )}</text>`,
  );
  out.push('</svg>');
  return out.join('\n') + '\n';
}

export function writeHttpSvg(root) {
  return writeSvg(root, 'http', httpSvg);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
  console.log(`wrote ${writeHttpSvg(root)}`);
}
