// Test driver of the native kernels alone (no Node): every kernel set the CPU runs (generic,
// avx2, avx512 on x86-64; generic = NEON on aarch64) against scalar double-precision oracles.
// Built and run by scripts/test-kernels.mjs, natively and, for aarch64, with the cross compiler
// under qemu-user. Prints one line per check group and exits non-zero on the first mismatch.
//
// GEMM: every edge tile (rows 1..MR and columns 1..NR of the last tile, n = NR + 1 etc.), k
// around the vector width and past KC, every op(A) / op(B) layout, beta, bias, 1 and 2
// threads, batches, the few-row path and the indirect (im2col) operands of gemmEx. Then the
// elementwise rows, reductions, softmax, Adam, the LSTM / GRU cells and conv2d forward and
// backward, each against its formula.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "../kernels/common.h"
#include "../kernels/rnn.h"

using namespace nabla;

static int failures = 0;
static long checks = 0;
static std::mt19937 rng(12345);

static std::vector<float> rand(size_t n) {
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  std::vector<float> v(n);
  for (auto& x : v) x = u(rng);
  return v;
}

// |got - want| <= tol * (1 + |want| + scale): scale is the size of the summed terms
static bool near(double got, double want, double tol, double scale = 0) {
  return std::fabs(got - want) <= tol * (1 + std::fabs(want) + scale) && got == got;
}

#define FAIL(...)                         \
  do {                                    \
    if (failures < 20) {                  \
      std::printf("  FAIL: " __VA_ARGS__); \
      std::printf("\n");                  \
    }                                     \
    failures++;                           \
  } while (0)

// ---------------------------------------------------------------------------------------------
// GEMM
// ---------------------------------------------------------------------------------------------
struct GemmCase {
  long m, n, k;
  int transA, transB, beta, bias, threads, batch;
};

static void checkGemm(const GemmCase& t) {
  const long m = t.m, n = t.n, k = t.k, B = t.batch;
  // padded leading dimensions catch kernels that assume ld == width
  const long lda = (t.transA ? m : k) + 3, ldb = (t.transB ? k : n) + 5, ldc = n + 2;
  const long rowsA = t.transA ? k : m, rowsB = t.transB ? n : k;
  auto A = rand(B * rowsA * lda), Bm = rand(B * rowsB * ldb), bias = rand(n);
  auto C = rand(B * m * ldc);
  const std::vector<float> C0 = C;
  GemmCall g{B, m, n, k, A.data(), lda, t.transA, rowsA * lda, Bm.data(), ldb, t.transB, rowsB * ldb,
             C.data(), ldc, m * ldc, t.beta, t.bias ? bias.data() : nullptr};
  setNumThreads(t.threads);
  gemm(g);
  for (long b = 0; b < B; b++) {
    for (long i = 0; i < m; i++) {
      for (long j = 0; j < ldc; j++) {
        const long at = b * m * ldc + i * ldc + j;
        if (j >= n) {  // padding between rows must be untouched
          if (std::memcmp(&C[at], &C0[at], 4) != 0) FAIL("gemm m=%ld n=%ld k=%ld wrote C[%ld, %ld] past n", m, n, k, i, j);
          continue;
        }
        double s = t.beta ? C0[at] : 0, mag = 0;
        for (long p = 0; p < k; p++) {
          const double a = t.transA ? A[b * rowsA * lda + p * lda + i] : A[b * rowsA * lda + i * lda + p];
          const double v = t.transB ? Bm[b * rowsB * ldb + j * ldb + p] : Bm[b * rowsB * ldb + p * ldb + j];
          s += a * v;
          mag += std::fabs(a * v);
        }
        if (t.bias) s += bias[j];
        checks++;
        if (!near(C[at], s, 1e-5, mag)) {
          FAIL("gemm m=%ld n=%ld k=%ld tA=%d tB=%d beta=%d bias=%d nt=%d batch=%d: C[%ld][%ld][%ld] = %g, want %g", m, n, k,
               t.transA, t.transB, t.beta, t.bias, t.threads, t.batch, b, i, j, C[at], s);
          return;
        }
      }
    }
  }
}

