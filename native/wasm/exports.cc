// The WebAssembly module's C ABI: one export per kernel, argument unpacking only (the
// WebAssembly counterpart of native/addon.cc, same scratch layouts). The TypeScript side
// (src/backend/wasm/) copies each array's touched range into this module's memory (nb_arena),
// writes shapes, strides, offsets (relative to the copied range) and geometry into the scratch
// (nb_scratch, 512 doubles), calls the export with the arrays' addresses, and copies the outputs
// back. Sizes travel as i32 (wasm32 memory holds at most 4 GiB), float parameters as f64.
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "common.h"
#include "rnn.h"

#define NB_EXPORT(name) extern "C" __attribute__((export_name(#name))) __attribute__((used))

using namespace nabla;

namespace {

constexpr int kScratch = 512;
constexpr int kMaxNd = 16;
double scratch[kScratch];
void* arena = nullptr;
size_t arenaBytes = 0;

inline i64 s(int i) { return (i64)scratch[i]; }

// Strided kernels: operand offsets at [0, 4), the collapsed shape at [4, 20), operand j's strides
// at [20 + 16j, 36 + 16j) (as native/addon.cc).
void strided(int nd, int nops, i64* off, i64* shape, i64 (*st)[kMaxNd]) {
  for (int j = 0; j < nops; j++) off[j] = s(j);
  for (int d = 0; d < nd; d++) shape[d] = s(4 + d);
  for (int j = 0; j < nops; j++)
    for (int d = 0; d < nd; d++) st[j][d] = s(20 + 16 * j + d);
}
inline size_t elemBytes(int t) { return t == E_U8 ? 1 : 4; }

ConvGeom convGeom() {
  ConvGeom g;
  g.n = s(0); g.cIn = s(1); g.h = s(2); g.w = s(3); g.cOut = s(4); g.kh = s(5); g.kw = s(6);
  g.strideH = s(7); g.strideW = s(8); g.padH = s(9); g.padW = s(10); g.dilH = s(11); g.dilW = s(12);
  g.groups = s(13); g.outH = s(14); g.outW = s(15);
  return g;
}
PoolGeom poolGeom() {
  PoolGeom g;
  g.n = s(0); g.c = s(1); g.h = s(2); g.w = s(3); g.kh = s(4); g.kw = s(5); g.strideH = s(6); g.strideW = s(7);
  g.padH = s(8); g.padW = s(9); g.outH = s(10); g.outW = s(11); g.countIncludePad = (int)s(12);
  return g;
}

// attention: scratch as native/addon.cc (batch heads l s d dv causal scale, then per operand its
// offset and strides: q [8,12) k [12,16) v [16,20) mask [20,25) out [25,29) g [29,33) dq [33,37)
// dk [37,41) dv [41,45))
void attnCommon(AttnArgs& a, float* q, float* k, float* v, float* mask, float* out) {
  a.batch = s(0); a.heads = s(1); a.l = s(2); a.s = s(3); a.d = s(4); a.dv = s(5);
  a.causal = (int)s(6);
  a.scale = (float)scratch[7];
  auto view = [&](int at, const float* p, i64* st, int n) {
    for (int i = 0; i < n; i++) st[i] = s(at + 1 + i);
    return p + s(at);
  };
  a.q = view(8, q, a.qs, 3);
  a.k = view(12, k, a.ks, 3);
  a.v = view(16, v, a.vs, 3);
  a.mask = mask ? view(20, mask, a.ms, 4) : nullptr;
  if (!mask) a.ms[0] = a.ms[1] = a.ms[2] = a.ms[3] = 0;
  a.out = out + s(25);
  for (int i = 0; i < 3; i++) a.os[i] = s(26 + i);
}

}  // namespace

// ---- memory ----
NB_EXPORT(nb_scratch) double* nb_scratch() { return scratch; }

