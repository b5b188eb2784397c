// Array.prototype.sort's algorithm inside a task: a port of V8's TimSort (third_party/v8/builtins/array-sort.tq,
// itself a port of CPython's listsort), so that a comparator with side effects (logging, counting, a seeded
// random comparator) is called with the same (x, y) pairs, in the same order and as many times as by the
// builtin. Names and control flow follow the Torque source; the comparisons are generator steps, since an
// instrumented comparator can pause.
//
// Sorts `workArray` in place. It holds the receiver's present, non-undefined values (V8's
// CompactReceiverElementsIntoWorkArray): the comparator cannot reach it, so mutating the receiver does not
// disturb the sort.

import { callNow, callPlainNow, suspended, SUSPENDED } from './lazy';
import { type GenFn } from './symbols';

type Gen<T> = Generator<unknown, T, unknown>;
type Callback = (...args: unknown[]) => unknown;

/** Galloping mode is entered after this many consecutive wins of one run; minGallop adapts from it. */
const kMinGallopWins = 7;

class SortState {
  /** Galloping threshold: MergeLow/MergeHigh raise it for random data and lower it for structured data. */
  minGallop = kMinGallopWins;
  /** Pending runs to merge: run i starts at pendingRuns[2 * i] and has pendingRuns[2 * i + 1] elements. */
  pendingRuns: number[] = [];
  pendingRunsSize = 0;
  tempArray: unknown[] = [];

  constructor(
    readonly workArray: unknown[],
    readonly userCmpFn: Callback,
    readonly g: GenFn | undefined,
  ) {}

  /**
   * Calls the comparator (x, y) with `this` undefined: its value, or SUSPENDED, after which
   * `yield* suspended()` gives it. Through its fast copy or generator version when it has one (it
   * checkpoints at its entry), else a checkpoint and a plain call, with no generator per comparison unless
   * the task pauses.
   */
  call(x: unknown, y: unknown): unknown {
    return this.g ? callNow(this.g, undefined, 2, x, y) : callPlainNow(this.userCmpFn, undefined, 2, x, y);
  }
}

/**
 * SortCompareUserFn's ToNumber of the comparator's result (a BigInt or Symbol throws), with NaN as +0: the
 * callers test both `order < 0` and `order >= 0`, which NaN would both fail.
 */
function toOrder(v: unknown): number {
  const order = +(v as number);
  return order === order ? order : 0;
}

/**
 * Sorts `workArray` in place, calling the comparator exactly as V8's ArrayTimSort does. Node 20's V8 (11.3)
 * runs ArrayTimSortImpl at every length; the binary-insertion-only path for short arrays (kMinTimSortLen)
 * is later.
 */
export function* timSort(workArray: unknown[], userCmpFn: Callback, g: GenFn | undefined): Gen<void> {
  yield* ArrayTimSortImpl(new SortState(workArray, userCmpFn, g), workArray.length);
}

function GetPendingRunBase(pendingRuns: number[], run: number): number {
  return pendingRuns[run << 1]!;
}

function SetPendingRunBase(pendingRuns: number[], run: number, value: number): void {
  pendingRuns[run << 1] = value;
}

function GetPendingRunLength(pendingRuns: number[], run: number): number {
  return pendingRuns[(run << 1) + 1]!;
}

function SetPendingRunLength(pendingRuns: number[], run: number, value: number): void {
  pendingRuns[(run << 1) + 1] = value;
}

function PushRun(sortState: SortState, base: number, length: number): void {
  const stackSize = sortState.pendingRunsSize;
  SetPendingRunBase(sortState.pendingRuns, stackSize, base);
  SetPendingRunLength(sortState.pendingRuns, stackSize, length);
  sortState.pendingRunsSize = stackSize + 1;
}

/** The temporary array, at least requestedSize long (only its first requestedSize slots are used). */
function GetTempArray(sortState: SortState, requestedSize: number): unknown[] {
  if (sortState.tempArray.length < requestedSize) sortState.tempArray = new Array<unknown>(requestedSize);
  return sortState.tempArray;
}

