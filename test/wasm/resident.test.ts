/**
 * The WebAssembly backend's resident inputs (src/backend/wasm/runtime.ts, the rule in
 * src/core/residency.ts): a weight read by two calls stays in the module's memory, and every way
 * of changing it afterwards is seen by the next forward. Each case makes the weight resident
 * (asserted, so a case cannot pass by never keeping anything), changes it while the wasm backend
 * stays selected, and compares the forward with the same product computed in plain JavaScript
 * from `t.data()` copies. Then: memory stays flat over many training steps, and the bound holds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import * as nb from '../../src/index.js';
import { wasmRuntime, type WasmRuntime } from '../../src/backend/wasm/runtime.js';

const skip = nb.availableBackends().includes('wasm') ? false : 'the wasm module is not loaded';
const IN = 96, OUT = 64; // weight 24 KB: above the 16 KB below which arrays are copied every call

/** y = x W^T + b in JavaScript, from copies of the values. */
function expected(x: nb.Tensor, w: nb.Tensor, b: nb.Tensor): Float32Array {
  const X = x.data(), W = w.data(), B = b.data();
  const rows = x.shape[0]!, y = new Float32Array(rows * OUT);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < OUT; o++) {
      let s = B[o]!;
      for (let i = 0; i < IN; i++) s += X[r * IN + i]! * W[o * IN + i]!;
      y[r * OUT + o] = s;
    }
  }
  return y;
}

function close(got: nb.Tensor, want: Float32Array, what: string): void {
  const g = got.data();
  assert.equal(g.length, want.length, what);
  for (let i = 0; i < g.length; i++) {
    assert.ok(Math.abs(g[i]! - want[i]!) <= 1e-4 * (1 + Math.abs(want[i]!)), `${what}: element ${i} is ${g[i]}, expected ${want[i]} (a stale weight?)`);
  }
}

function rt(): WasmRuntime {
  return wasmRuntime()!;
}

/** Runs f on the wasm backend (one thread), restoring the backend after. */
function onWasm(f: () => void): void {
  const before = nb.getBackend();
  nb.setBackend('wasm');
  try {
    f();
  } finally {
    nb.setBackend(before);
  }
}

/**
 * A Linear layer whose weight is resident after two forwards; `change` alters it (the weight may be
 * replaced, so it is read again after), then the forward must match JavaScript's product.
 */
function afterChange(what: string, change: (lin: nb.nn.Linear, x: nb.Tensor) => void): void {
  onWasm(() => {
    nb.manualSeed(3);
    const lin = new nb.nn.Linear(IN, OUT);
    const x = nb.randn([2, IN]);
    nb.noGrad(() => {
      lin.forward(x);
      lin.forward(x);
    });
    assert.ok(rt().residentInfo().count >= 1, `${what}: the weight did not become resident`);
    close(nb.noGrad(() => lin.forward(x)), expected(x, lin.weight, lin.bias!), `${what}: before`);
    change(lin, x);
    close(nb.noGrad(() => lin.forward(x)), expected(x, lin.weight, lin.bias!), what);
  });
}

test('a resident weight changed by an optimizer step (SGD with momentum, Adam, AdamW, RMSprop) is read fresh', { skip }, () => {
  const steps: [string, (p: nb.nn.Parameter[]) => { step(): void; zeroGrad(): void }][] = [
    ['SGD', (p) => new nb.optim.SGD(p, { lr: 0.1, momentum: 0.9 })],
    ['Adam', (p) => new nb.optim.Adam(p, { lr: 0.1 })],
    ['AdamW', (p) => new nb.optim.AdamW(p, { lr: 0.1 })],
    ['RMSprop', (p) => new nb.optim.RMSprop(p, { lr: 0.1 })],
  ];
  for (const [name, make] of steps) {
    afterChange(name, (lin, x) => {
      const opt = make(lin.parameters());
      for (let s = 0; s < 2; s++) {
        opt.zeroGrad();
        lin.forward(x).square().sum().backward();
        opt.step();
        // between steps the weight is read (and may become resident) again
        close(nb.noGrad(() => lin.forward(x)), expected(x, lin.weight, lin.bias!), `${name} step ${s}`);
      }
    });
  }
});

