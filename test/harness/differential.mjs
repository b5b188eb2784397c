// Differential runner: runs a fixture's exported main() plain, then instrumented in several modes, and
// prints one JSON object with every result. Run in a child process by test/differential.test.ts (and by
// hand: `node test/harness/differential.mjs fixtures/programs/loops.mjs`).
//   plain     original source, called directly
//   direct    instrumented, called outside any task (must behave exactly like plain)
//   complete  instrumented, launch(main, TO_COMPLETION)
//   stress    instrumented, budget 0: every checkpoint pauses, resumed until done
//   slices    instrumented, 0.02 ms slices
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { launch, resume, TO_COMPLETION } from 'preemptible';
import { transform } from 'preemptible/transform';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = join(root, '.test-out', 'differential');

function settle(fn) {
  try {
    return { value: fn() };
  } catch (e) {
    return { error: `${e?.name}: ${e?.message}` };
  }
}

async function load(file, tag) {
  const mod = await import(`${pathToFileURL(file).href}?${tag}`);
  return mod.main ?? mod.default?.main;
}

function driveToEnd(main, budget) {
  let pauses = 0;
  const result = settle(() => {
    const task = launch(main, budget);
    while (task.status === 'paused') {
      pauses++;
      resume(task, budget);
    }
    return task.value;
  });
  return { ...result, pauses };
}

export async function runDifferential(fixture) {
  const source = readFileSync(fixture, 'utf8');
  const ext = extname(fixture);
  const { code, diagnostics } = transform(source, { filename: basename(fixture) });
  mkdirSync(outDir, { recursive: true });
  const outExt = ext === '.ts' || ext === '.mts' ? '.mjs' : ext === '.cts' ? '.cjs' : ext;
  const instrumentedFile = join(outDir, basename(fixture, ext) + outExt);
  writeFileSync(instrumentedFile, code);

  const plainFile = ext === '.ts' || ext === '.mts' || ext === '.cts'
    ? (() => {
        // TS fixtures: strip types only (no instrumentation) for the plain run.
        const f = join(outDir, basename(fixture, ext) + '.plain' + outExt);
        writeFileSync(f, transform(source, { filename: basename(fixture), instrument: 'annotated' }).code);
        return f;
      })()
    : fixture;

  const plain = settle(await load(plainFile, 'plain'));
  const direct = settle(await load(instrumentedFile, 'direct'));
  const completeMain = await load(instrumentedFile, 'complete');
  const complete = settle(() => launch(completeMain, TO_COMPLETION).value);
  const stress = driveToEnd(await load(instrumentedFile, 'stress'), 0);
  const slices = driveToEnd(await load(instrumentedFile, 'slices'), 0.02);
  return { plain, direct, complete, stress, slices, diagnostics };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await runDifferential(resolve(process.argv[2]));
  process.stdout.write(JSON.stringify(result) + '\n');
}
