// The recurrent-cell loops, written once and compiled per ISA (rnn.cc for the portable build,
// rnn_avx2.cc and rnn_avx512.cc with their units' -m flags), like isa_impl.h. The row loops are
// plain C++ the compiler vectorizes; exp / sigmoid / tanh are the same branch-free float
// approximations as the elementwise kernels of isa_impl.h (Cephes polynomials, about 1 ulp for
// exp), so an LSTM built from the elementwise ops and this fused step agree closely.
//
// Before including, define NABLA_RNN_NS (namespace) and NABLA_RNN_GETTER (the table's getter).
#include <cstring>

#include "fastmath.h"
#include "rnn.h"

namespace nabla {
namespace NABLA_RNN_NS {

using fastmath::expF;
using fastmath::sigmoidF;
using fastmath::tanhF;

static void lstmForward(i64 batch, i64 H, float* gates, const float* cPrev, float* c, float* h, float* tanhC) {
  for (i64 b = 0; b < batch; b++) {
    float* __restrict ai = gates + b * 4 * H;
    float* __restrict af = ai + H;
    float* __restrict ag = ai + 2 * H;
    float* __restrict ao = ai + 3 * H;
    const float* __restrict cp = cPrev + b * H;
    float* __restrict cr = c + b * H;
    float* __restrict hr = h + b * H;
    float* __restrict tr = tanhC + b * H;
#pragma GCC ivdep
    for (i64 j = 0; j < H; j++) {
      const float i = sigmoidF(ai[j]), f = sigmoidF(af[j]), g = tanhF(ag[j]), o = sigmoidF(ao[j]);
      ai[j] = i;
      af[j] = f;
      ag[j] = g;
      ao[j] = o;
      const float cv = f * cp[j] + i * g;
      const float tc = tanhF(cv);
      cr[j] = cv;
      tr[j] = tc;
      hr[j] = o * tc;
    }
  }
}

static void lstmBackward(i64 batch, i64 H, const float* gates, const float* tanhC, const float* cPrev,
                         const float* gradH, const float* gradC, const float* dh, float* dc, float* dGates) {
  for (i64 b = 0; b < batch; b++) {
    const float* __restrict ai = gates + b * 4 * H;
    const float* __restrict af = ai + H;
    const float* __restrict ag = ai + 2 * H;
    const float* __restrict ao = ai + 3 * H;
    const float* __restrict tr = tanhC + b * H;
    const float* __restrict cp = cPrev + b * H;
    const float* __restrict gh = gradH + b * H;
    const float* __restrict gc = gradC + b * H;
    const float* __restrict dhr = dh + b * H;
    float* __restrict dcr = dc + b * H;
    float* __restrict di = dGates + b * 4 * H;
    float* __restrict df = di + H;
    float* __restrict dg = di + 2 * H;
    float* __restrict dO = di + 3 * H;
#pragma GCC ivdep
    for (i64 j = 0; j < H; j++) {
      const float i = ai[j], f = af[j], g = ag[j], o = ao[j], tc = tr[j];
      const float dht = gh[j] + dhr[j];
      const float dct = gc[j] + dcr[j] + dht * o * (1.0f - tc * tc);
      di[j] = dct * g * i * (1.0f - i);
      df[j] = dct * cp[j] * f * (1.0f - f);
      dg[j] = dct * i * (1.0f - g * g);
      dO[j] = dht * tc * o * (1.0f - o);
      dcr[j] = dct * f;
    }
  }
}

static void gruForward(i64 batch, i64 H, const float* x, const float* p, const float* hPrev, float* h, float* act,
                       float* pn) {
  for (i64 b = 0; b < batch; b++) {
    const float* __restrict xr = x + b * 3 * H;
    const float* __restrict pr = p + b * 3 * H;
    const float* __restrict hp = hPrev + b * H;
    float* __restrict hr = h + b * H;
    float* __restrict ar = act + b * 3 * H;
    float* __restrict nr = pn + b * H;
#pragma GCC ivdep
    for (i64 j = 0; j < H; j++) {
      const float r = sigmoidF(xr[j] + pr[j]);
      const float z = sigmoidF(xr[H + j] + pr[H + j]);
      const float pnj = pr[2 * H + j];
      const float n = tanhF(xr[2 * H + j] + r * pnj);
      ar[j] = r;
      ar[H + j] = z;
      ar[2 * H + j] = n;
      nr[j] = pnj;
      hr[j] = (1.0f - z) * n + z * hp[j];
    }
  }
}

static void gruBackward(i64 batch, i64 H, const float* act, const float* pn, const float* hPrev, const float* gradH,
                        const float* dh, float* dx, float* dp, float* dhPrev) {
  for (i64 b = 0; b < batch; b++) {
    const float* __restrict ar = act + b * 3 * H;
    const float* __restrict nr = pn + b * H;
    const float* __restrict hp = hPrev + b * H;
    const float* __restrict gh = gradH + b * H;
    const float* __restrict dhr = dh + b * H;
    float* __restrict xr = dx + b * 3 * H;
    float* __restrict pr = dp + b * 3 * H;
    float* __restrict dhp = dhPrev + b * H;
#pragma GCC ivdep
    for (i64 j = 0; j < H; j++) {
      const float r = ar[j], z = ar[H + j], n = ar[2 * H + j];
      const float dht = gh[j] + dhr[j];
      const float dan = dht * (1.0f - z) * (1.0f - n * n);
      const float dar = dan * nr[j] * r * (1.0f - r);
      const float daz = dht * (hp[j] - n) * z * (1.0f - z);
      xr[j] = dar;
      xr[H + j] = daz;
      xr[2 * H + j] = dan;
      pr[j] = dar;
      pr[H + j] = daz;
      pr[2 * H + j] = dan * r;
      dhp[j] = dht * z;
    }
  }
}

static const RnnTable table = {lstmForward, lstmBackward, gruForward, gruBackward};

}  // namespace NABLA_RNN_NS

const RnnTable* NABLA_RNN_GETTER() { return &NABLA_RNN_NS::table; }

}  // namespace nabla
