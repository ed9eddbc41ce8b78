// The avx2 build of the direct-convolution tile loops in conv_tiles_impl.h (compiled with this unit's ISA flags; see binding.gyp).
#define NABLA_CONV_NS conv_avx2
#define NABLA_CONV_GETTER convTilesAvx2
#include "conv_tiles_impl.h"
