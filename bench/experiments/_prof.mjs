import { readFileSync } from 'node:fs';
import { transform } from 'preemptible/transform';
const f = process.argv[2]; const src = readFileSync(f, 'utf8');
const opt = { filename: f.split('/').pop(), copiesAtRunTime: process.argv[3] !== 'default' };
for (let i = 0; i < 3; i++) { const t = performance.now(); const out = transform(src, opt).code; console.log((performance.now() - t).toFixed(0), 'ms', (out.length / src.length).toFixed(2) + 'x', (src.length/1e3/(performance.now()-t)).toFixed(2), 'MB/s'); }
