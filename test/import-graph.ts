/**
 * A small static import graph of the TypeScript sources (not a test file): which module imports which
 * at run time ("value imports"), and its cycles, from the TypeScript compiler's parser (already a dev
 * dependency). Type-only imports (`import type`, `export type … from`, `import { type A, type B }`) are
 * erased by the compiler and left out; side-effect imports and re-exports (`export * from`) count.
 * Dynamic `import()` is left out: it does not run at load time, so it cannot form a load-order cycle.
 * Only relative specifiers are followed (packages cannot import back).
 *
 * Run it directly to print the cycles of src/: `npx tsx test/import-graph.ts [dir]`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** Every `.ts` file under `dir` (absolute paths, sorted). */
export function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/**
 * The specifiers `source` imports at run time, read from the TypeScript syntax tree; with
 * `includeTypes`, the type-only imports too (the graph a reader follows). An import whose names are
 * all used as types but not marked `type` counts as a value import (stricter than the compiler, which
 * may drop it).
 */
export function valueImports(source: string, includeTypes = false): string[] {
  const sf = ts.createSourceFile('x.ts', source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const specs: string[] = [];
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      const c = st.importClause;
      const typeOnly =
        c !== undefined &&
        (c.isTypeOnly ||
          (c.name === undefined &&
            c.namedBindings !== undefined &&
            ts.isNamedImports(c.namedBindings) &&
            c.namedBindings.elements.length > 0 &&
            c.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (includeTypes || !typeOnly) specs.push(st.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(st) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)) {
      const e = st.exportClause;
      const typeOnly =
        st.isTypeOnly || (e !== undefined && ts.isNamedExports(e) && e.elements.length > 0 && e.elements.every((x) => x.isTypeOnly));
      if (includeTypes || !typeOnly) specs.push(st.moduleSpecifier.text);
    }
  }
  return specs;
}

/** Resolve a relative specifier of `from` to a `.ts` file, or undefined (a package, or not found). */
export function resolveImport(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec);
  const candidates = [base.replace(/\.js$/, '.ts'), `${base}.ts`, path.join(base, 'index.ts')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/** The value-import graph of `files`: file → the files it imports at run time (`includeTypes`: any import). */
export function importGraph(files: string[], includeTypes = false): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of files) {
    const deps = valueImports(readFileSync(f, 'utf8'), includeTypes)
      .map((s) => resolveImport(f, s))
      .filter((d): d is string => d !== undefined);
    g.set(f, [...new Set(deps)].sort());
  }
  return g;
}

/**
 * The cycles of a graph: its strongly connected components with more than one file, or a file that
 * imports itself (Tarjan's algorithm). Each component is sorted; the list is sorted by first file.
 */
export function cycles(g: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of g.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (g.get(v) ?? []).includes(v)) out.push(comp.sort());
    }
  };
  for (const v of [...g.keys()].sort()) if (!index.has(v)) visit(v);
  return out.sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** One import path around a cycle, as relative names: `a.ts -> b.ts -> a.ts`. */
export function cyclePath(g: Map<string, string[]>, comp: string[], root: string): string {
  const inComp = new Set(comp);
  const start = comp[0];
  // Breadth-first search from start back to start, inside the component.
  const prev = new Map<string, string>();
  const queue = [start];
  let end: string | undefined;
  while (queue.length > 0 && end === undefined) {
    const v = queue.shift()!;
    for (const w of g.get(v) ?? []) {
      if (!inComp.has(w)) continue;
      if (w === start) {
        end = v;
        break;
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  const chain = [start];
  for (let v = end; v !== undefined && v !== start; v = prev.get(v)) chain.push(v);
  const names = [start, ...chain.slice(1).reverse(), start].map((f) => path.relative(root, f));
  return names.join(' -> ');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const dir = path.resolve(root, process.argv[2] ?? 'src');
  for (const includeTypes of [false, true]) {
    const g = importGraph(tsFiles(dir), includeTypes);
    const cs = cycles(g);
    const kind = includeTypes ? 'import cycle(s) counting type-only imports' : 'value-import cycle(s)';
    console.log(`${cs.length} ${kind} among ${g.size} files under ${path.relative(root, dir) || '.'}`);
    for (const c of cs) console.log(`  ${c.length} files: ${cyclePath(g, c, root)}${c.length > 2 ? `  (component: ${c.map((f) => path.relative(root, f)).join(', ')})` : ''}`);
  }
}
