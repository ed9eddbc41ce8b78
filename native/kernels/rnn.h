// Recurrent-cell kernels (rnn.cc): the pointwise gate math of one LSTM / GRU time step and its
// backward, float32, in place on the tensors' arrays. Formulas and layouts: LstmCellArgs,
// LstmCellBackwardArgs, GruCellArgs, GruCellBackwardArgs in src/backend/types.ts. Pointers are
// already offset; the regions of one call never overlap.
#pragma once
#include "common.h"

namespace nabla {

// One instruction set's loops (rnn_impl.h, compiled per ISA like isa_impl.h).
struct RnnTable {
  void (*lstmForward)(i64 batch, i64 H, float* gates, const float* cPrev, float* c, float* h, float* tanhC);
  void (*lstmBackward)(i64 batch, i64 H, const float* gates, const float* tanhC, const float* cPrev, const float* gradH,
                       const float* gradC, const float* dh, float* dc, float* dGates);
  void (*gruForward)(i64 batch, i64 H, const float* x, const float* p, const float* hPrev, float* h, float* act,
                     float* pn);
  void (*gruBackward)(i64 batch, i64 H, const float* act, const float* pn, const float* hPrev, const float* gradH,
                      const float* dh, float* dx, float* dp, float* dhPrev);
};

const RnnTable* rnnGeneric();
#ifdef NABLA_X86
const RnnTable* rnnAvx2();
const RnnTable* rnnAvx512();
#endif
// The table matching the ISA in use (isa()).
const RnnTable* rnn();

}  // namespace nabla
