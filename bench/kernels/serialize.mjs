// A JSON-like serializer written by hand: recursive descent over objects and arrays, string escaping
// character by character, numbers, booleans and null. Self-check: the output equals JSON.stringify's.
export const meta = { title: 'JSON-like serializer', n: 160 };

const ESC = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

function quote(s) {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c) {
      out += s.slice(start, i);
      const ch = s[i];
      out += ESC[ch] ?? '\\u' + c.toString(16).padStart(4, '0');
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}

function serialize(v) {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'number': return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean': return v ? 'true' : 'false';
    case 'string': return quote(v);
    case 'object': {
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) {
          if (i > 0) out += ',';
          out += v[i] === undefined ? 'null' : serialize(v[i]);
        }
        return out + ']';
      }
      let out = '{';
      let first = true;
      for (const k of Object.keys(v)) {
        const x = v[k];
        if (x === undefined) continue;
        if (!first) out += ',';
        first = false;
        out += quote(k) + ':' + serialize(x);
      }
      return out + '}';
    }
    default: return undefined;
  }
}

function makeData(seed, depth) {
  let s = seed >>> 0;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
  function node(d) {
    const kind = rnd() % (d === 0 ? 4 : 6);
    switch (kind) {
      case 0: return (rnd() % 100000) / 8;
      case 1: return `item "${rnd() % 1000}"\tline\n\\end`;
      case 2: return (rnd() & 1) === 0;
      case 3: return null;
      case 4: {
        const a = [];
        for (let i = rnd() % 6; i > 0; i--) a.push(node(d - 1));
        return a;
      }
      default: {
        const o = {};
        for (let i = rnd() % 6; i > 0; i--) o['key' + (rnd() % 50)] = node(d - 1);
        return o;
      }
    }
  }
  const docs = [];
  for (let i = 0; i < 200; i++) docs.push({ id: i, name: 'doc' + i, tags: ['a', 'b\u0001'], body: node(depth) });
  return docs;
}

function hash(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i += 7) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function run(n) {
  const data = makeData(7, 5);
  let checksum = 0;
  for (let r = 0; r < n; r++) {
    data[r % data.length].id = r;
    const text = serialize(data);
    if (r === 0 && text !== JSON.stringify(data)) throw new Error('serializer: output differs from JSON.stringify');
    checksum = (checksum * 31 + hash(text) + text.length) >>> 0;
  }
  return checksum;
}
