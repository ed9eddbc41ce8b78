// The avx512 build of the kernels in isa_impl.h (compiled with this unit's own ISA flags; see binding.gyp).
#define NABLA_ISA_NS isa_avx512
#define NABLA_ISA_NAME "avx512"
#define NABLA_ISA_GETTER isaAvx512
#include "isa_impl.h"
