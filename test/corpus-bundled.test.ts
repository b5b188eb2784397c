// Multi-file packages as bundlers ship them (esbuild, one CommonJS file with its dependencies), and minified
// builds of the single-file corpora: the same workloads, the code in other shapes (see test/harness/corpus.mjs).
import { describe, it } from 'vitest';
import { expectCorpusAgrees } from './helpers/corpus';

describe('differential: bundled and minified npm corpora', () => {
  for (const name of ['postcss', 'semver', 'qs', 'magic-string', 'babel-core', 'marked-min', 'acorn-min', 'postcss-min', 'babel-parser-min']) {
    it(name, { timeout: 180_000 }, () => expectCorpusAgrees(name));
  }
});
