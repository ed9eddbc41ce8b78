import { test } from 'node:test';
import assert from 'node:assert/strict';
import { graph } from '../../src/explain/graph.js';
import { tensor } from '../../src/ops/create.js';
import { seedNetwork, SEED_EXAMPLE } from '../../src/explain/seed.js';

/** Counts node definitions and edges in Mermaid text. */
function parseMermaid(s: string): { nodes: Set<string>; edges: [string, string][] } {
  const lines = s.trim().split('\n');
  assert.equal(lines[0], 'flowchart TD');
  const nodes = new Set<string>();
  const edges: [string, string][] = [];
  for (const l of lines.slice(1)) {
    const e = /^\s*(n\d+) --> (n\d+)$/.exec(l);
    const n = /^\s*(n\d+)(\(\["|\["|\[\/")(.*)("\]\)|"\]|"\/\])$/.exec(l);
    if (e) edges.push([e[1]!, e[2]!]);
    else if (n) nodes.add(n[1]!);
    else assert.fail(`unparsed Mermaid line: ${l}`);
  }
  return { nodes, edges };
}

function parseDot(s: string): { nodes: Set<string>; edges: [string, string][] } {
  assert.match(s, /^digraph autograd \{\n[\s\S]*\}\n$/);
  const nodes = new Set<string>();
  const edges: [string, string][] = [];
  for (const l of s.split('\n')) {
    const e = /^\s*(n\d+) -> (n\d+);$/.exec(l);
    const n = /^\s*(n\d+) \[label="((?:[^"\\]|\\.)*)"[^\]]*\];$/.exec(l);
    if (e) edges.push([e[1]!, e[2]!]);
    else if (n) nodes.add(n[1]!);
  }
  return { nodes, edges };
}

test('graph of c = (a * b).sum(): 4 tensors, 3 edges, values and (after backward) grads', () => {
  const a = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
  const b = tensor([3, 4], { dtype: 'float64', requiresGrad: true });
  a.name = 'a';
  b.name = 'b';
  const c = a.mul(b).sum();
  const before = graph(c);
  assert.equal(before.nodes.length, 4);
  assert.equal(before.edges.length, 3);
  assert.ok(before.nodes.every((n) => n.grad === null));
  c.backward();
  const g = graph(c);
  for (const out of [parseMermaid(g.mermaid), parseDot(g.dot)]) {
    assert.equal(out.nodes.size, 4);
    assert.equal(out.edges.length, 3);
    for (const [x, y] of out.edges) assert.ok(out.nodes.has(x) && out.nodes.has(y));
  }
  assert.deepEqual(g.nodes.map((n) => n.op), ['leaf', 'leaf', 'mul', 'sum']);
  assert.match(g.mermaid, /n0\(\["a<br\/>\[2\] \[1\.0, 2\.0\]<br\/>grad \[3\.0, 4\.0\]"\]\)/);
  assert.match(g.dot, /n3 \[label="sum\\n\[scalar\] \[11\.0\]"\];/);
});

test('graph of the seed network loss: every op of the tape, edges into each op from all its inputs', () => {
  const model = seedNetwork();
  const x = tensor(SEED_EXAMPLE.x, { dtype: 'float64' });
  const y = tensor(SEED_EXAMPLE.y, { dtype: 'float64' });
  for (const [n, p] of model.namedParameters()) p.name = n;
  const J = model.call(x).sub(y).pow(2).sum();
  J.backward();
  const g = graph(J);
  const m = parseMermaid(g.mermaid);
  const d = parseDot(g.dot);
  assert.equal(m.nodes.size, g.nodes.length);
  assert.equal(d.nodes.size, g.nodes.length);
  assert.equal(m.edges.length, g.edges.length);
  assert.equal(d.edges.length, g.edges.length);
  // edges = sum over op nodes of their input counts
  const inputs = g.nodes.filter((n) => n.op !== 'leaf' && n.op !== 'constant').length;
  assert.ok(g.edges.length >= inputs);
  for (const name of ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']) assert.ok(g.nodes.some((n) => n.name === name && n.op === 'leaf' && n.grad !== null), name);
  assert.equal(g.nodes.filter((n) => n.op === 'sigmoid').length, 2);
  assert.equal(g.nodes.filter((n) => n.op === 'matmul').length, 2);
});