// A buffer of at least `bytes` (64-byte aligned) for one call's arrays; reused by later calls.
// Returns 0 if the memory cannot grow that far.
NB_EXPORT(nb_arena) void* nb_arena(size_t bytes) {
  if (bytes <= arenaBytes) return arena;
  std::free(arena);
  size_t want = arenaBytes * 2 > bytes ? arenaBytes * 2 : bytes;
  want = (want + 63) & ~size_t(63);
  arena = std::aligned_alloc(64, want);
  if (!arena) {
    want = (bytes + 63) & ~size_t(63);
    arena = std::aligned_alloc(64, want);
  }
  arenaBytes = arena ? want : 0;
  return arena;
}

// ---- info: isa name (C string), then mr nr mc kc nc threads into the scratch ----
NB_EXPORT(nb_info) const char* nb_info() {
  const IsaTable* t = isa();
  scratch[0] = t->mr; scratch[1] = t->nr; scratch[2] = t->mc; scratch[3] = t->kc; scratch[4] = t->nc;
  scratch[5] = numThreads();
  return t->name;
}
NB_EXPORT(nb_set_num_threads) int nb_set_num_threads(int n) {
  setNumThreads(n);
  return numThreads();
}

// ---- kernels ----
// gemm(a, b, c, bias|0); scratch: batch m n k aOff lda transA strideA bOff ldb transB strideB cOff ldc
// strideC beta biasOff
NB_EXPORT(nb_gemm) void nb_gemm(float* a, float* b, float* c, float* bias) {
  GemmCall g;
  g.batch = s(0); g.m = s(1); g.n = s(2); g.k = s(3);
  g.a = a + s(4); g.lda = s(5); g.transA = (int)s(6); g.strideA = s(7);
  g.b = b + s(8); g.ldb = s(9); g.transB = (int)s(10); g.strideB = s(11);
  g.c = c + s(12); g.ldc = s(13); g.strideC = s(14); g.beta = (int)s(15);
  g.bias = bias ? bias + s(16) : nullptr;
  gemm(g);
}

// unary(op, x, tx, out, to, nd): tx E_F32/E_U8/E_I32; to E_F32, or E_U8 for `not`
NB_EXPORT(nb_unary) void nb_unary(int op, void* x, int tx, void* out, int to, int nd) {
  i64 off[1], shape[kMaxNd], st[1][kMaxNd];
  strided(nd, 1, off, shape, st);
  const void* xs = (const char*)x + off[0] * elemBytes(tx);
  if (tx == E_F32 && to == E_F32) unaryStrided(op, (const float*)xs, shape, st[0], nd, (float*)out);
  else unaryMixedStrided(op, xs, tx, st[0], shape, nd, to == E_F32 ? (float*)out : nullptr, to == E_U8 ? (uint8_t*)out : nullptr);
}

NB_EXPORT(nb_binary) void nb_binary(int op, void* a, int ta, void* b, int tb, void* out, int to, int nd) {
  i64 off[2], shape[kMaxNd], st[2][kMaxNd];
  strided(nd, 2, off, shape, st);
  float* outF = to == E_F32 ? (float*)out : nullptr;
  uint8_t* outB = to == E_U8 ? (uint8_t*)out : nullptr;
  if (ta == E_F32 && tb == E_F32) {
    binaryStrided(op, (const float*)a + off[0], st[0], (const float*)b + off[1], st[1], shape, nd, outF, outB);
  } else {
    binaryMixedStrided(op, (const char*)a + off[0] * elemBytes(ta), ta, st[0], (const char*)b + off[1] * elemBytes(tb), tb,
                       st[1], shape, nd, outF, outB);
  }
}

NB_EXPORT(nb_where) void nb_where(void* cond, int tc, float* a, float* b, float* out, int nd) {
  i64 off[3], shape[kMaxNd], st[3][kMaxNd];
  strided(nd, 3, off, shape, st);
  whereMixedStrided((const char*)cond + off[0] * elemBytes(tc), tc, st[0], a + off[1], st[1], b + off[2], st[2], shape, nd, out);
}

