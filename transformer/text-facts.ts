// What the transform writes beside a function whose copies are made at run time from its text
// (lazy-from-text.ts, runtime/lazy-text.ts): the facts about its file that its text does not say. Kept apart
// from lazy-from-text.ts so the transform can write them without loading the parser the runtime uses.

import type * as TS from 'typescript';
import { CallPolicy, FunctionLike, isInside, isPropertyNamePosition } from './analyze';

/** What the rewrite knows about the file around a function that the function's text does not say. */
export interface FileFacts {
  /** The function is strict code (an ES module, a class body, a 'use strict' around it). */
  strict: boolean;
  /** Names it mentions (not as a property's name) that the file declares. */
  declared: readonly string[];
  /** Names it mentions that are the file's fixed top-level functions with nothing to pause in. */
  plain: readonly string[];
  /** Names it mentions that always mean a class of the file whose constructor is not split. */
  plainClasses: readonly string[];
  /** Names it mentions that are fixed top-level functions its calls reach through their fast entries. */
  fixed: readonly string[];
  /** It is a method: of a class (static or not), or of an object literal (its text alone does not say which). */
  method?: 'class' | 'static' | 'object';
  /** The file is an ES module (its functions may read `import.meta`). */
  module?: boolean;
  /** Locals of the functions around it, handed to the versions as values where it is made (captures.ts). */
  captured?: readonly string[];
  /** Locals of the functions around it handed as accessors, `$pe_box.<name>` (captures.ts, mini-ts/box.ts). */
  boxed?: readonly string[];
  /** An arrow reading `this`: handed to the versions too. */
  lexicalThis?: boolean;
  /** Where it is in its file: with the opener, names the versions made once for every function made there. */
  site?: number;
  /** Where its text starts in the file's source, when that is its text at run time (lines, characters from 0). */
  at?: { line: number; character: number };
}

/**
 * The facts the rewrite used for `fn` in its file: of the names `fn` mentions, those `policy` and `isFixed`
 * (the transform's fixed top-level functions at a site) say something about. `fn` is strict (the only
 * functions made from text).
 */
export function factsAbout(
  ts: typeof TS,
  fn: FunctionLike,
  policy: CallPolicy,
  isFixed: (name: string, site: TS.Node) => boolean,
  where: { module: boolean; method?: FileFacts['method'] },
): FileFacts {
  // (Not a property's name: the rewrite asks about names only where they are read, called or made.)
  const mentioned = new Set<string>();
  const collect = (n: TS.Node): void => {
    if (ts.isIdentifier(n) && !isPropertyNamePosition(ts, n)) mentioned.add(n.text);
    ts.forEachChild(n, collect);
  };
  collect(fn);
  const names = [...mentioned];
  return {
    strict: true,
    module: where.module,
    declared: names.filter((n) => policy.declared.has(n)),
    plain: names.filter((n) => {
      const scope = policy.plain.get(n);
      return scope !== undefined && isInside(fn, scope);
    }),
    plainClasses: names.filter((n) => policy.plainClasses.has(n)),
    fixed: names.filter((n) => isFixed(n, fn)),
    ...(where.method ? { method: where.method } : {}),
  };
}

/**
 * The facts and the name as one string, which the transform writes beside a function whose copies are made
 * at run time (`decodeFacts` reads it):
 * `strict|module|method|declared|plain|plainClasses|fixed|captured|boxed|this|site|at|=name` (at: `line:character`), lists of names separated
 * by spaces (names hold neither), the name last (it may hold anything).
 */
export function encodeFacts(facts: FileFacts, name: string | undefined): string {
  const method = facts.method === 'class' ? 'c' : facts.method === 'static' ? 's' : facts.method === 'object' ? 'o' : '';
  const lists = [facts.declared, facts.plain, facts.plainClasses, facts.fixed, facts.captured ?? [], facts.boxed ?? []].map((l) => l.join(' '));
  const site = facts.site === undefined ? '' : String(facts.site);
  const at = facts.at === undefined ? '' : `${facts.at.line}:${facts.at.character}`;
  return [facts.strict ? '1' : '0', facts.module ? '1' : '0', method, ...lists, facts.lexicalThis ? '1' : '', site, at, name === undefined ? '' : `=${name}`].join('|');
}

const FIELDS = 13;

export function decodeFacts(text: string): { facts: FileFacts; name: string | undefined } {
  const parts = text.split('|');
  if (parts.length < FIELDS) throw new Error(`malformed facts: ${JSON.stringify(text)}`);
  const list = (s: string): string[] => (s === '' ? [] : s.split(' '));
  const [strict, module, method, declared, plain, plainClasses, fixed, captured, boxed, lexicalThis, site, at] = parts;
  const rest = parts.slice(FIELDS - 1).join('|');
  return {
    facts: {
      strict: strict === '1',
      module: module === '1',
      method: method === 'c' ? 'class' : method === 's' ? 'static' : method === 'o' ? 'object' : undefined,
      declared: list(declared!),
      plain: list(plain!),
      plainClasses: list(plainClasses!),
      fixed: list(fixed!),
      captured: list(captured!),
      boxed: list(boxed!),
      lexicalThis: lexicalThis === '1',
      ...(site === '' ? {} : { site: Number(site) }),
      ...(at === '' ? {} : { at: { line: Number(at!.split(':')[0]), character: Number(at!.split(':')[1]) } }),
    },
    name: rest === '' ? undefined : rest.slice(1),
  };
}
