"""PyTorch / numpy peers of bench/run.ts (WORKLOADS.md W1-W6, OPS), one cell per process.

Usage: /usr/bin/python3 bench/peers/torch_bench.py '<CellSpec JSON>'
The runner sets OPENBLAS_NUM_THREADS / OMP_NUM_THREADS and unsets OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE in this process's environment (the W1 PEAK cells then set OPENBLAS_CORETYPE=Haswell,
or the host's values, for the override case); torch.set_num_threads(threads) is called here.
Each result is printed as a line '@@RESULT {json}' (same fields as bench/lib/types.ts CellResult).
Timing: time.perf_counter() around the work only; cpu-par = time.process_time() / wall.
"""
import gzip
import json
import os
import statistics
import sys
import time

import numpy as np

TAG = '@@RESULT '
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FMNIST = '/usr/share/datasets/fashion-mnist'


def summary(xs):
    s = sorted(xs)
    return {'median': statistics.median(s), 'min': s[0], 'max': s[-1], 'n': len(s)}


class Clock:
    def __init__(self):
        self.wall = 0.0
        self.cpu = 0.0

    def start(self):
        self.c0 = time.process_time()
        self.t0 = time.perf_counter()

    def stop(self):
        dt = time.perf_counter() - self.t0
        self.wall += dt
        self.cpu += time.process_time() - self.c0
        return dt

    @property
    def par(self):
        return self.cpu / self.wall if self.wall > 0 else float('nan')