// copy(x, out, elemSize, nd) between arrays of one element type (operands x, out)
NB_EXPORT(nb_copy) void nb_copy(void* x, void* out, int es, int nd) {
  i64 off[2], shape[kMaxNd], st[2][kMaxNd];
  strided(nd, 2, off, shape, st);
  copyStrided((const char*)x + off[0] * es, st[0], (char*)out + off[1] * es, st[1], shape, nd, es);
}

NB_EXPORT(nb_reduce) void nb_reduce(int op, float* x, float* out, int outer, int n, int inner) { reduce(op, x, outer, n, inner, out); }
NB_EXPORT(nb_arg_reduce) void nb_arg_reduce(int isMax, float* x, int32_t* out, int outer, int n, int inner) {
  argReduce(isMax, x, outer, n, inner, out);
}
NB_EXPORT(nb_softmax) void nb_softmax(float* x, float* out, int outer, int n, int inner, int log) { softmax(x, outer, n, inner, out, log); }
NB_EXPORT(nb_softmax_backward) void nb_softmax_backward(float* y, float* g, float* out, int outer, int n, int inner, int log) {
  softmaxBackward(y, g, outer, n, inner, out, log);
}
NB_EXPORT(nb_gather) void nb_gather(float* x, int32_t* idx, float* out, int outer, int n, int m, int inner) {
  gather(x, idx, outer, n, m, inner, out);
}
NB_EXPORT(nb_scatter_add) void nb_scatter_add(float* g, int32_t* idx, float* out, int outer, int n, int m, int inner) {
  scatterAdd(g, idx, outer, n, m, inner, out);
}

NB_EXPORT(nb_adam_step)
void nb_adam_step(float* p, float* g, float* m, float* v, int n, double lr, double b1, double b2, double eps, double wd,
                  int decoupled, double step) {
  AdamParams a;
  a.beta1 = (float)b1;
  a.beta2 = (float)b2;
  a.c1 = (float)(1.0 - b1);
  a.c2 = (float)(1.0 - b2);
  a.eps = (float)eps;
  a.lr = (float)lr;
  a.wd = (float)wd;
  a.decoupled = decoupled;
  a.stepSize = (float)(lr / (1.0 - std::pow(b1, step)));
  a.bc2 = (float)std::sqrt(1.0 - std::pow(b2, step));
  adamStep(p, g, m, v, n, a);
}

// convolution and pooling: geometry in the scratch (Conv2dGeom / Pool2dGeom fields in order)
NB_EXPORT(nb_conv2d) void nb_conv2d(float* x, float* w, float* y, float* bias) { conv2d(x, w, bias, convGeom(), y); }
NB_EXPORT(nb_conv2d_backward_input) void nb_conv2d_backward_input(float* dy, float* w, float* dx) {
  conv2dBackwardInput(dy, w, convGeom(), dx);
}
NB_EXPORT(nb_conv2d_backward_weight) void nb_conv2d_backward_weight(float* x, float* dy, float* dw, float* db) {
  conv2dBackwardWeight(x, dy, convGeom(), dw, db);
}
NB_EXPORT(nb_max_pool2d) void nb_max_pool2d(float* x, float* y, int32_t* am) { maxPool2d(x, poolGeom(), y, am); }
NB_EXPORT(nb_max_pool2d_backward) void nb_max_pool2d_backward(float* dy, int32_t* am, float* dx) {
  maxPool2dBackward(dy, am, poolGeom(), dx);
}
NB_EXPORT(nb_avg_pool2d) void nb_avg_pool2d(float* x, float* y) { avgPool2d(x, poolGeom(), y); }
NB_EXPORT(nb_avg_pool2d_backward) void nb_avg_pool2d_backward(float* dy, float* dx) { avgPool2dBackward(dy, poolGeom(), dx); }

