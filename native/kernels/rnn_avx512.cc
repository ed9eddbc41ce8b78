// The avx512 build of the recurrent-cell loops in rnn_impl.h (compiled with this unit's ISA flags; see binding.gyp).
#define NABLA_RNN_NS rnn_avx512
#define NABLA_RNN_GETTER rnnAvx512
#include "rnn_impl.h"
