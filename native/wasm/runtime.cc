// The WebAssembly module's own exports beside the kernels' (native/gen/wasm_exports.cc, generated
// from the kernel table): the arena the TypeScript side (src/backend/wasm/runtime.ts) copies each
// call's arrays into, and what the kernels run with (instruction set, GEMM tile and blocking,
// threads).
#include <cstdlib>

#include "common.h"

#define NB_EXPORT(name) extern "C" __attribute__((export_name(#name))) __attribute__((used))

using namespace nabla;

extern "C" double* nb_scratch();  // native/gen/wasm_exports.cc

namespace {
void* arena = nullptr;
size_t arenaBytes = 0;
}  // namespace

// A buffer of at least `bytes` (64-byte aligned) for one call's arrays, reused by later calls
// (grown by doubling); 0 if the memory cannot grow that far.
NB_EXPORT(nb_arena) void* nb_arena(size_t bytes) {
  if (bytes <= arenaBytes) return arena;
  std::free(arena);
  size_t want = arenaBytes * 2 > bytes ? arenaBytes * 2 : bytes;
  want = (want + 63) & ~size_t(63);
  arena = std::aligned_alloc(64, want);
  if (!arena) {
    want = (bytes + 63) & ~size_t(63);
    arena = std::aligned_alloc(64, want);
  }
  arenaBytes = arena ? want : 0;
  return arena;
}

// A block of `bytes` (64-byte aligned) that stays until nb_free: where the TypeScript side keeps
// a copy of an input array between calls (its resident inputs); 0 if the memory cannot grow.
NB_EXPORT(nb_alloc) void* nb_alloc(size_t bytes) {
  return std::aligned_alloc(64, (bytes + 63) & ~size_t(63));
}

NB_EXPORT(nb_free) int nb_free(void* p) {
  std::free(p);
  return 0;
}

// The ISA's name (a C string); mr nr mc kc nc threads in the scratch's first six doubles.
NB_EXPORT(nb_info) const char* nb_info() {
  const IsaTable* t = isa();
  double* s = nb_scratch();
  s[0] = t->mr; s[1] = t->nr; s[2] = t->mc; s[3] = t->kc; s[4] = t->nc;
  s[5] = numThreads();
  return t->name;
}

NB_EXPORT(nb_set_num_threads) int nb_set_num_threads(int n) {
  setNumThreads(n);
  return numThreads();
}