/** Copies length elements; source and target may be the same array with overlapping ranges. */
function Copy(source: unknown[], srcPos: number, target: unknown[], dstPos: number, length: number): void {
  if (srcPos < dstPos) {
    let srcIdx = srcPos + length - 1;
    let dstIdx = dstPos + length - 1;
    while (srcIdx >= srcPos) target[dstIdx--] = source[srcIdx--];
  } else {
    let srcIdx = srcPos;
    let dstIdx = dstPos;
    const to = srcPos + length;
    while (srcIdx < to) target[dstIdx++] = source[srcIdx++];
  }
}

/**
 * Sorts [low, high) by binary insertion; [low, startArg) is already sorted. Stable: the pivot goes after
 * elements equal to it.
 */
function* BinaryInsertionSort(sortState: SortState, low: number, startArg: number, high: number): Gen<void> {
  const workArray = sortState.workArray;
  let start = low === startArg ? startArg + 1 : startArg;
  for (; start < high; ++start) {
    let left = low;
    let right = start;
    const pivot = workArray[right];
    // Invariants: pivot >= all in [low, left), pivot < all in [right, start).
    while (left < right) {
      const mid = left + ((right - left) >> 1);
      let v = sortState.call(pivot, workArray[mid]);
      if (v === SUSPENDED) v = yield* suspended();
      if (toOrder(v) < 0) right = mid;
      else left = mid + 1;
    }
    for (let p = start; p > left; --p) workArray[p] = workArray[p - 1];
    workArray[left] = pivot;
  }
}

/**
 * The length of the run starting at lowArg in [lowArg, high): the longest ascending (a[i] <= a[i + 1]) or
 * strictly descending (a[i] > a[i + 1]) sequence. A descending run is reversed in place (strictness keeps the
 * reversal stable).
 */
function* CountAndMakeRun(sortState: SortState, lowArg: number, high: number): Gen<number> {
  const workArray = sortState.workArray;
  const low = lowArg + 1;
  if (low === high) return 1;

  let runLength = 2;
  const elementLow = workArray[low];
  const elementLowPred = workArray[low - 1];
  let v = sortState.call(elementLow, elementLowPred);
  if (v === SUSPENDED) v = yield* suspended();
  let order = toOrder(v);
  const isDescending = order < 0;

  let previousElement = elementLow;
  for (let idx = low + 1; idx < high; ++idx) {
    const currentElement = workArray[idx];
    v = sortState.call(currentElement, previousElement);
    if (v === SUSPENDED) v = yield* suspended();
    order = toOrder(v);
    if (isDescending) {
      if (order >= 0) break;
    } else {
      if (order < 0) break;
    }
    previousElement = currentElement;
    ++runLength;
  }

  if (isDescending) ReverseRange(workArray, lowArg, lowArg + runLength);
  return runLength;
}

function ReverseRange(array: unknown[], from: number, to: number): void {
  let low = from;
  let high = to - 1;
  while (low < high) {
    const elementLow = array[low];
    const elementHigh = array[high];
    array[low++] = elementHigh;
    array[high--] = elementLow;
  }
}

/** Merges the runs at stack indices i and i + 1 (the two topmost, or the two below the topmost). */
function* MergeAt(sortState: SortState, i: number): Gen<void> {
  const stackSize = sortState.pendingRunsSize;
  const workArray = sortState.workArray;
  const pendingRuns = sortState.pendingRuns;
  let baseA = GetPendingRunBase(pendingRuns, i);
  let lengthA = GetPendingRunLength(pendingRuns, i);
  const baseB = GetPendingRunBase(pendingRuns, i + 1);
  let lengthB = GetPendingRunLength(pendingRuns, i + 1);

  // Record the combined run; if i is the 3rd-last run, slide the last run down over run i + 1.
  SetPendingRunLength(pendingRuns, i, lengthA + lengthB);
  if (i === stackSize - 3) {
    SetPendingRunBase(pendingRuns, i + 1, GetPendingRunBase(pendingRuns, i + 2));
    SetPendingRunLength(pendingRuns, i + 1, GetPendingRunLength(pendingRuns, i + 2));
  }
  sortState.pendingRunsSize = stackSize - 1;

  // Where does b start in a? Elements of a before that are already in place.
  const keyRight = workArray[baseB];
  const k = yield* GallopRight(sortState, workArray, keyRight, baseA, lengthA, 0);
  baseA = baseA + k;
  lengthA = lengthA - k;
  if (lengthA === 0) return;

  // Where does a end in b? Elements of b after that are already in place.
  const keyLeft = workArray[baseA + lengthA - 1];
  lengthB = yield* GallopLeft(sortState, workArray, keyLeft, baseB, lengthB, lengthB - 1);
  if (lengthB === 0) return;

  // Merge what remains, with a temp array of min(lengthA, lengthB) elements.
  if (lengthA <= lengthB) yield* MergeLow(sortState, baseA, lengthA, baseB, lengthB);
  else yield* MergeHigh(sortState, baseA, lengthA, baseB, lengthB);
}

