/**
 * `nb.graph(t)`: the autograd graph below a tensor (followed through the `_node` links the ops
 * recorded: op name, inputs, attributes), exported as Mermaid (the seed draws in Mermaid) and
 * Graphviz DOT. One node per tensor: leaves (parameters, inputs, constants) and op results,
 * labelled with the op, the shape, a value summary and, after backward, a gradient summary.
 * Edges run from each input to the tensor computed from it.
 *
 *   const J = model.call(x).sub(y).pow(2).sum();
 *   J.backward();
 *   console.log(nb.graph(J).mermaid);
 */
import { Tensor } from '../core/tensor.js';
import { NablaError, describe } from '../core/errors.js';
import { fmt, shapeText } from './snapshot.js';

export interface GraphNode {
  id: string;
  /** the op that computed this tensor, or 'leaf' / 'constant' */
  op: string;
  name: string | null;
  shape: number[];
  value: string;
  grad: string | null;
  attrs: Record<string, unknown> | null;
}

export interface GraphOptions {
  /** decimals in value summaries (default 4) */
  digits?: number;
  /** entries shown before a summary switches to "…" (default 4) */
  maxEntries?: number;
}

export class AutogradGraph {
  constructor(
    readonly nodes: readonly GraphNode[],
    /** (from, to): the tensor `from` is an input of the op that computed `to` */
    readonly edges: readonly (readonly [string, string])[],
  ) {}

  get mermaid(): string {
    return this.toMermaid();
  }

  get dot(): string {
    return this.toDOT();
  }

  toMermaid(): string {
    const esc = (s: string): string => s.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
    const lines = ['flowchart TD'];
    for (const n of this.nodes) {
      const label = esc(labelLines(n).join('\n')).replace(/\n/g, '<br/>');
      lines.push(n.op === 'leaf' ? `  ${n.id}(["${label}"])` : n.op === 'constant' ? `  ${n.id}[/"${label}"/]` : `  ${n.id}["${label}"]`);
    }
    for (const [a, b] of this.edges) lines.push(`  ${a} --> ${b}`);
    return lines.join('\n') + '\n';
  }

  toDOT(): string {
    const esc = (s: string): string => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
    const lines = ['digraph autograd {', '  rankdir=TB;', '  node [shape=box, fontname="monospace", fontsize=10];'];
    for (const n of this.nodes) {
      const style = n.op === 'leaf' ? ', style="rounded,filled", fillcolor="#e8f0fe"' : n.op === 'constant' ? ', style=dashed' : '';
      lines.push(`  ${n.id} [label="${labelLines(n).map(esc).join('\\n')}"${style}];`);
    }
    for (const [a, b] of this.edges) lines.push(`  ${a} -> ${b};`);
    lines.push('}');
    return lines.join('\n') + '\n';
  }
}

function labelLines(n: GraphNode): string[] {
  const head = n.op === 'leaf' || n.op === 'constant' ? (n.name ?? n.op) : n.name !== null ? `${n.name} = ${n.op}` : n.op;
  const out = [head, `[${shapeText(n.shape)}] ${n.value}`];
  if (n.grad !== null) out.push(`grad ${n.grad}`);
  return out;
}

function summary(t: Tensor, digits: number, maxEntries: number): string {
  const d = t.data();
  if (t.dtype === 'bool' || t.dtype === 'int32') {
    const head = Array.from(d.slice(0, maxEntries), (v) => String(v));
    return d.length <= maxEntries ? `[${head.join(', ')}]` : `[${head.join(', ')}, …]`;
  }
  if (d.length <= maxEntries) return `[${Array.from(d, (v) => fmt(v, digits)).join(', ')}]`;
  let ss = 0;
  for (const v of d) ss += v * v;
  return `[${Array.from(d.slice(0, maxEntries), (v) => fmt(v, digits)).join(', ')}, …] ‖·‖=${fmt(Math.sqrt(ss), digits)}`;
}

/** The autograd graph below `root` as nodes and edges, with Mermaid and DOT renderings. */
export function graph(root: Tensor, opts: GraphOptions = {}): AutogradGraph {
  if (!(root instanceof Tensor)) throw new NablaError(`graph: expected the Tensor whose graph to draw (e.g. the loss), got ${describe(root)}`);
  const digits = opts.digits ?? 4;
  const maxEntries = opts.maxEntries ?? 4;
  const ids = new Map<Tensor, string>();
  const order: Tensor[] = [];
  // iterative depth-first walk, inputs before the tensors computed from them
  const stack: [Tensor, number][] = [[root, 0]];
  const seen = new Set<Tensor>([root]);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const inputs = top[0]._node?.inputs ?? [];
    if (top[1] < inputs.length) {
      const x = inputs[top[1]++]!;
      if (!seen.has(x)) {
        seen.add(x);
        stack.push([x, 0]);
      }
    } else {
      stack.pop();
      ids.set(top[0], `n${order.length}`);
      order.push(top[0]);
    }
  }
  const nodes: GraphNode[] = order.map((t) => ({
    id: ids.get(t)!,
    op: t._node !== null ? t._node.op : t.requiresGrad ? 'leaf' : 'constant',
    name: t.name ?? null,
    shape: [...t.shape],
    value: summary(t, digits, maxEntries),
    grad: t.grad === null ? null : summary(t.grad, digits, maxEntries),
    attrs: t._node?.attrs !== undefined ? { ...t._node.attrs } : null,
  }));
  const edges: [string, string][] = [];
  for (const t of order) for (const x of t._node?.inputs ?? []) edges.push([ids.get(x)!, ids.get(t)!]);
  return new AutogradGraph(nodes, edges);
}
