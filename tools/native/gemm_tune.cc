// GEMM tuning harness: nabla's GEMM (native/kernels, no Node) beside OpenBLAS's cblas_sgemm on
// the same operands, interleaved call by call, each figure the minimum over the repetitions of
// the calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID; WALL=1 for wall time, needed with
// more than one thread): on a shared machine a thread's CPU time hardly moves when other
// processes take the cores, wall time does. Used to choose the AVX2 tile (6x16 over 4x24), the
// blocking and the edge kernels.
//
//   K=native/kernels; F="-O3 -std=c++17 -fno-math-errno -fno-trapping-math -fopenmp-simd -DNABLA_X86=1 -I$K"
//   g++ $F -mavx2 -mfma -c $K/isa_avx2.cc -o /tmp/avx2.o
//   g++ $F -mavx512f -mavx512dq -mavx512bw -mavx512vl -mfma -mprefer-vector-width=512 -c $K/isa_avx512.cc -o /tmp/avx512.o
//   g++ $F tools/native/gemm_tune.cc $K/gemm.cc $K/threadpool.cc $K/cpuinfo.cc $K/isa_generic.cc /tmp/avx2.o /tmp/avx512.o \
//       -o /tmp/gemm_tune -ldl -pthread
//   OPENBLAS_CORETYPE=Haswell /tmp/gemm_tune avx2 1 200 1024,1024,1024,0,0 64,256,784,0,1 2048,65,128,0,1
//
// Arguments: ISA (avx512 | avx2 | generic), threads, repetitions, then products m,n,k,transA,transB.
// NABLA_GEMM_BLOCKS=mc,kc,nc overrides the cache blocks; -DNABLA_AVX2_MR=4 -DNABLA_AVX2_NV=3 on
// isa_avx2.cc builds the 4x24 tile instead.
#include <dlfcn.h>
#include <time.h>
#include <cstdio>
#include <cstdlib>
#include <vector>
#include <random>
#include <algorithm>
#include <cmath>
#include "../../native/kernels/common.h"
using namespace nabla;
typedef void (*sgemm_t)(int, int, int, int, int, int, float, const float*, int, const float*, int, float, float*, int);
typedef void (*setnt_t)(int);
static double now() { timespec ts; clock_gettime(getenv("WALL") ? CLOCK_MONOTONIC : CLOCK_THREAD_CPUTIME_ID, &ts); return ts.tv_sec + 1e-9 * ts.tv_nsec; }
int main(int argc, char** argv) {
  void* h = dlopen("/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0", RTLD_NOW);
  sgemm_t sg = (sgemm_t)dlsym(h, "cblas_sgemm");
  setnt_t snt = (setnt_t)dlsym(h, "openblas_set_num_threads");
  setIsa(argv[1]); int nt = atoi(argv[2]); int reps = atoi(argv[3]);
  setNumThreads(nt); snt(nt);
  std::mt19937 rng(1); std::uniform_real_distribution<float> U(-1, 1);
  for (int a = 4; a < argc; a++) {
    long m, n, k; int tA, tB;
    sscanf(argv[a], "%ld,%ld,%ld,%d,%d", &m, &n, &k, &tA, &tB);
    std::vector<float> A(m * k), B(k * n), C(m * n), D(m * n);
    for (auto& x : A) x = U(rng);
    for (auto& x : B) x = U(rng);
    long lda = tA ? m : k, ldb = tB ? k : n;
    GemmCall g{1, m, n, k, A.data(), lda, tA, 0, B.data(), ldb, tB, 0, C.data(), n, 0, 0};
    double bn = 1e9, bo = 1e9;
    for (int r = 0; r < reps; r++) {
      double t = now(); gemm(g); bn = std::min(bn, now() - t);
      t = now(); sg(101, tA ? 112 : 111, tB ? 112 : 111, m, n, k, 1.f, A.data(), lda, B.data(), ldb, 0.f, D.data(), n); bo = std::min(bo, now() - t);
    }
    double err = 0; for (long i = 0; i < m * n; i++) err = std::max(err, (double)std::fabs(C[i] - D[i]));
    double fl = 2.0 * m * n * k;
    printf("%-6s nt=%d %4ld x %4ld x %4ld tA%d tB%d: nabla %6.1f us %5.1f GF/s | openblas %6.1f us %5.1f | ratio %.2f err %.1g\n", isa()->name, nt, m, n, k, tA, tB, bn*1e6, fl / bn / 1e9, bo*1e6, fl / bo / 1e9, bo / bn, err);
  }
}
