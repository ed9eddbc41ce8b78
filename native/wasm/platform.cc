// What the WebAssembly module has instead of the operating system: no cache sizes to read (fixed
// values, the common L1d/L2 of desktop CPUs), no environment (getenv answers null, so the
// NABLA_* tuning variables of the addon do not apply), and no threads of its own (wasi-libc has
// none): the pool runs every job on the calling thread. The module imports nothing.
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <new>

#include "common.h"
#include "threadpool.h"

extern "C" char* getenv(const char*) { return nullptr; }

// thread_local buffers (gemm.cc, conv.cc) are plain globals here; their destructors would run at
// thread exit, which never comes (the instance lives as long as the page or process)
extern "C" int __cxa_thread_atexit(void (*)(void*), void*, void*) { return 0; }

// snprintf for the generated glue's error messages (native/gen/kernels.h: %s, %d, %ld, %lld):
// libc's would pull in all of stdio, and with it imports of WASI's file functions
extern "C" int vsnprintf(char* buf, size_t size, const char* fmt, va_list ap) {
  size_t n = 0;
  auto put = [&](char c) {
    if (n + 1 < size) buf[n] = c;
    n++;
  };
  for (const char* p = fmt; *p; p++) {
    if (*p != '%') {
      put(*p);
      continue;
    }
    p++;
    int longs = 0;
    while (*p == 'l') longs++, p++;
    if (*p == 's') {
      for (const char* q = va_arg(ap, const char*); q && *q; q++) put(*q);
    } else if (*p == 'd') {
      long long v = longs >= 2 ? va_arg(ap, long long) : longs == 1 ? va_arg(ap, long) : va_arg(ap, int);
      char digits[24];
      int k = 0;
      unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
      do digits[k++] = (char)('0' + u % 10); while ((u /= 10) != 0);
      if (v < 0) put('-');
      while (k > 0) put(digits[--k]);
    } else if (*p == '%') {
      put('%');
    } else {
      if (!*p) break;
      put('%');
      put(*p);
    }
  }
  if (size > 0) buf[n < size ? n : size - 1] = 0;
  return (int)n;
}

extern "C" int snprintf(char* buf, size_t size, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  const int n = vsnprintf(buf, size, fmt, ap);
  va_end(ap);
  return n;
}

// operator new without libc++abi's new-handler machinery (whose abort message would pull in
// stdio and with it imports of WASI's file functions): out of memory traps
void* operator new(size_t n) {
  void* p = std::malloc(n ? n : 1);
  if (!p) __builtin_trap();
  return p;
}
void* operator new[](size_t n) { return operator new(n); }
void* operator new(size_t n, std::align_val_t a) {
  void* p = std::aligned_alloc((size_t)a, ((n ? n : 1) + (size_t)a - 1) / (size_t)a * (size_t)a);
  if (!p) __builtin_trap();
  return p;
}
void* operator new[](size_t n, std::align_val_t a) { return operator new(n, a); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t, std::align_val_t) noexcept { std::free(p); }

namespace nabla {

const CpuCaches& cpuCaches() {
  static const CpuCaches caches{32 * 1024, 1024 * 1024, 8 * 1024 * 1024, "default"};
  return caches;
}

static int threads = 1;

int numThreads() { return threads; }

void setNumThreads(int n) { threads = 1; (void)n; }

int runParallel(int nt, TaskFn fn, void* ctx) {
  (void)nt;
  fn(ctx, 0, 1);
  return 1;
}

}  // namespace nabla