NB_EXPORT(nb_batch_norm_stats)
void nb_batch_norm_stats(float* x, float* mean, float* invstd, float* var, int n, int c, int inner, double eps) {
  batchNormStats(x, n, c, inner, eps, mean, invstd, var);
}
NB_EXPORT(nb_batch_norm_forward)
void nb_batch_norm_forward(float* x, float* mean, float* invstd, float* gamma, float* beta, float* out, int n, int c, int inner) {
  batchNormForward(x, n, c, inner, mean, invstd, gamma, beta, out);
}
NB_EXPORT(nb_batch_norm_backward)
void nb_batch_norm_backward(float* g, float* x, float* mean, float* invstd, float* gamma, float* dx, float* dgamma, float* dbeta,
                            int n, int c, int inner, int training) {
  batchNormBackward(g, x, n, c, inner, mean, invstd, gamma, dx, dgamma, dbeta, training);
}
NB_EXPORT(nb_layer_norm_forward)
void nb_layer_norm_forward(float* x, float* gamma, float* beta, float* out, float* mean, float* rstd, int rows, int n, double eps) {
  layerNormForward(x, rows, n, eps, gamma, beta, out, mean, rstd);
}
NB_EXPORT(nb_layer_norm_backward)
void nb_layer_norm_backward(float* g, float* x, float* mean, float* rstd, float* gamma, float* dx, float* dgamma, float* dbeta,
                            int rows, int n) {
  layerNormBackward(g, x, rows, n, mean, rstd, gamma, dx, dgamma, dbeta);
}
NB_EXPORT(nb_gelu_forward) void nb_gelu_forward(float* x, float* y, int n) { geluForward(x, y, n); }
NB_EXPORT(nb_gelu_backward) void nb_gelu_backward(float* x, float* g, float* out, int n) { geluBackward(x, g, out, n); }

NB_EXPORT(nb_attention_forward)
void nb_attention_forward(float* q, float* k, float* v, float* mask, float* out, float* lse) {
  AttnArgs a{};
  attnCommon(a, q, k, v, mask, out);
  a.lse = lse;
  attentionForward(a);
}
NB_EXPORT(nb_attention_backward)
void nb_attention_backward(float* q, float* k, float* v, float* mask, float* out, float* lse, float* g, float* dq, float* dk,
                           float* dv) {
  AttnArgs a{};
  attnCommon(a, q, k, v, mask, out);
  a.lse = lse;
  auto view = [&](int at, float* p, i64* st) {
    for (int i = 0; i < 3; i++) st[i] = s(at + 1 + i);
    return p + s(at);
  };
  a.g = view(29, g, a.gs);
  a.dQ = view(33, dq, a.dQs);
  a.dK = view(37, dk, a.dKs);
  a.dV = view(41, dv, a.dVs);
  attentionBackward(a);
}

// recurrent cells: batch, hidden and the arrays' offsets in the scratch (as native/addon.cc)
NB_EXPORT(nb_lstm_cell_forward) void nb_lstm_cell_forward(float* gates, float* cPrev, float* c, float* h, float* tc) {
  rnn()->lstmForward(s(0), s(1), gates + s(2), cPrev + s(3), c + s(4), h + s(5), tc + s(6));
}
NB_EXPORT(nb_lstm_cell_backward)
void nb_lstm_cell_backward(float* gates, float* tc, float* cPrev, float* gh, float* gc, float* dh, float* dc, float* dG) {
  rnn()->lstmBackward(s(0), s(1), gates + s(2), tc + s(3), cPrev + s(4), gh + s(5), gc + s(6), dh, dc, dG + s(7));
}
NB_EXPORT(nb_gru_cell_forward) void nb_gru_cell_forward(float* x, float* p, float* hPrev, float* h, float* act, float* pn) {
  rnn()->gruForward(s(0), s(1), x + s(2), p, hPrev + s(3), h + s(4), act + s(5), pn + s(6));
}
NB_EXPORT(nb_gru_cell_backward)
void nb_gru_cell_backward(float* act, float* pn, float* hPrev, float* gh, float* dh, float* dx, float* dp, float* dhPrev) {
  rnn()->gruBackward(s(0), s(1), act + s(2), pn + s(3), hPrev + s(4), gh + s(5), dh, dx + s(6), dp + s(7), dhPrev);
}
