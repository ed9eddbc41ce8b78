#include "threadpool.h"

#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <vector>

#include "common.h"

namespace nabla {
namespace {

struct Pool {
  std::mutex mu;             // guards sleeping / waking
  std::condition_variable cv;
  std::mutex busy;           // held by the thread that owns the pool for one job
  std::vector<std::thread> workers;
  std::atomic<uint64_t> jobGen{0};
  std::atomic<int> slots{0};     // worker places still open in the current job
  std::atomic<int> finished{0};  // workers that joined and returned
  TaskFn fn = nullptr;
  void* ctx = nullptr;
  int jobNt = 1;
  int threads = 1;           // configured thread count (caller + workers)
  bool stop = false;

  Pool() {
    int n = (int)std::thread::hardware_concurrency();
    if (n < 1) n = 1;
    if (const char* e = std::getenv("NABLA_NUM_THREADS")) {
      int v = std::atoi(e);
      if (v >= 1) n = v;
    }
    if (n > 64) n = 64;
    threads = n;
  }
  ~Pool() {
    {
      std::lock_guard<std::mutex> l(mu);
      stop = true;
      jobGen.fetch_add(1);
    }
    cv.notify_all();
    for (auto& t : workers) t.join();
  }

  void ensureWorkers(int nt) {
    while ((int)workers.size() < nt - 1) {
      int tid = (int)workers.size() + 1;
      // the worker must start from the generation before the job about to be posted
      const uint64_t gen = jobGen.load(std::memory_order_acquire);
      workers.emplace_back([this, tid, gen] { loop(tid, gen); });
    }
  }

  void loop(int tid, uint64_t seen) {
    for (;;) {
      // spin for a while (~50-100 us) waiting for the next job, then sleep
      uint64_t g;
      int spins = 0;
      while ((g = jobGen.load(std::memory_order_acquire)) == seen && spins < 4000) {
        cpuRelax();
        spins++;
      }
      if (g == seen) {
        std::unique_lock<std::mutex> l(mu);
        cv.wait(l, [&] { return jobGen.load(std::memory_order_acquire) != seen; });
        g = jobGen.load(std::memory_order_acquire);
      }
      seen = g;
      if (stop) return;
      if (tid < jobNt) {
        // join only while places are open (the caller closes them when its own part is done)
        int s = slots.load(std::memory_order_acquire);
        while (s > 0 && !slots.compare_exchange_weak(s, s - 1, std::memory_order_acq_rel)) {
        }
        if (s > 0) {
          fn(ctx, tid, jobNt);
          finished.fetch_add(1, std::memory_order_acq_rel);
        }
      }
    }
  }
};

Pool& pool() {
  static Pool* p = new Pool();  // never destroyed: workers may outlive static destruction order
  return *p;
}

}  // namespace

int numThreads() { return pool().threads; }

void setNumThreads(int n) {
  if (n < 1) n = 1;
  if (n > 64) n = 64;
  pool().threads = n;
}

int runParallel(int nt, TaskFn fn, void* ctx) {
  Pool& p = pool();
  if (nt > p.threads) nt = p.threads;
  if (nt <= 1 || !p.busy.try_lock()) {
    fn(ctx, 0, 1);
    return 1;
  }
  p.ensureWorkers(nt);
  p.fn = fn;
  p.ctx = ctx;
  p.jobNt = nt;
  p.finished.store(0, std::memory_order_relaxed);
  p.slots.store(nt - 1, std::memory_order_release);
  {
    std::lock_guard<std::mutex> l(p.mu);
    p.jobGen.fetch_add(1, std::memory_order_acq_rel);
  }
  p.cv.notify_all();
  fn(ctx, 0, nt);
  // close the job to late workers, then wait only for those that joined
  const int joined = (nt - 1) - p.slots.exchange(0, std::memory_order_acq_rel);
  spinUntil([&] { return p.finished.load(std::memory_order_acquire) == joined; });
  p.busy.unlock();
  return nt;
}

}  // namespace nabla
