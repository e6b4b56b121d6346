/**
 * The layers stay apart, transitively (ESLint's no-restricted-imports checks one file at a time):
 * - nothing the page loads from src/ui/main.tsx reaches tfjs or worker code (the worker is started
 *   by URL, never imported; tfjs would land in the page's bundle);
 * - src/core is framework-free: no React, zustand, recharts, and nothing from src/ui or src/worker;
 * - src/shared (the wire between the threads) reaches neither tfjs nor the UI.
 * An import counts unless it is `import type` / `export type … from` (erased whole); an import with
 * inline `type` specifiers is kept by verbatimModuleSyntax, so it counts.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(SRC, '..');

interface Imports {
  /** Relative imports resolved to files. */
  readonly local: string[];
  /** Bare specifiers (packages, virtual modules). */
  readonly packages: string[];
}

const cache = new Map<string, Imports>();

/** The modules a file loads at run time: static imports, re-exports and dynamic `import()` of literals. */
function importsOf(file: string, withTypes = false): Imports {
  const key = `${file}|${withTypes}`;
  const known = cache.get(key);
  if (known) return known;
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const specifiers: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      if (withTypes || !node.importClause?.isTypeOnly) specifiers.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (withTypes || !node.isTypeOnly) specifiers.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      specifiers.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  const local: string[] = [];
  const packages: string[] = [];
  for (const spec of specifiers) {
    if (spec.startsWith('.')) {
      const target = resolveModule(dirname(file), spec.replace(/\?.*$/, ''));
      if (target) local.push(target);
    } else packages.push(spec);
  }
  const result = { local, packages };
  cache.set(key, result);
  return result;
}

/** A relative import as Vite resolves it, or null for assets (CSS, JSON, images). */
function resolveModule(from: string, spec: string): string | null {
  const base = resolve(from, spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')]) {
    if (/\.tsx?$/.test(candidate) && existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  if (/\.(css|json|svg|png|wasm)$/.test(spec)) return null;
  throw new Error(`${relative(ROOT, from)}: cannot resolve ${spec}`);
}

/** Every module reached from `entry`, each with the chain of imports that reaches it. */
function reachable(entry: string): Map<string, string[]> {
  const chains = new Map<string, string[]>([[entry, [entry]]]);
  const queue = [entry];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const next of importsOf(file).local) {
      if (chains.has(next)) continue;
      chains.set(next, [...chains.get(file)!, next]);
      queue.push(next);
    }
  }
  return chains;
}

const show = (chain: readonly string[]) => chain.map((f) => relative(SRC, f)).join(' → ');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'testing' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [path] : [];
  });
}

const isTfjs = (pkg: string) => pkg.startsWith('@tensorflow/');
const isUiFramework = (pkg: string) => /^(react|react-dom|zustand|recharts)(\/|$)/.test(pkg);
const under = (file: string, dir: string) => !relative(join(SRC, dir), file).startsWith('..');

describe('layering', () => {
  it('the page (src/ui/main.tsx) reaches neither tfjs nor worker code', () => {
    const chains = reachable(join(SRC, 'ui', 'main.tsx'));
    // The walk really follows the app (guards against a walk that finds nothing and so passes).
    expect(chains.has(join(SRC, 'ui', 'workerClient.ts'))).toBe(true);
    expect(chains.has(join(SRC, 'core', 'settings.ts'))).toBe(true);
    const problems: string[] = [];
    for (const [file, chain] of chains) {
      if (under(file, 'worker')) problems.push(`worker code: ${show(chain)}`);
      for (const pkg of importsOf(file).packages.filter(isTfjs)) problems.push(`${pkg}: ${show(chain)}`);
    }
    expect(problems).toEqual([]);
  });

  it('src/core imports no UI framework, and nothing from src/ui or src/worker (type imports included)', () => {
    const files = sourceFiles(join(SRC, 'core'));
    expect(files.length).toBeGreaterThan(20);
    const problems: string[] = [];
    for (const file of files) {
      const { local, packages } = importsOf(file, true);
      for (const pkg of packages.filter(isUiFramework)) problems.push(`${relative(SRC, file)} imports ${pkg}`);
      for (const target of local.filter((t) => under(t, 'ui') || under(t, 'worker')))
        problems.push(`${relative(SRC, file)} imports ${relative(SRC, target)}`);
    }
    expect(problems).toEqual([]);
  });

  it('src/shared reaches neither tfjs nor the UI', () => {
    const problems: string[] = [];
    for (const file of sourceFiles(join(SRC, 'shared'))) {
      for (const [reached, chain] of reachable(file)) {
        if (under(reached, 'ui') || under(reached, 'worker')) problems.push(show(chain));
        for (const pkg of importsOf(reached).packages.filter((p) => isTfjs(p) || isUiFramework(p))) problems.push(`${pkg}: ${show(chain)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('no import cycles anywhere in src (type imports included): each module can be read before the ones that import it', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const walk = (file: string, path: string[]): void => {
      state.set(file, 'open');
      for (const next of importsOf(file, true).local) {
        if (state.get(next) === 'open') cycles.push(show([...path.slice(path.indexOf(next)), next]));
        else if (!state.has(next)) walk(next, [...path, next]);
      }
      state.set(file, 'done');
    };
    for (const dir of ['core', 'shared', 'worker', 'ui', 'bench', 'sw']) {
      for (const file of sourceFiles(join(SRC, dir))) if (!state.has(file)) walk(file, [file]);
    }
    expect(cycles).toEqual([]);
  });
});
