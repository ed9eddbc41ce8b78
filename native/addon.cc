// Node-API glue for the native kernels (native/kernels/*).
//
// Every kernel's callback is generated from the kernel table (native/gen/napi_glue.inc, from
// src/backend/kernels/table.ts by `npm run gen:kernels`): it takes the kernel's typed arrays as
// arguments, used in place (napi_get_typedarray_info gives the element pointer, already adjusted by
// the view's byteOffset, its dtype and its length), and reads every scalar from a Float64Array
// "scratch" owned by this addon instance, which the TypeScript wrapper filled; shapes, strides and
// geometry never travel as JS arrays or objects, so a call allocates nothing. Each array's dtype
// and the element range the call touches are checked against the table before the kernel runs: a
// mismatch throws a TypeError instead of reading or writing out of bounds. One instance per JS
// environment (main thread or worker), so workers do not share a scratch.
#include <napi.h>

#include <string>

#include "kernels/common.h"
#include "malloc_tune.h"

using namespace nabla;

namespace {

constexpr int kScratch = 512;

// pointer, dtype code (E_*; -1 absent: missing, undefined or null; -2 not a typed array) and
// element count of a kernel's array argument
inline void nbArray(napi_env env, napi_value v, void** p, int* type, i64* len) {
  static double empty[8];
  napi_typedarray_type t;
  size_t n;
  *p = nullptr;
  *len = 0;
  if (v != nullptr && napi_get_typedarray_info(env, v, &t, &n, p, nullptr, nullptr) == napi_ok) {
    // an empty (or detached) array may report no data pointer; kernels never read it then
    if (*p == nullptr) *p = empty;
    *len = (i64)n;
    switch (t) {
      case napi_float32_array: *type = E_F32; return;
      case napi_uint8_array: *type = E_U8; return;
      case napi_int32_array: *type = E_I32; return;
      case napi_float64_array: *type = E_F64; return;
      case napi_int8_array: *type = E_I8; return;
      case napi_uint8_clamped_array: *type = E_U8C; return;
      case napi_int16_array: *type = E_I16; return;
      case napi_uint16_array: *type = E_U16; return;
      case napi_uint32_array: *type = E_U32; return;
      case napi_bigint64_array: *type = E_I64; return;
      case napi_biguint64_array: *type = E_U64; return;
      default: *type = -2; return;
    }
  }
  napi_valuetype vt = napi_undefined;
  if (v != nullptr) napi_typeof(env, v, &vt);
  *type = vt == napi_undefined || vt == napi_null ? -1 : -2;
}

// The same for a float32 slot (code E): a typed array whose elements are 4 bytes is reported as
// E, any other as a mismatch (-3). Node's napi_get_buffer_info takes any ArrayBufferView and gives
// its pointer and byte length; with the element count that is the element size, without
// napi_get_typedarray_info's chain of type tests (~20 ns per array, which a batch-1 Linear's gemm
// would pay four times). An Int32Array or Uint32Array in a float32 slot passes here: its values are
// misread, but no memory outside it is touched, as every extent check counts 4-byte elements (the
// TypeScript wrappers test the exact type; int32 slots, whose values are indices, get nbArray's).
template <int E>
inline void nbArrayOfSize(napi_env env, napi_value v, void** p, int* type, i64* len) {
  size_t bytes, n;
  if (v != nullptr && napi_get_buffer_info(env, v, p, &bytes) == napi_ok &&
      napi_get_typedarray_info(env, v, nullptr, &n, nullptr, nullptr, nullptr) == napi_ok) {
    static double empty[8];
    if (*p == nullptr) *p = empty;
    *len = (i64)n;
    *type = bytes == n * 4 ? E : -3;
    return;
  }
  nbArray(env, v, p, type, len);
}

// The cheapest test, for the float32 slots of a kernel whose row says `glue: 'bytes'` (gemm, called
// once per Linear, where each N-API call shows at batch 1): one call, the view's pointer and byte
// length; the extent check counts 4-byte elements in that length, so memory outside the array is
// never touched, but an array of another element type is not refused here (the generated
// TypeScript wrapper tests the exact type).
template <int E>
inline void nbArrayBytes(napi_env env, napi_value v, void** p, int* type, i64* len) {
  size_t bytes;
  if (v != nullptr && napi_get_buffer_info(env, v, p, &bytes) == napi_ok) {
    static double empty[8];
    if (*p == nullptr) *p = empty;
    *len = (i64)(bytes / 4);
    *type = E;
    return;
  }
  nbArray(env, v, p, type, len);
}

inline void nbThrow(napi_env env, const char* msg) {
  napi_throw_type_error(env, nullptr, (std::string("nabla native: ") + msg).c_str());
}

#include "gen/napi_glue.inc"

class NablaAddon : public Napi::Addon<NablaAddon> {
 public:
  NablaAddon(Napi::Env env, Napi::Object exports) {
    mallocTune_ = nabla::tuneMalloc();
    scratchRef_ = Napi::Persistent(Napi::Float64Array::New(env, kScratch));
    double* scratch = scratchRef_.Value().Data();
    DefineAddon(exports, {
        InstanceMethod("info", &NablaAddon::Info),
        InstanceMethod("scratch", &NablaAddon::Scratch),
        InstanceMethod("setNumThreads", &NablaAddon::SetNumThreads),
        InstanceMethod("setIsa", &NablaAddon::SetIsa),
    });
    for (const auto& k : kNapiKernels) {
      napi_value fn;
      napi_create_function(env, k.name, NAPI_AUTO_LENGTH, k.cb, scratch, &fn);
      exports.Set(k.name, Napi::Value(env, fn));
    }
  }

 private:
  Napi::Reference<Napi::Float64Array> scratchRef_;
  const char* mallocTune_ = "";

  static int intArg(const Napi::CallbackInfo& info, size_t i) {
    int32_t v = 0;
    napi_get_value_int32(info.Env(), info[i], &v);
    return v;
  }

  Napi::Value Info(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Object o = Napi::Object::New(env);
    const IsaTable* t = isa();
    o.Set("isa", t->name);
    o.Set("threads", numThreads());
    o.Set("mr", t->mr);
    o.Set("nr", t->nr);
    o.Set("mc", t->mc);
    o.Set("kc", t->kc);
    o.Set("nc", t->nc);
    o.Set("isaBest", bestIsaName());
    o.Set("isaForced", isaForcedByEnv());
    const CpuCaches& cc = cpuCaches();
    Napi::Object caches = Napi::Object::New(env);
    caches.Set("l1d", (double)cc.l1d);
    caches.Set("l2", (double)cc.l2);
    caches.Set("l3", (double)cc.l3);
    caches.Set("source", cc.source);
    o.Set("caches", caches);
    o.Set("malloc", mallocTune_);
    return o;
  }
  Napi::Value Scratch(const Napi::CallbackInfo&) { return scratchRef_.Value(); }
  Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
    setNumThreads(intArg(info, 0));
    return Napi::Number::New(info.Env(), numThreads());
  }
  Napi::Value SetIsa(const Napi::CallbackInfo& info) {
    std::string name = info[0].As<Napi::String>().Utf8Value();
    return Napi::Boolean::New(info.Env(), setIsa(name.c_str()));
  }
};

}  // namespace

NODE_API_ADDON(NablaAddon)