test('a resident weight changed in place (copy_, fill_, add_, sub_, mul_, div_, zero_, init) is read fresh', { skip }, () => {
  const changes: [string, (w: nb.Tensor) => void][] = [
    ['copy_', (w) => w.copy_(nb.randn([OUT, IN]))],
    ['copy_ of a number', (w) => w.copy_(0.25)],
    ['fill_', (w) => w.fill_(0.5)],
    ['add_', (w) => w.add_(nb.ones([OUT, IN]), 2)],
    ['sub_', (w) => w.sub_(1)],
    ['mul_', (w) => w.mul_(3)],
    ['div_', (w) => w.div_(nb.full([IN], 2))],
    ['zero_', (w) => w.zero_()],
    ['nn.init.normal_', (w) => nb.nn.init.normal_(w)],
    ['nn.init.constant_', (w) => nb.nn.init.constant_(w, -1)],
  ];
  for (const [name, f] of changes) afterChange(name, (lin) => nb.noGrad(() => f(lin.weight)));
});

test('a resident weight changed through a view sharing its storage is read fresh', { skip }, () => {
  const changes: [string, (w: nb.Tensor) => void][] = [
    ['a transposed view', (w) => w.T.copy_(nb.randn([IN, OUT]))],
    ['a reshaped view', (w) => w.view([IN * OUT]).fill_(0.125)],
    ['a slice', (w) => w.slice([1, 5]).fill_(7)],
    ['one row', (w) => w.select(0, 3).copy_(nb.arange(IN).float())],
    ['detach()', (w) => w.detach().add_(1)],
    ['a strided slice', (w) => w.slice(null, [0, null, 2]).mul_(-1)],
  ];
  for (const [name, f] of changes) afterChange(name, (lin) => nb.noGrad(() => f(lin.weight)));
});

test('a resident weight changed by loadStateDict is read fresh', { skip }, () => {
  afterChange('loadStateDict', (lin) => {
    const other = new nb.nn.Linear(IN, OUT);
    lin.loadStateDict(other.stateDict());
  });
});

test('a weight written directly through t.storage is read fresh (the storage is handed out)', { skip }, () => {
  afterChange('t.storage[i] = v', (lin) => {
    lin.weight.storage[5] = 40;
  });
  // a reference kept from before the weight became resident
  onWasm(() => {
    const lin = new nb.nn.Linear(IN, OUT);
    const s = lin.weight.storage;
    const x = nb.randn([1, IN]);
    nb.noGrad(() => [lin.forward(x), lin.forward(x), lin.forward(x)]);
    s.fill(0.5);
    close(nb.noGrad(() => lin.forward(x)), expected(x, lin.weight, lin.bias!), 'a storage read before, written after');
    // a view of the buffer made by user code
    new Float32Array(s.buffer, 0, 4).fill(9);
    close(nb.noGrad(() => lin.forward(x)), expected(x, lin.weight, lin.bias!), 'a view of the buffer');
  });
});

test("an array given to nb.tensor (no copy) is read fresh after the caller writes it", { skip }, () => {
  onWasm(() => {
    const arr = new Float32Array(OUT * IN).fill(0.5);
    const w = nb.tensor(arr, { shape: [OUT, IN] });
    const b = nb.zeros([OUT]);
    const x = nb.randn([2, IN]);
    for (let i = 0; i < 3; i++) close(nb.nn.functional.linear(x, w, b), expected(x, w, b), `call ${i}`);
    arr[17] = -3;
    close(nb.nn.functional.linear(x, w, b), expected(x, w, b), 'after the caller wrote its array');
  });
});

test('a weight changed while another backend is selected is read fresh back on wasm', { skip }, () => {
  afterChange('add_ on ts', (lin) => {
    nb.setBackend('ts');
    nb.noGrad(() => lin.weight.add_(1));
    nb.setBackend('wasm');
  });
  afterChange('copy_ from a float64 tensor (the reference kernel)', (lin) => {
    nb.noGrad(() => lin.weight.copy_(lin.weight.double().mul(2)));
  });
});

test('resident inputs stay bounded and memory flat over many training steps', { skip }, () => {
  onWasm(() => {
    nb.manualSeed(1);
    const model = new nb.nn.Sequential(new nb.nn.Linear(196, 128), new nb.nn.ReLU(), new nb.nn.Linear(128, 64), new nb.nn.ReLU(), new nb.nn.Linear(64, 10));
    const opt = new nb.optim.Adam(model.parameters(), { lr: 1e-3 });
    const x = nb.randn([16, 196]), y = nb.randint(0, 10, [16]);
    const loss = new nb.nn.CrossEntropyLoss();
    const step = () => {
      opt.zeroGrad();
      loss.forward(model.forward(x), y).backward();
      opt.step();
      nb.noGrad(() => model.forward(x.slice([0, 1])));
    };
    for (let i = 0; i < 50; i++) step();
    const mem = rt().x.memory.buffer.byteLength;
    let most = 0;
    for (let i = 0; i < 1500; i++) {
      step();
      most = Math.max(most, rt().residentInfo().bytes);
    }
    assert.equal(rt().x.memory.buffer.byteLength, mem, 'the module memory grew during training');
    assert.ok(most <= rt().residentInfo().max);
    // inference after training: the weights are resident and the results right
    const xs = x.slice([0, 1]);
    nb.noGrad(() => [model.forward(xs), model.forward(xs)]);
    assert.ok(rt().residentInfo().count >= 2);
  });
});

