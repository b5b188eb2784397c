// TypeScript input written as JavaScript of the same length: every piece of type syntax replaced by spaces
// (line breaks kept), as Node's --experimental-strip-types does. Each position in the result is the same
// position in the source, so the JavaScript path of transform() (splice-print.ts: the file printed as its
// own text, versions made at run time from functions' text) serves TypeScript files too, and its source
// maps point into the .ts file without a second map.
//
// Two constructs need code written: a parameter property (`constructor(private x: T)`), for which
// TypeScript writes a field `x;` first in the class and `this.x = x;` in the constructor, and an enum
// (TypeScript's emit of it). Those are inserted (on the line where TypeScript's emit would have them, never
// with a line break), and the result says where, so that positions after them on their line can be taken
// back to the source's (toSource).
//
// What TypeScript's emit does that blanking cannot (namespaces with values, `export import x = ...`,
// `export =`, decorators, enums that depend on what is around them) gives a reason instead: the caller then
// lets TypeScript emit the file. Imports TypeScript would leave out (bindings used only as types) are
// blanked the same way, by the same rule (tested against transpileModule's output).

import type * as TS from 'typescript';

/** Whether `sf` is parsed as TypeScript (a .ts file parsed from its blanked text is JavaScript). */
export function parsedAsTypeScript(ts: typeof TS, sf: TS.SourceFile): boolean {
  return /\.[cm]?tsx?$/i.test(sf.fileName) && (sf.flags & ts.NodeFlags.JavaScriptFile) === 0;
}

/** Thrown inside the walk when the file needs TypeScript's emit: what, and where. */
class NotErasable extends Error {}

/** A file's text with its types blanked, and where that text has code inserted. */
export interface Blanked {
  text: string;
  /** The position in the source of a position in `text` (the same, but after an insertion). */
  toSource: ((pos: number) => number) | undefined;
}

/**
 * The text of `sf` (a TypeScript file, parsed with parents set) with its types blanked, or what in it is not
 * erasable (`line:column what`). Needs the file to have no parse errors.
 */
export function blankTypes(ts: typeof TS, sf: TS.SourceFile): Blanked | { notErasable: string } {
  try {
    return new Blanker(ts, sf).run();
  } catch (e) {
    if (e instanceof NotErasable) return { notErasable: e.message };
    throw e;
  }
}

const isLineBreak = (c: number): boolean => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;

class Blanker {
  private readonly K: typeof TS.SyntaxKind;
  private readonly text: string;
  /** [start, end) pairs to blank. */
  private readonly ranges: number[] = [];
  /** Where a blanked statement or class member starts: a `;` is written there (see blankWhole). */
  private readonly semicolons: number[] = [];
  /** Names the file declares as types (interfaces, type aliases, type-only imports). */
  private readonly typeNames = new Set<string>();
  /** Names its top-level statements declare as values (imports included). */
  private readonly topValues = new Set<string>();
  /** The names its imports bind (not type-only), and those of them used as values (see collectNames). */
  private readonly imported = new Set<string>();
  private readonly importsUsed = new Set<string>();
  /** The names each scope declares (see declaredIn). */
  private readonly scopes = new Map<TS.Node, Set<string>>();
  /** Code to insert, by position in the source (parameter properties, enums). */
  private readonly insertions = new Map<number, string>();
  /** Text replacing the source's in place, of the same length, by position (`import x =`: see importEquals). */
  private readonly replacements = new Map<number, string>();
  /** Enums to write as TypeScript emits them (see enumDeclaration). */
  private readonly enums: TS.EnumDeclaration[] = [];

  constructor(
    private readonly ts: typeof TS,
    private readonly sf: TS.SourceFile,
  ) {
    this.K = ts.SyntaxKind;
    this.text = sf.text;
  }

  run(): Blanked {
    this.collectNames(this.sf);
    this.visit(this.sf);
    this.writeEnums();
    return this.write();
  }

