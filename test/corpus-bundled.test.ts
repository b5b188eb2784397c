// Multi-file packages as bundlers ship them: esbuild makes one CommonJS file of each with its dependencies
// (see test/harness/corpus.mjs). Other shapes of the same code (minified, ES5) are in corpus-shapes.test.ts.
import { describe, it } from 'vitest';
import { expectCorpusAgrees } from './helpers/corpus';

describe('differential: bundled npm packages', () => {
  for (const name of ['postcss', 'semver', 'qs', 'magic-string', 'source-map-js', 'picomatch', 'babel-core', 'babel-core-async']) {
    it(name, { timeout: 180_000 }, () => expectCorpusAgrees(name));
  }
});
