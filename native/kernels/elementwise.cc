// Strided elementwise kernels (unary, binary, where, copy) over collapsed shapes.
#include <cmath>
#include <cstring>
#include <type_traits>

#include "common.h"
#include "strided.h"

namespace nabla {

static i64 product(const i64* shape, int nd) {
  i64 t = 1;
  for (int d = 0; d < nd; d++) t *= shape[d];
  return t;
}

static bool isCheapUnary(int op) {
  return op == U_NEG || op == U_ABS || op == U_SQUARE || op == U_RELU || op == U_SIGN || op == U_RECIPROCAL ||
         op == U_FLOOR || op == U_CEIL || op == U_ROUND || op == U_NOT || op == U_SQRT;
}

void unaryStrided(int op, const float* x, const i64* shape, const i64* sx, int nd, float* out) {
  const i64 total = product(shape, nd);
  if (total == 0) return;
  const IsaTable* T = isa();
  const i64* st[1] = {sx};
  const i64 grain = isCheapUnary(op) ? 65536 : 8192;
  parallelRange(total, grain, [&](i64 s, i64 e) {
    walkRange(shape, nd, 1, st, s, e, [&](const i64* offs, i64 o, i64 n) {
      T->unaryRow(op, x + offs[0], sx[nd - 1], out + o, n);
    });
  });
}

void binaryStrided(int op, const float* a, const i64* sa, const float* b, const i64* sb, const i64* shape, int nd,
                   float* outF, uint8_t* outB) {
  const i64 total = product(shape, nd);
  if (total == 0) return;
  const IsaTable* T = isa();
  const i64* st[2] = {sa, sb};
  const i64 grain = op == B_POW ? 8192 : 65536;
  parallelRange(total, grain, [&](i64 s, i64 e) {
    walkRange(shape, nd, 2, st, s, e, [&](const i64* offs, i64 o, i64 n) {
      if (outB) T->compareRow(op, a + offs[0], sa[nd - 1], b + offs[1], sb[nd - 1], outB + o, n);
      else T->binaryRow(op, a + offs[0], sa[nd - 1], b + offs[1], sb[nd - 1], outF + o, n);
    });
  });
}

// out = cond ? a : b as a select on both loaded values (no branch: a random mask would mispredict
// half the time); a cond of another dtype (float32, int32) tests truthiness as JS does.
template <class TC>
static inline bool condTrue(TC c) { return c != TC(0); }

template <class TC>
static void whereT(const TC* cond, const i64* sc, const float* a, const i64* sa, const float* b, const i64* sb,
                   const i64* shape, int nd, float* out) {
  const i64 total = product(shape, nd);
  if (total == 0) return;
  const i64* st[3] = {sc, sa, sb};
  const i64 ic = sc[nd - 1], ia = sa[nd - 1], ib = sb[nd - 1];
  parallelRange(total, 65536, [&](i64 s, i64 e) {
    walkRange(shape, nd, 3, st, s, e, [&](const i64* offs, i64 o, i64 n) {
      const TC* __restrict c = cond + offs[0];
      const float* __restrict pa = a + offs[1];
      const float* __restrict pb = b + offs[2];
      float* __restrict po = out + o;
      if (ic == 1 && ia == 1 && ib == 1) {
        for (i64 i = 0; i < n; i++) {
          const float va = pa[i], vb = pb[i];
          po[i] = condTrue(c[i]) ? va : vb;
        }
      } else if (ic == 1 && ia == 1 && ib == 0) {
        const float vb = pb[0];
        for (i64 i = 0; i < n; i++) {
          const float va = pa[i];
          po[i] = condTrue(c[i]) ? va : vb;
        }
      } else if (ic == 1 && ia == 0 && ib == 1) {
        const float va = pa[0];
        for (i64 i = 0; i < n; i++) {
          const float vb = pb[i];
          po[i] = condTrue(c[i]) ? va : vb;
        }
      } else {
        for (i64 i = 0; i < n; i++) {
          const float va = pa[i * ia], vb = pb[i * ib];
          po[i] = condTrue(c[i * ic]) ? va : vb;
        }
      }
    });
  });
}

void whereStrided(const uint8_t* cond, const i64* sc, const float* a, const i64* sa, const float* b, const i64* sb,
                  const i64* shape, int nd, float* out) {
  whereT(cond, sc, a, sa, b, sb, shape, nd, out);
}

void whereMixedStrided(const void* cond, int tc, const i64* sc, const float* a, const i64* sa, const float* b,
                       const i64* sb, const i64* shape, int nd, float* out) {
  switch (tc) {
    case E_U8: whereT((const uint8_t*)cond, sc, a, sa, b, sb, shape, nd, out); return;
    case E_F32: whereT((const float*)cond, sc, a, sa, b, sb, shape, nd, out); return;
    case E_I32: whereT((const int32_t*)cond, sc, a, sa, b, sb, shape, nd, out); return;
  }
}

// ---------------------------------------------------------------------------------------------
// Mixed dtypes: operands that are float32, bool (uint8) or int32, as the reference computes
// them: every operand value is converted to a double, the op is applied in double, and the result
// is rounded to float32 (or stored as 0/1 for comparisons). When no operand is int32, float
// arithmetic gives the same bits for + - * / (a double-rounded +, -, *, / of two floats equals
// the single float rounding) and for max/min and comparisons (exact), so those run in float and
// vectorize; pow and everything with an int32 operand run in double.
// ---------------------------------------------------------------------------------------------

// C's pow, as PyTorch: 1^NaN = 1, (-1)^(+-inf) = 1, x^0 = 1
static inline double jsPow(double x, double y) { return std::pow(x, y); }
template <class C>
static inline bool truthyC(C x) { return x != C(0); }

template <class C, class TA, class TB, class O, class F>
static inline void zipMixed(F f, const TA* a, i64 sa, const TB* b, i64 sb, O* out, i64 n) {
  if (sa == 1 && sb == 1) {
#pragma GCC ivdep
    for (i64 i = 0; i < n; i++) out[i] = (O)f((C)a[i], (C)b[i]);
  } else if (sa == 1 && sb == 0) {
    const C bv = (C)b[0];
#pragma GCC ivdep
    for (i64 i = 0; i < n; i++) out[i] = (O)f((C)a[i], bv);
  } else if (sa == 0 && sb == 1) {
    const C av = (C)a[0];
#pragma GCC ivdep
    for (i64 i = 0; i < n; i++) out[i] = (O)f(av, (C)b[i]);
  } else {
#pragma GCC ivdep
    for (i64 i = 0; i < n; i++) out[i] = (O)f((C)a[i * sa], (C)b[i * sb]);
  }
}

// one row of a mixed-dtype binary op in compute type C
template <class C, class TA, class TB>
static void mixedRow(int op, const TA* a, i64 sa, const TB* b, i64 sb, float* outF, uint8_t* outB, i64 n) {
#define ZM(expr) zipMixed<C>([](C x, C y) -> C { return (expr); }, a, sa, b, sb, outF, n); return
#define ZC(expr)                                                                    \
  if (outB) zipMixed<C>([](C x, C y) -> uint8_t { return (expr); }, a, sa, b, sb, outB, n); \
  else zipMixed<C>([](C x, C y) -> C { return (expr) ? C(1) : C(0); }, a, sa, b, sb, outF, n); \
  return
  switch (op) {
    case B_ADD: ZM(x + y);
    case B_SUB: ZM(x - y);
    case B_MUL: ZM(x * y);
    case B_DIV: ZM(x / y);
    case B_POW: zipMixed<double>([](double x, double y) -> double { return jsPow(x, y); }, a, sa, b, sb, outF, n); return;
    case B_MAXIMUM: ZM((x != x || y != y) ? C(__builtin_nan("")) : (x > y ? x : y));
    case B_MINIMUM: ZM((x != x || y != y) ? C(__builtin_nan("")) : (x < y ? x : y));
    case B_EQ: ZC(x == y);
    case B_NE: ZC(x != y);
    case B_LT: ZC(x < y);
    case B_LE: ZC(x <= y);
    case B_GT: ZC(x > y);
    case B_GE: ZC(x >= y);
    case B_AND: ZC(truthyC(x) && truthyC(y));
    case B_OR: ZC(truthyC(x) || truthyC(y));
    case B_RELU_GRAD: ZM(y <= C(0) ? C(0) : x);
    default: return;
  }
#undef ZM
#undef ZC
}

template <class TA, class TB>
static void binaryMixedT(int op, const TA* a, const i64* sa, const TB* b, const i64* sb, const i64* shape, int nd,
                         float* outF, uint8_t* outB) {
  const i64 total = product(shape, nd);
  if (total == 0) return;
  const i64* st[2] = {sa, sb};
  constexpr bool dbl = std::is_same<TA, int32_t>::value || std::is_same<TB, int32_t>::value;
  typedef typename std::conditional<dbl, double, float>::type C;
  const i64 grain = op == B_POW ? 8192 : 65536;
  parallelRange(total, grain, [&](i64 s, i64 e) {
    walkRange(shape, nd, 2, st, s, e, [&](const i64* offs, i64 o, i64 n) {
      mixedRow<C>(op, a + offs[0], sa[nd - 1], b + offs[1], sb[nd - 1], outF ? outF + o : nullptr, outB ? outB + o : nullptr, n);
    });
  });
}

template <class TA>
static void binaryMixedB(int op, const TA* a, const i64* sa, const void* b, int tb, const i64* sb, const i64* shape,
                         int nd, float* outF, uint8_t* outB) {
  switch (tb) {
    case E_F32: binaryMixedT(op, a, sa, (const float*)b, sb, shape, nd, outF, outB); return;
    case E_U8: binaryMixedT(op, a, sa, (const uint8_t*)b, sb, shape, nd, outF, outB); return;
    case E_I32: binaryMixedT(op, a, sa, (const int32_t*)b, sb, shape, nd, outF, outB); return;
  }
}

void binaryMixedStrided(int op, const void* a, int ta, const i64* sa, const void* b, int tb, const i64* sb,
                        const i64* shape, int nd, float* outF, uint8_t* outB) {
  if (ta == E_F32 && tb == E_F32) return binaryStrided(op, (const float*)a, sa, (const float*)b, sb, shape, nd, outF, outB);
  switch (ta) {
    case E_F32: binaryMixedB(op, (const float*)a, sa, b, tb, sb, shape, nd, outF, outB); return;
    case E_U8: binaryMixedB(op, (const uint8_t*)a, sa, b, tb, sb, shape, nd, outF, outB); return;
    case E_I32: binaryMixedB(op, (const int32_t*)a, sa, b, tb, sb, shape, nd, outF, outB); return;
  }
}

// The reference's scalar unary definitions in double (for bool / int32 inputs, which are rare:
// no vector code).
static double unaryD(int op, double x) {
  switch (op) {
    case U_NEG: return -x;
    case U_EXP: return std::exp(x);
    case U_LOG: return std::log(x);
    case U_SQRT: return std::sqrt(x);
    case U_RSQRT: return 1.0 / std::sqrt(x);
    case U_ABS: return std::fabs(x);
    case U_SIGN: return x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0;
    case U_SQUARE: return x * x;
    case U_RECIPROCAL: return 1.0 / x;
    case U_RELU: return x <= 0 ? 0.0 : x;
    case U_SIGMOID: return x >= 0 ? 1.0 / (1.0 + std::exp(-x)) : std::exp(x) / (1.0 + std::exp(x));
    case U_TANH: return std::tanh(x);
    case U_SIN: return std::sin(x);
    case U_COS: return std::cos(x);
    case U_FLOOR: return std::floor(x);
    case U_CEIL: return std::ceil(x);
    case U_ROUND: return std::nearbyint(x);
    case U_LOG1P: return std::log1p(x);
    case U_EXPM1: return std::expm1(x);
    case U_SOFTPLUS: return x > 20 ? x : x < -20 ? std::exp(x) : std::log1p(std::exp(x));
    case U_GELU: return 0.5 * x * (1.0 + std::erf(x * 0.70710678118654752440));
    case U_NOT: return truthyC(x) ? 0.0 : 1.0;
  }
  return 0.0;
}

template <class TX>
static void unaryMixedT(int op, const TX* x, const i64* sx, const i64* shape, int nd, float* outF, uint8_t* outB) {
  const i64 total = product(shape, nd);
  if (total == 0) return;
  const i64* st[1] = {sx};
  const i64 ix = sx[nd - 1];
  parallelRange(total, 8192, [&](i64 s, i64 e) {
    walkRange(shape, nd, 1, st, s, e, [&](const i64* offs, i64 o, i64 n) {
      const TX* p = x + offs[0];
      if (outB) {
        // only `not` writes bool
        for (i64 i = 0; i < n; i++) outB[o + i] = !truthyC(p[i * ix]);
      } else if (op == U_NOT) {
        for (i64 i = 0; i < n; i++) outF[o + i] = truthyC(p[i * ix]) ? 0.f : 1.f;
      } else {
        for (i64 i = 0; i < n; i++) outF[o + i] = (float)unaryD(op, (double)p[i * ix]);
      }
    });
  });
}

void unaryMixedStrided(int op, const void* x, int tx, const i64* sx, const i64* shape, int nd, float* outF, uint8_t* outB) {
  if (tx == E_F32 && outF) return unaryStrided(op, (const float*)x, shape, sx, nd, outF);
  switch (tx) {
    case E_F32: unaryMixedT(op, (const float*)x, sx, shape, nd, outF, outB); return;
    case E_U8: unaryMixedT(op, (const uint8_t*)x, sx, shape, nd, outF, outB); return;
    case E_I32: unaryMixedT(op, (const int32_t*)x, sx, shape, nd, outF, outB); return;
  }
}

template <class E>
static void copyT(const E* x, const i64* sx, E* out, const i64* so, const i64* shape, int nd) {
  const i64 total = product(shape, nd);
  if (total == 0) return;
  const i64* st[2] = {sx, so};
  const i64 ix = sx[nd - 1], io = so[nd - 1];
  parallelRange(total, 131072, [&](i64 s, i64 e) {
    walkRange(shape, nd, 2, st, s, e, [&](const i64* offs, i64, i64 n) {
      const E* px = x + offs[0];
      E* po = out + offs[1];
      if (ix == 1 && io == 1) std::memmove(po, px, sizeof(E) * n);
      else if (io == 1) for (i64 i = 0; i < n; i++) po[i] = px[i * ix];
      else for (i64 i = 0; i < n; i++) po[i * io] = px[i * ix];
    });
  });
}

void copyStrided(const void* x, const i64* sx, void* out, const i64* so, const i64* shape, int nd, int elemSize) {
  switch (elemSize) {
    case 1: copyT((const uint8_t*)x, sx, (uint8_t*)out, so, shape, nd); break;
    case 2: copyT((const uint16_t*)x, sx, (uint16_t*)out, so, shape, nd); break;
    case 4: copyT((const uint32_t*)x, sx, (uint32_t*)out, so, shape, nd); break;
    case 8: copyT((const uint64_t*)x, sx, (uint64_t*)out, so, shape, nd); break;
  }
}

}  // namespace nabla
