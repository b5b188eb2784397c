// Sorting with a comparator: Array.prototype.sort with a comparator (called by the builtin, so it runs
// plain) and a hand-written merge sort calling the same comparator (instrumented calls).
export const meta = { title: 'sort with comparator', n: 30 };

function byKeyThenId(a, b) {
  return a.key - b.key || a.id - b.id;
}

function mergeSort(arr, cmp) {
  if (arr.length <= 1) return arr;
  const mid = arr.length >> 1;
  const left = mergeSort(arr.slice(0, mid), cmp);
  const right = mergeSort(arr.slice(mid), cmp);
  const out = new Array(arr.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < left.length && j < right.length) out[k++] = cmp(left[i], right[j]) <= 0 ? left[i++] : right[j++];
  while (i < left.length) out[k++] = left[i++];
  while (j < right.length) out[k++] = right[j++];
  return out;
}

export function run(n) {
  let s = 12345;
  let checksum = 0;
  for (let r = 0; r < n; r++) {
    const items = [];
    for (let i = 0; i < 4000; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      items.push({ id: i, key: s % 997 });
    }
    const a = items.slice().sort(byKeyThenId);
    const b = mergeSort(items, byKeyThenId);
    for (let i = 0; i < a.length; i += 97) checksum = (checksum * 17 + a[i].id + b[i].id) >>> 0;
  }
  return checksum;
}
