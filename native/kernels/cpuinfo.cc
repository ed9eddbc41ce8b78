// Data cache sizes of the CPU the process runs on, for the GEMM's cache blocking (gemm.cc):
// Linux sysfs first (/sys/devices/system/cpu/cpu0/cache/index*/{level,type,size}), then the
// x86 CPUID cache leaves (4 on Intel, 0x8000001D on AMD), then fixed defaults.
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "common.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace nabla {

static bool readLine(const char* path, char* buf, size_t n) {
  FILE* f = std::fopen(path, "r");
  if (!f) return false;
  const bool ok = std::fgets(buf, (int)n, f) != nullptr;
  std::fclose(f);
  return ok;
}

static bool fromSysfs(CpuCaches& c) {
  bool any = false;
  for (int i = 0; i < 8; i++) {
    char path[96], level[16], type[32], size[32];
    std::snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/level", i);
    if (!readLine(path, level, sizeof level)) continue;
    std::snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/type", i);
    if (!readLine(path, type, sizeof type) || !std::strncmp(type, "Instruction", 11)) continue;
    std::snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
    if (!readLine(path, size, sizeof size)) continue;
    char* end = nullptr;
    i64 bytes = std::strtol(size, &end, 10);
    if (end && (*end == 'K' || *end == 'k')) bytes *= 1024;
    else if (end && *end == 'M') bytes *= 1024 * 1024;
    if (bytes <= 0) continue;
    const int lv = std::atoi(level);
    if (lv == 1) c.l1d = bytes;
    else if (lv == 2) c.l2 = bytes;
    else if (lv == 3) c.l3 = bytes;
    else continue;
    any = true;
  }
  return any;
}

#if defined(__x86_64__) || defined(__i386__)
// Deterministic cache parameters: leaf 4 (Intel) or 0x8000001D (AMD), one sub-leaf per cache.
static bool fromCpuid(CpuCaches& c) {
  unsigned a, b, cx, d;
  if (!__get_cpuid(0, &a, &b, &cx, &d)) return false;
  const bool amd = b == 0x68747541;  // "Auth"enticAMD
  unsigned leaf = 4;
  if (amd) {
    if (!__get_cpuid(0x80000000, &a, &b, &cx, &d) || a < 0x8000001D) return false;
    leaf = 0x8000001D;
  } else if (a < 4) {
    return false;
  }
  bool any = false;
  for (unsigned sub = 0; sub < 8; sub++) {
    __cpuid_count(leaf, sub, a, b, cx, d);
    const unsigned type = a & 31;  // 0 none, 1 data, 2 instruction, 3 unified
    if (type == 0) break;
    if (type == 2) continue;
    const unsigned level = (a >> 5) & 7;
    const i64 bytes = (i64)(((b >> 22) & 0x3FF) + 1) * (((b >> 12) & 0x3FF) + 1) * ((b & 0xFFF) + 1) * ((i64)cx + 1);
    if (level == 1) c.l1d = bytes;
    else if (level == 2) c.l2 = bytes;
    else if (level == 3) c.l3 = bytes;
    any = true;
  }
  return any;
}
#endif

const CpuCaches& cpuCaches() {
  static const CpuCaches caches = [] {
    CpuCaches c{32 * 1024, 256 * 1024, 8 * 1024 * 1024, "default"};
    if (fromSysfs(c)) c.source = "sysfs";
#if defined(__x86_64__) || defined(__i386__)
    else if (fromCpuid(c)) c.source = "cpuid";
#endif
    return c;
  }();
  return caches;
}

bool cpuIsAmd() {
#if defined(__x86_64__) || defined(__i386__)
  static const bool amd = [] {
    unsigned a, b, c, d;
    return __get_cpuid(0, &a, &b, &c, &d) && b == 0x68747541 && d == 0x69746e65 && c == 0x444d4163;  // "AuthenticAMD"
  }();
  return amd;
#else
  return false;
#endif
}

}  // namespace nabla