// gemmEx with indirect operands: aRows[p][i] and bRows[j][p]
static void checkGemmEx(long m, long n, long k, int indirectA, int indirectB, int threads) {
  auto A = rand(m * k + 7), Bm = rand(k * n + 7);
  // op(A)(i, p) = A[p * m + i] (rows of aRows are k-indexed), op(B)(p, j) = Bm[j * k + p]
  std::vector<const float*> aRows(k), bRows(n);
  for (long p = 0; p < k; p++) aRows[p] = A.data() + p * m;
  for (long j = 0; j < n; j++) bRows[j] = Bm.data() + j * k;
  std::vector<float> C(m * n);
  GemmEx g{m, n, k, A.data(), 1, m, indirectA ? aRows.data() : nullptr, Bm.data(), 1, k, indirectB ? bRows.data() : nullptr,
           C.data(), n, 0};
  setNumThreads(threads);
  gemmEx(g);
  for (long i = 0; i < m; i++)
    for (long j = 0; j < n; j++) {
      double s = 0, mag = 0;
      for (long p = 0; p < k; p++) {
        s += (double)A[p * m + i] * Bm[j * k + p];
        mag += std::fabs((double)A[p * m + i] * Bm[j * k + p]);
      }
      checks++;
      if (!near(C[i * n + j], s, 1e-5, mag)) {
        FAIL("gemmEx m=%ld n=%ld k=%ld indirect A=%d B=%d: C[%ld][%ld] = %g, want %g", m, n, k, indirectA, indirectB, i, j,
             C[i * n + j], s);
        return;
      }
    }
}

static void testGemm() {
  const IsaTable* T = isa();
  const long MR = T->mr, NR = T->nr, KC = T->kc;
  const int before = failures;
  // every edge tile of rows and columns, one and two tiles, all layouts
  std::vector<long> ms, ns;
  for (long r = 1; r <= MR; r++) ms.push_back(MR + r);
  for (long c = 1; c <= NR; c++) ns.push_back(NR + c);
  for (long m : ms)
    for (int tA = 0; tA < 2; tA++) checkGemm({m, NR + 3, 19, tA, 0, 0, 0, 1, 1});
  for (long n : ns)
    for (int tB = 0; tB < 2; tB++) checkGemm({MR + 1, n, 17, 0, tB, 1, (int)(n % 2), 1, 1});
  // the last panel of a few columns under many full row tiles (the paired edge kernels)
  for (long c = 1; c <= 16 && c < NR; c++) checkGemm({4 * MR + 1, NR + c, 33, 0, (int)(c & 1), (int)(c & 2), (int)(c & 4), 1, 1});
  for (long m : {1L, 2L, 3L, 4L, 5L, 7L, 8L, 9L, 13L})  // the few-row path and just past it
    for (long n : {1L, 5L, 8L, 17L, 33L, 70L})
      for (int tA = 0; tA < 2; tA++)
        for (int tB = 0; tB < 2; tB++) checkGemm({m, n, 23, tA, tB, (int)(n & 1), (int)(m & 1), 1, 1});
  // k around the vector widths and past the KC block (accumulation across K blocks)
  for (long k : {1L, 7L, 8L, 9L, 15L, 16L, 17L, 33L, KC - 1, KC + 1, 2 * KC + 5})
    checkGemm({2 * MR + 1, 2 * NR + 3, k, (int)(k & 1), (int)((k >> 1) & 1), 1, 1, 1, 1});
  checkGemm({MR, NR, 0, 0, 0, 1, 1, 1, 1});  // k = 0: C = beta C + bias
  // larger products: the threaded paths (shared B blocks, column chunks) and the batch split
  for (int nt : {1, 2}) {
    checkGemm({203, 211, 190, 0, 0, 0, 1, nt, 1});
    checkGemm({37, 530, 129, 0, 1, 1, 0, nt, 1});
    checkGemm({300, 65, 300, 1, 0, 0, 0, nt, 1});
    checkGemm({32, 512, 128, 0, 1, 0, 1, nt, 1});
    checkGemm({24, 40, 30, 0, 0, 1, 0, nt, 9});
    checkGemm({130, 90, 110, 1, 1, 0, 0, nt, 3});
    // column chunks over several KC blocks of a packed A (its panels packed by both threads),
    // and a few-row product whose packed A would not fit in half of L2 (shared B blocks)
    checkGemm({45, 300, 2 * KC + 37, 1, 1, 1, 1, nt, 1});
    checkGemm({128, 70, 1100, 0, 1, 0, 1, nt, 1});
  }
  for (int ia = 0; ia < 2; ia++)
    for (int ib = 0; ib < 2; ib++) {
      checkGemmEx(MR * 2 + 3, NR * 2 + 5, 45, ia, ib, 1);
      checkGemmEx(150, 140, 160, ia, ib, 2);
    }
  setNumThreads(1);
  std::printf("  gemm (MR %ld, NR %ld, KC %ld): %s\n", MR, NR, KC, failures == before ? "ok" : "FAILED");
}