/**
 * The offset in 0..length where key belongs in the sorted array[base, base + length): before the leftmost
 * element equal to it. Gallops from base + hint, then binary-searches.
 */
function* GallopLeft(sortState: SortState, array: unknown[], key: unknown, base: number, length: number, hint: number): Gen<number> {
  let lastOfs = 0;
  let offset = 1;

  let v = sortState.call(array[base + hint], key);
  if (v === SUSPENDED) v = yield* suspended();
  let order = toOrder(v);

  if (order < 0) {
    // a[base + hint] < key: gallop right, until a[base + hint + lastOfs] < key <= a[base + hint + offset].
    const maxOfs = length - hint;
    while (offset < maxOfs) {
      v = sortState.call(array[base + hint + offset], key);
      if (v === SUSPENDED) v = yield* suspended();
      order = toOrder(v);
      if (order >= 0) break;
      lastOfs = offset;
      offset = (offset << 1) + 1;
      if (offset <= 0) offset = maxOfs; // integer overflow
    }
    if (offset > maxOfs) offset = maxOfs;
    lastOfs = lastOfs + hint;
    offset = offset + hint;
  } else {
    // key <= a[base + hint]: gallop left, until a[base + hint - offset] < key <= a[base + hint - lastOfs].
    const maxOfs = hint + 1;
    while (offset < maxOfs) {
      v = sortState.call(array[base + hint - offset], key);
      if (v === SUSPENDED) v = yield* suspended();
      order = toOrder(v);
      if (order < 0) break;
      lastOfs = offset;
      offset = (offset << 1) + 1;
      if (offset <= 0) offset = maxOfs; // integer overflow
    }
    if (offset > maxOfs) offset = maxOfs;
    const tmp = lastOfs;
    lastOfs = hint - offset;
    offset = hint - tmp;
  }

  // a[base + lastOfs] < key <= a[base + offset]: binary search in between.
  lastOfs++;
  while (lastOfs < offset) {
    const m = lastOfs + ((offset - lastOfs) >> 1);
    v = sortState.call(array[base + m], key);
    if (v === SUSPENDED) v = yield* suspended();
    if (toOrder(v) < 0) lastOfs = m + 1;
    else offset = m;
  }
  return offset;
}

/** Like GallopLeft, but returns the offset after the rightmost element equal to key. */
function* GallopRight(sortState: SortState, array: unknown[], key: unknown, base: number, length: number, hint: number): Gen<number> {
  let lastOfs = 0;
  let offset = 1;

  let v = sortState.call(key, array[base + hint]);
  if (v === SUSPENDED) v = yield* suspended();
  let order = toOrder(v);

  if (order < 0) {
    // key < a[base + hint]: gallop left, until a[base + hint - offset] <= key < a[base + hint - lastOfs].
    const maxOfs = hint + 1;
    while (offset < maxOfs) {
      v = sortState.call(key, array[base + hint - offset]);
      if (v === SUSPENDED) v = yield* suspended();
      order = toOrder(v);
      if (order >= 0) break;
      lastOfs = offset;
      offset = (offset << 1) + 1;
      if (offset <= 0) offset = maxOfs; // integer overflow
    }
    if (offset > maxOfs) offset = maxOfs;
    const tmp = lastOfs;
    lastOfs = hint - offset;
    offset = hint - tmp;
  } else {
    // a[base + hint] <= key: gallop right, until a[base + hint + lastOfs] <= key < a[base + hint + offset].
    const maxOfs = length - hint;
    while (offset < maxOfs) {
      v = sortState.call(key, array[base + hint + offset]);
      if (v === SUSPENDED) v = yield* suspended();
      order = toOrder(v);
      if (order < 0) break;
      lastOfs = offset;
      offset = (offset << 1) + 1;
      if (offset <= 0) offset = maxOfs; // integer overflow
    }
    if (offset > maxOfs) offset = maxOfs;
    lastOfs = lastOfs + hint;
    offset = offset + hint;
  }

  // a[base + lastOfs] <= key < a[base + offset]: binary search in between.
  lastOfs++;
  while (lastOfs < offset) {
    const m = lastOfs + ((offset - lastOfs) >> 1);
    v = sortState.call(key, array[base + m]);
    if (v === SUSPENDED) v = yield* suspended();
    if (toOrder(v) < 0) offset = m;
    else lastOfs = m + 1;
  }
  return offset;
}

