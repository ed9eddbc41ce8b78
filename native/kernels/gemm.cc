// GEMM driver in the BLIS style: C = op(A)·op(B) (+ C), float32, row-major C.
//
//   for jc in N by NC:                      B block  (KC x NC)  packed once, shared by threads
//     for pc in K by KC:
//       pack B[pc:pc+KC, jc:jc+NC] into NR-wide micro-panels     (threads split the panels)
//       for ic in this thread's rows by MC:  A block (MC x KC) packed per thread, stays in L2
//         pack A[ic:ic+MC, pc:pc+KC] into MR-tall micro-panels
//         for jr in NC by NR:               B micro-panel (KC x NR) stays in L1
//           for ir in MC by MR:  micro-kernel  C[ir:ir+MR, jr:jr+NR] (+)= Ap · Bp
//
// Transposed operands and any leading dimension are absorbed by the packing routines
// (element (i, p) of op(A) is a[i*rsA + p*csA]), so no operand is ever copied whole. Edge tiles
// are zero-padded in the packed panels and written back through a small buffer.
// Threads (all work handed out through shared counters, see threadpool.h): products with many
// rows share each packed B block and take (row block x panel group) units; products with few
// rows (one A block, its packing within half of L2) share one packed A, packed by the threads
// together, and take column chunks over the whole k; batches of small products go one product per
// claim; m <= 8 (batch-1 inference) skips packing altogether (gemm_small.h). Below ~2*96^3
// multiply-adds a product stays on the calling thread.
// An optional bias row is added in the epilogue (C[i, j] += bias[j], Linear's x W^T + b): by the
// micro-kernel while the tile is in registers, on the last KC block only.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#include "common.h"
#include "threadpool.h"
#include "work_buffer.h"

