// Piscina task for bench/compare.mjs: the smallest useful task.
export default function (x) {
  return x + 1;
}