/**
 * Merges the adjacent runs [baseA, baseA + lengthA) and [baseB, baseB + lengthB) in place, front to back,
 * with run A (the shorter) in the temp array. On entry a[baseB] < a[baseA] and a[baseA + lengthA - 1]
 * belongs at the end (MergeAt's gallops).
 */
function* MergeLow(sortState: SortState, baseA: number, lengthAArg: number, baseB: number, lengthBArg: number): Gen<void> {
  let lengthA = lengthAArg;
  let lengthB = lengthBArg;
  const workArray = sortState.workArray;
  const tempArray = GetTempArray(sortState, lengthA);
  Copy(workArray, baseA, tempArray, 0, lengthA);

  let dest = baseA;
  let cursorTemp = 0;
  let cursorB = baseB;
  workArray[dest++] = workArray[cursorB++];

  // The Torque labels: leaving the block goes to Succeed, unless copyB is set (CopyB).
  let copyB = false;
  merge: {
    if (--lengthB === 0) break merge;
    if (lengthA === 1) {
      copyB = true;
      break merge;
    }
    let minGallop = sortState.minGallop;
    for (;;) {
      let nofWinsA = 0; // times A won in a row
      let nofWinsB = 0; // times B won in a row

      // One comparison per element until one run wins minGallop times in a row.
      for (;;) {
        let v = sortState.call(workArray[cursorB], tempArray[cursorTemp]);
        if (v === SUSPENDED) v = yield* suspended();
        if (toOrder(v) < 0) {
          workArray[dest++] = workArray[cursorB++];
          ++nofWinsB;
          --lengthB;
          nofWinsA = 0;
          if (lengthB === 0) break merge;
          if (nofWinsB >= minGallop) break;
        } else {
          workArray[dest++] = tempArray[cursorTemp++];
          ++nofWinsA;
          --lengthA;
          nofWinsB = 0;
          if (lengthA === 1) {
            copyB = true;
            break merge;
          }
          if (nofWinsA >= minGallop) break;
        }
      }

      // Galloping mode, until neither run wins kMinGallopWins times in a row.
      ++minGallop;
      let firstIteration = true;
      while (nofWinsA >= kMinGallopWins || nofWinsB >= kMinGallopWins || firstIteration) {
        firstIteration = false;
        minGallop = Math.max(1, minGallop - 1);
        sortState.minGallop = minGallop;

        nofWinsA = yield* GallopRight(sortState, tempArray, workArray[cursorB], cursorTemp, lengthA, 0);
        if (nofWinsA > 0) {
          Copy(tempArray, cursorTemp, workArray, dest, nofWinsA);
          dest = dest + nofWinsA;
          cursorTemp = cursorTemp + nofWinsA;
          lengthA = lengthA - nofWinsA;
          if (lengthA === 1) {
            copyB = true;
            break merge;
          }
          // Impossible with a consistent comparator, which is not assumed.
          if (lengthA === 0) break merge;
        }
        workArray[dest++] = workArray[cursorB++];
        if (--lengthB === 0) break merge;

        nofWinsB = yield* GallopLeft(sortState, workArray, tempArray[cursorTemp], cursorB, lengthB, 0);
        if (nofWinsB > 0) {
          Copy(workArray, cursorB, workArray, dest, nofWinsB);
          dest = dest + nofWinsB;
          cursorB = cursorB + nofWinsB;
          lengthB = lengthB - nofWinsB;
          if (lengthB === 0) break merge;
        }
        workArray[dest++] = tempArray[cursorTemp++];
        if (--lengthA === 1) {
          copyB = true;
          break merge;
        }
      }
      ++minGallop; // penalty for leaving galloping mode
      sortState.minGallop = minGallop;
    }
  }
  if (copyB) {
    // The last element of run A belongs at the end of the merge.
    Copy(workArray, cursorB, workArray, dest, lengthB);
    workArray[dest + lengthB] = tempArray[cursorTemp];
  } else if (lengthA > 0) {
    Copy(tempArray, cursorTemp, workArray, dest, lengthA);
  }
}

