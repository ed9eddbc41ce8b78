// A small pool of persistent worker threads. The calling thread always takes part as tid 0;
// workers spin briefly after each job (so back-to-back ops do not pay a wake-up) and then sleep
// on a condition variable. If the pool is already busy (a call from another JS thread), the
// work runs on the calling thread alone.
#pragma once
#include <atomic>
#include <thread>

namespace nabla {

typedef void (*TaskFn)(void* ctx, int tid, int nt);
// Runs fn(ctx, tid, nt) for every tid in [0, nt); returns the nt actually used.
int runParallel(int nt, TaskFn fn, void* ctx);

template <class F>
int parallel(int nt, F& f) {
  return runParallel(nt, [](void* c, int tid, int n) { (*static_cast<F*>(c))(tid, n); }, &f);
}

inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
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
      if (spins < 20000) cpuRelax();
      else std::this_thread::yield();
    }
  }
};

}  // namespace nabla