namespace nabla {

// ---------------------------------------------------------------------------------------------
// ISA selection
// ---------------------------------------------------------------------------------------------
static bool supported(const char* name) {
  if (!std::strcmp(name, "generic")) return true;
#ifdef NABLA_X86
  __builtin_cpu_init();
  if (!std::strcmp(name, "avx2")) return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (!std::strcmp(name, "avx512"))
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma");
#endif
  return false;
}

static const IsaTable* byName(const char* name) {
  if (!supported(name)) return nullptr;
#ifdef NABLA_X86
  if (!std::strcmp(name, "avx512")) return isaAvx512();
  if (!std::strcmp(name, "avx2")) return isaAvx2();
#endif
  if (!std::strcmp(name, "generic")) return isaGeneric();
  return nullptr;
}

// Cache blocking from the caches found at run time (cpuCaches()):
//   KC: the B micro-panel streamed by every tile (KC x 16 floats at least) in half of L1d;
//       256 for 32 KiB (128 measured 5-10 % slower on Zen 4, 384 the same)
//   MC: the packed A block (MC x KC) in a quarter of L2, leaving room for B panels and C:
//       252 rows on 1 MiB (Zen 4, Skylake-SP), 126 on 512 KiB (Zen 3), 60 on 256 KiB (Haswell)
//   NC: the packed B block (KC x NC) in a quarter of L3, at most 4096 columns
// NABLA_GEMM_BLOCKS="mc,kc,nc" overrides them (for tuning on a new CPU).
static i64 clampTo(i64 v, i64 lo, i64 hi) { return v < lo ? lo : v > hi ? hi : v; }

static const IsaTable* withBlocks(const IsaTable* t) {
  static IsaTable copies[4];
  static const IsaTable* from[4];
  for (int i = 0; i < 4; i++)
    if (from[i] == t) return &copies[i];
  int slot = 0;
  while (slot < 4 && from[slot]) slot++;
  if (slot == 4) return t;
  IsaTable* c = &copies[slot];
  *c = *t;
  const CpuCaches& cc = cpuCaches();
  i64 kc = clampTo(cc.l1d / (2 * 16 * 4) / 16 * 16, 128, 512);
  i64 mc = clampTo(cc.l2 / 4 / (kc * 4), 4 * t->mr, 48 * t->mr);
  i64 nc = clampTo(cc.l3 / 4 / (kc * 4), 1024, 4096);
#ifndef __wasm__  // (no environment in the WebAssembly module, and sscanf would pull in stdio's imports)
  if (const char* e = std::getenv("NABLA_GEMM_BLOCKS")) {
    long m = 0, k = 0, n = 0;
    if (std::sscanf(e, "%ld,%ld,%ld", &m, &k, &n) == 3 && m >= 1 && k >= 1 && n >= 1) {
      mc = m;
      kc = k;
      nc = n;
    }
  }
#endif
  c->mc = (int)std::max<i64>(t->mr, mc / t->mr * t->mr);
  c->kc = (int)kc;
  c->nc = (int)((nc + t->nr - 1) / t->nr * t->nr);
  from[slot] = t;
  return c;
}

static bool forcedByEnv = false;

const char* bestIsaName() {
  for (const char* n : {"avx512", "avx2"})
    if (supported(n)) return n;
  return "generic";
}

bool isaForcedByEnv() {
  isa();
  return forcedByEnv;
}

static const IsaTable* chooseIsa() {
  if (const char* e = std::getenv("NABLA_ISA")) {
    if (const IsaTable* t = byName(e)) {
      forcedByEnv = std::strcmp(t->name, bestIsaName()) != 0;
      return withBlocks(t);
    }
#ifndef __wasm__  // (the WebAssembly module has no environment and no stderr: it imports nothing)
    std::fprintf(stderr, "nabla: NABLA_ISA=%s is unknown or not supported by this CPU (avx512, avx2, generic); using %s\n", e,
                 bestIsaName());
#endif
  }
  for (const char* n : {"avx512", "avx2", "generic"})
    if (const IsaTable* t = byName(n)) return withBlocks(t);
  return isaGeneric();
}

static const IsaTable* currentIsa = nullptr;

const IsaTable* isa() {
  if (!currentIsa) currentIsa = chooseIsa();
  return currentIsa;
}

bool setIsa(const char* name) {
  const IsaTable* t = byName(name);
  if (!t) return false;
  currentIsa = withBlocks(t);
  return true;
}

// Buffers: one growable 64-byte-aligned scratch area per thread and purpose (work_buffer.h).
static thread_local Buf tlsA, tlsB;

// One product (no batch): op(A) m x k, op(B) k x n, C m x n.
struct Mat {
  i64 m, n, k;
  const float* a; i64 rsA, csA;
  const float* b; i64 rsB, csB;
  float* c; i64 ldc;
  int beta;
  const float* bias = nullptr;          // C[i, j] += bias[j] after the product
  const float* const* aRows = nullptr;  // indirect A: element (i, p) = aRows[p][i]
  const float* const* bRows = nullptr;  // indirect B: element (p, j) = bRows[j][p]
};

// Packs rows [i, i+mr) x k-range [pc, pc+kc) of op(A) / columns [j, j+nr) of op(B).
static inline void packAAt(const IsaTable* T, const Mat& M, i64 i, i64 pc, i64 mr, i64 kc, float* Ap) {
  if (M.aRows) T->packAIndirect(mr, kc, M.aRows + pc, i, Ap);
  else T->packA(mr, kc, M.a + i * M.rsA + pc * M.csA, M.rsA, M.csA, Ap);
}
static inline void packBAt(const IsaTable* T, const Mat& M, i64 j, i64 pc, i64 nr, i64 kc, float* Bp) {
  if (M.bRows) T->packBIndirect(nr, kc, M.bRows + j, pc, Bp);
  else T->packB(nr, kc, M.b + pc * M.rsB + j * M.csB, M.rsB, M.csB, Bp);
}

// C = (beta ? C : 0) + bias: the whole product when k = 0.
static void epilogueOnly(const Mat& M) {
  for (i64 i = 0; i < M.m; i++) {
    float* c = M.c + i * M.ldc;
    if (!M.beta) {
      if (M.bias) std::memcpy(c, M.bias, sizeof(float) * M.n);
      else std::memset(c, 0, sizeof(float) * M.n);
    } else if (M.bias) {
      for (i64 j = 0; j < M.n; j++) c[j] += M.bias[j];
    }
  }
}

// Multiplies the packed A block (mc x kc) by the packed B panels [jr0, jr1) into C, adding
// bias[j] (column j of this block; null for none) to every row. Full tiles go to ukr; the last
// rows and the last panel's columns to ukrEdge, which computes only the rows and vectors they
// cover and writes C through masks.
static void macroKernel(const IsaTable* T, i64 mc, i64 nc, i64 kc, const float* Ap, const float* Bp, float* C,
                        i64 ldc, int acc, i64 jr0, i64 jr1, const float* bias) {
  const int MR = T->mr, NR = T->nr;
  for (i64 jp = jr0; jp < jr1; jp++) {
    const i64 j = jp * NR;
    const int nr = (int)std::min<i64>(NR, nc - j);
    const float* bp = Bp + jp * NR * kc;
    const float* bj = bias ? bias + j : nullptr;
    i64 i = 0;
    if (nr < NR && nr <= T->pairMaxN && T->ukrEdgePair)
      for (; i + 2 * MR <= mc; i += 2 * MR) T->ukrEdgePair(nr, kc, Ap + i * kc, bp, C + i * ldc + j, ldc, acc, bj);
    for (; i < mc; i += MR) {
      const int mr = (int)std::min<i64>(MR, mc - i);
      const float* ap = Ap + i * kc;
      float* c = C + i * ldc + j;
      if (mr == MR && nr == NR) T->ukr(kc, ap, bp, c, ldc, acc, bj);
      else T->ukrEdge(mr, nr, kc, ap, bp, c, ldc, acc, bj);
    }
  }
}

struct Job {
  const IsaTable* T;
  Mat M;
  float* Bp;  // shared packed B block
  Barrier* bar;
};

// Thread tid of nt computes rows [m0, m1) of C; all threads pack B panels together.
static void gemmRows(const Job& J, int tid, int nt) {
  const IsaTable* T = J.T;
  const Mat& M = J.M;
  const i64 MR = T->mr, NR = T->nr, MC = T->mc, KC = T->kc, NC = T->nc;
  // split rows in whole MR tiles
  const i64 tiles = (M.m + MR - 1) / MR;
  const i64 m0 = std::min(M.m, (tiles * tid / nt) * MR);
  const i64 m1 = std::min(M.m, (tiles * (tid + 1) / nt) * MR);
  float* Ap = tlsA.get((size_t)MC * KC);
  for (i64 jc = 0; jc < M.n; jc += NC) {
    const i64 nc = std::min(NC, M.n - jc);
    const i64 panels = (nc + NR - 1) / NR;
    for (i64 pc = 0; pc < M.k; pc += KC) {
      const i64 kc = std::min(KC, M.k - pc);
      const i64 p0 = panels * tid / nt, p1 = panels * (tid + 1) / nt;
      for (i64 jp = p0; jp < p1; jp++) {
        const i64 j = jc + jp * NR;
        packBAt(T, M, j, pc, std::min(NR, M.n - j), kc, J.Bp + jp * NR * kc);
      }
      J.bar->wait();
      const int acc = M.beta || pc > 0;
      const bool lastK = M.bias && pc + kc >= M.k;
      for (i64 ic = m0; ic < m1; ic += MC) {
        const i64 mc = std::min(MC, m1 - ic);
        for (i64 i = 0; i < mc; i += MR)
          packAAt(T, M, ic + i, pc, std::min(MR, mc - i), kc, Ap + i * kc);
        macroKernel(T, mc, nc, kc, Ap, J.Bp, M.c + ic * M.ldc + jc, M.ldc, acc, 0, panels, lastK ? M.bias + jc : nullptr);
      }
      J.bar->wait();
    }
  }
}

// Rows of C up to which the no-packing path runs (NABLA_GEMM_SMALL_M overrides, for tuning;
// 0 turns it off). Packing pads m up to a whole MR tile (14 rows on AVX-512), so for Linear
// shapes on one thread (AVX-512, m x 256 x 784 and m x 128 x 256, transposed B) the small path
// was 2-6x faster at m = 1..8 and still ~1.3x at m = 12; above m = 8 these products are big
// enough for two threads, which only the packed paths use.
static i64 smallMaxM() {
  static const i64 v = [] {
    const char* e = std::getenv("NABLA_GEMM_SMALL_M");
    return e ? std::max<i64>(0, std::atol(e)) : (i64)8;
  }();
  return v;
}

// A few rows of C: no packing (gemm_small.h). B must have contiguous rows in one of its two
// layouts; a transposed A is first copied into rows (m*k floats). Row groups of 4.
static bool gemmSmall(const IsaTable* T, const Mat& M) {
  if (M.m > smallMaxM() || M.aRows || M.bRows) return false;
  const bool dotB = M.rsB == 1;  // B stored n x k: the columns of op(B) are contiguous rows
  if (!dotB && M.csB != 1) return false;
  const float* a = M.a;
  i64 lda = M.rsA;
  if (M.csA != 1 && M.k > 1) {
    float* buf = tlsA.get((size_t)(M.m * M.k));
    for (i64 i = 0; i < M.m; i++)
      for (i64 p = 0; p < M.k; p++) buf[i * M.k + p] = M.a[i * M.rsA + p * M.csA];
    a = buf;
    lda = M.k;
  }
  for (i64 i = 0; i < M.m; i += 4) {
    const i64 mi = std::min<i64>(4, M.m - i);
    if (dotB) T->smallT(mi, M.n, M.k, a + i * lda, lda, M.b, M.csB, M.c + i * M.ldc, M.ldc, M.beta, M.bias);
    else T->smallN(mi, M.n, M.k, a + i * lda, lda, M.b, M.rsB, M.c + i * M.ldc, M.ldc, M.beta, M.bias);
  }
  return true;
}

// Single-threaded product (used directly, and per thread for batch splits).
static void gemmSerial(const IsaTable* T, const Mat& M) {
  if (M.m == 0 || M.n == 0) return;
  if (gemmSmall(T, M)) return;
  if (M.k == 0) {
    epilogueOnly(M);
    return;
  }
  Barrier bar(1);
  const i64 NR = T->nr;
  const i64 ncMax = std::min<i64>(T->nc, ((M.n + NR - 1) / NR) * NR);
  Job J{T, M, tlsB.get((size_t)std::min<i64>(T->kc, M.k) * ncMax), &bar};
  gemmRows(J, 0, 1);
}

// Few rows (m <= MC): all of A is packed once (mPad x k, every KC block), the threads packing
// its MR-row panels together, then they take chunks of columns from a shared counter, each chunk
// over the whole k (its C tile stays in cache), each thread packing its own B panels. One wait
// per product (for the packed A), against two per KC block in gemmShared. W2 in WebAssembly
// (products m = 64..256, k = 64..784): this path with Adam split over the threads made the
// two-thread training step 6-11 % faster (measured in one process, alternating); natively
// within 2 %. See the caller for when it applies.
static void gemmColumns(const IsaTable* T, const Mat& M, int nt) {
  const i64 MR = T->mr, NR = T->nr, KC = T->kc;
  const i64 mPad = (M.m + MR - 1) / MR * MR;
  const i64 aPanels = mPad / MR;
  // packed A: for each KC block pc, mPad x kc in MR-row panels, at offset pc*mPad
  float* Ap = tlsA.get((size_t)mPad * M.k);
  const i64 panels = (M.n + NR - 1) / NR;
  // about 4 chunks per thread, at least one panel and at most 8 panels (256 columns) each
  const i64 per = std::max<i64>(1, std::min<i64>(8, panels / (4 * nt)));
  const i64 chunks = (panels + per - 1) / per;
  std::atomic<i64> aNext{0}, aDone{0}, next{0};
  auto task = [&](int, int) {
    // A's panels first: a thread waits only for panels others have claimed (and are packing)
    for (i64 u; (u = aNext.fetch_add(1, std::memory_order_relaxed)) < aPanels;) {
      const i64 i = u * MR, mr = std::min(MR, M.m - i);
      for (i64 pc = 0; pc < M.k; pc += KC) {
        const i64 kc = std::min(KC, M.k - pc);
        packAAt(T, M, i, pc, mr, kc, Ap + pc * mPad + i * kc);
      }
      aDone.fetch_add(1, std::memory_order_release);
    }
    spinUntil([&] { return aDone.load(std::memory_order_acquire) == aPanels; });
    float* Bp = tlsB.get((size_t)std::min<i64>(KC, M.k) * per * NR);
    for (i64 ch; (ch = next.fetch_add(1, std::memory_order_relaxed)) < chunks;) {
      const i64 j0 = ch * per * NR, j1 = std::min(M.n, j0 + per * NR);
      const i64 nc = j1 - j0;
      const i64 np = (nc + NR - 1) / NR;
      for (i64 pc = 0; pc < M.k; pc += KC) {
        const i64 kc = std::min(KC, M.k - pc);
        for (i64 jp = 0; jp < np; jp++) {
          const i64 j = j0 + jp * NR;
          packBAt(T, M, j, pc, std::min(NR, M.n - j), kc, Bp + jp * NR * kc);
        }
        macroKernel(T, M.m, nc, kc, Ap + pc * mPad, Bp, M.c + j0, M.ldc, M.beta || pc > 0, 0, np,
                    M.bias && pc + kc >= M.k ? M.bias + j0 : nullptr);
      }
    }
  };
  parallel((int)std::min<i64>(nt, chunks), task);
}

// Many rows: the threads share each packed B block. Every (jc, pc) step has two phases, each a
// list of work units taken from a shared counter: packing the B panels, then multiplying
// (row block x group of panels) units. A thread waits only for units other threads have
// claimed and not finished, so a thread the OS does not run costs at most the unit it holds.
// Each thread packs the A blocks it multiplies itself (threads sharing one packed A per step,
// packed together, measured no faster in the WebAssembly module and slower natively, and was
// dropped).
struct SharedJob {
  const IsaTable* T;
  Mat M;
  float* Bp;
  i64 nSteps, kSteps;
  std::atomic<i64>* ctr;  // per step: packNext, packDone, compNext (blocks claimed), compDone
  i64 icBlocks;           // row blocks of MC rows
  std::atomic<i64>* grp;  // per step and row block: next panel group
};

// The steps with per-thread packed A: a thread claims a whole row block (packs its A once) and
// works through that block's panel groups; when no block is left unclaimed it helps with the
// groups other threads have not reached yet (packing their A block for itself). So each A block
// is packed about once, not once per thread that touches it, and the last groups still spread
// over the threads. Units of a step: icBlocks x groups; done when compDone reaches that count.
static void sharedWorker(SharedJob& J) {
  const IsaTable* T = J.T;
  const Mat& M = J.M;
  const i64 NR = T->nr, MC = T->mc, KC = T->kc, NC = T->nc, MR = T->mr;
  float* Ap = tlsA.get((size_t)MC * KC);
  const i64 icBlocks = J.icBlocks;
  for (i64 s = 0; s < J.nSteps; s++) {
    const i64 jc = (s / J.kSteps) * NC, pc = (s % J.kSteps) * KC;
    const i64 nc = std::min(NC, M.n - jc), kc = std::min(KC, M.k - pc);
    const i64 panels = (nc + NR - 1) / NR;
    std::atomic<i64>* c = J.ctr + 4 * s;
    std::atomic<i64>* grp = J.grp + icBlocks * s;  // per row block: next panel group
    for (i64 u; (u = c[0].fetch_add(1, std::memory_order_relaxed)) < panels;) {
      const i64 j = jc + u * NR;
      packBAt(T, M, j, pc, std::min(NR, M.n - j), kc, J.Bp + u * NR * kc);
      c[1].fetch_add(1, std::memory_order_release);
    }
    spinUntil([&] { return c[1].load(std::memory_order_acquire) == panels; });
    // groups of at least 2 panels, about 8 per row block: what is left of a block when the
    // blocks run out is shared in those pieces
    const i64 per = std::max<i64>(2, (panels + 7) / 8);
    const i64 perRow = (panels + per - 1) / per;
    const i64 units = icBlocks * perRow;
    const int acc = M.beta || pc > 0;
    auto work = [&](i64 ib, bool packed) {
      const i64 ic = ib * MC, mc = std::min(MC, M.m - ic);
      for (i64 gr; (gr = grp[ib].fetch_add(1, std::memory_order_relaxed)) < perRow;) {
        if (!packed) {
          for (i64 i = 0; i < mc; i += MR) packAAt(T, M, ic + i, pc, std::min(MR, mc - i), kc, Ap + i * kc);
          packed = true;
        }
        macroKernel(T, mc, nc, kc, Ap, J.Bp, M.c + ic * M.ldc + jc, M.ldc, acc, gr * per, std::min(panels, (gr + 1) * per),
                    M.bias && pc + kc >= M.k ? M.bias + jc : nullptr);
        c[3].fetch_add(1, std::memory_order_release);
      }
    };
    for (i64 ib; (ib = c[2].fetch_add(1, std::memory_order_relaxed)) < icBlocks;) work(ib, false);
    // no block left to claim: help with the groups still open, from the last blocks claimed back
    for (i64 ib = icBlocks - 1; ib >= 0; ib--) work(ib, false);
    spinUntil([&] { return c[3].load(std::memory_order_acquire) == units; });
  }
}

static void gemmShared(const IsaTable* T, const Mat& M, int nt) {
  const i64 NR = T->nr, KC = T->kc, NC = T->nc;
  const i64 ncMax = std::min<i64>(NC, ((M.n + NR - 1) / NR) * NR);
  SharedJob J;
  J.T = T;
  J.M = M;
  J.Bp = tlsB.get((size_t)std::min<i64>(KC, M.k) * ncMax);
  J.kSteps = (M.k + KC - 1) / KC;
  J.nSteps = ((M.n + NC - 1) / NC) * J.kSteps;
  J.icBlocks = (M.m + T->mc - 1) / T->mc;
  // counters: 4 per step, then one per step and row block
  const i64 nCtr = 4 * J.nSteps + J.nSteps * J.icBlocks;
  std::atomic<i64> small[128];
  std::atomic<i64>* ctr = nCtr <= 128 ? small : new std::atomic<i64>[nCtr];
  for (i64 i = 0; i < nCtr; i++) ctr[i].store(0, std::memory_order_relaxed);
  J.ctr = ctr;
  J.grp = ctr + 4 * J.nSteps;
  auto task = [&](int, int) { sharedWorker(J); };
  parallel(nt, task);
  if (ctr != small) delete[] ctr;
}

static void gemmParallel(const IsaTable* T, const Mat& M, int nt) {
  if (M.m == 0 || M.n == 0) return;
  if (M.k == 0 || nt <= 1 || M.m <= smallMaxM()) {
    gemmSerial(T, M);
    return;
  }
  // gemmColumns while all of packed A fits in half of L2 (every chunk reads all of it; past
  // that, gemmShared's A blocks stay in L2 while they sweep the B panels); gemmShared for more
  // rows than one A block, or (as before) a packed A too large for L2 with enough rows to split
  const i64 MR = T->mr;
  const i64 mPad = (M.m + MR - 1) / MR * MR;
  const bool aFits = (double)mPad * (double)M.k * sizeof(float) <= (double)cpuCaches().l2 / 2;
  if (M.m > T->mc || (!aFits && M.m >= (i64)nt * MR * 4)) {
    gemmShared(T, M, nt);
    return;
  }
  gemmColumns(T, M, nt);
}

static int threadsFor(double work, int maxThreads) {
  const int nt = maxThreads > 0 ? maxThreads : numThreads();
  const double perThreadMin = 96.0 * 96.0 * 96.0;
  if (work < 2 * perThreadMin) return 1;
  return (int)std::min<double>(nt, work / perThreadMin);
}

void gemmEx(const GemmEx& g, int maxThreads) {
  if (g.m <= 0 || g.n <= 0) return;
  Mat M;
  M.m = g.m;
  M.n = g.n;
  M.k = g.k;
  M.a = g.a;
  M.rsA = g.rsA;
  M.csA = g.csA;
  M.aRows = g.aRows;
  M.b = g.b;
  M.rsB = g.rsB;
  M.csB = g.csB;
  M.bRows = g.bRows;
  M.c = g.c;
  M.ldc = g.ldc;
  M.beta = g.beta;
  gemmParallel(isa(), M, threadsFor((double)g.m * g.n * g.k, maxThreads));
}

void gemm(const GemmCall& g, int maxThreads) {
  const IsaTable* T = isa();
  if (g.batch <= 0 || g.m <= 0 || g.n <= 0) return;
  Mat M;
  M.m = g.m;
  M.n = g.n;
  M.k = g.k;
  M.a = g.a;
  M.rsA = g.transA ? 1 : g.lda;
  M.csA = g.transA ? g.lda : 1;
  M.b = g.b;
  M.rsB = g.transB ? 1 : g.ldb;
  M.csB = g.transB ? g.ldb : 1;
  M.c = g.c;
  M.ldc = g.ldc;
  M.beta = g.beta;
  M.bias = g.bias;
  int nt = maxThreads > 0 ? maxThreads : numThreads();
  const double work = (double)g.m * (double)g.n * (double)g.k;  // multiply-adds per product
  // below ~64^3 multiply-adds per thread, waking another thread costs more than it saves
  const double perThreadMin = 96.0 * 96.0 * 96.0;
  if (g.batch > 1 && g.strideC != 0 && nt > 1 && work * g.batch >= 2 * perThreadMin &&
      (work < 4 * perThreadMin || g.batch >= 4 * nt)) {
    // batch of small products: one product per thread at a time
    std::atomic<i64> next{0};
    auto task = [&](int, int) {
      for (i64 bi; (bi = next.fetch_add(1, std::memory_order_relaxed)) < g.batch;) {
        Mat S = M;
        S.a = g.a + bi * g.strideA;
        S.b = g.b + bi * g.strideB;
        S.c = g.c + bi * g.strideC;
        gemmSerial(T, S);
      }
    };
    parallel((int)std::min<i64>(nt, g.batch), task);
    return;
  }
  int ntOne = nt;
  if (work < 2 * perThreadMin) ntOne = 1;
  else ntOne = (int)std::min<double>(nt, work / perThreadMin);
  for (i64 bi = 0; bi < g.batch; bi++) {
    Mat S = M;
    S.a = g.a + bi * g.strideA;
    S.b = g.b + bi * g.strideB;
    S.c = g.c + bi * g.strideC;
    gemmParallel(T, S, ntOne);
  }
}

}  // namespace nabla
