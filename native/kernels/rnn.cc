// Recurrent-cell kernels: the portable build of rnn_impl.h and the choice of the build that
// matches the ISA in use (isa(), chosen from the CPU's features; setIsa switches both).
#define NABLA_RNN_NS rnn_generic
#define NABLA_RNN_GETTER rnnGeneric
#include "rnn_impl.h"

namespace nabla {

const RnnTable* rnn() {
#ifdef NABLA_X86
  const IsaTable* t = isa();
  if (t == isaAvx512() || !std::strcmp(t->name, "avx512")) return rnnAvx512();
  if (t == isaAvx2() || !std::strcmp(t->name, "avx2")) return rnnAvx2();
#endif
  return rnnGeneric();
}

}  // namespace nabla
