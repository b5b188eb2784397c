// Differential runner: runs a fixture's exported main() plain, then instrumented in several modes, and
// prints one JSON object with every result. Run in a child process by test/differential.test.ts (and by
// hand: `node test/harness/differential.mjs fixtures/programs/loops.mjs`).
//   plain     original source, called directly
//   direct    instrumented, called outside any task (must behave exactly like plain)
//   complete  instrumented, launch(main, TO_COMPLETION)
//   stress    instrumented, budget 0: every checkpoint pauses, resumed until done
//   slices    instrumented, 0.02 ms slices
//   random    instrumented, each slice gets a random budget from 0 to 0.05 ms (seeded, so a failure repeats)
// A main() that returns a promise (async fixtures) is awaited in every mode; a task that is 'waiting' on a
// promise is resumed when its `ready` promise settles.
// A fixture whose output depends on how concurrent async chains interleave (microtask tick counts, which
// promise wins a race) exports `scheduleInvariant(value)`: the part of its output no schedule may change.
// Modes without pauses (direct, complete) must still match exactly; the pausing modes (stress, slices,
// random) let the event loop turn mid-stretch, so there only the invariant part is compared.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { launch, resume, TO_COMPLETION } from 'preemptible';
import { transform, transpileOptions } from 'preemptible/transform';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// PREEMPTIBLE_COPIES_AT_RUN_TIME=0: the transform's option copiesAtRunTime off (every version printed); by
// default versions are made at run time from the functions' text.
const atRunTime = process.env.PREEMPTIBLE_COPIES_AT_RUN_TIME !== '0';
// (1: the option set, true; unset: transform()'s default.)
const copiesOption = { '0': false, '1': true }[process.env.PREEMPTIBLE_COPIES_AT_RUN_TIME ?? ''];
const outDir = join(root, '.test-out', atRunTime ? 'differential' : 'differential-printed');

async function settle(fn) {
  try {
    return { value: await fn() };
  } catch (e) {
    return { error: `${e?.name}: ${e?.message}` };
  }
}

// Park–Miller: a tiny seeded generator, so a failing random schedule can be replayed.
function seeded(seed) {
  let s = seed % 2147483647 || 1;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

async function load(file, tag) {
  const mod = await import(`${pathToFileURL(file).href}?${tag}`);
  return mod.main ?? mod.default?.main;
}

async function driveToEnd(main, nextBudget) {
  let pauses = 0;
  const result = await settle(async () => {
    const task = launch(main, nextBudget());
    for (;;) {
      if (task.status === 'paused') {
        pauses++;
        resume(task, nextBudget());
      } else if (task.status === 'waiting') {
        await task.ready;
        resume(task, nextBudget());
      } else {
        return task.value;
      }
    }
  });
  return { ...result, pauses };
}

/**
 * Both test projects run this harness, possibly at once on the same fixture: a file is written beside
 * its name and renamed over it, so a reader never sees it half written (the text is the same each time).
 */
function writeWhole(file, text) {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}

export async function runDifferential(fixture) {
  const source = readFileSync(fixture, 'utf8');
  const ext = extname(fixture);
  const { code, diagnostics } = transform(source, { filename: basename(fixture), copiesAtRunTime: copiesOption });
  // How many functions get their copies at run time (`$pe.lazyText(`), to tell the mode was exercised.
  const atRunTimeCount = code.split('.lazyText(').length - 1;
  mkdirSync(outDir, { recursive: true });
  const outExt = ext === '.ts' || ext === '.mts' ? '.mjs' : ext === '.cts' ? '.cjs' : ext;
  const instrumentedFile = join(outDir, basename(fixture, ext) + outExt);
  writeWhole(instrumentedFile, code);

  const plainFile = ext === '.ts' || ext === '.mts' || ext === '.cts'
    ? (() => {
        // TS fixtures: TypeScript's own emit for the plain run (not this library's: transform() may write
        // a TypeScript file with its types blanked instead, which is what is being compared).
        const f = join(outDir, basename(fixture, ext) + '.plain' + outExt);
        writeWhole(f, ts.transpileModule(source, { fileName: basename(fixture), compilerOptions: transpileOptions() }).outputText);
        return f;
      })()
    : fixture;

  const plainModule = await import(`${pathToFileURL(plainFile).href}?invariant`);
  const invariant = plainModule.scheduleInvariant;
  const plain = await settle(await load(plainFile, 'plain'));
  const direct = await settle(await load(instrumentedFile, 'direct'));
  const complete = await driveToEnd(await load(instrumentedFile, 'complete'), () => TO_COMPLETION);
  delete complete.pauses;
  const stress = await driveToEnd(await load(instrumentedFile, 'stress'), () => 0);
  const slices = await driveToEnd(await load(instrumentedFile, 'slices'), () => 0.02);
  const seed = Number(process.env.PREEMPTIBLE_SEED ?? 0) || (Date.now() % 100000) + 1;
  const random01 = seeded(seed);
  const random = await driveToEnd(await load(instrumentedFile, 'random'), () => random01() * 0.05);
  const result = { plain, direct, complete, stress, slices, random: { ...random, seed }, diagnostics, atRunTime: atRunTimeCount };
  if (typeof invariant === 'function') {
    // The pausing modes are compared on this instead of on their whole value.
    result.invariant = {};
    for (const mode of ['plain', 'stress', 'slices', 'random']) {
      const r = result[mode];
      result.invariant[mode] = 'error' in r ? { error: r.error } : { value: invariant(r.value) };
    }
  }
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await runDifferential(resolve(process.argv[2]));
  process.stdout.write(JSON.stringify(result) + '\n');
}