def emit(spec, **kw):
    r = {'workload': spec['workload'], 'lib': spec['lib'], 'backend': spec['backend'],
         'threads': spec.get('label', spec['threads'])}
    r.update(kw)
    # peak resident set size of this process so far (Linux reports ru_maxrss in KB), in MB
    import resource
    r.setdefault('rssMB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(TAG + json.dumps(r), flush=True)


def idx(path):
    with gzip.open(path, 'rb') as f:
        raw = f.read()
    magic = int.from_bytes(raw[0:4], 'big')
    if magic == 2051:
        n = int.from_bytes(raw[4:8], 'big')
        return np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(n, 784)
    n = int.from_bytes(raw[4:8], 'big')
    return np.frombuffer(raw, dtype=np.uint8, offset=8)[:n]


def fashion():
    xs = [idx(f'{FMNIST}/{p}-images-idx3-ubyte.gz').astype(np.float32) / np.float32(255) for p in ('train', 't10k')]
    ys = [idx(f'{FMNIST}/{p}-labels-idx1-ubyte.gz').astype(np.int64) for p in ('train', 't10k')]
    return xs[0], ys[0], xs[1], ys[1]


# ----------------------------------------------------------------------------------------- W1
def w1(spec):
    import torch
    sizes = spec.get('sizes') or [256, 512, 1024, 2048]
    plans = {256: (3, 21), 512: (2, 11), 1024: (1, 7), 2048: (1, 7)}
    rng = np.random.default_rng(0)
    for n in sizes:
        a = rng.uniform(-1, 1, (n, n)).astype(np.float32)
        b = rng.uniform(-1, 1, (n, n)).astype(np.float32)
        if spec['lib'] == 'torch':
            ta, tb = torch.from_numpy(a), torch.from_numpy(b)
            call = lambda: torch.mm(ta, tb)
        else:
            call = lambda: a @ b
        warm, reps = plans.get(n, (1, 7))
        if spec['quick']:
            warm, reps = min(warm, 1), 3
        cap = 1.0 if spec['quick'] else 25.0
        for _ in range(warm):
            call()
        clock, g = Clock(), []
        t0 = time.perf_counter()
        c = None
        for _ in range(reps):
            clock.start()
            c = call()
            g.append(2 * n ** 3 / clock.stop() / 1e9)
            if len(g) >= 3 and time.perf_counter() - t0 > cap:
                break
        c = np.asarray(c)
        rows = [0, n // 3, 2 * n // 3, n - 1]
        ref = a[rows].astype(np.float64) @ b.astype(np.float64)
        err = float(np.max(np.abs(c[rows] - ref)))
        emit(spec, case=f'n={n}', metric='GFLOP/s', unit='GFLOP/s', higherIsBetter=True, method='reps',
             cpuPar=clock.par, maxErr=err, **summary(g))


def blas_core():
    """The OpenBLAS this process loaded and the kernel set it chose (openblas_get_corename)."""
    import ctypes
    try:
        with open('/proc/self/maps') as f:
            libs = sorted({l.split()[-1] for l in f if 'openblas' in l and '.so' in l},
                          key=lambda p: (not os.path.basename(p).startswith('libopenblas'), p))
        for path in libs:
            lib = ctypes.CDLL(path)
            if hasattr(lib, 'openblas_get_corename'):
                lib.openblas_get_corename.restype = ctypes.c_char_p
                return f"{os.path.basename(path)} {lib.openblas_get_corename().decode()} kernels, threads {lib.openblas_get_num_threads()}"
    except Exception as e:  # noqa: BLE001 - a diagnostic only
        return f'unknown ({e})'
    return 'no OpenBLAS loaded'


def peak(spec):
    """W1 PEAK: n=2048 sgemm back to back for budgetS (4) s after 3 warm-up calls (1 with --quick)."""
    n = 2048
    rng = np.random.default_rng(0)
    a = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    b = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    if spec['lib'] == 'torch':
        import torch
        ta, tb = torch.from_numpy(a), torch.from_numpy(b)
        call = lambda: torch.mm(ta, tb)
    else:
        call = lambda: a @ b
    window = float(spec['budgetS'])
    c = None
    for _ in range(1 if spec['quick'] else 3):
        c = call()
    clock, g = Clock(), []
    t0 = time.perf_counter()
    while True:
        clock.start()
        c = call()
        g.append(2 * n ** 3 / clock.stop() / 1e9)
        if time.perf_counter() - t0 >= window and len(g) >= 3:
            break
    c = np.asarray(c)
    rows = [0, n // 3, 2 * n // 3, n - 1]
    err = float(np.max(np.abs(c[rows] - a[rows].astype(np.float64) @ b.astype(np.float64))))
    env = ', '.join(f'{k}={os.environ[k]}' for k in ('OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE') if k in os.environ) or 'OPENBLAS_CORETYPE/L2_SIZE unset'
    emit(spec, case='PEAK n=2048', metric='GFLOP/s', unit='GFLOP/s', higherIsBetter=True, method=f'back-to-back {window:g} s',
         cpuPar=clock.par, maxErr=err, best=max(g), note=f'{blas_core()}; {env}', **summary(g))


# ------------------------------------------------------------------------------------- W2, W3
def epoch_loop(step, batches_of_epoch, samples_per_epoch, after_epoch, max_epochs, budget, max_epoch_s, window_budget, window):
    clock = Clock()
    epoch_rates, epoch_times, windows = [], [], []
    timed = 0.0
    for e in range(max_epochs):
        if e > 0 and timed >= budget:
            break
        samples = win_samples = win_batches = 0
        windowed = False
        clock.start()
        t0 = tw = time.perf_counter()
        for xb, yb in batches_of_epoch(e):
            step(xb, yb)
            samples += len(yb)
            win_samples += len(yb)
            win_batches += 1
            now = time.perf_counter()
            # a window closes after `window` batches, or after window_budget / 8 s when that is slow
            if win_batches == window or now - tw >= window_budget / 8:
                windows.append(win_samples / (now - tw))
                tw, win_samples, win_batches = now, 0, 0
                elapsed = now - t0
                if not windowed and len(windows) >= 2 and elapsed * samples_per_epoch / samples > max_epoch_s:
                    windowed = True
                if windowed and elapsed >= window_budget and len(windows) >= 3:
                    break
        wall = clock.stop()
        timed += wall
        if samples < samples_per_epoch:
            s = summary(windows[1:])
            return s, 'windows', samples_per_epoch / s['median'], 0, clock.par
        epoch_rates.append(samples / wall)
        epoch_times.append(wall)
        windows = []
        after_epoch(e)
    return summary(epoch_rates), 'epochs', statistics.median(epoch_times), len(epoch_rates), clock.par


def w23(spec):
    import torch
    from torch import nn
    cnn = spec['workload'] == 'W3'
    xtr, ytr, xte, yte = fashion()
    X, Y = torch.from_numpy(xtr), torch.from_numpy(ytr)
    Xt, Yt = torch.from_numpy(xte), torch.from_numpy(yte)
    if cnn:
        X, Xt = X.view(-1, 1, 28, 28), Xt.view(-1, 1, 28, 28)
    torch.manual_seed(0)
    if cnn:
        model = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                              nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))
    else:
        model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    gen = torch.Generator().manual_seed(0)
    accs = []

    def batches(e):
        perm = torch.randperm(len(Y), generator=gen)
        for s in range(0, len(Y), 64):
            i = perm[s:s + 64]
            yield X[i], Y[i]

    def step(xb, yb):
        opt.zero_grad()
        loss_fn(model(xb), yb).backward()
        opt.step()

    def after(e):
        model.eval()
        with torch.no_grad():
            correct = sum(int((model(Xt[s:s + 1000]).argmax(1) == Yt[s:s + 1000]).sum()) for s in range(0, len(Yt), 1000))
        model.train()
        accs.append(correct / len(Yt))

    quick, budget = spec['quick'], spec['budgetS']
    max_epochs = 1 if quick else (spec.get('epochs') or (5 if not cnn else 1))
    s, method, epoch_s, epochs, par = epoch_loop(step, batches, len(Y), after, max_epochs, budget,
                                                 0 if quick else spec.get('maxEpochS', budget), budget, 20 if quick else 100)
    extra = {}
    if accs:
        extra['acc'] = accs[0]
    if len(accs) > 1:
        extra['accLast'] = accs[-1]
    emit(spec, case='epoch', metric='samples/s', unit='samples/s', higherIsBetter=True, method=method,
         cpuPar=par, epochS=epoch_s, epochs=epochs, **s, **extra)


# ----------------------------------------------------------------------------------------- W4
def w4(spec):
    import torch
    from torch import nn
    ids = np.fromfile(os.path.join(ROOT, 'data', 'text', 'corpus.ids'), dtype=np.uint8)
    B, T, V, H = 32, 64, 65, 128
    rng = np.random.default_rng(0)
    pool = []
    for _ in range(16):
        offs = rng.integers(0, len(ids) - T - 1, B)
        xi = np.stack([ids[o:o + T] for o in offs]).astype(np.int64)
        yi = np.stack([ids[o + 1:o + T + 1] for o in offs]).astype(np.int64)
        pool.append((nn.functional.one_hot(torch.from_numpy(xi), V).float(), torch.from_numpy(yi).reshape(-1)))
    torch.manual_seed(0)
    lstm, fc = nn.LSTM(V, H, batch_first=True), nn.Linear(H, V)
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.Adam(list(lstm.parameters()) + list(fc.parameters()), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)

    def step(i):
        x, y = pool[i % 16]
        opt.zero_grad()
        out, _ = lstm(x)
        loss_fn(fc(out).reshape(-1, V), y).backward()
        opt.step()

    quick = spec['quick']
    warm, window, budget = (1, 1, spec['budgetS']) if quick else (5, 5, spec['budgetS'])
    i = 0
    for _ in range(warm):
        step(i)
        i += 1
    clock, rates = Clock(), []
    clock.start()
    t0 = tw = time.perf_counter()
    while True:
        for _ in range(window):
            step(i)
            i += 1
        now = time.perf_counter()
        rates.append(window * B * T / (now - tw))
        tw = now
        if now - t0 >= budget and len(rates) >= 3:
            break
    clock.stop()
    emit(spec, case='train step', metric='tokens/s', unit='tokens/s', higherIsBetter=True, method='windows',
         cpuPar=clock.par, **summary(rates))


# ----------------------------------------------------------------------------------------- W6
def w6(spec):
    """The character GPT of WORKLOADS.md W6, as the workload states it in PyTorch terms."""
    import resource
    import torch
    from torch import nn
    ids = np.fromfile(os.path.join(ROOT, 'data', 'text', 'corpus.ids'), dtype=np.uint8)
    B, T, V, E, H, L, FF = 32, 128, 65, 128, 4, 4, 512
    rng = np.random.default_rng(0)
    pool = []
    for _ in range(16):
        offs = rng.integers(0, len(ids) - T - 1, B)
        xi = np.stack([ids[o:o + T] for o in offs]).astype(np.int64)
        yi = np.stack([ids[o + 1:o + T + 1] for o in offs]).astype(np.int64)
        pool.append((torch.from_numpy(xi), torch.from_numpy(yi).reshape(-1)))
    torch.manual_seed(0)

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok_emb = nn.Embedding(V, E)
            self.pos_emb = nn.Embedding(T, E)
            self.blocks = nn.TransformerEncoder(
                nn.TransformerEncoderLayer(E, H, FF, 0.0, 'gelu', batch_first=True, norm_first=True), L)
            self.ln_f = nn.LayerNorm(E)
            self.head = nn.Linear(E, V)
            self.register_buffer('mask', torch.triu(torch.full((T, T), float('-inf')), diagonal=1))

        def forward(self, x):
            h = self.tok_emb(x) + self.pos_emb.weight[:x.shape[1]]
            return self.head(self.ln_f(self.blocks(h, mask=self.mask)))

    model = GPT()
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)

    def step(i):
        x, y = pool[i % 16]
        opt.zero_grad()
        loss_fn(model(x).reshape(-1, V), y).backward()
        opt.step()

    quick = spec['quick']
    warm, window, budget = (1, 1, spec['budgetS']) if quick else (3, 2, spec['budgetS'])
    i = 0
    for _ in range(warm):
        step(i)
        i += 1
    clock, rates = Clock(), []
    clock.start()
    t0 = tw = time.perf_counter()
    while True:
        for _ in range(window):
            step(i)
            i += 1
        now = time.perf_counter()
        rates.append(window * B * T / (now - tw))
        tw = now
        if now - t0 >= budget and len(rates) >= 3:
            break
    clock.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    emit(spec, case='train step', metric='tokens/s', unit='tokens/s', higherIsBetter=True, method='windows',
         cpuPar=clock.par, peakRssMB=rss, note='%d parameters' % sum(p.numel() for p in model.parameters()),
         **summary(rates))


