// The WebAssembly build of the kernels in isa_impl.h: the whole module is compiled for wasm32
// with SIMD128 (scripts/build-wasm.mjs), so this is its one instruction set, registered where the
// other builds register "generic" (gemm.cc's ISA choice then finds it without a WebAssembly case).
#define NABLA_ISA_NS isa_wasm
#ifdef __wasm_relaxed_simd__
#define NABLA_ISA_NAME "wasm-relaxed-simd"
#else
#define NABLA_ISA_NAME "wasm-simd128"
#endif
#define NABLA_ISA_GETTER isaGeneric
#include "isa_impl.h"
