// The C++ entry of every kernel of the table (src/backend/kernels/table.ts): each takes the
// argument struct K<Name> that native/gen/kernels.h unpacks (arrays already at their offsets, dtypes
// and extents checked) and runs the kernel. Returns null, or an error message for a call the
// kernel cannot run. The Node-API glue and the WebAssembly exports both end here.
#include <atomic>
#include <cmath>

#include "common.h"
#include "rnn.h"
#include "threadpool.h"

namespace nabla {

const char* kUnary(const KUnary& p) {
  if (p.outType == E_U8 && p.op != U_NOT) return "unary: a bool result is only for 'not'";
  unaryMixedStrided(p.op, p.x, p.xType, p.xStrides, p.shape, p.nd, p.outType == E_F32 ? (float*)p.out : nullptr,
                    p.outType == E_U8 ? (uint8_t*)p.out : nullptr);
  return nullptr;
}

const char* kBinary(const KBinary& p) {
  binaryMixedStrided(p.op, p.a, p.aType, p.aStrides, p.b, p.bType, p.bStrides, p.shape, p.nd,
                     p.outType == E_F32 ? (float*)p.out : nullptr, p.outType == E_U8 ? (uint8_t*)p.out : nullptr);
  return nullptr;
}

const char* kWhere(const KWhere& p) {
  whereMixedStrided(p.cond, p.condType, p.condStrides, p.a, p.aStrides, p.b, p.bStrides, p.shape, p.nd, p.out);
  return nullptr;
}

const char* kCopy(const KCopy& p) {
  copyStrided(p.x, p.xStrides, p.out, p.outStrides, p.shape, p.nd, elemBytes(p.xType));
  return nullptr;
}

const char* kReduce(const KReduce& p) {
  reduce(p.op, p.x, p.outer, p.n, p.inner, p.out);
  return nullptr;
}

const char* kArgReduce(const KArgReduce& p) {
  argReduce(p.op == A_ARGMAX ? 1 : 0, p.x, p.outer, p.n, p.inner, p.out);
  return nullptr;
}

const char* kGemm(const KGemm& p) {
  GemmCall g;
  g.batch = p.batch; g.m = p.m; g.n = p.n; g.k = p.k;
  g.a = p.a; g.lda = p.lda; g.transA = p.transA; g.strideA = p.strideA;
  g.b = p.b; g.ldb = p.ldb; g.transB = p.transB; g.strideB = p.strideB;
  g.c = p.c; g.ldc = p.ldc; g.strideC = p.strideC; g.beta = (int)p.beta;
  g.bias = p.bias;
  gemm(g);
  return nullptr;
}

// A Linear layer's gradients: dx = g W, dw = g^T x, db = the column sums of g. dx and dw have
// the same number of multiply-adds (rows x inF x outF). When both are wanted and that is a
// medium size, two threads run them side by side, each product on one thread, instead of each
// product split over both in turn: at these sizes a split product waits at its ends for the
// slower half and for the packed operands (W2's 64 x 128 x 256 layer, WebAssembly: 2T / 1T
// kernel time 1.3-1.6x per product). Smaller, one thread does both; larger, each is split as
// gemm() splits it. Either way every element comes out the same (a product's sums run in the
// same order on one thread or many). db: the caller, rows in order.
static constexpr double kTaskMinWork = 96.0 * 96.0 * 96.0;
static constexpr double kTaskMaxWork = 16.0 * 1024 * 1024;

const char* kLinearBackward(const KLinearBackward& p) {
  const i64 rows = p.rows, inF = p.inF, outF = p.outF;
  if (p.dx && !p.w) return "linearBackward: dx needs w (the weight), got null";
  if (p.dw && !p.x) return "linearBackward: dw needs x (the input), got null";
  GemmCall dx{}, dw{};
  if (p.dx) {  // dx [rows, inF] = g [rows, outF] W [outF, inF]
    dx.batch = 1; dx.m = rows; dx.n = inF; dx.k = outF;
    dx.a = p.g; dx.lda = p.ldg; dx.transA = p.transG;
    dx.b = p.w; dx.ldb = p.ldw; dx.transB = p.transW;
    dx.c = p.dx; dx.ldc = inF; dx.beta = 0;
  }
  if (p.dw) {  // dw [outF, inF] = g^T [outF, rows] x [rows, inF]
    dw.batch = 1; dw.m = outF; dw.n = inF; dw.k = rows;
    dw.a = p.g; dw.lda = p.ldg; dw.transA = !p.transG;
    dw.b = p.x; dw.ldb = p.ldx; dw.transB = p.transX;
    dw.c = p.dw; dw.ldc = inF; dw.beta = 0;
  }
  const double work = (double)rows * (double)inF * (double)outF;
  if (p.dx && p.dw && numThreads() > 1 && work >= kTaskMinWork && work <= kTaskMaxWork) {
    std::atomic<int> next{0};
    auto task = [&](int, int) {
      for (int j; (j = next.fetch_add(1, std::memory_order_relaxed)) < 2;) gemm(j == 0 ? dw : dx, 1);
    };
    parallel(2, task);
  } else {
    if (p.dw) gemm(dw);
    if (p.dx) gemm(dx);
  }
  if (p.db) {
    float* db = p.db;
    if (p.transG) {
      for (i64 o = 0; o < outF; o++) {
        const float* go = p.g + o * p.ldg;
        float s = 0.f;
        for (i64 i = 0; i < rows; i++) s += go[i];
        db[o] = s;
      }
    } else {
      for (i64 o = 0; o < outF; o++) db[o] = 0.f;
      for (i64 i = 0; i < rows; i++) {
        const float* gi = p.g + i * p.ldg;
        for (i64 o = 0; o < outF; o++) db[o] += gi[o];
      }
    }
  }
  return nullptr;
}

const char* kSoftmax(const KSoftmax& p) {
  softmax(p.x, p.outer, p.n, p.inner, p.out, p.log);
  return nullptr;
}

const char* kSoftmaxBackward(const KSoftmaxBackward& p) {
  softmaxBackward(p.y, p.g, p.outer, p.n, p.inner, p.out, p.log);
  return nullptr;
}

const char* kGather(const KGather& p) {
  gather(p.x, p.index, p.outer, p.n, p.m, p.inner, p.out);
  return nullptr;
}

const char* kScatterAdd(const KScatterAdd& p) {
  scatterAdd(p.g, p.index, p.outer, p.n, p.m, p.inner, p.out);
  return nullptr;
}

const char* kConv2d(const KConv2d& p) {
  conv2d(p.x, p.w, p.bias, p.g, p.out);
  return nullptr;
}

const char* kConv2dBackwardInput(const KConv2dBackwardInput& p) {
  conv2dBackwardInput(p.dy, p.w, p.g, p.dx);
  return nullptr;
}

const char* kConv2dBackwardWeight(const KConv2dBackwardWeight& p) {
  conv2dBackwardWeight(p.x, p.dy, p.g, p.dw, p.db);
  return nullptr;
}

const char* kMaxPool2d(const KMaxPool2d& p) {
  maxPool2d(p.x, p.g, p.out, p.argmax);
  return nullptr;
}

const char* kMaxPool2dBackward(const KMaxPool2dBackward& p) {
  maxPool2dBackward(p.dy, p.argmax, p.g, p.dx);
  return nullptr;
}

const char* kAvgPool2d(const KAvgPool2d& p) {
  avgPool2d(p.x, p.g, p.out);
  return nullptr;
}

const char* kAvgPool2dBackward(const KAvgPool2dBackward& p) {
  avgPool2dBackward(p.dy, p.g, p.dx);
  return nullptr;
}

const char* kBatchNormStats(const KBatchNormStats& p) {
  batchNormStats(p.x, p.n, p.c, p.inner, p.eps, p.mean, p.invstd, p.variance);
  return nullptr;
}

const char* kBatchNormForward(const KBatchNormForward& p) {
  batchNormForward(p.x, p.n, p.c, p.inner, p.mean, p.invstd, p.gamma, p.beta, p.out);
  return nullptr;
}

const char* kBatchNormBackward(const KBatchNormBackward& p) {
  batchNormBackward(p.g, p.x, p.n, p.c, p.inner, p.mean, p.invstd, p.gamma, p.dx, p.dgamma, p.dbeta, p.training);
  return nullptr;
}

const char* kLayerNormForward(const KLayerNormForward& p) {
  layerNormForward(p.x, p.rows, p.n, p.eps, p.gamma, p.beta, p.out, p.mean, p.rstd);
  return nullptr;
}

const char* kLayerNormBackward(const KLayerNormBackward& p) {
  layerNormBackward(p.g, p.x, p.rows, p.n, p.mean, p.rstd, p.gamma, p.dx, p.dgamma, p.dbeta);
  return nullptr;
}

const char* kGeluForward(const KGeluForward& p) {
  geluForward(p.x, p.out, p.n);
  return nullptr;
}

const char* kGeluBackward(const KGeluBackward& p) {
  geluBackward(p.x, p.g, p.out, p.n);
  return nullptr;
}

namespace {
template <typename K>
void attnCommon(AttnArgs& a, const K& p) {
  a.batch = p.batch; a.heads = p.heads; a.l = p.l; a.s = p.s; a.d = p.d; a.dv = p.dv;
  a.causal = p.causal;
  a.scale = (float)p.scale;
  a.q = p.q; a.k = p.k; a.v = p.v; a.mask = p.mask;
  for (int i = 0; i < 3; i++) {
    a.qs[i] = p.qStrides[i]; a.ks[i] = p.kStrides[i]; a.vs[i] = p.vStrides[i]; a.os[i] = p.outStrides[i];
  }
  for (int i = 0; i < 4; i++) a.ms[i] = p.mask ? p.maskStrides[i] : 0;
  a.out = const_cast<float*>(p.out);
  a.lse = const_cast<float*>(p.lse);
}
}  // namespace

const char* kAttentionForward(const KAttentionForward& p) {
  AttnArgs a{};
  attnCommon(a, p);
  attentionForward(a);
  return nullptr;
}

const char* kAttentionBackward(const KAttentionBackward& p) {
  AttnArgs a{};
  attnCommon(a, p);
  a.g = p.g; a.dQ = p.gradQ; a.dK = p.gradK; a.dV = p.gradV;
  for (int i = 0; i < 3; i++) {
    a.gs[i] = p.gStrides[i]; a.dQs[i] = p.gradQStrides[i]; a.dKs[i] = p.gradKStrides[i]; a.dVs[i] = p.gradVStrides[i];
  }
  attentionBackward(a);
  return nullptr;
}

const char* kAdamStep(const KAdamStep& p) {
  AdamParams a;
  const double b1 = p.beta1, b2 = p.beta2;
  a.beta1 = (float)b1;
  a.beta2 = (float)b2;
  a.c1 = (float)(1.0 - b1);
  a.c2 = (float)(1.0 - b2);
  a.eps = (float)p.eps;
  a.lr = (float)p.lr;
  a.wd = (float)p.weightDecay;
  a.decoupled = p.decoupled;
  a.stepSize = (float)(p.lr / (1.0 - std::pow(b1, p.step)));
  a.bc2 = (float)std::sqrt(1.0 - std::pow(b2, p.step));
  adamStep(p.p, p.g, p.m, p.v, p.n, a);
  return nullptr;
}

const char* kLstmCellForward(const KLstmCellForward& p) {
  rnn()->lstmForward(p.batch, p.hidden, p.gates, p.cPrev, p.c, p.h, p.tanhC);
  return nullptr;
}

const char* kLstmCellBackward(const KLstmCellBackward& p) {
  rnn()->lstmBackward(p.batch, p.hidden, p.gates, p.tanhC, p.cPrev, p.gradH, p.gradC, p.dh, p.dc, p.dGates);
  return nullptr;
}

const char* kGruCellForward(const KGruCellForward& p) {
  rnn()->gruForward(p.batch, p.hidden, p.x, p.p, p.hPrev, p.h, p.act, p.pn);
  return nullptr;
}

const char* kGruCellBackward(const KGruCellBackward& p) {
  rnn()->gruBackward(p.batch, p.hidden, p.act, p.pn, p.hPrev, p.gradH, p.dh, p.dx, p.dp, p.dhPrev);
  return nullptr;
}

}  // namespace nabla