// ---------------------------------------------------------------------------------------------
// Elementwise, reductions, softmax, Adam
// ---------------------------------------------------------------------------------------------
static void testElementwise() {
  const IsaTable* T = isa();
  const int before = failures;
  const long n = 37;
  auto x = rand(n), y = rand(n);
  std::vector<float> out(n);
  struct U { int op; double (*f)(double); double tol; };
  const U us[] = {
      {U_NEG, [](double v) { return -v; }, 0},
      {U_EXP, [](double v) { return std::exp(v); }, 1e-6},
      {U_TANH, [](double v) { return std::tanh(v); }, 1e-6},
      {U_SIGMOID, [](double v) { return 1 / (1 + std::exp(-v)); }, 1e-6},
      {U_RELU, [](double v) { return v > 0 ? v : 0; }, 0},
      {U_SQUARE, [](double v) { return v * v; }, 1e-7},
      {U_ABS, [](double v) { return std::fabs(v); }, 0},
  };
  for (const U& u : us) {
    T->unaryRow(u.op, x.data(), 1, out.data(), n);
    for (long i = 0; i < n; i++) {
      checks++;
      if (!near(out[i], u.f(x[i]), u.tol + 1e-7)) FAIL("unary op %d at %ld: %g, want %g", u.op, i, out[i], u.f(x[i]));
    }
  }
  T->binaryRow(B_MUL, x.data(), 1, y.data(), 0, out.data(), n);  // broadcast b
  for (long i = 0; i < n; i++) {
    checks++;
    if (!near(out[i], (double)x[i] * y[0], 1e-7)) FAIL("binary mul broadcast at %ld", i);
  }
  T->binaryRow(B_SUB, x.data(), 1, y.data(), 1, out.data(), n);
  for (long i = 0; i < n; i++) {
    checks++;
    if (!near(out[i], (double)x[i] - y[i], 1e-7)) FAIL("binary sub at %ld", i);
  }
  double s = 0, mx = -1e30;
  for (long i = 0; i < n; i++) s += x[i], mx = std::max(mx, (double)x[i]);
  checks += 2;
  if (!near(T->reduceRow(R_SUM, x.data(), n), s, 1e-6, n)) FAIL("reduceRow sum");
  if (T->reduceRow(R_MAX, x.data(), n) != (float)mx) FAIL("reduceRow max");
  const long inner = 11, rows = 5;
  auto z = rand(rows * inner);
  std::vector<float> col(inner);
  T->reduceCols(R_SUM, z.data(), rows, inner, col.data());
  for (long i = 0; i < inner; i++) {
    double c = 0;
    for (long r = 0; r < rows; r++) c += z[r * inner + i];
    checks++;
    if (!near(col[i], c, 1e-6, rows)) FAIL("reduceCols sum at %ld", i);
  }
  for (int lg = 0; lg < 2; lg++) {
    T->softmaxRow(x.data(), out.data(), n, lg);
    double se = 0;
    for (long i = 0; i < n; i++) se += std::exp((double)x[i] - mx);
    for (long i = 0; i < n; i++) {
      const double want = lg ? (double)x[i] - mx - std::log(se) : std::exp((double)x[i] - mx) / se;
      checks++;
      if (!near(out[i], want, 1e-6)) FAIL("softmax (log %d) at %ld: %g, want %g", lg, i, out[i], want);
    }
  }
  {
    auto p = rand(n), g = rand(n), m1 = rand(n), v1 = rand(n);
    for (auto& v : v1) v = std::fabs(v);
    auto p0 = p, m0 = m1, v0 = v1;
    AdamParams a{0.9f, 0.999f, 0.1f, 0.001f, 1e-8f, 1e-3f, 0.5f, 1e-3f, 0.f, 0};
    T->adam(p.data(), g.data(), m1.data(), v1.data(), n, a);
    for (long i = 0; i < n; i++) {
      const double mi = 0.9 * m0[i] + 0.1 * g[i], vi = 0.999 * v0[i] + 0.001 * (double)g[i] * g[i];
      const double pi = p0[i] - 1e-3 * mi / (std::sqrt(vi) / 0.5 + 1e-8);
      checks++;
      if (!near(p[i], pi, 1e-6) || !near(m1[i], mi, 1e-6) || !near(v1[i], vi, 1e-6)) FAIL("adam at %ld", i);
    }
  }
  {
    auto yy = rand(n);
    auto y0 = yy;
    T->axpy(n, 0.7f, x.data(), yy.data());
    double d = 0;
    for (long i = 0; i < n; i++) {
      checks++;
      if (!near(yy[i], y0[i] + 0.7 * x[i], 1e-6)) FAIL("axpy at %ld", i);
      d += (double)x[i] * y[i];
    }
    checks++;
    if (!near(T->dot(n, x.data(), y.data()), d, 1e-6, n)) FAIL("dot");
  }
  std::printf("  elementwise, reductions, softmax, adam, axpy, dot: %s\n", failures == before ? "ok" : "FAILED");
}