test('arrays with resident copies die within a synchronous loop (nothing keeps them to the end of the job)', { skip }, () => {
  // a WeakRef to a buffer would keep it alive until the current job ends: a training loop that
  // never yields would then keep every array it made resident (gigabytes in an epoch of W3)
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  onWasm(() => {
    const w = nb.randn([256, 256]);
    const before = process.memoryUsage().arrayBuffers;
    let kept = 0;
    for (let i = 0; i < 40; i++) {
      // a 1 MB array read whole by two calls: resident from the second
      const a = nb.randn([1024, 256]);
      nb.matmul(a, w);
      nb.matmul(a, w);
      kept = Math.max(kept, rt().residentInfo().count);
    }
    assert.ok(kept >= 2, 'nothing was made resident: the test would prove nothing');
    gc();
    const grown = process.memoryUsage().arrayBuffers - before;
    assert.ok(grown < 16 * 2 ** 20, `${(grown / 2 ** 20).toFixed(1)} MB of array buffers still alive after the loop and a full GC (40 MB made)`);
  });
});

test('the bound on resident bytes holds (least recently used go first) and 0 keeps nothing', { skip }, () => {
  onWasm(() => {
    const r = rt();
    const keep = r.residentInfo().max;
    try {
      r.setMaxResidentBytes(100 * 1024);
      const x = nb.randn([1, IN]);
      const layers = Array.from({ length: 12 }, () => new nb.nn.Linear(IN, OUT)); // 24 KB weights each
      for (let round = 0; round < 3; round++) {
        for (const l of layers) {
          close(nb.noGrad(() => l.forward(x)), expected(x, l.weight, l.bias!), `round ${round}`);
          assert.ok(r.residentInfo().bytes <= 100 * 1024);
        }
      }
      assert.ok(r.residentInfo().count >= 1);
      r.setMaxResidentBytes(0);
      assert.equal(r.residentInfo().bytes, 0);
      for (const l of layers) close(nb.noGrad(() => l.forward(x)), expected(x, l.weight, l.bias!), 'nothing kept');
      assert.equal(r.residentInfo().count, 0);
    } finally {
      r.setMaxResidentBytes(keep);
    }
  });
});

test('optimizer steps work in the resident copies of the weights and moments, with the same results as keeping nothing', { skip }, () => {
  type Result = { w: ArrayLike<number>; m: ArrayLike<number>; count: number };
  const run = (keep: boolean): Result => {
    let out: Result = { w: [], m: [], count: 0 };
    onWasm(() => {
      const before = rt().residentInfo().max;
      rt().setMaxResidentBytes(keep ? before : 0);
      try {
        nb.manualSeed(5);
        const lin = new nb.nn.Linear(IN, OUT);
        const opt = new nb.optim.Adam(lin.parameters(), { lr: 0.01 });
        const x = nb.randn([8, IN]);
        for (let s = 0; s < 6; s++) {
          opt.zeroGrad();
          lin.forward(x).square().sum().backward();
          opt.step();
        }
        const state = opt.stateDict().state as Record<string, Record<string, nb.Tensor>>;
        const m = Object.values(state)[0]!['exp_avg']!;
        out = { w: lin.weight.data(), m: m.data(), count: rt().residentInfo().count };
      } finally {
        rt().setMaxResidentBytes(before);
      }
    });
    return out;
  };
  const kept = run(true), none = run(false);
  // the weight and its two moments (24 KB each) stay resident across the steps
  assert.ok(kept.count >= 3, `expected the weight and Adam's moments resident, got ${kept.count} copies`);
  assert.equal(none.count, 0);
  assert.deepEqual(kept.w, none.w, 'weights after 6 Adam steps differ with resident copies');
  assert.deepEqual(kept.m, none.m, "Adam's first moment differs with resident copies");
});
