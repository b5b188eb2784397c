// The corpora's workloads over the same libraries in other shapes (test/harness/corpus.mjs): acorn's UMD build
// (the whole library inside a factory a wrapper calls at load), minified by
// esbuild (statements folded into comma and conditional expressions, renamed locals) and downlevelled to ES5
// by TypeScript (function classes with `_super.call(this) || this`, __values / __read iteration helpers).
import { describe, it } from 'vitest';
import { expectCorpusAgrees } from './helpers/corpus';

describe('differential: minified and ES5 builds of npm corpora', () => {
  for (const name of ['acorn-umd', 'marked-min', 'acorn-min', 'postcss-min', 'babel-parser-min', 'marked-es5', 'postcss-es5', 'babel-parser-es5', 'json5-es5', 'semver-es5']) {
    it(name, { timeout: 180_000 }, () => expectCorpusAgrees(name));
  }
});
