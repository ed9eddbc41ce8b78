// Large-block malloc settings for the process hosting the addon (glibc only; malloc_tune.cc).
#pragma once

namespace nabla {

// Tensors' arrays are allocated by Node through malloc/calloc. With glibc's defaults a block of a
// few MB (a W3 activation is 3.2 MB) may be mmap'd and unmapped again, or freed to a heap top that
// is trimmed and regrown, so each new array page-faults its pages in afresh (a ReLU on 800 k floats
// took 2-3x longer on average for it). This keeps blocks up to 64 MB in the heap
// (M_MMAP_THRESHOLD) and trims the heap only past 256 MB of free space (M_TRIM_THRESHOLD): freed
// arrays are reused warm, at the cost of the process keeping up to 256 MB of freed memory.
// Skipped when NABLA_MALLOC_TUNE=0, when the user set either glibc variable
// (MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_) or on other C libraries.
// Returns a short description of what was done, for nativeInfo().
const char* tuneMalloc();

}  // namespace nabla