/**
 * MergeLow's mirror image: merges back to front with run B (the shorter) in the temp array. On entry
 * a[baseA + lengthA - 1] belongs at the end of the merge.
 */
function* MergeHigh(sortState: SortState, baseA: number, lengthAArg: number, baseB: number, lengthBArg: number): Gen<void> {
  let lengthA = lengthAArg;
  let lengthB = lengthBArg;
  const workArray = sortState.workArray;
  const tempArray = GetTempArray(sortState, lengthB);
  Copy(workArray, baseB, tempArray, 0, lengthB);

  let dest = baseB + lengthB - 1;
  let cursorTemp = lengthB - 1;
  let cursorA = baseA + lengthA - 1;
  workArray[dest--] = workArray[cursorA--];

  // The Torque labels: leaving the block goes to Succeed, unless copyA is set (CopyA).
  let copyA = false;
  merge: {
    if (--lengthA === 0) break merge;
    if (lengthB === 1) {
      copyA = true;
      break merge;
    }
    let minGallop = sortState.minGallop;
    for (;;) {
      let nofWinsA = 0; // times A won in a row
      let nofWinsB = 0; // times B won in a row

      // One comparison per element until one run wins minGallop times in a row.
      for (;;) {
        let v = sortState.call(tempArray[cursorTemp], workArray[cursorA]);
        if (v === SUSPENDED) v = yield* suspended();
        if (toOrder(v) < 0) {
          workArray[dest--] = workArray[cursorA--];
          ++nofWinsA;
          --lengthA;
          nofWinsB = 0;
          if (lengthA === 0) break merge;
          if (nofWinsA >= minGallop) break;
        } else {
          workArray[dest--] = tempArray[cursorTemp--];
          ++nofWinsB;
          --lengthB;
          nofWinsA = 0;
          if (lengthB === 1) {
            copyA = true;
            break merge;
          }
          if (nofWinsB >= minGallop) break;
        }
      }

      // Galloping mode, until neither run wins kMinGallopWins times in a row.
      ++minGallop;
      let firstIteration = true;
      while (nofWinsA >= kMinGallopWins || nofWinsB >= kMinGallopWins || firstIteration) {
        firstIteration = false;
        minGallop = Math.max(1, minGallop - 1);
        sortState.minGallop = minGallop;

        let k = yield* GallopRight(sortState, workArray, tempArray[cursorTemp], baseA, lengthA, lengthA - 1);
        nofWinsA = lengthA - k;
        if (nofWinsA > 0) {
          dest = dest - nofWinsA;
          cursorA = cursorA - nofWinsA;
          Copy(workArray, cursorA + 1, workArray, dest + 1, nofWinsA);
          lengthA = lengthA - nofWinsA;
          if (lengthA === 0) break merge;
        }
        workArray[dest--] = tempArray[cursorTemp--];
        if (--lengthB === 1) {
          copyA = true;
          break merge;
        }

        k = yield* GallopLeft(sortState, tempArray, workArray[cursorA], 0, lengthB, lengthB - 1);
        nofWinsB = lengthB - k;
        if (nofWinsB > 0) {
          dest = dest - nofWinsB;
          cursorTemp = cursorTemp - nofWinsB;
          Copy(tempArray, cursorTemp + 1, workArray, dest + 1, nofWinsB);
          lengthB = lengthB - nofWinsB;
          if (lengthB === 1) {
            copyA = true;
            break merge;
          }
          // Impossible with a consistent comparator, which is not assumed.
          if (lengthB === 0) break merge;
        }
        workArray[dest--] = workArray[cursorA--];
        if (--lengthA === 0) break merge;
      }
      ++minGallop; // penalty for leaving galloping mode
      sortState.minGallop = minGallop;
    }
  }
  if (copyA) {
    // The first element of run B belongs at the front of the merge.
    dest = dest - lengthA;
    cursorA = cursorA - lengthA;
    Copy(workArray, cursorA + 1, workArray, dest + 1, lengthA);
    workArray[dest] = tempArray[cursorTemp];
  } else if (lengthB > 0) {
    Copy(tempArray, 0, workArray, dest - (lengthB - 1), lengthB);
  }
}

