// Branch-free float approximations of exp, sigmoid and tanh (Cephes polynomials, about 1 ulp for
// exp), shared by the elementwise kernels (isa_impl.h) and the recurrent cells (rnn_impl.h) so
// both compute the same values. Arithmetic, selects and bit casts only, so loops that call them
// vectorize; `static inline` gives each per-ISA translation unit its own copy compiled with that
// unit's instruction-set flags.
#pragma once
#include <cstdint>
#include <cstring>

namespace nabla {
namespace fastmath {

static inline float bitsToFloat(int32_t i) {
  float f;
  std::memcpy(&f, &i, 4);
  return f;
}

// exp in float, Cephes polynomial on [-ln2/2, ln2/2] (about 1 ulp); 0 below -87.3, inf above 88.7
static inline float expF(float x) {
  float xc = x < -87.33654f ? -87.33654f : x;
  xc = xc > 88.72283f ? 88.72283f : xc;
  // round to nearest with the 1.5*2^23 trick (no floor needed, vectorizes on SSE2)
  float n = (xc * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  float r = xc - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float r2 = r * r;
  float y = (((((1.9875691500E-4f * r + 1.3981999507E-3f) * r + 8.3334519073E-3f) * r + 4.1665795894E-2f) * r +
              1.6666665459E-1f) * r + 5.0000001201E-1f) * r2 + r + 1.0f;
  // 2^n as 2^(n-1) * 2 so that n = 128 does not overflow the exponent field
  float scale = bitsToFloat(((int32_t)n + 126) << 23);
  float res = y * scale * 2.0f;
  res = x < -87.33654f ? 0.0f : res;
  res = x > 88.72283f ? __builtin_inff() : res;
  return x != x ? x : res;
}

static inline float sigmoidF(float x) { return 1.0f / (1.0f + expF(-x)); }

static inline float tanhF(float x) {
  float ax = x < 0 ? -x : x;
  // Cephes tanhf: odd polynomial below 0.625, 1 - 2/(e^{2|x|}+1) above
  float s = x * x;
  float small = ((((-5.70498872745E-3f * s + 2.06390887954E-2f) * s - 5.37397155531E-2f) * s + 1.33314422036E-1f) * s -
                 3.33332819422E-1f) * s * x + x;
  float big = 1.0f - 2.0f / (expF(2.0f * ax) + 1.0f);
  big = x < 0 ? -big : big;
  return ax < 0.625f ? small : big;
}

}  // namespace fastmath
}  // namespace nabla
