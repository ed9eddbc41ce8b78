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

#ifndef __wasm_atomics__
static int threads = 1;

int numThreads() { return threads; }

void setNumThreads(int n) { threads = 1; (void)n; }

int runParallel(int nt, TaskFn fn, void* ctx) {
  (void)nt;
  fn(ctx, 0, 1);
  return 1;
}
#else
// The threaded build (nabla-threads.wasm, shared memory): the pool's workers are other instances
// of this module on the same memory, each in a JavaScript worker (src/backend/wasm/threads.ts),
// running nb_worker_loop. The protocol is threadpool.cc's: a job is posted by bumping jobGen
// (workers spin a while, then sleep in memory.atomic.wait32 on it), a worker joins only while
// places are open, and the caller, its own part done, closes the job and waits only for those
// that joined; so results never depend on how many workers took part.
namespace {
std::atomic<int> jobGen{0};
std::atomic<int> slots{0};
std::atomic<int> finished{0};
std::atomic<int> busy{0};
std::atomic<int> stopping{0};
std::atomic<int> sleepers{0};  // workers asleep (or about to be) in memory.atomic.wait32 on jobGen
TaskFn jobFn = nullptr;
void* jobCtx = nullptr;
int jobNt = 1;
int threads = 1;
int workers = 0;  // workers started (their instances loop in nb_worker_loop)
}  // namespace

int numThreads() { return threads; }

void setNumThreads(int n) {
  if (n < 1) n = 1;
  if (n > workers + 1) n = workers + 1;
  threads = n;
}

int runParallel(int nt, TaskFn fn, void* ctx) {
  if (nt > threads) nt = threads;
  int expected = 0;
  if (nt <= 1 || !busy.compare_exchange_strong(expected, 1, std::memory_order_acq_rel)) {
    fn(ctx, 0, 1);
    return 1;
  }
  jobFn = fn;
  jobCtx = ctx;
  jobNt = nt;
  finished.store(0, std::memory_order_relaxed);
  slots.store(nt - 1, std::memory_order_release);
  jobGen.fetch_add(1, std::memory_order_seq_cst);
  // (a wake-up costs the engine a lock and a futex call: only when a worker sleeps)
  if (sleepers.load(std::memory_order_seq_cst) > 0)
    __builtin_wasm_memory_atomic_notify(reinterpret_cast<int*>(&jobGen), (unsigned)(nt - 1));
  fn(ctx, 0, nt);
  const int joined = (nt - 1) - slots.exchange(0, std::memory_order_acq_rel);
  // spin, then give the CPU away in short timed waits (a joined worker the OS has descheduled
  // needs it on a busy machine)
  for (int spins = 0, f; (f = finished.load(std::memory_order_acquire)) != joined; spins++)
    if (spins > 4000 * kSpinScale) __builtin_wasm_memory_atomic_wait32(reinterpret_cast<int*>(&finished), f, 20000);
  busy.store(0, std::memory_order_release);
  return nt;
}

}  // namespace nabla

#define NB_EXPORT(name) extern "C" __attribute__((export_name(#name))) __attribute__((used))

// wasi-libc is built without threads, so its malloc takes no lock: the threaded build links the
// allocation functions through these (ld --wrap), which hold a spin lock around libc's.
namespace {
std::atomic<int> heapLock{0};
struct HeapGuard {
  HeapGuard() {
    int e = 0;
    while (!heapLock.compare_exchange_weak(e, 1, std::memory_order_acquire)) e = 0;
  }
  ~HeapGuard() { heapLock.store(0, std::memory_order_release); }
};
}  // namespace
extern "C" {
void* __real_malloc(size_t);
void __real_free(void*);
void* __real_calloc(size_t, size_t);
void* __real_realloc(void*, size_t);
void* __real_aligned_alloc(size_t, size_t);
int __real_posix_memalign(void**, size_t, size_t);
void* __wrap_malloc(size_t n) { HeapGuard g; return __real_malloc(n); }
void __wrap_free(void* p) { HeapGuard g; __real_free(p); }
void* __wrap_calloc(size_t n, size_t m) { HeapGuard g; return __real_calloc(n, m); }
void* __wrap_realloc(void* p, size_t n) { HeapGuard g; return __real_realloc(p, n); }
void* __wrap_aligned_alloc(size_t a, size_t n) { HeapGuard g; return __real_aligned_alloc(a, n); }
int __wrap_posix_memalign(void** p, size_t a, size_t n) { HeapGuard g; return __real_posix_memalign(p, a, n); }
}

// A block for a worker's stack and thread-local storage (made on the main thread, before the
// worker starts); 0 if the memory cannot hold it.
NB_EXPORT(nb_thread_block) void* nb_thread_block(size_t bytes) { return std::aligned_alloc(64, (bytes + 63) & ~size_t(63)); }

// Counts a started worker (the main thread calls it once a worker's instance is ready to loop).
NB_EXPORT(nb_worker_added) int nb_worker_added() {
  nabla::stopping.store(0, std::memory_order_release);
  return ++nabla::workers;
}

// A worker's life: wait for jobs and take part in them until nb_stop_workers.
NB_EXPORT(nb_worker_loop) void nb_worker_loop(int tid) {
  using namespace nabla;
  int seen = jobGen.load(std::memory_order_acquire);
  for (;;) {
    int g;
    int spins = 0;
    while ((g = jobGen.load(std::memory_order_acquire)) == seen && spins < 20000) spins++;
    if (g == seen) {
      sleepers.fetch_add(1, std::memory_order_seq_cst);
      while ((g = jobGen.load(std::memory_order_seq_cst)) == seen)
        __builtin_wasm_memory_atomic_wait32(reinterpret_cast<int*>(&jobGen), seen, -1);
      sleepers.fetch_sub(1, std::memory_order_seq_cst);
    }
    seen = g;
    if (stopping.load(std::memory_order_acquire)) return;
    if (tid < jobNt) {
      int s = slots.load(std::memory_order_acquire);
      while (s > 0 && !slots.compare_exchange_weak(s, s - 1, std::memory_order_acq_rel)) {
      }
      if (s > 0) {
        jobFn(jobCtx, tid, jobNt);
        finished.fetch_add(1, std::memory_order_acq_rel);
      }
    }
  }
}

// Ends every worker's loop (their instances return from nb_worker_loop).
NB_EXPORT(nb_stop_workers) int nb_stop_workers() {
  using namespace nabla;
  stopping.store(1, std::memory_order_release);
  jobGen.fetch_add(1, std::memory_order_acq_rel);
  __builtin_wasm_memory_atomic_notify(reinterpret_cast<int*>(&jobGen), 1u << 30);
  workers = 0;
  threads = 1;
  return 0;
}
namespace nabla {
#endif
}  // namespace nabla