/**
 * The minimum run length: n below 64, else a k in 32..64 such that n / k is close to, but strictly less
 * than, a power of 2. Shorter natural runs are extended by binary insertion.
 */
function ComputeMinRunLength(nArg: number): number {
  let n = nArg;
  let r = 0; // becomes 1 if any 1 bits are shifted off
  while (n >= 64) {
    r = r | (n & 1);
    n = n >> 1;
  }
  return n + r;
}

/** run_length(n - 2) > run_length(n - 1) + run_length(n). */
function RunInvariantEstablished(pendingRuns: number[], n: number): boolean {
  if (n < 2) return true;
  const runLengthN = GetPendingRunLength(pendingRuns, n);
  const runLengthNM = GetPendingRunLength(pendingRuns, n - 1);
  const runLengthNMM = GetPendingRunLength(pendingRuns, n - 2);
  return runLengthNMM > runLengthNM + runLengthN;
}

/**
 * Merges adjacent runs until the stack invariants hold again:
 * run_length(i - 3) > run_length(i - 2) + run_length(i - 1) and run_length(i - 2) > run_length(i - 1).
 */
function* MergeCollapse(sortState: SortState): Gen<void> {
  const pendingRuns = sortState.pendingRuns;
  while (sortState.pendingRunsSize > 1) {
    let n = sortState.pendingRunsSize - 2;
    if (!RunInvariantEstablished(pendingRuns, n + 1) || !RunInvariantEstablished(pendingRuns, n)) {
      if (GetPendingRunLength(pendingRuns, n - 1) < GetPendingRunLength(pendingRuns, n + 1)) --n;
      yield* MergeAt(sortState, n);
    } else if (GetPendingRunLength(pendingRuns, n) <= GetPendingRunLength(pendingRuns, n + 1)) {
      yield* MergeAt(sortState, n);
    } else {
      break;
    }
  }
}

/** Merges all runs on the stack into one, at the end of the sort. */
function* MergeForceCollapse(sortState: SortState): Gen<void> {
  const pendingRuns = sortState.pendingRuns;
  while (sortState.pendingRunsSize > 1) {
    let n = sortState.pendingRunsSize - 2;
    if (n > 0 && GetPendingRunLength(pendingRuns, n - 1) < GetPendingRunLength(pendingRuns, n + 1)) --n;
    yield* MergeAt(sortState, n);
  }
}

function* ArrayTimSortImpl(sortState: SortState, length: number): Gen<void> {
  if (length < 2) return;
  let remaining = length;

  // One pass left to right over natural runs, extending short ones to minRunLength elements.
  let low = 0;
  const minRunLength = ComputeMinRunLength(remaining);
  while (remaining !== 0) {
    let currentRunLength = yield* CountAndMakeRun(sortState, low, low + remaining);
    if (currentRunLength < minRunLength) {
      const forcedRunLength = Math.min(minRunLength, remaining);
      yield* BinaryInsertionSort(sortState, low, low + currentRunLength, low + forcedRunLength);
      currentRunLength = forcedRunLength;
    }
    PushRun(sortState, low, currentRunLength);
    yield* MergeCollapse(sortState);
    low = low + currentRunLength;
    remaining = remaining - currentRunLength;
  }

  yield* MergeForceCollapse(sortState);
}
