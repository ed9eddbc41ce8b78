// Strided elementwise kernels (unary, binary, where, copy) over collapsed shapes.
#include <cstring>

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

void whereStrided(const uint8_t* cond, const i64* sc, const float* a, const i64* sa, const float* b, const i64* sb,
                  const i64* shape, int nd, float* out) {
  const i64 total = product(shape, nd);
  if (total == 0) return;
  const i64* st[3] = {sc, sa, sb};
  const i64 ic = sc[nd - 1], ia = sa[nd - 1], ib = sb[nd - 1];
  parallelRange(total, 65536, [&](i64 s, i64 e) {
    walkRange(shape, nd, 3, st, s, e, [&](const i64* offs, i64 o, i64 n) {
      const uint8_t* c = cond + offs[0];
      const float* pa = a + offs[1];
      const float* pb = b + offs[2];
      float* po = out + o;
      if (ic == 1 && ia == 1 && ib == 1) {
        for (i64 i = 0; i < n; i++) po[i] = c[i] ? pa[i] : pb[i];
      } else {
        for (i64 i = 0; i < n; i++) po[i] = c[i * ic] ? pa[i * ia] : pb[i * ib];
      }
    });
  });
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
