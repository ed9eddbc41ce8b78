/**
 * safetensors headers at the format's 100 MB limit, each shape in its own process: the time to
 * parse (or reject) it and the process's peak memory. None may crash or abort the process.
 *
 *   npx tsx test/fuzz/big-headers.ts                 # every shape at 100 MB
 *   npx tsx test/fuzz/big-headers.ts --size 10000000 # smaller
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as nb from '../../src/index.js';
import { buildSafetensors } from './corpus.js';

const SHAPES: Record<string, string> = {
  deep: 'a value nested ~100 million brackets deep',
  'deep-metadata': 'a metadata value of nested objects',
  tensors: '~1.7 million empty tensors (a valid file)',
  'tensors-duplicate': 'the same, with a duplicate name at the end',
  metadata: '~10 million metadata entries (a valid file)',
  'long-name': 'one tensor with a 100 MB name (a valid file)',
  escapes: 'a name of 16 million \\u escapes (a valid file)',
  'long-shape': 'a shape of 50 million ones',
  'huge-number': 'a shape entry of 100 million digits',
  whitespace: '100 MB of whitespace (a valid, empty file)',
  'empty-arrays': 'a shape of 33 million empty arrays',
};

function header(kind: string, limit: number): string {
  const fill = (prefix: string, unit: (i: number) => string, suffix: string): string => {
    const parts = [prefix];
    let len = prefix.length + suffix.length;
    for (let i = 0; ; i++) {
      const u = unit(i);
      if (len + u.length > limit) break;
      parts.push(u);
      len += u.length;
    }
    parts.push(suffix);
    return parts.join('');
  };
  const empty = '{"dtype":"F32","shape":[0],"data_offsets":[0,0]}';
  switch (kind) {
    case 'deep': return `{"a":${'['.repeat(limit - 10)}}`;
    case 'deep-metadata': return `{"__metadata__":{"k":${'{"a":'.repeat(Math.floor((limit - 30) / 5))}}`;
    case 'tensors': return fill('{', (i) => `"t${i}":${empty},`, `"z":${empty}}`);
    case 'tensors-duplicate': return fill('{', (i) => `"t${i}":${empty},`, `"t0":${empty}}`);
    case 'metadata': return fill('{"__metadata__":{', (i) => `"${i}":"",`, '"z":""}}');
    case 'long-name': return `{"${'x'.repeat(limit - 60)}":${empty}}`;
    case 'escapes': return `{"${'\\u0041'.repeat(Math.floor((limit - 60) / 6))}":${empty}}`;
    case 'long-shape': return fill('{"a":{"dtype":"F32","data_offsets":[0,4],"shape":[', () => '1,', '1]}}');
    case 'huge-number': return `{"a":{"dtype":"F32","data_offsets":[0,0],"shape":[${'9'.repeat(limit - 60)}]}}`;
    case 'whitespace': return `{${' '.repeat(limit - 2)}}`;
    case 'empty-arrays': return fill('{"a":{"dtype":"F32","data_offsets":[0,0],"shape":[0', () => ',[]', ']}}');
    default: throw new Error(`unknown shape ${kind}`);
  }
}

const args = process.argv.slice(2);
const si = args.indexOf('--size');
const size = si >= 0 ? Number(args[si + 1]) : 100_000_000 - 100;
const ci = args.indexOf('--child');
if (ci >= 0) {
  const kind = args[ci + 1]!;
  const bytes = buildSafetensors(header(kind, size), new Uint8Array(0));
  const c0 = process.cpuUsage();
  let result: string;
  try {
    result = `accepted, ${Object.keys(nb.deserialize(bytes, 'big.safetensors')).length} tensors`;
  } catch (e) {
    result = `${(e as Error).name}: ${(e as Error).message.slice(0, 110)}`;
  }
  const c = process.cpuUsage(c0);
  console.log(JSON.stringify({ kind, bytes: bytes.length, cpuMs: Math.round((c.user + c.system) / 1000), peakMB: Math.round(process.resourceUsage().maxRSS / 1024), result }));
} else {
  console.log(`safetensors headers of ${size} bytes, one process each (CPU time of the parse, peak RSS of the process)`);
  for (const kind of Object.keys(SHAPES)) {
    const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', kind, '--size', String(size)], { encoding: 'utf8' });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    if (r.status !== 0 || !line.startsWith('{')) {
      console.log(`${kind.padEnd(18)} PROCESS FAILED (status ${r.status}, signal ${r.signal}): ${r.stderr.slice(-300)}`);
      continue;
    }
    const o = JSON.parse(line) as { cpuMs: number; peakMB: number; result: string };
    console.log(`${kind.padEnd(18)} ${String(o.cpuMs).padStart(6)} ms ${String(o.peakMB).padStart(5)} MB  ${SHAPES[kind]}: ${o.result}`);
  }
}
