// The generic build of the kernels in isa_impl.h (compiled with this unit's own ISA flags; see binding.gyp).
#define NABLA_ISA_NS isa_generic
#define NABLA_ISA_NAME "generic"
#define NABLA_ISA_GETTER isaGeneric
#include "isa_impl.h"
