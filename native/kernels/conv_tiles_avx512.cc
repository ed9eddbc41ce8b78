// The avx512 build of the direct-convolution tile loops in conv_tiles_impl.h (compiled with this unit's ISA flags; see binding.gyp).
#define NABLA_CONV_NS conv_avx512
#define NABLA_CONV_GETTER convTilesAvx512
#include "conv_tiles_impl.h"