// ---------------------------------------------------------------------------------------------
// Recurrent cells
// ---------------------------------------------------------------------------------------------
static double sig(double v) { return 1 / (1 + std::exp(-v)); }

static void testRnn() {
  const int before = failures;
  const long batch = 3, H = 21;  // H not a multiple of any vector width
  auto gates = rand(batch * 4 * H), cPrev = rand(batch * H);
  const auto g0 = gates;
  std::vector<float> c(batch * H), h(batch * H), tc(batch * H);
  rnn()->lstmForward(batch, H, gates.data(), cPrev.data(), c.data(), h.data(), tc.data());
  for (long b = 0; b < batch; b++)
    for (long j = 0; j < H; j++) {
      const double i = sig(g0[b * 4 * H + j]), f = sig(g0[b * 4 * H + H + j]), g = std::tanh(g0[b * 4 * H + 2 * H + j]),
                   o = sig(g0[b * 4 * H + 3 * H + j]);
      const double cv = f * cPrev[b * H + j] + i * g, hv = o * std::tanh(cv);
      checks++;
      if (!near(c[b * H + j], cv, 1e-5) || !near(h[b * H + j], hv, 1e-5) || !near(gates[b * 4 * H + j], i, 1e-5))
        FAIL("lstmForward at (%ld, %ld): c %g want %g, h %g want %g", b, j, c[b * H + j], cv, h[b * H + j], hv);
    }
  auto gradH = rand(batch * H), gradC = rand(batch * H), dh = rand(batch * H), dc = rand(batch * H);
  const auto dc0 = dc;
  std::vector<float> dG(batch * 4 * H);
  rnn()->lstmBackward(batch, H, gates.data(), tc.data(), cPrev.data(), gradH.data(), gradC.data(), dh.data(), dc.data(), dG.data());
  for (long b = 0; b < batch; b++)
    for (long j = 0; j < H; j++) {
      const long q = b * H + j, r = b * 4 * H + j;
      const double i = gates[r], f = gates[r + H], g = gates[r + 2 * H], o = gates[r + 3 * H], t = tc[q];
      const double dht = (double)gradH[q] + dh[q];
      const double dct = (double)gradC[q] + dc0[q] + dht * o * (1 - t * t);
      checks++;
      if (!near(dG[r], dct * g * i * (1 - i), 1e-5) || !near(dG[r + H], dct * cPrev[q] * f * (1 - f), 1e-5) ||
          !near(dG[r + 2 * H], dct * i * (1 - g * g), 1e-5) || !near(dG[r + 3 * H], dht * t * o * (1 - o), 1e-5) ||
          !near(dc[q], dct * f, 1e-5))
        FAIL("lstmBackward at (%ld, %ld)", b, j);
    }
  // GRU forward: r = s(x_r + p_r), z = s(x_z + p_z), n = tanh(x_n + r p_n), h = (1 - z) n + z hPrev
  auto x = rand(batch * 3 * H), p = rand(batch * 3 * H), hPrev = rand(batch * H);
  std::vector<float> act(batch * 3 * H), pn(batch * H);
  rnn()->gruForward(batch, H, x.data(), p.data(), hPrev.data(), h.data(), act.data(), pn.data());
  for (long b = 0; b < batch; b++)
    for (long j = 0; j < H; j++) {
      const long o3 = b * 3 * H + j;
      const double r = sig((double)x[o3] + p[o3]), z = sig((double)x[o3 + H] + p[o3 + H]);
      const double nn = std::tanh(x[o3 + 2 * H] + r * p[o3 + 2 * H]);
      const double hv = (1 - z) * nn + z * hPrev[b * H + j];
      checks++;
      if (!near(h[b * H + j], hv, 1e-5)) FAIL("gruForward at (%ld, %ld): %g, want %g", b, j, h[b * H + j], hv);
    }
  std::printf("  lstm / gru cells: %s\n", failures == before ? "ok" : "FAILED");
}

