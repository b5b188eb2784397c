// Real programs nobody here wrote (marked, acorn, @babel/parser, json5, parse5, chai), transformed whole and run plain vs instrumented.
// The TypeScript compiler corpus (minutes) is in corpus-typescript.test.ts; bundled and minified packages in
// corpus-bundled.test.ts.
import { describe, it } from 'vitest';
import { expectCorpusAgrees } from './helpers/corpus';

describe('differential: npm corpora', () => {
  for (const name of ['marked', 'acorn', 'babel-parser', 'json5', 'parse5', 'chai']) {
    it(name, () => expectCorpusAgrees(name));
  }
});
