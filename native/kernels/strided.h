// Walking strided views: an odometer over the outer axes hands a row kernel one innermost row
// at a time (the caller has already merged contiguous axes, so a contiguous tensor is one row).
// walkRange covers a flat range [start, end) of the output, so big ops split over threads.
#pragma once
#include <algorithm>

#include "common.h"
#include "threadpool.h"

namespace nabla {

constexpr int kMaxDims = 16;
constexpr int kMaxOperands = 4;

// f(offs, outStart, len): offs[j] = element offset of operand j at the row start
template <class F>
void walkRange(const i64* shape, int nd, int nops, const i64* const* strides, i64 start, i64 end, F&& f) {
  if (start >= end) return;
  const i64 len = shape[nd - 1];
  i64 idx[kMaxDims];
  i64 offs[kMaxOperands];
  // multi-index of `start`
  i64 rem = start;
  for (int d = nd - 1; d >= 0; d--) {
    idx[d] = rem % shape[d];
    rem /= shape[d];
  }
  for (int j = 0; j < nops; j++) {
    i64 o = 0;
    for (int d = 0; d < nd; d++) o += idx[d] * strides[j][d];
    offs[j] = o;
  }
  i64 pos = start;
  while (pos < end) {
    const i64 col = idx[nd - 1];
    const i64 n = (len - col < end - pos) ? len - col : end - pos;
    f(offs, pos, n);
    pos += n;
    if (pos >= end) break;
    // move to the start of the next row
    for (int j = 0; j < nops; j++) offs[j] -= col * strides[j][nd - 1];
    idx[nd - 1] = 0;
    for (int d = nd - 2; d >= 0; d--) {
      idx[d]++;
      for (int j = 0; j < nops; j++) offs[j] += strides[j][d];
      if (idx[d] < shape[d]) break;
      for (int j = 0; j < nops; j++) offs[j] -= strides[j][d] * shape[d];
      idx[d] = 0;
    }
  }
}

// Splits [0, total) into chunks taken by the pool's threads when it is big enough; `grain` =
// elements below which one thread does it all. body(start, end) per chunk.
template <class F>
void parallelRange(i64 total, i64 grain, F&& body) {
  int nt = numThreads();
  if (nt > 1 && total >= 2 * grain) {
    i64 want = total / grain;
    if (want < nt) nt = (int)want;
    // ~4 chunks per thread, on multiples of 16 elements (keeps vector loops aligned)
    const i64 chunks = std::min<i64>(4 * nt, (total + 15) / 16);
    const i64 size = ((total + chunks - 1) / chunks + 15) & ~i64(15);
    const i64 count = (total + size - 1) / size;
    parallelFor(nt, count, [&](i64 c) { body(c * size, std::min(total, (c + 1) * size)); });
  } else {
    body(0, total);
  }
}

// ---- per-ISA copies of a kernel inside a portable translation unit ----
// The files that include this header are compiled for the baseline ISA; a hot loop written once
// as an always-inline template can also be compiled for AVX2 and AVX-512 by instantiating it in
// functions with a target attribute (NB_TARGET_AVX2 / NB_TARGET_AVX512), and the caller picks
// the copy matching the ISA table in use (isaLevel()), so NABLA_ISA and setIsa hold for them too.
#define NB_INLINE inline __attribute__((always_inline))
#if defined(NABLA_X86) && defined(__GNUC__)
#define NB_MULTI_ISA 1
#define NB_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define NB_TARGET_AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma")))
#else
#define NB_MULTI_ISA 0
#endif

// 0: generic, 1: AVX2 + FMA, 2: AVX-512 (from the name of the table in use)
inline int isaLevel() {
  const char* n = isa()->name;
  if (n[0] == 'a' && n[1] == 'v' && n[2] == 'x') return n[3] == '5' ? 2 : 1;
  return 0;
}

// Picks one of three function pointers by isaLevel().
template <class F>
inline F pickIsa(F generic, F avx2, F avx512) {
#if NB_MULTI_ISA
  switch (isaLevel()) {
    case 2: return avx512;
    case 1: return avx2;
    default: return generic;
  }
#else
  (void)avx2;
  (void)avx512;
  return generic;
#endif
}

// Defines `static RET name##_isa(PARAMS)` for generic, AVX2 and AVX-512 from the always-inline
// body `template <int L> name##_impl(ARGS)` (L = the isaLevel it is compiled for, so a body can
// choose its vector width: 8-wide generic vectors cost more than they give on SSE2), and
// `name##_pick()` returning the one for the ISA in use.
#if NB_MULTI_ISA
#define NB_MULTIVERSION(RET, name, PARAMS, ARGS)                                  \
  static RET name##_g PARAMS { return name##_impl<0> ARGS; }                      \
  NB_TARGET_AVX2 static RET name##_a2 PARAMS { return name##_impl<1> ARGS; }      \
  NB_TARGET_AVX512 static RET name##_a5 PARAMS { return name##_impl<2> ARGS; }    \
  static inline auto name##_pick() { return pickIsa(&name##_g, &name##_a2, &name##_a5); }
#else
#define NB_MULTIVERSION(RET, name, PARAMS, ARGS)  \
  static RET name##_g PARAMS { return name##_impl<0> ARGS; } \
  static inline auto name##_pick() { return &name##_g; }
#endif

// ---- small fixed-width vectors (GCC/Clang vector extensions; one AVX2 register or two SSE ones) ----
// (the helpers are always inlined, so the psABI note about passing 32-byte vectors does not apply)
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif
typedef float f8 __attribute__((vector_size(32)));
typedef int32_t i8 __attribute__((vector_size(32)));
typedef float f4 __attribute__((vector_size(16)));
typedef int32_t i4 __attribute__((vector_size(16)));
template <class V> struct Lanes;
template <> struct Lanes<f8> { typedef i8 I; static constexpr int n = 8; };
template <> struct Lanes<f4> { typedef i4 I; static constexpr int n = 4; };

template <class V>
static NB_INLINE V loadv(const void* p) {
  V v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
template <class V>
static NB_INLINE void storev(void* p, V v) {
  __builtin_memcpy(p, &v, sizeof v);
}
// lanes of a where the mask is set, else of b (bit select: exact, no arithmetic)
template <class V, class I>
static NB_INLINE V sel(I m, V a, V b) {
  I ia, ib;
  __builtin_memcpy(&ia, &a, sizeof a);
  __builtin_memcpy(&ib, &b, sizeof b);
  const I r = (m & ia) | (~m & ib);
  V v;
  __builtin_memcpy(&v, &r, sizeof v);
  return v;
}
// two-source shuffle of same-width vectors
#if defined(__clang__) || __GNUC__ >= 12
#define NB_SHUF(a, b, ...) __builtin_shufflevector(a, b, __VA_ARGS__)
#else
#define NB_SHUF(a, b, ...) __builtin_shuffle(a, b, typename Lanes<decltype(a)>::I{__VA_ARGS__})
#endif
// even and odd elements of the 2L floats at p
static NB_INLINE void deinterleave(const float* p, f8& ev, f8& od) {
  const f8 a = loadv<f8>(p), b = loadv<f8>(p + 8);
  ev = NB_SHUF(a, b, 0, 2, 4, 6, 8, 10, 12, 14);
  od = NB_SHUF(a, b, 1, 3, 5, 7, 9, 11, 13, 15);
}
static NB_INLINE void deinterleave(const float* p, f4& ev, f4& od) {
  const f4 a = loadv<f4>(p), b = loadv<f4>(p + 4);
  ev = NB_SHUF(a, b, 0, 2, 4, 6);
  od = NB_SHUF(a, b, 1, 3, 5, 7);
}
// each of the first L/2 elements of v twice
static NB_INLINE f8 dup(f4 v) { return f8{v[0], v[0], v[1], v[1], v[2], v[2], v[3], v[3]}; }
static NB_INLINE i8 dup(i4 v) { return i8{v[0], v[0], v[1], v[1], v[2], v[2], v[3], v[3]}; }
static NB_INLINE i8 iota8() { return i8{0, 1, 2, 3, 4, 5, 6, 7}; }
static NB_INLINE i4 iota4() { return i4{0, 1, 2, 3}; }
static NB_INLINE i8 iotaOf(f8) { return iota8(); }
static NB_INLINE i4 iotaOf(f4) { return iota4(); }

// horizontal sum of a 4-vector, pairwise
static NB_INLINE float hsum(f4 v) { return (v[0] + v[2]) + (v[1] + v[3]); }

}  // namespace nabla
