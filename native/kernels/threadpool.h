// A small pool of persistent worker threads. The calling thread always takes part as tid 0;
// workers spin briefly after each job (so back-to-back ops do not pay a wake-up) and then sleep
// on a condition variable. If the pool is already busy (a call from another JS thread), the
// work runs on the calling thread alone.
//
// Workers are helpers, not obligations: a worker joins a job only while the caller is still
// working on it, and the caller never waits for a worker that has not started. So on a busy
// machine, where the OS may not run a worker for milliseconds, a job costs at most what the
// caller alone would take. Task functions therefore take their work from shared counters
// (claim a chunk, do it, repeat) instead of assuming a fixed split by tid.
#pragma once
#include <atomic>
#ifndef __wasm__
#include <thread>  // (WebAssembly: wasi-libc has no threads; native/wasm/platform.cc runs the pool)
#endif

namespace nabla {

typedef void (*TaskFn)(void* ctx, int tid, int nt);
// Runs fn(ctx, tid, nt) on the caller (tid 0) and on the workers tid in [1, nt) that join in
// time; returns nt (an upper bound of the tids that may have run).
int runParallel(int nt, TaskFn fn, void* ctx);

template <class F>
int parallel(int nt, F& f) {
  return runParallel(nt, [](void* c, int tid, int n) { (*static_cast<F*>(c))(tid, n); }, &f);
}

// Gives the CPU to another thread (WebAssembly with threads: a timed wait of a microsecond on a
// word nobody notifies; without threads there is nothing to give it to, spinning continues).
inline void cpuYield() {
#ifndef __wasm__
  std::this_thread::yield();
#elif defined(__wasm_atomics__)
  static int never = 0;
  __builtin_wasm_memory_atomic_wait32(&never, 0, 1000);
#endif
}

inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// How many times longer to spin before yielding: WebAssembly has no pause instruction (a spin is
// a few ns, not tens), and its yield is a timed wait that the OS rounds up to tens of us.
#ifdef __wasm_atomics__
constexpr int kSpinScale = 40;
#else
constexpr int kSpinScale = 1;
#endif

// Waits until cond() holds: spins, then yields the CPU.
template <class C>
inline void spinUntil(C&& cond) {
  for (int spins = 0; !cond(); spins++) {
    if (spins < 4000 * kSpinScale) cpuRelax();
    else cpuYield();
  }
}

// Runs body(i) for every i in [0, count), chunks claimed from a shared counter by the caller and
// whichever workers join.
template <class F>
void parallelFor(int nt, int64_t count, F&& body) {
  if (nt <= 1 || count <= 1) {
    for (int64_t i = 0; i < count; i++) body(i);
    return;
  }
  std::atomic<int64_t> next{0};
  auto task = [&](int, int) {
    for (int64_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < count;) body(i);
  };
  parallel(nt, task);
}

// Spin barrier for the nt threads of one job.
struct Barrier {
  std::atomic<int> count{0};
  std::atomic<int> gen{0};
  int n;
  explicit Barrier(int n_) : n(n_) {}
  void wait() {
    if (n <= 1) return;
    int g = gen.load(std::memory_order_acquire);
    if (count.fetch_add(1, std::memory_order_acq_rel) == n - 1) {
      count.store(0, std::memory_order_relaxed);
      gen.fetch_add(1, std::memory_order_release);
      return;
    }
    for (int spins = 0; gen.load(std::memory_order_acquire) == g; spins++) {
      if (spins < 20000 * kSpinScale) cpuRelax();
      else cpuYield();
    }
  }
};

}  // namespace nabla