# ------------------------------------------------------------------------------------ W5, OPS
def rounds(call, warm, n_rounds, calls):
    for _ in range(warm):
        call()
    clock, us = Clock(), []
    for _ in range(n_rounds):
        clock.start()
        for _ in range(calls):
            call()
        us.append(clock.stop() * 1e6 / calls)
    return summary(us), clock.par


def w5(spec):
    import torch
    from torch import nn
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10)).eval()
    x = torch.rand(1, 784)

    def call():
        with torch.no_grad():
            return torch.softmax(model(x), 1).numpy()

    plan = (500, 5, 500) if spec['quick'] else (500, 9, 2000)
    s, par = rounds(call, *plan)
    emit(spec, case='forward', metric='us/call', unit='us', higherIsBetter=False, method='reps', cpuPar=par, **s)


def ops(spec):
    import torch
    a, b = torch.tensor([1.0]), torch.tensor([2.0])
    plan = (2000, 5, 5000) if spec['quick'] else (20000, 9, 20000)
    s, par = rounds(lambda: a + b, *plan)
    emit(spec, case='add 1-element', metric='us/op', unit='us', higherIsBetter=False, method='reps', cpuPar=par, **s)


def main():
    spec = json.loads(sys.argv[1])
    if spec['lib'] == 'torch':
        import torch
        torch.set_num_threads(int(spec['threads']))
        torch.manual_seed(0)
    if spec['workload'] == 'W1' and spec.get('peak'):
        return peak(spec)
    {'W1': w1, 'W2': w23, 'W3': w23, 'W4': w4, 'W5': w5, 'OPS': ops, 'W6': w6}[spec['workload']](spec)


if __name__ == '__main__':
    main()