// ---------------------------------------------------------------------------------------------
// conv2d
// ---------------------------------------------------------------------------------------------
static void testConv(long n, long cIn, long h, long w, long cOut, long k, long stride, long pad, long groups, int threads) {
  const int before = failures;
  ConvGeom g{};
  g.n = n; g.cIn = cIn; g.h = h; g.w = w; g.cOut = cOut; g.kh = k; g.kw = k; g.strideH = stride; g.strideW = stride;
  g.padH = pad; g.padW = pad; g.dilH = 1; g.dilW = 1; g.groups = groups;
  g.outH = (h + 2 * pad - k) / stride + 1;
  g.outW = (w + 2 * pad - k) / stride + 1;
  const long cg = cIn / groups, og = cOut / groups, P = g.outH * g.outW;
  auto x = rand(n * cIn * h * w), wt = rand(cOut * cg * k * k), bias = rand(cOut), dy = rand(n * cOut * P);
  std::vector<float> y(n * cOut * P), dx(n * cIn * h * w), dw(cOut * cg * k * k), db(cOut);
  setNumThreads(threads);
  conv2d(x.data(), wt.data(), bias.data(), g, y.data());
  conv2dBackwardInput(dy.data(), wt.data(), g, dx.data());
  conv2dBackwardWeight(x.data(), dy.data(), g, dw.data(), db.data());
  setNumThreads(1);
  std::vector<double> rdx(dx.size()), rdw(dw.size()), rdb(cOut);
  for (long b = 0; b < n; b++)
    for (long o = 0; o < cOut; o++) {
      const long gi = o / og;
      for (long oy = 0; oy < g.outH; oy++)
        for (long ox = 0; ox < g.outW; ox++) {
          double s = bias[o];
          const double d = dy[((b * cOut + o) * g.outH + oy) * g.outW + ox];
          rdb[o] += d;
          for (long ci = 0; ci < cg; ci++)
            for (long ky = 0; ky < k; ky++)
              for (long kx = 0; kx < k; kx++) {
                const long iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                const long xi = ((b * cIn + gi * cg + ci) * h + iy) * w + ix, wi = ((o * cg + ci) * k + ky) * k + kx;
                s += (double)x[xi] * wt[wi];
                rdx[xi] += d * wt[wi];
                rdw[wi] += d * x[xi];
              }
          const double got = y[((b * cOut + o) * g.outH + oy) * g.outW + ox];
          checks++;
          if (!near(got, s, 1e-5, cg * k * k)) FAIL("conv2d y at (%ld, %ld, %ld, %ld): %g, want %g", b, o, oy, ox, got, s);
        }
    }
  for (size_t i = 0; i < dx.size(); i++) {
    checks++;
    if (!near(dx[i], rdx[i], 1e-5, 10)) { FAIL("conv2d dx at %zu: %g, want %g", i, dx[i], rdx[i]); break; }
  }
  for (size_t i = 0; i < dw.size(); i++) {
    checks++;
    if (!near(dw[i], rdw[i], 1e-5, n * P)) { FAIL("conv2d dw at %zu: %g, want %g", i, dw[i], rdw[i]); break; }
  }
  for (long o = 0; o < cOut; o++) {
    checks++;
    if (!near(db[o], rdb[o], 1e-5, n * P)) FAIL("conv2d db at %ld", o);
  }
  std::printf("  conv2d n%ld c%ld %ldx%ld -> %ld k%ld s%ld p%ld g%ld, %d thread(s): %s\n", n, cIn, h, w, cOut, k, stride, pad,
              groups, threads, failures == before ? "ok" : "FAILED");
}