  /**
   * An enum is code: TypeScript's emit of it, on one line, inserted where it starts (the declaration itself
   * blanked). Only where that emit depends on nothing around it: at the top level, declared once, its
   * initializers naming nothing but its own members (TypeScript folds what it can evaluate, and whether a
   * member is a string, which decides its reverse mapping, can depend on constants elsewhere).
   */
  private enumDeclaration(node: TS.EnumDeclaration): void {
    const { ts } = this;
    const own = new Set([node.name.text, ...node.members.flatMap((m) => (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name) ? [m.name.text] : []))]);
    const foreign = (n: TS.Node): boolean => (ts.isIdentifier(n) ? !own.has(n.text) : !!ts.forEachChild(n, (c) => foreign(c) || undefined));
    const once = this.sf.statements.filter((s) => ts.isEnumDeclaration(s) && s.name.text === node.name.text).length === 1;
    if (!ts.isSourceFile(node.parent) || !once || node.getText(this.sf).includes('`') || node.members.some((m) => m.initializer && foreign(m.initializer))) {
      throw this.notErasable(node, 'EnumDeclaration');
    }
    this.enums.push(node);
    this.blankWhole(node);
  }

  /** The enums' emit, by one transpileModule of them all, each cut out and put on one line. */
  private writeEnums(): void {
    if (this.enums.length === 0) return;
    const { ts } = this;
    const source = this.enums.map((e) => e.getText(this.sf)).join('\n');
    const out = ts.transpileModule(source, { fileName: 'enums.ts', compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.Preserve } }).outputText;
    let from = 0;
    for (const e of this.enums) {
      const name = e.name.text;
      const end = `})(${name} || (${name} = {}));`;
      const at = out.indexOf(end, from);
      if (at < 0) throw this.notErasable(e, 'EnumDeclaration');
      this.insert(e.getStart(this.sf), out.slice(from, at + end.length).trim().replace(/\s*[\r\n]\s*/g, ' '));
      from = at + end.length;
    }
  }

  // ---- the walk ------------------------------------------------------------------------------------------

  private readonly visitor = (node: TS.Node): undefined => {
    this.visit(node);
    return undefined;
  };

  private visit(node: TS.Node): void {
    const { ts, K } = this;
    // Types are blanked whole with what holds them (an annotation, a list of type arguments, ...).
    if ((ts.isTypeNode(node) && node.kind !== K.ExpressionWithTypeArguments) || node.kind === K.TypeParameter) return;
    if (this.typeOnlyDeclaration(node)) return this.blankWhole(node);
    switch (node.kind) {
      case K.EnumDeclaration:
        return this.enumDeclaration(node as TS.EnumDeclaration);
      case K.ImportEqualsDeclaration:
        return this.importEquals(node as TS.ImportEqualsDeclaration);
      case K.Decorator:
      case K.ModuleDeclaration: // (one with values: typeOnlyDeclaration took the others)
        throw this.notErasable(node, K[node.kind]!);
      case K.ExportAssignment:
        if ((node as TS.ExportAssignment).isExportEquals) throw this.notErasable(node, 'export =');
        break;
      case K.ImportDeclaration:
        return this.importDeclaration(node as TS.ImportDeclaration);
      case K.ExportDeclaration:
        return this.exportDeclaration(node as TS.ExportDeclaration);
      case K.HeritageClause:
        if ((node as TS.HeritageClause).token === K.ImplementsKeyword) return this.blank(node.getStart(this.sf), node.end);
        break;
      case K.AsExpression:
      case K.SatisfiesExpression: {
        const e = node as TS.AsExpression | TS.SatisfiesExpression;
        this.visit(e.expression);
        this.blank(e.expression.end, e.end);
        return this.checkNoJoin(e.end);
      }
      case K.TypeAssertionExpression: {
        // `<T>x`: blank up to x, unless a line break there would end a `return` (or the like) before x.
        const e = node as TS.TypeAssertion;
        const start = e.getStart(this.sf);
        const operand = e.expression.getStart(this.sf);
        if (/[\n\r\u2028\u2029]/.test(this.text.slice(start, operand))) throw this.notErasable(node, 'a line break in <T>x');
        this.blank(start, operand);
        return this.visit(e.expression);
      }
      case K.NonNullExpression: {
        const e = node as TS.NonNullExpression;
        this.visit(e.expression);
        return this.blank(e.expression.end, e.end);
      }
      case K.Parameter: {
        const p = node as TS.ParameterDeclaration;
        if (ts.getModifiers(p)?.length) this.parameterProperty(p);
        if (ts.isIdentifier(p.name) && p.name.escapedText === 'this') return this.blankListElement(p);
        break;
      }
    }
    this.blankModifiers(node);
    this.blankTypeParts(node);
    ts.forEachChild(node, this.visitor, this.visitNodes);
  }

  private readonly visitNodes = (nodes: TS.NodeArray<TS.Node>): undefined => {
    for (const n of nodes) this.visit(n);
    return undefined;
  };

  /**
   * A declaration with no JavaScript in it: interfaces, type aliases, `declare` anything, overload
   * signatures, abstract members, index signatures, namespaces holding only types, `import type` and
   * `export type` whole, `export default <a type's name>`.
   */
  private typeOnlyDeclaration(node: TS.Node): boolean {
    const { ts, K } = this;
    switch (node.kind) {
      case K.InterfaceDeclaration:
      case K.TypeAliasDeclaration:
      case K.IndexSignature:
      case K.NamespaceExportDeclaration:
        return true;
      case K.FunctionDeclaration:
      case K.MethodDeclaration:
      case K.Constructor:
      case K.GetAccessor:
      case K.SetAccessor:
        return !(node as TS.FunctionLikeDeclaration).body;
      case K.ModuleDeclaration:
        return this.hasModifier(node, K.DeclareKeyword) || !this.holdsValues(node as TS.ModuleDeclaration);
      case K.ImportDeclaration:
        return !!(node as TS.ImportDeclaration).importClause?.isTypeOnly;
      case K.ImportEqualsDeclaration:
        return (node as TS.ImportEqualsDeclaration).isTypeOnly;
      case K.ExportDeclaration:
        return (node as TS.ExportDeclaration).isTypeOnly;
      case K.ExportAssignment: {
        const e = node as TS.ExportAssignment;
        return !e.isExportEquals && ts.isIdentifier(e.expression) && this.onlyAType(e.expression.text);
      }
    }
    return ts.canHaveModifiers(node) && (this.hasModifier(node, K.DeclareKeyword) || this.hasModifier(node, K.AbstractKeyword) && !ts.isClassLike(node));
  }

  private hasModifier(node: TS.Node, kind: TS.SyntaxKind): boolean {
    return this.ts.canHaveModifiers(node) && !!this.ts.getModifiers(node)?.some((m) => m.kind === kind);
  }

  /**
   * `constructor(private x: T)`: the parameter blanked to `x` (blankModifiers), and what TypeScript writes
   * for it (ES2022, define semantics) inserted: `x;` first in the class body, `this.x = x;` in the
   * constructor after its directives and, in a derived class, after its `super(...)` statement (a
   * constructor that calls super() otherwise is left to TypeScript's emit).
   */
  private parameterProperty(p: TS.ParameterDeclaration): void {
    const { ts } = this;
    const ctor = p.parent;
    if (!ts.isConstructorDeclaration(ctor) || !ctor.body || !ts.isIdentifier(p.name)) throw this.notErasable(p, 'parameter property');
    const name = p.name.text;
    const statements = ctor.body.statements;
    let after = statements.pos; // just inside the body's `{`
    for (const st of statements) {
      if (!ts.isExpressionStatement(st) || !ts.isStringLiteral(st.expression)) break;
      after = st.end;
    }
    if (ctor.parent.heritageClauses?.some((h) => h.token === this.K.ExtendsKeyword)) {
      const call = statements.find((st) => ts.isExpressionStatement(st) && ts.isCallExpression(st.expression) && st.expression.expression.kind === this.K.SuperKeyword);
      if (!call) throw this.notErasable(p, 'parameter property without a super() statement');
      after = call.end;
    }
    // (A leading `;`: the statement before may have no semicolon of its own.)
    this.insert(after, `;this.${name} = ${name};`);
    this.insert(ctor.parent.members.pos, `${name};`);
  }

  private insert(at: number, code: string): void {
    this.insertions.set(at, (this.insertions.get(at) ?? '') + code);
  }

  /** Whether a namespace has code in it (TypeScript emits it then; not erasable). */
  private holdsValues(node: TS.ModuleDeclaration): boolean {
    const body = node.body;
    if (!body) return false;
    if (this.ts.isModuleDeclaration(body)) return this.holdsValues(body);
    if (!this.ts.isModuleBlock(body)) return true;
    return body.statements.some((s) => !this.typeOnlyDeclaration(s));
  }

  /** Modifiers JavaScript does not have (`public`, `readonly`, `override`, `abstract` on a class, ...). */
  private blankModifiers(node: TS.Node): void {
    const { ts, K } = this;
    if (!ts.canHaveModifiers(node)) return;
    for (const m of ts.getModifiers(node) ?? []) {
      switch (m.kind) {
        case K.PublicKeyword:
        case K.PrivateKeyword:
        case K.ProtectedKeyword:
        case K.ReadonlyKeyword:
        case K.OverrideKeyword:
        case K.AbstractKeyword:
          this.blank(m.getStart(this.sf), m.end);
      }
    }
  }

  /** Type annotations, type parameters and arguments, `?` and `!` of declarations. */
  private blankTypeParts(node: TS.Node): void {
    const n = node as {
      type?: TS.TypeNode;
      typeParameters?: TS.NodeArray<TS.TypeParameterDeclaration>;
      typeArguments?: TS.NodeArray<TS.TypeNode>;
      questionToken?: TS.Node;
      exclamationToken?: TS.Node;
    };
    const { ts } = this;
    if (n.typeParameters) this.blankAngles(n.typeParameters);
    if (n.typeArguments && (!ts.isTypeNode(node) || node.kind === this.K.ExpressionWithTypeArguments)) this.blankAngles(n.typeArguments);
    // `?` of a parameter, field or method (not of a conditional expression, whose `?` is its own).
    if (n.questionToken && (ts.isParameter(node) || ts.isPropertyDeclaration(node) || ts.isMethodDeclaration(node))) this.blank(n.questionToken.pos, n.questionToken.end);
    if (n.exclamationToken && (ts.isVariableDeclaration(node) || ts.isPropertyDeclaration(node))) this.blank(n.exclamationToken.pos, n.exclamationToken.end);
    if (n.type && !ts.isTypeNode(node) && !ts.isTypeAliasDeclaration(node) && !ts.isAsExpression(node) && !ts.isSatisfiesExpression(node)) {
      // The `:` token ends where the type's leading trivia begins.
      const colon = n.type.pos - 1;
      if (this.text.charCodeAt(colon) !== 58 /* : */) throw this.notErasable(n.type, 'type annotation without its colon');
      this.blank(colon, n.type.end);
    }
  }

  /** A list written between `<` and `>`, the brackets too. */
  private blankAngles(list: TS.NodeArray<TS.Node>): void {
    const open = list.pos - 1;
    if (this.text.charCodeAt(open) !== 60 /* < */) throw this.notErasable(list[0] ?? this.sf, 'type list without its <');
    let close = this.skipTrivia(list.end);
    if (this.text.charCodeAt(close) === 44 /* , */) close = this.skipTrivia(close + 1);
    if (this.text.charCodeAt(close) !== 62 /* > */) throw this.notErasable(list[0] ?? this.sf, 'type list without its >');
    this.blank(open, close + 1);
  }

  // ---- imports and exports -------------------------------------------------------------------------------

  private importDeclaration(node: TS.ImportDeclaration): void {
    const clause = node.importClause;
    if (!clause) return; // `import 'x'`: its effect is what it is for
    const keepName = clause.name !== undefined && this.keepImported(clause.name);
    const bindings = clause.namedBindings;
    let keepBindings = false;
    if (bindings && this.ts.isNamespaceImport(bindings)) keepBindings = this.keepImported(bindings.name);
    else if (bindings) {
      for (const s of bindings.elements) {
        if (!s.isTypeOnly && this.keepImported(s.name)) keepBindings = true;
        else this.blankListElement(s);
      }
    }
    // TypeScript leaves out a declaration whose every binding it leaves out (`import {} from` too).
    if (!keepName && !keepBindings) return this.blankWhole(node);
    if (!keepName && clause.name) this.blankListElement(clause.name);
    if (!keepBindings && bindings) this.blank(clause.name!.end, bindings.end);
  }

  /** Whether TypeScript keeps an import binding: the file uses it as a value (see collectNames). */
  private keepImported(binding: TS.Identifier): boolean {
    return this.importsUsed.has(binding.text);
  }

  /**
   * `import x = require('m')` and `import x = N.y`, which TypeScript writes as `const x = require('m')` and
   * `var x = N.y` where the file uses `x` as a value (and leaves out otherwise): `import` replaced in place
   * by a keyword of the same length. Not `export import` (TypeScript adds an export), nor inside a namespace.
   */
  private importEquals(node: TS.ImportEqualsDeclaration): void {
    const { ts } = this;
    if (!ts.isSourceFile(node.parent) || ts.getModifiers(node)?.length) throw this.notErasable(node, 'ImportEqualsDeclaration');
    if (!this.keepImported(node.name)) return this.blankWhole(node);
    const start = node.getStart(this.sf);
    if (this.text.slice(start, start + 6) !== 'import') throw this.notErasable(node, 'ImportEqualsDeclaration');
    this.replacements.set(start, ts.isExternalModuleReference(node.moduleReference) ? 'const ' : 'var   ');
  }

  private exportDeclaration(node: TS.ExportDeclaration): void {
    const clause = node.exportClause;
    if (!clause || !this.ts.isNamedExports(clause)) return;
    let kept = 0;
    for (const s of clause.elements) {
      const local = (s.propertyName ?? s.name) as TS.Identifier;
      // Re-exported from another module: only `type` says it is a type (TypeScript keeps the others).
      if (s.isTypeOnly || (!node.moduleSpecifier && this.ts.isIdentifier(local) && this.onlyAType(local.text))) this.blankListElement(s);
      else kept++;
    }
    if (kept === 0 && clause.elements.length > 0) this.blankWhole(node);
  }

  private onlyAType(name: string): boolean {
    return this.typeNames.has(name) && !this.topValues.has(name);
  }

  /**
   * The file's type names, its top-level values, and which of its imports it uses as values outside types:
   * what TypeScript's checker decides import elision by (a use where a nearer declaration shadows the
   * import is not one of them).
   */
  private collectNames(root: TS.SourceFile): void {
    const { ts, K } = this;
    for (const s of root.statements) {
      if (ts.isImportDeclaration(s) && s.importClause && !s.importClause.isTypeOnly) {
        const { name, namedBindings: b } = s.importClause;
        if (name) this.imported.add(name.text);
        if (b && ts.isNamespaceImport(b)) this.imported.add(b.name.text);
        else if (b) for (const e of b.elements) if (!e.isTypeOnly) this.imported.add(e.name.text);
      }
      if (ts.isImportEqualsDeclaration(s) && !s.isTypeOnly) this.imported.add(s.name.text);
    }
    for (const name of this.declaredIn(root)) this.topValues.add(name);
    for (const name of this.imported) this.topValues.add(name);
    const visit = (node: TS.Node): undefined => {
      // A class's `extends f<T>` or an instantiation expression `f<T>`: `f` is a value (implements clauses
      // and interfaces are left out below). Other types use no values (`typeof x` in one is not kept).
      if (node.kind === K.ExpressionWithTypeArguments) return visit((node as TS.ExpressionWithTypeArguments).expression);
      if (ts.isTypeNode(node) || node.kind === K.TypeParameter) return undefined;
      switch (node.kind) {
        case K.InterfaceDeclaration:
        case K.TypeAliasDeclaration:
          this.typeNames.add((node as TS.InterfaceDeclaration).name.text);
          return undefined;
        case K.ImportDeclaration: {
          const clause = (node as TS.ImportDeclaration).importClause;
          if (!clause) return undefined;
          const typeOnly = (n: TS.Identifier, specifierTypeOnly: boolean): void => {
            if (clause.isTypeOnly || specifierTypeOnly) this.typeNames.add(n.text);
          };
          if (clause.name) typeOnly(clause.name, false);
          const b = clause.namedBindings;
          if (b && ts.isNamespaceImport(b)) typeOnly(b.name, false);
          else if (b) for (const s of b.elements) typeOnly(s.name, s.isTypeOnly);
          return undefined;
        }
        case K.ImportEqualsDeclaration:
          return undefined;
        case K.HeritageClause:
          if ((node as TS.HeritageClause).token === K.ImplementsKeyword) return undefined;
          break;
        case K.Identifier:
          this.identifier(node as TS.Identifier);
          return undefined;
      }
      if (!ts.isExportAssignment(node) && !ts.isExportDeclaration(node) && this.typeOnlyDeclaration(node)) return undefined;
      return ts.forEachChild(node, visit);
    };
    visit(root);
  }

  /** Records an identifier met outside types that uses an import (not a name of a property, a declaration, ...). */
  private identifier(id: TS.Identifier): void {
    const { ts, K } = this;
    const p = id.parent;
    const name = id.text;
    if (!this.imported.has(name) || this.importsUsed.has(name)) return;
    switch (p.kind) {
      case K.PropertyAccessExpression:
        if ((p as TS.PropertyAccessExpression).name === id) return;
        break;
      case K.QualifiedName:
        if ((p as TS.QualifiedName).right === id) return;
        break;
      case K.PropertyAssignment:
      case K.PropertyDeclaration:
      case K.MethodDeclaration:
      case K.GetAccessor:
      case K.SetAccessor:
      case K.PropertySignature:
      case K.MethodSignature:
      case K.EnumMember:
        if ((p as TS.NamedDeclaration).name === id) return;
        break;
      case K.BindingElement:
        if ((p as TS.BindingElement).propertyName === id) return;
        break;
      case K.ExportSpecifier: {
        // `export { a as b }`: `a` is used, `b` is only a name; `export { a } from 'm'` uses nothing here.
        const s = p as TS.ExportSpecifier;
        if ((s.propertyName && s.name === id) || s.parent.parent.moduleSpecifier) return;
        break;
      }
      case K.NamespaceExport:
      case K.LabeledStatement:
      case K.BreakStatement:
      case K.ContinueStatement:
      case K.MetaProperty:
        return;
    }
    const declaration = ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isFunctionDeclaration(p) || ts.isFunctionExpression(p) || ts.isClassLike(p) || ts.isBindingElement(p) || ts.isEnumDeclaration(p) || ts.isModuleDeclaration(p);
    if (declaration && (p as TS.NamedDeclaration).name === id) return;
    for (let scope: TS.Node = p; !ts.isSourceFile(scope); scope = scope.parent) {
      if (this.declaredIn(scope).has(name)) return; // a nearer declaration's
    }
    this.importsUsed.add(name);
  }

  /**
   * The value names a node declares for the code inside it, if it is a scope: a function its parameters,
   * its own name (an expression's) and its `var`s; a block or file its `let`, `const`, classes and
   * functions; a `for` its head's; a `catch` its variable; a class expression its name.
   */
  private declaredIn(scope: TS.Node): Set<string> {
    let names = this.scopes.get(scope);
    if (names) return names;
    names = new Set();
    this.scopes.set(scope, names);
    const { ts } = this;
    const bind = (n: TS.BindingName | undefined): void => {
      if (!n) return;
      if (ts.isIdentifier(n)) names!.add(n.text);
      else for (const e of n.elements) if (!ts.isOmittedExpression(e)) bind(e.name);
    };
    const declarationList = (list: TS.VariableDeclarationList): void => {
      for (const d of list.declarations) bind(d.name);
    };
    const statements = (list: readonly TS.Statement[], blockScoped: boolean): void => {
      for (const s of list) {
        if (ts.isVariableStatement(s) && (!blockScoped || (s.declarationList.flags & ts.NodeFlags.BlockScoped) !== 0)) declarationList(s.declarationList);
        else if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || ts.isEnumDeclaration(s) || ts.isModuleDeclaration(s)) && s.name && ts.isIdentifier(s.name) && !this.typeOnlyDeclaration(s)) names!.add(s.name.text);
      }
    };
    /** `var`s anywhere in a function's body, not in functions inside it. */
    const vars = (n: TS.Node): void => {
      if (ts.isVariableDeclarationList(n) && (n.flags & ts.NodeFlags.BlockScoped) === 0) declarationList(n);
      if (!ts.isFunctionLike(n) && !ts.isClassLike(n)) ts.forEachChild(n, vars);
    };
    if (ts.isFunctionLike(scope)) {
      for (const param of scope.parameters) bind(param.name);
      if (ts.isFunctionExpression(scope) && scope.name) names.add(scope.name.text);
      const body = (scope as TS.FunctionLikeDeclaration).body;
      if (body) {
        ts.forEachChild(body, vars);
        if (ts.isBlock(body)) statements(body.statements, true);
      }
    } else if (ts.isSourceFile(scope)) {
      statements(scope.statements, false);
      for (const s of scope.statements) vars(s);
    } else if (ts.isBlock(scope) || ts.isModuleBlock(scope)) {
      if (!ts.isFunctionLike(scope.parent)) statements(scope.statements, true);
    } else if (ts.isCaseBlock(scope)) {
      for (const c of scope.clauses) statements(c.statements, true);
    } else if ((ts.isForStatement(scope) || ts.isForInStatement(scope) || ts.isForOfStatement(scope)) && scope.initializer && ts.isVariableDeclarationList(scope.initializer)) {
      declarationList(scope.initializer);
    } else if (ts.isCatchClause(scope)) {
      bind(scope.variableDeclaration?.name);
    } else if (ts.isClassExpression(scope) && scope.name) {
      names.add(scope.name.text);
    }
    return names;
  }

  // ---- ranges --------------------------------------------------------------------------------------------

  private blank(start: number, end: number): void {
    if (end > start) this.ranges.push(start, end);
  }

  /**
   * A whole statement or class member. A `;` stands where it began: the code before it could otherwise
   * run on into the code after it (`let a = b` + `interface I {}` + `(c)` would call b).
   */
  private blankWhole(node: TS.Node): void {
    const start = node.getStart(this.sf);
    this.blank(start, node.end);
    this.semicolons.push(start);
  }

  /** An element of a comma-separated list with the comma after it, if any. */
  private blankListElement(node: TS.Node): void {
    const after = this.skipTrivia(node.end);
    this.blank(node.getStart(this.sf), this.text.charCodeAt(after) === 44 /* , */ ? after + 1 : node.end);
  }

  /**
   * After a blanked `as T`: a line starting with `(`, `[` or `` ` `` would continue the expression in
   * JavaScript, where TypeScript ended the statement before it (the type cannot take them after a break).
   */
  private checkNoJoin(end: number): void {
    const next = this.skipTrivia(end);
    const c = this.text.charCodeAt(next);
    if ((c === 40 || c === 91 || c === 96) && /[\n\r\u2028\u2029]/.test(this.text.slice(end, next))) throw this.notErasable(undefined, 'a line continuing after `as`', next);
  }

  private notErasable(node: TS.Node | undefined, what: string, at = node!.getStart(this.sf)): NotErasable {
    const { line, character } = this.sf.getLineAndCharacterOfPosition(at);
    return new NotErasable(`${line + 1}:${character + 1} ${what}`);
  }

  /** The position of the first character at or after `pos` that is not whitespace or a comment. */
  private skipTrivia(pos: number): number {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(pos);
      if (c === 47 /* / */ && t.charCodeAt(pos + 1) === 47) {
        while (pos < t.length && !isLineBreak(t.charCodeAt(pos))) pos++;
      } else if (c === 47 && t.charCodeAt(pos + 1) === 42 /* * */) {
        const end = t.indexOf('*/', pos + 2);
        pos = end < 0 ? t.length : end + 2;
      } else if (pos < t.length && /\s/.test(t[pos]!)) pos++;
      else return pos;
    }
  }

  /** The text with the ranges blanked (line breaks kept), the semicolons written and the code inserted. */
  private write(): Blanked {
    const t = this.text;
    const pairs: [number, number][] = [];
    for (let i = 0; i < this.ranges.length; i += 2) pairs.push([this.ranges[i]!, this.ranges[i + 1]!]);
    pairs.sort((a, b) => a[0] - b[0]);
    const semicolons = this.semicolons.sort((a, b) => a - b);
    let next = 0; // the first semicolon not yet written
    let out = '';
    let at = 0;
    for (const [s, e] of pairs) {
      if (e <= at) continue; // inside one already blanked
      const from = Math.max(s, at);
      let piece = t.slice(from, e).replace(/[^\n\r\u2028\u2029]/g, ' ');
      while (next < semicolons.length && semicolons[next]! < e) {
        const p = semicolons[next++]! - from;
        if (p >= 0) piece = piece.slice(0, p) + ';' + piece.slice(p + 1);
      }
      out += t.slice(at, from) + piece;
      at = e;
    }
    out += t.slice(at);
    for (const [p, code] of this.replacements) out = out.slice(0, p) + code + out.slice(p + code.length);
    if (this.insertions.size === 0) return { text: out, toSource: undefined };
    // The insertions, and for each the position in the output where the text after it starts.
    const points = [...this.insertions.keys()].sort((a, b) => a - b);
    let text = '';
    let from = 0;
    const outAt: number[] = [];
    const shift: number[] = [];
    for (const p of points) {
      const code = this.insertions.get(p)!;
      text += out.slice(from, p) + code;
      from = p;
      outAt.push(text.length);
      shift.push(text.length - p);
    }
    text += out.slice(from);
    const toSource = (pos: number): number => {
      // The last insertion ending at or before `pos`; inside an insertion: where it was inserted.
      let lo = 0;
      let hi = outAt.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (outAt[mid]! <= pos) lo = mid + 1;
        else hi = mid;
      }
      if (lo === 0) return Math.min(pos, points[0]!);
      const shifted = pos - shift[lo - 1]!;
      return lo < points.length ? Math.min(shifted, points[lo]!) : shifted;
    };
    return { text, toSource };
  }
}
