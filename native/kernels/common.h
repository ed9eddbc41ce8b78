// Shared declarations of the native kernels: the per-ISA function table and the kernel functions
// the table's entries (entry.cc) call. Op codes and geometry structs come from the kernel table
// (native/gen/kernels.h, generated from src/backend/kernels/table.ts). Every kernel works on float32 data in place.
#pragma once
#include <cstddef>
#include <cstdint>

// op-code enums, dtype codes (E_*), ConvGeom, PoolGeom and the table's kernel entries
#include "../gen/kernels.h"

namespace nabla {

struct AdamParams {
  // c1 = 1 - beta1 and c2 = 1 - beta2 are rounded from double (1 - 0.999f would be 5e-5 off)
  float beta1, beta2, c1, c2, eps, stepSize, bc2, lr, wd;
  int decoupled;
};

// One instruction set's kernels. Each is compiled in its own translation unit with that ISA's
// flags (isa_avx512.cc, isa_avx2.cc, isa_generic.cc, all from isa_impl.h).
struct IsaTable {
  const char* name;
  // GEMM register tile and cache blocking (MC, NC multiples of MR, NR)
  int mr, nr, mc, kc, nc;
  // C[mr x nr] (row stride ldc) = (acc ? C : 0) + Ap·Bp (+ bias[j] on every row if bias is set),
  // Ap packed k x mr, Bp packed k x nr
  void (*ukr)(i64 k, const float* Ap, const float* Bp, float* C, i64 ldc, int acc, const float* bias);
  // pack op(A) rows [0, mr_eff) x k into Ap (k x mr, zero padded); element (i,p) at a[i*rs + p*cs]
  void (*packA)(i64 mr_eff, i64 k, const float* a, i64 rs, i64 cs, float* Ap);
  // pack op(B) cols [0, nr_eff) x k into Bp (k x nr, zero padded); element (p,j) at b[p*rs + j*cs]
  void (*packB)(i64 nr_eff, i64 k, const float* b, i64 rs, i64 cs, float* Bp);
  // indirect packing: Ap[p*MR + i] = rows[p][off + i] (i < mr), Bp[p*NR + j] = rows[j][off + p] (j < nr)
  void (*packAIndirect)(i64 mr, i64 k, const float* const* rows, i64 off, float* Ap);
  void (*packBIndirect)(i64 nr, i64 k, const float* const* rows, i64 off, float* Bp);
  void (*unaryRow)(int op, const float* x, i64 sx, float* out, i64 n);
  void (*binaryRow)(int op, const float* a, i64 sa, const float* b, i64 sb, float* out, i64 n);
  void (*compareRow)(int op, const float* a, i64 sa, const float* b, i64 sb, uint8_t* out, i64 n);
  // out[i] (+)= reduce over j of x[j*inner + i] for i < inner (init: whether to start from x[0])
  void (*reduceCols)(int op, const float* x, i64 n, i64 inner, float* out);
  // reduce of a contiguous row
  float (*reduceRow)(int op, const float* x, i64 n);
  void (*softmaxRow)(const float* x, float* out, i64 n, int log);
  void (*adam)(float* p, const float* g, float* m, float* v, i64 n, const AdamParams& a);
  // y += alpha * x (contiguous)
  void (*axpy)(i64 n, float alpha, const float* x, float* y);
  // sum of x[i]*y[i]
  float (*dot)(i64 n, const float* x, const float* y);
  // Few-row GEMM without packing (gemm_small.h), m <= 4, C never read when beta = 0, bias may be null:
  // smallT: C[m x n] = (beta ? C : 0) + A B^T + bias, A m x k and B n x k with contiguous rows
  void (*smallT)(i64 m, i64 n, i64 k, const float* a, i64 lda, const float* b, i64 ldb, float* c, i64 ldc, int beta,
                 const float* bias);
  // smallN: C[m x n] = (beta ? C : 0) + A B + bias, A m x k and B k x n with contiguous rows
  void (*smallN)(i64 m, i64 n, i64 k, const float* a, i64 lda, const float* b, i64 ldb, float* c, i64 ldc, int beta,
                 const float* bias);
  // ukr for the edge tile of the first r <= mr rows and nc <= nr columns (same packing); only
  // those elements of C are read (acc) and written, bias[0, nc) is read
  void (*ukrEdge)(int r, int nc, i64 k, const float* Ap, const float* Bp, float* C, i64 ldc, int acc, const float* bias);
  // or null: two full row tiles (2 mr rows, A panels Ap and Ap + mr k) by nc <= pairMaxN columns
  void (*ukrEdgePair)(int nc, i64 k, const float* Ap, const float* Bp, float* C, i64 ldc, int acc, const float* bias);
  int pairMaxN;
};

// Data cache sizes in bytes (cpuinfo.cc: sysfs, else CPUID, else 32 KiB / 256 KiB / 8 MiB) and
// where they came from ("sysfs", "cpuid", "default").
struct CpuCaches {
  i64 l1d, l2, l3;
  const char* source;
};
const CpuCaches& cpuCaches();
// True on AMD x86 CPUs (CPUID vendor "AuthenticAMD"); Zen 4 runs each 512-bit FMA as two 256-bit
// halves, so AVX-512 has no more multiply-add throughput there than AVX2 (cpuinfo.cc).
bool cpuIsAmd();

const IsaTable* isaGeneric();
#ifdef NABLA_X86
const IsaTable* isaAvx2();
const IsaTable* isaAvx512();
#endif
// The table in use (chosen once from CPU features and NABLA_ISA; setIsa switches it for tests).
const IsaTable* isa();
// Returns false if the named ISA is unknown or not supported by this CPU.
bool setIsa(const char* name);
// The widest ISA this CPU supports, and whether NABLA_ISA chose the one in use at start.
const char* bestIsaName();
bool isaForcedByEnv();

// ---- thread pool (threadpool.cc) ----
int numThreads();
void setNumThreads(int n);

// ---- kernels ----
struct GemmCall {
  i64 batch, m, n, k;
  const float* a; i64 lda; int transA; i64 strideA;
  const float* b; i64 ldb; int transB; i64 strideB;
  float* c; i64 ldc; i64 strideC;
  int beta;
  // optional epilogue: C[i, j] += bias[j] for every row (and every product of the batch)
  const float* bias = nullptr;
};
// maxThreads: 0 = use the pool as configured, 1 = stay on the calling thread
void gemm(const GemmCall& g, int maxThreads = 0);

// One product C (m x n, row stride ldc) (+)= op(A)·op(B) with general strides: element (i, p)
// of op(A) is a[i*rsA + p*csA], or, if aRows is set, aRows[p][i] (an "implicit im2col" view:
// one pointer per k index); element (p, j) of op(B) is b[p*rsB + j*csB], or bRows[j][p].
struct GemmEx {
  i64 m, n, k;
  const float* a; i64 rsA, csA; const float* const* aRows;
  const float* b; i64 rsB, csB; const float* const* bRows;
  float* c; i64 ldc;
  int beta;
};
void gemmEx(const GemmEx& g, int maxThreads = 0);

// Strided elementwise walks. shape/strides are already collapsed by the caller: nd axes,
// strides[j*nd + d] for operand j.
void unaryStrided(int op, const float* x, const i64* shape, const i64* sx, int nd, float* out);
void binaryStrided(int op, const float* a, const i64* sa, const float* b, const i64* sb,
                   const i64* shape, int nd, float* outF, uint8_t* outB);
void whereStrided(const uint8_t* cond, const i64* sc, const float* a, const i64* sa, const float* b,
                  const i64* sb, const i64* shape, int nd, float* out);
void copyStrided(const void* x, const i64* sx, void* out, const i64* so, const i64* shape, int nd, int elemSize);

// Element types of the mixed-dtype kernels: E_F32, E_U8 (bool stored as 0/1), E_I32 (kernels.h).
// Binary op on operands of any of those types, out float32 or (comparisons) bool, computed as
// the reference does (values as doubles, result rounded to float32); float32 x float32 goes to
// binaryStrided.
void binaryMixedStrided(int op, const void* a, int ta, const i64* sa, const void* b, int tb, const i64* sb,
                        const i64* shape, int nd, float* outF, uint8_t* outB);
// Unary op on x of any of those types into float32, or `not` into bool.
void unaryMixedStrided(int op, const void* x, int tx, const i64* sx, const i64* shape, int nd, float* outF, uint8_t* outB);
// where with a float32 / int32 / bool condition (truthiness as in JavaScript), float32 a and b.
void whereMixedStrided(const void* cond, int tc, const i64* sc, const float* a, const i64* sa, const float* b,
                       const i64* sb, const i64* shape, int nd, float* out);

void reduce(int op, const float* x, i64 outer, i64 n, i64 inner, float* out);
void argReduce(int isMax, const float* x, i64 outer, i64 n, i64 inner, int32_t* out);
void softmax(const float* x, i64 outer, i64 n, i64 inner, float* out, int log);
void softmaxBackward(const float* y, const float* g, i64 outer, i64 n, i64 inner, float* out, int log);
void gather(const float* x, const int32_t* idx, i64 outer, i64 n, i64 m, i64 inner, float* out);
void scatterAdd(const float* g, const int32_t* idx, i64 outer, i64 n, i64 m, i64 inner, float* out);
void adamStep(float* p, const float* g, float* m, float* v, i64 n, const AdamParams& a);

// Every output element is written (no pre-zeroed outputs needed). bias [cOut] or nullptr is
// added per output channel; db [cOut] or nullptr receives the bias gradient (dy summed over n, h, w).
void conv2d(const float* x, const float* w, const float* bias, const ConvGeom& g, float* y);
void conv2dBackwardInput(const float* dy, const float* w, const ConvGeom& g, float* dx);
void conv2dBackwardWeight(const float* x, const float* dy, const ConvGeom& g, float* dw, float* db);

void maxPool2d(const float* x, const PoolGeom& g, float* y, int32_t* argmax);
void maxPool2dBackward(const float* dy, const int32_t* argmax, const PoolGeom& g, float* dx);
void avgPool2d(const float* x, const PoolGeom& g, float* y);
void avgPool2dBackward(const float* dy, const PoolGeom& g, float* dx);

// Batch normalisation over a contiguous x [n, c, inner] (batchnorm.cc; formulas in
// src/backend/types.ts). Every element of the non-null outputs is written; dx may be g.
void batchNormStats(const float* x, i64 n, i64 c, i64 inner, double eps, float* mean, float* invstd, float* var);
void batchNormForward(const float* x, i64 n, i64 c, i64 inner, const float* mean, const float* invstd, const float* gamma,
                      const float* beta, float* y);
void batchNormBackward(const float* g, const float* x, i64 n, i64 c, i64 inner, const float* mean, const float* invstd,
                       const float* gamma, float* dx, float* dgamma, float* dbeta, int training);

// Layer normalisation of the rows of a contiguous x [rows, n] (layernorm.cc; formulas in
// src/backend/types.ts). gamma/beta may be null; dx may be g; each of dx, dgamma, dbeta may be null.
void layerNormForward(const float* x, i64 rows, i64 n, double eps, const float* gamma, const float* beta, float* y,
                      float* mean, float* rstd);
void layerNormBackward(const float* g, const float* x, i64 rows, i64 n, const float* mean, const float* rstd, const float* gamma,
                       float* dx, float* dgamma, float* dbeta);

// GELU, exact form, over contiguous arrays (activation.cc); out may be g.
void geluForward(const float* x, float* y, i64 n);
void geluBackward(const float* x, const float* g, float* out, i64 n);

// Fused scaled dot-product attention (attention.cc; AttentionArgs in src/backend/types.ts). Each
// operand is a [batch, heads, rows, width] view with a contiguous last axis: pointer (already at
// its offset) and the batch, head and row strides. mask (additive, may be null) has 4 strides over
// [batch, heads, l, s]. The forward writes out and lse; the backward reads out, lse and g and
// writes dQ, dK, dV in full.
struct AttnArgs {
  i64 batch, heads, l, s, d, dv;
  int causal;
  float scale;
  const float* q; i64 qs[3];
  const float* k; i64 ks[3];
  const float* v; i64 vs[3];
  const float* mask; i64 ms[4];
  float* out; i64 os[3];
  float* lse;
  const float* g; i64 gs[3];
  float* dQ; i64 dQs[3];
  float* dK; i64 dKs[3];
  float* dV; i64 dVs[3];
};
void attentionForward(const AttnArgs& a);
void attentionBackward(const AttnArgs& a);

}  // namespace nabla
