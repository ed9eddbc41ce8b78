// See malloc_tune.h.
#include "malloc_tune.h"

#include <cstdlib>
#include <cstring>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace nabla {

const char* tuneMalloc() {
#if defined(__GLIBC__)
  const char* opt = std::getenv("NABLA_MALLOC_TUNE");
  if (opt && std::strcmp(opt, "0") == 0) return "off (NABLA_MALLOC_TUNE=0)";
  if (std::getenv("MALLOC_MMAP_THRESHOLD_") || std::getenv("MALLOC_TRIM_THRESHOLD_")) return "off (the environment sets glibc's thresholds)";
  const bool ok = mallopt(M_MMAP_THRESHOLD, 64 << 20) == 1 && mallopt(M_TRIM_THRESHOLD, 256 << 20) == 1;
  return ok ? "glibc: blocks up to 64 MB from the heap, trimmed past 256 MB free" : "off (mallopt refused)";
#else
  return "off (not glibc)";
#endif
}

}  // namespace nabla
