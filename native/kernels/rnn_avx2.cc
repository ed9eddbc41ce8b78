// The avx2 build of the recurrent-cell loops in rnn_impl.h (compiled with this unit's ISA flags; see binding.gyp).
#define NABLA_RNN_NS rnn_avx2
#define NABLA_RNN_GETTER rnnAvx2
#include "rnn_impl.h"