// The WebAssembly build's C exports (native/gen/wasm_exports.cc), called as its JavaScript will:
// arrays as pointers with dtype codes, scalars in the scratch (layout: native/gen/kernels.h).
extern "C" {
double* nb_scratch();
const char* nb_gemm(void* a, int aType, void* b, int bType, void* c, int cType, void* bias, int biasType, const double* S);
const char* nb_unary(void* x, int xType, void* out, int outType, const double* S);
}

static void testCExports() {
  // C[2x3] = A[2x4] B[4x3] + bias through nb_gemm, scratch in GemmArgs' field order
  float A[8], B[12], C[6], bias[3] = {1, 2, 3};
  for (int i = 0; i < 8; i++) A[i] = (float)(i + 1);
  for (int i = 0; i < 12; i++) B[i] = (float)(i % 5) - 2;
  double* S = nb_scratch();
  const double g[] = {1, 2, 3, 4, 0, 4, 0, 0, 0, 3, 0, 0, 0, 3, 0, 0, 0};
  for (int i = 0; i < 17; i++) S[i] = g[i];
  const char* err = nb_gemm(A, E_F32, B, E_F32, C, E_F32, bias, E_F32, S);
  checks++;
  if (err) { std::printf("  FAIL nb_gemm: %s\n", err); failures++; }
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 3; j++) {
      double want = bias[j];
      for (int p = 0; p < 4; p++) want += A[i * 4 + p] * B[p * 3 + j];
      checks++;
      if (std::fabs(C[i * 3 + j] - want) > 1e-4) { std::printf("  FAIL nb_gemm C[%d,%d] = %g, want %g\n", i, j, C[i * 3 + j], want); failures++; }
    }
  // a wrong dtype is refused, not run
  int32_t I[12] = {};
  checks++;
  if (!nb_gemm(A, E_F32, I, E_I32, C, E_F32, nullptr, -1, S)) { std::printf("  FAIL nb_gemm took an Int32Array\n"); failures++; }
  // unary neg over a transposed 2x3 view of A (strided block: offsets, rank, shape, strides; op after)
  for (int i = 0; i < 68; i++) S[i] = 0;
  S[0] = 0; S[3] = 2; S[4] = 4; S[5] = 2; S[20] = 1; S[21] = 4; S[68] = U_NEG;
  float out[8];
  err = nb_unary(A, E_F32, out, E_F32, S);
  checks++;
  if (err) { std::printf("  FAIL nb_unary: %s\n", err); failures++; }
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 2; j++) {
      checks++;
      if (out[i * 2 + j] != -A[j * 4 + i]) { std::printf("  FAIL nb_unary out[%d,%d]\n", i, j); failures++; }
    }
  std::printf("  C exports (wasm_exports.cc): ok\n");
}

int main(int argc, char** argv) {
  std::vector<std::string> isas;
  for (int i = 1; i < argc; i++) isas.push_back(argv[i]);
#ifdef NABLA_X86
  if (isas.empty()) isas = {"avx512", "avx2", "generic"};
#else
  if (isas.empty()) isas = {"generic"};  // aarch64: NEON micro-kernels; elsewhere portable loops
#endif
  int ran = 0;
  for (const std::string& name : isas) {
    if (!setIsa(name.c_str())) {
      std::printf("%s: not supported by this CPU (or not built), skipped\n", name.c_str());
      continue;
    }
    ran++;
    std::printf("%s (%s):\n", name.c_str(), isa()->name);
    testGemm();
    testElementwise();
    testRnn();
    testConv(2, 3, 9, 11, 5, 3, 1, 1, 1, 1);   // the direct stride-1 path
    testConv(3, 16, 14, 14, 32, 3, 1, 1, 1, 2);  // W3's second layer, threads (Winograd)
    testConv(5, 9, 7, 9, 13, 3, 1, 0, 1, 1);     // Winograd: odd sizes, channels off the tiles
    testConv(2, 4, 10, 9, 6, 3, 2, 0, 2, 1);   // strided, grouped (the im2col path)
    testConv(1, 2, 7, 7, 3, 5, 1, 2, 1, 1);
  }
  testCExports();
  std::printf("%ld checks, %d failure(s), %d kernel set(s)\n", checks, failures, ran);
  return failures == 0 && ran > 0 ? 0 : 1;
}
