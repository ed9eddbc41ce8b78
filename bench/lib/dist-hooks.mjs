// Module hooks for a benchmark cell: every import that resolves into the library's source tree
// (ROOT/src/**.ts, which tsx would compile on the fly) is served from the compiled package
// instead (ROOT/dist/**.js, what `import 'nabla'` loads for users). All imports map, deep ones
// included, so a cell holds one copy of the library (one backend registry). Registered by
// bench/lib/use-dist.mjs after tsx, so these hooks see tsx's resolution first.
const root = new URL('../../', import.meta.url).href;
const src = `${root}src/`;
const dist = `${root}dist/`;

export async function resolve(specifier, context, nextResolve) {
  const r = await nextResolve(specifier, context);
  if (!r.url.startsWith(src)) return r;
  const rel = r.url.slice(src.length).replace(/\.(c|m)?tsx?$/, (_m, k) => `.${k ?? ''}js`);
  return { ...r, url: dist + rel, format: rel.endsWith('.cjs') ? 'commonjs' : 'module', shortCircuit: true };
}
