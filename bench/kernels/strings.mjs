// String building: concatenation in loops, template literals, split/join, charCodeAt hashing.
export const meta = { title: 'string building', n: 8000 };

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'];

function hash(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

function line(i) {
  return `${WORDS[i & 7]}-${i}:${WORDS[(i >> 3) & 7].toUpperCase()}`;
}

export function run(n) {
  let checksum = 0;
  for (let r = 0; r < n; r++) {
    let s = '';
    for (let i = 0; i < 40; i++) s += line(r + i) + ';';
    const parts = s.split(';');
    const joined = parts.reverse().join('|');
    checksum = (checksum + hash(joined) + parts.length) >>> 0;
  }
  return checksum;
}
