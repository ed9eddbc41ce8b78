// Node-API glue for the native kernels (native/kernels/*): argument unpacking only.
//
// Typed arrays are used in place (napi_get_typedarray_info gives the element pointer, already
// adjusted by the view's byteOffset). To keep per-call overhead low, shapes, strides and
// geometry are not passed as JS arrays or objects: the TypeScript wrapper writes them into a
// Float64Array "scratch" buffer owned by this addon instance and passes only arrays and a few
// scalars. One instance per JS environment (main thread or worker), so workers do not share it.
#include <napi.h>

#include <cmath>
#include <cstring>

#include "kernels/common.h"
#include "kernels/rnn.h"

using namespace nabla;

namespace {

constexpr int kScratch = 512;
constexpr int kMaxNd = 16;

// element pointer of a typed array of the expected type, or nullptr
inline void* data(napi_env env, napi_value v, napi_typedarray_type want, size_t* length = nullptr) {
  napi_typedarray_type type;
  size_t len;
  void* p;
  if (napi_get_typedarray_info(env, v, &type, &len, &p, nullptr, nullptr) != napi_ok || type != want) return nullptr;
  if (length) *length = len;
  // an empty (or detached) array may report no data pointer; kernels never read it then
  static double empty[8];
  return p ? p : static_cast<void*>(empty);
}

// element pointer of a typed array the TypeScript wrapper has already checked to be a
// Float32Array (it does, on every call, before calling the kernel). Asking N-API for the type
// too costs ~20 ns per array (a chain of eight type tests), a tenth of a batch-1 Linear's call;
// the kernels trust the wrapper for shapes and offsets just the same.
inline float* f32Checked(napi_env env, napi_value v) {
  void* p = nullptr;
  if (napi_get_typedarray_info(env, v, nullptr, nullptr, &p, nullptr, nullptr) != napi_ok) return nullptr;
  static double empty[8];
  return static_cast<float*>(p ? p : static_cast<void*>(empty));
}

inline int elemSize(napi_typedarray_type t) {
  switch (t) {
    case napi_int8_array: case napi_uint8_array: case napi_uint8_clamped_array: return 1;
    case napi_int16_array: case napi_uint16_array: return 2;
    case napi_int32_array: case napi_uint32_array: case napi_float32_array: return 4;
    default: return 8;
  }
}

class NablaAddon : public Napi::Addon<NablaAddon> {
 public:
  NablaAddon(Napi::Env env, Napi::Object exports) {
    scratchRef_ = Napi::Persistent(Napi::Float64Array::New(env, kScratch));
    scratch_ = scratchRef_.Value().Data();
    DefineAddon(exports, {
        InstanceMethod("info", &NablaAddon::Info),
        InstanceMethod("scratch", &NablaAddon::Scratch),
        InstanceMethod("setNumThreads", &NablaAddon::SetNumThreads),
        InstanceMethod("setIsa", &NablaAddon::SetIsa),
        InstanceMethod("gemm", &NablaAddon::Gemm),
        InstanceMethod("unary", &NablaAddon::Unary),
        InstanceMethod("binary", &NablaAddon::Binary),
        InstanceMethod("where", &NablaAddon::Where),
        InstanceMethod("copy", &NablaAddon::Copy),
        InstanceMethod("reduce", &NablaAddon::Reduce),
        InstanceMethod("argReduce", &NablaAddon::ArgReduce),
        InstanceMethod("softmax", &NablaAddon::Softmax),
        InstanceMethod("softmaxBackward", &NablaAddon::SoftmaxBackward),
        InstanceMethod("gather", &NablaAddon::Gather),
        InstanceMethod("scatterAdd", &NablaAddon::ScatterAdd),
        InstanceMethod("adamStep", &NablaAddon::AdamStep),
        InstanceMethod("conv2d", &NablaAddon::Conv2d),
        InstanceMethod("conv2dBackwardInput", &NablaAddon::Conv2dBackwardInput),
        InstanceMethod("conv2dBackwardWeight", &NablaAddon::Conv2dBackwardWeight),
        InstanceMethod("maxPool2d", &NablaAddon::MaxPool2d),
        InstanceMethod("maxPool2dBackward", &NablaAddon::MaxPool2dBackward),
        InstanceMethod("avgPool2d", &NablaAddon::AvgPool2d),
        InstanceMethod("avgPool2dBackward", &NablaAddon::AvgPool2dBackward),
        InstanceMethod("batchNormStats", &NablaAddon::BatchNormStats),
        InstanceMethod("batchNormForward", &NablaAddon::BatchNormForward),
        InstanceMethod("batchNormBackward", &NablaAddon::BatchNormBackward),
        InstanceMethod("layerNormForward", &NablaAddon::LayerNormForward),
        InstanceMethod("layerNormBackward", &NablaAddon::LayerNormBackward),
        InstanceMethod("geluForward", &NablaAddon::GeluForward),
        InstanceMethod("geluBackward", &NablaAddon::GeluBackward),
        InstanceMethod("attentionForward", &NablaAddon::AttentionForward),
        InstanceMethod("attentionBackward", &NablaAddon::AttentionBackward),
        InstanceMethod("lstmCellForward", &NablaAddon::LstmCellForward),
        InstanceMethod("lstmCellBackward", &NablaAddon::LstmCellBackward),
        InstanceMethod("gruCellForward", &NablaAddon::GruCellForward),
        InstanceMethod("gruCellBackward", &NablaAddon::GruCellBackward),
    });
  }

 private:
  Napi::Reference<Napi::Float64Array> scratchRef_;
  double* scratch_;

  i64 s(int i) const { return (i64)scratch_[i]; }

  static Napi::Value typeError(const Napi::CallbackInfo& info, const char* what) {
    Napi::TypeError::New(info.Env(), std::string("nabla native: ") + what).ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  static int intArg(const Napi::CallbackInfo& info, size_t i) {
    int32_t v = 0;
    napi_get_value_int32(info.Env(), info[i], &v);
    return v;
  }
  static i64 longArg(const Napi::CallbackInfo& info, size_t i) {
    double v = 0;
    napi_get_value_double(info.Env(), info[i], &v);
    return (i64)v;
  }
  static double numArg(const Napi::CallbackInfo& info, size_t i) {
    double v = 0;
    napi_get_value_double(info.Env(), info[i], &v);
    return v;
  }
  static float* f32(const Napi::CallbackInfo& info, size_t i) {
    return static_cast<float*>(data(info.Env(), info[i], napi_float32_array));
  }
  static int32_t* i32(const Napi::CallbackInfo& info, size_t i) {
    return static_cast<int32_t*>(data(info.Env(), info[i], napi_int32_array));
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

  // gemm(a, b, c, bias?); scratch: batch m n k aOff lda transA strideA bOff ldb transB strideB cOff ldc
  // strideC beta biasOff (biasOff read only when bias is given)
  // (the wrapper checks that every array is a Float32Array; see f32Checked)
  Napi::Value Gemm(const Napi::CallbackInfo& info) {
    napi_env env = info.Env();
    float *a = f32Checked(env, info[0]), *b = f32Checked(env, info[1]), *c = f32Checked(env, info[2]);
    if (!a || !b || !c) return typeError(info, "gemm expects typed arrays");
    const float* bias = nullptr;
    if (info.Length() > 3) {
      const float* p = f32Checked(env, info[3]);
      if (!p) return typeError(info, "gemm expects a typed-array bias");
      bias = p + s(16);
    }
    GemmCall g;
    g.batch = s(0); g.m = s(1); g.n = s(2); g.k = s(3);
    g.a = a + s(4); g.lda = s(5); g.transA = (int)s(6); g.strideA = s(7);
    g.b = b + s(8); g.ldb = s(9); g.transB = (int)s(10); g.strideB = s(11);
    g.c = c + s(12); g.ldc = s(13); g.strideC = s(14); g.beta = (int)s(15);
    g.bias = bias;
    gemm(g);
    return info.Env().Undefined();
  }

  // Strided kernels share one scratch layout: operand offsets at [0, 4), the collapsed shape at
  // [4, 20), operand j's strides at [20 + 16j, 36 + 16j); nd <= 16.
  void strided(int nd, int nops, i64* off, i64* shape, i64 (*st)[kMaxNd]) const {
    for (int j = 0; j < nops; j++) off[j] = s(j);
    for (int d = 0; d < nd; d++) shape[d] = s(4 + d);
    for (int j = 0; j < nops; j++)
      for (int d = 0; d < nd; d++) st[j][d] = s(20 + 16 * j + d);
  }

  // element pointer and ElemType (E_F32 / E_U8 / E_I32) of a typed array, -1 for other types
  static int elem(const Napi::CallbackInfo& info, size_t i, void** p) {
    napi_typedarray_type type;
    size_t len;
    if (napi_get_typedarray_info(info.Env(), info[i], &type, &len, p, nullptr, nullptr) != napi_ok) return -1;
    static double empty[8];
    if (!*p) *p = empty;
    switch (type) {
      case napi_float32_array: return E_F32;
      case napi_uint8_array: return E_U8;
      case napi_int32_array: return E_I32;
      default: return -1;
    }
  }
  static size_t elemBytes(int t) { return t == E_U8 ? 1 : 4; }

  // unary(op, x, out, nd): x Float32Array, Uint8Array or Int32Array; out Float32Array, or
  // Uint8Array for `not`
  Napi::Value Unary(const Napi::CallbackInfo& info) {
    const int op = intArg(info, 0);
    void *x, *out;
    const int tx = elem(info, 1, &x), to = elem(info, 2, &out);
    const int nd = intArg(info, 3);
    if (tx < 0 || (to != E_F32 && !(to == E_U8 && op == U_NOT))) return typeError(info, "unary: unsupported array types");
    if (nd < 1 || nd > kMaxNd) return typeError(info, "unary: bad rank");
    i64 off[1], shape[kMaxNd], st[1][kMaxNd];
    strided(nd, 1, off, shape, st);
    const void* xs = (const char*)x + off[0] * elemBytes(tx);
    if (tx == E_F32 && to == E_F32) unaryStrided(op, (const float*)xs, shape, st[0], nd, (float*)out);
    else unaryMixedStrided(op, xs, tx, st[0], shape, nd, to == E_F32 ? (float*)out : nullptr, to == E_U8 ? (uint8_t*)out : nullptr);
    return info.Env().Undefined();
  }

  // binary(op, a, b, out, nd); a, b Float32Array, Uint8Array or Int32Array; out Float32Array or
  // Uint8Array (comparisons)
  Napi::Value Binary(const Napi::CallbackInfo& info) {
    const int op = intArg(info, 0);
    void *a, *b, *out;
    const int ta = elem(info, 1, &a), tb = elem(info, 2, &b), to = elem(info, 3, &out);
    const int nd = intArg(info, 4);
    if (ta < 0 || tb < 0 || (to != E_F32 && to != E_U8)) return typeError(info, "binary: unsupported array types");
    if (nd < 1 || nd > kMaxNd) return typeError(info, "binary: bad rank");
    i64 off[2], shape[kMaxNd], st[2][kMaxNd];
    strided(nd, 2, off, shape, st);
    float* outF = to == E_F32 ? (float*)out : nullptr;
    uint8_t* outB = to == E_U8 ? (uint8_t*)out : nullptr;
    if (ta == E_F32 && tb == E_F32) {
      binaryStrided(op, (const float*)a + off[0], st[0], (const float*)b + off[1], st[1], shape, nd, outF, outB);
    } else {
      binaryMixedStrided(op, (const char*)a + off[0] * elemBytes(ta), ta, st[0], (const char*)b + off[1] * elemBytes(tb), tb,
                         st[1], shape, nd, outF, outB);
    }
    return info.Env().Undefined();
  }

  // where(cond, a, b, out, nd); cond Uint8Array, Float32Array or Int32Array
  Napi::Value Where(const Napi::CallbackInfo& info) {
    void* cond;
    const int tc = elem(info, 0, &cond);
    float *a = f32(info, 1), *b = f32(info, 2), *out = f32(info, 3);
    const int nd = intArg(info, 4);
    if (tc < 0 || !a || !b || !out) return typeError(info, "where expects a Uint8/Float32/Int32Array and Float32Arrays");
    if (nd < 1 || nd > kMaxNd) return typeError(info, "where: bad rank");
    i64 off[3], shape[kMaxNd], st[3][kMaxNd];
    strided(nd, 3, off, shape, st);
    whereMixedStrided((const char*)cond + off[0] * elemBytes(tc), tc, st[0], a + off[1], st[1], b + off[2], st[2], shape, nd, out);
    return info.Env().Undefined();
  }

  // copy(x, out, nd) between typed arrays of the same type (operands x, out)
  Napi::Value Copy(const Napi::CallbackInfo& info) {
    napi_env env = info.Env();
    napi_typedarray_type tx, to;
    size_t lx, lo;
    void *px, *po;
    if (napi_get_typedarray_info(env, info[0], &tx, &lx, &px, nullptr, nullptr) != napi_ok ||
        napi_get_typedarray_info(env, info[1], &to, &lo, &po, nullptr, nullptr) != napi_ok || tx != to)
      return typeError(info, "copy expects two typed arrays of the same type");
    const int nd = intArg(info, 2);
    const int es = elemSize(tx);
    if (nd < 1 || nd > kMaxNd) return typeError(info, "copy: bad rank");
    i64 off[2], shape[kMaxNd], st[2][kMaxNd];
    strided(nd, 2, off, shape, st);
    copyStrided((const char*)px + off[0] * es, st[0], (char*)po + off[1] * es, st[1], shape, nd, es);
    return info.Env().Undefined();
  }

  // reduce(op, x, out, outer, n, inner)
  Napi::Value Reduce(const Napi::CallbackInfo& info) {
    float *x = f32(info, 1), *out = f32(info, 2);
    if (!x || !out) return typeError(info, "reduce expects Float32Arrays");
    reduce(intArg(info, 0), x, longArg(info, 3), longArg(info, 4), longArg(info, 5), out);
    return info.Env().Undefined();
  }
  // argReduce(isMax, x, out, outer, n, inner)
  Napi::Value ArgReduce(const Napi::CallbackInfo& info) {
    float* x = f32(info, 1);
    int32_t* out = i32(info, 2);
    if (!x || !out) return typeError(info, "argReduce expects Float32Array and Int32Array");
    argReduce(intArg(info, 0), x, longArg(info, 3), longArg(info, 4), longArg(info, 5), out);
    return info.Env().Undefined();
  }
  // softmax(x, out, outer, n, inner, log)
  Napi::Value Softmax(const Napi::CallbackInfo& info) {
    float *x = f32(info, 0), *out = f32(info, 1);
    if (!x || !out) return typeError(info, "softmax expects Float32Arrays");
    softmax(x, longArg(info, 2), longArg(info, 3), longArg(info, 4), out, intArg(info, 5));
    return info.Env().Undefined();
  }
  // softmaxBackward(y, g, out, outer, n, inner, log)
  Napi::Value SoftmaxBackward(const Napi::CallbackInfo& info) {
    float *y = f32(info, 0), *g = f32(info, 1), *out = f32(info, 2);
    if (!y || !g || !out) return typeError(info, "softmaxBackward expects Float32Arrays");
    softmaxBackward(y, g, longArg(info, 3), longArg(info, 4), longArg(info, 5), out, intArg(info, 6));
    return info.Env().Undefined();
  }
  // gather(x, index, out, outer, n, m, inner)
  Napi::Value Gather(const Napi::CallbackInfo& info) {
    float *x = f32(info, 0), *out = f32(info, 2);
    int32_t* idx = i32(info, 1);
    if (!x || !idx || !out) return typeError(info, "gather expects Float32Array, Int32Array, Float32Array");
    gather(x, idx, longArg(info, 3), longArg(info, 4), longArg(info, 5), longArg(info, 6), out);
    return info.Env().Undefined();
  }
  // scatterAdd(g, index, out, outer, n, m, inner)
  Napi::Value ScatterAdd(const Napi::CallbackInfo& info) {
    float *g = f32(info, 0), *out = f32(info, 2);
    int32_t* idx = i32(info, 1);
    if (!g || !idx || !out) return typeError(info, "scatterAdd expects Float32Array, Int32Array, Float32Array");
    scatterAdd(g, idx, longArg(info, 3), longArg(info, 4), longArg(info, 5), longArg(info, 6), out);
    return info.Env().Undefined();
  }
  // adamStep(p, g, m, v, lr, beta1, beta2, eps, weightDecay, decoupled, step)
  Napi::Value AdamStep(const Napi::CallbackInfo& info) {
    size_t n = 0;
    float* p = static_cast<float*>(data(info.Env(), info[0], napi_float32_array, &n));
    float *g = f32(info, 1), *m = f32(info, 2), *v = f32(info, 3);
    if (!p || !g || !m || !v) return typeError(info, "adamStep expects Float32Arrays");
    const double lr = numArg(info, 4), b1 = numArg(info, 5), b2 = numArg(info, 6), eps = numArg(info, 7);
    const double wd = numArg(info, 8), step = numArg(info, 10);
    AdamParams a;
    a.beta1 = (float)b1;
    a.beta2 = (float)b2;
    a.c1 = (float)(1.0 - b1);
    a.c2 = (float)(1.0 - b2);
    a.eps = (float)eps;
    a.lr = (float)lr;
    a.wd = (float)wd;
    a.decoupled = intArg(info, 9);
    a.stepSize = (float)(lr / (1.0 - std::pow(b1, step)));
    a.bc2 = (float)std::sqrt(1.0 - std::pow(b2, step));
    adamStep(p, g, m, v, (i64)n, a);
    return info.Env().Undefined();
  }

  ConvGeom convGeom() const {
    ConvGeom g;
    g.n = s(0); g.cIn = s(1); g.h = s(2); g.w = s(3); g.cOut = s(4); g.kh = s(5); g.kw = s(6);
    g.strideH = s(7); g.strideW = s(8); g.padH = s(9); g.padW = s(10); g.dilH = s(11); g.dilW = s(12);
    g.groups = s(13); g.outH = s(14); g.outW = s(15);
    return g;
  }
  PoolGeom poolGeom() const {
    PoolGeom g;
    g.n = s(0); g.c = s(1); g.h = s(2); g.w = s(3); g.kh = s(4); g.kw = s(5); g.strideH = s(6); g.strideW = s(7);
    g.padH = s(8); g.padW = s(9); g.outH = s(10); g.outW = s(11); g.countIncludePad = (int)s(12);
    return g;
  }
  // an optional Float32Array argument: nullptr if absent, undefined or null; *bad if of another type
  static float* optF32(const Napi::CallbackInfo& info, size_t i, bool* bad) {
    if (info.Length() <= i || info[i].IsUndefined() || info[i].IsNull()) return nullptr;
    float* p = f32(info, i);
    if (!p) *bad = true;
    return p;
  }
  // conv2d(x, w, y, bias?) etc.; scratch: the Conv2dGeom fields in declaration order
  Napi::Value Conv2d(const Napi::CallbackInfo& info) {
    float *x = f32(info, 0), *w = f32(info, 1), *y = f32(info, 2);
    bool bad = false;
    const float* bias = optF32(info, 3, &bad);
    if (!x || !w || !y || bad) return typeError(info, "conv2d expects Float32Arrays");
    conv2d(x, w, bias, convGeom(), y);
    return info.Env().Undefined();
  }
  Napi::Value Conv2dBackwardInput(const Napi::CallbackInfo& info) {
    float *dy = f32(info, 0), *w = f32(info, 1), *dx = f32(info, 2);
    if (!dy || !w || !dx) return typeError(info, "conv2dBackwardInput expects Float32Arrays");
    conv2dBackwardInput(dy, w, convGeom(), dx);
    return info.Env().Undefined();
  }
  // conv2dBackwardWeight(x, dy, dw, db?)
  Napi::Value Conv2dBackwardWeight(const Napi::CallbackInfo& info) {
    float *x = f32(info, 0), *dy = f32(info, 1), *dw = f32(info, 2);
    bool bad = false;
    float* db = optF32(info, 3, &bad);
    if (!x || !dy || !dw || bad) return typeError(info, "conv2dBackwardWeight expects Float32Arrays");
    conv2dBackwardWeight(x, dy, convGeom(), dw, db);
    return info.Env().Undefined();
  }
  // maxPool2d(x, y, argmax) etc.; scratch: the Pool2dGeom fields in declaration order
  Napi::Value MaxPool2d(const Napi::CallbackInfo& info) {
    float *x = f32(info, 0), *y = f32(info, 1);
    int32_t* am = i32(info, 2);
    if (!x || !y || !am) return typeError(info, "maxPool2d expects Float32Arrays and an Int32Array");
    maxPool2d(x, poolGeom(), y, am);
    return info.Env().Undefined();
  }
  Napi::Value MaxPool2dBackward(const Napi::CallbackInfo& info) {
    float *dy = f32(info, 0), *dx = f32(info, 2);
    int32_t* am = i32(info, 1);
    if (!dy || !dx || !am) return typeError(info, "maxPool2dBackward expects Float32Arrays and an Int32Array");
    maxPool2dBackward(dy, am, poolGeom(), dx);
    return info.Env().Undefined();
  }
  Napi::Value AvgPool2d(const Napi::CallbackInfo& info) {
    float *x = f32(info, 0), *y = f32(info, 1);
    if (!x || !y) return typeError(info, "avgPool2d expects Float32Arrays");
    avgPool2d(x, poolGeom(), y);
    return info.Env().Undefined();
  }
  Napi::Value AvgPool2dBackward(const Napi::CallbackInfo& info) {
    float *dy = f32(info, 0), *dx = f32(info, 1);
    if (!dy || !dx) return typeError(info, "avgPool2dBackward expects Float32Arrays");
    avgPool2dBackward(dy, poolGeom(), dx);
    return info.Env().Undefined();
  }

  // Batch normalisation (kernels/batchnorm.cc); n, c, inner as numbers, optional arrays as null.
  // batchNormStats(x, mean, invstd, variance|null, n, c, inner, eps)
  Napi::Value BatchNormStats(const Napi::CallbackInfo& info) {
    float *x = f32(info, 0), *mean = f32(info, 1), *invstd = f32(info, 2);
    bool bad = false;
    float* var = optF32(info, 3, &bad);
    if (!x || !mean || !invstd || bad) return typeError(info, "batchNormStats expects Float32Arrays");
    batchNormStats(x, longArg(info, 4), longArg(info, 5), longArg(info, 6), numArg(info, 7), mean, invstd, var);
    return info.Env().Undefined();
  }
  // batchNormForward(x, mean, invstd, gamma|null, beta|null, out, n, c, inner)
  Napi::Value BatchNormForward(const Napi::CallbackInfo& info) {
    float *x = f32(info, 0), *mean = f32(info, 1), *invstd = f32(info, 2), *out = f32(info, 5);
    bool bad = false;
    const float* gamma = optF32(info, 3, &bad);
    const float* beta = optF32(info, 4, &bad);
    if (!x || !mean || !invstd || !out || bad) return typeError(info, "batchNormForward expects Float32Arrays");
    batchNormForward(x, longArg(info, 6), longArg(info, 7), longArg(info, 8), mean, invstd, gamma, beta, out);
    return info.Env().Undefined();
  }
  // batchNormBackward(g, x, mean, invstd, gamma|null, dx|null, dgamma|null, dbeta|null, n, c, inner, training)
  Napi::Value BatchNormBackward(const Napi::CallbackInfo& info) {
    float *g = f32(info, 0), *x = f32(info, 1), *mean = f32(info, 2), *invstd = f32(info, 3);
    bool bad = false;
    const float* gamma = optF32(info, 4, &bad);
    float* dx = optF32(info, 5, &bad);
    float* dgamma = optF32(info, 6, &bad);
    float* dbeta = optF32(info, 7, &bad);
    if (!g || !x || !mean || !invstd || bad) return typeError(info, "batchNormBackward expects Float32Arrays");
    batchNormBackward(g, x, longArg(info, 8), longArg(info, 9), longArg(info, 10), mean, invstd, gamma, dx, dgamma, dbeta,
                      intArg(info, 11));
    return info.Env().Undefined();
  }

  // Layer normalisation (kernels/layernorm.cc).
  // layerNormForward(x, gamma|null, beta|null, out, mean, rstd, rows, n, eps)
  Napi::Value LayerNormForward(const Napi::CallbackInfo& info) {
    float *x = f32(info, 0), *out = f32(info, 3), *mean = f32(info, 4), *rstd = f32(info, 5);
    bool bad = false;
    const float* gamma = optF32(info, 1, &bad);
    const float* beta = optF32(info, 2, &bad);
    if (!x || !out || !mean || !rstd || bad) return typeError(info, "layerNormForward expects Float32Arrays");
    layerNormForward(x, longArg(info, 6), longArg(info, 7), numArg(info, 8), gamma, beta, out, mean, rstd);
    return info.Env().Undefined();
  }
  // layerNormBackward(g, x, mean, rstd, gamma|null, dx|null, dgamma|null, dbeta|null, rows, n)
  Napi::Value LayerNormBackward(const Napi::CallbackInfo& info) {
    float *g = f32(info, 0), *x = f32(info, 1), *mean = f32(info, 2), *rstd = f32(info, 3);
    bool bad = false;
    const float* gamma = optF32(info, 4, &bad);
    float* dx = optF32(info, 5, &bad);
    float* dgamma = optF32(info, 6, &bad);
    float* dbeta = optF32(info, 7, &bad);
    if (!g || !x || !mean || !rstd || bad) return typeError(info, "layerNormBackward expects Float32Arrays");
    layerNormBackward(g, x, longArg(info, 8), longArg(info, 9), mean, rstd, gamma, dx, dgamma, dbeta);
    return info.Env().Undefined();
  }

  // GELU (kernels/activation.cc): geluForward(x, y, n), geluBackward(x, g, out, n)
  Napi::Value GeluForward(const Napi::CallbackInfo& info) {
    float *x = f32(info, 0), *y = f32(info, 1);
    if (!x || !y) return typeError(info, "geluForward expects Float32Arrays");
    geluForward(x, y, longArg(info, 2));
    return info.Env().Undefined();
  }
  Napi::Value GeluBackward(const Napi::CallbackInfo& info) {
    float *x = f32(info, 0), *g = f32(info, 1), *out = f32(info, 2);
    if (!x || !g || !out) return typeError(info, "geluBackward expects Float32Arrays");
    geluBackward(x, g, out, longArg(info, 3));
    return info.Env().Undefined();
  }

  // Fused attention (kernels/attention.cc). Scratch: batch heads l s d dv causal scale, then per
  // operand its element offset and strides: q [8,12) k [12,16) v [16,20) mask [20,25) out [25,29)
  // and, for the backward, g [29,33) dq [33,37) dk [37,41) dv [41,45).
  void attnCommon(AttnArgs& a, float* q, float* k, float* v, float* mask, float* out) const {
    a.batch = s(0); a.heads = s(1); a.l = s(2); a.s = s(3); a.d = s(4); a.dv = s(5);
    a.causal = (int)s(6);
    a.scale = (float)scratch_[7];
    auto view = [&](int at, const float* p, i64* st, int n) {
      for (int i = 0; i < n; i++) st[i] = s(at + 1 + i);
      return p + s(at);
    };
    a.q = view(8, q, a.qs, 3);
    a.k = view(12, k, a.ks, 3);
    a.v = view(16, v, a.vs, 3);
    a.mask = mask ? view(20, mask, a.ms, 4) : nullptr;
    if (!mask) a.ms[0] = a.ms[1] = a.ms[2] = a.ms[3] = 0;
    a.out = out + s(25);
    for (int i = 0; i < 3; i++) a.os[i] = s(26 + i);
  }
  // attentionForward(q, k, v, mask|null, out, lse)
  Napi::Value AttentionForward(const Napi::CallbackInfo& info) {
    float *q = f32(info, 0), *k = f32(info, 1), *v = f32(info, 2), *out = f32(info, 4), *lse = f32(info, 5);
    bool bad = false;
    float* mask = optF32(info, 3, &bad);
    if (!q || !k || !v || !out || !lse || bad) return typeError(info, "attentionForward expects Float32Arrays");
    AttnArgs a{};
    attnCommon(a, q, k, v, mask, out);
    a.lse = lse;
    attentionForward(a);
    return info.Env().Undefined();
  }
  // attentionBackward(q, k, v, mask|null, out, lse, g, dq, dk, dv)
  Napi::Value AttentionBackward(const Napi::CallbackInfo& info) {
    float *q = f32(info, 0), *k = f32(info, 1), *v = f32(info, 2), *out = f32(info, 4), *lse = f32(info, 5);
    float *g = f32(info, 6), *dq = f32(info, 7), *dk = f32(info, 8), *dv = f32(info, 9);
    bool bad = false;
    float* mask = optF32(info, 3, &bad);
    if (!q || !k || !v || !out || !lse || !g || !dq || !dk || !dv || bad) return typeError(info, "attentionBackward expects Float32Arrays");
    AttnArgs a{};
    attnCommon(a, q, k, v, mask, out);
    a.lse = lse;
    auto view = [&](int at, float* p, i64* st) {
      for (int i = 0; i < 3; i++) st[i] = s(at + 1 + i);
      return p + s(at);
    };
    a.g = view(29, g, a.gs);
    a.dQ = view(33, dq, a.dQs);
    a.dK = view(37, dk, a.dKs);
    a.dV = view(41, dv, a.dVs);
    attentionBackward(a);
    return info.Env().Undefined();
  }

  // Recurrent cells (kernels/rnn.h). Arrays as arguments; batch, hidden and the arrays'
  // element offsets in the scratch, in the order given.
  // lstmCellForward(gates, cPrev, c, h, tanhC); scratch: batch H gatesOff cPrevOff cOff hOff tanhCOff
  Napi::Value LstmCellForward(const Napi::CallbackInfo& info) {
    float *gates = f32(info, 0), *cPrev = f32(info, 1), *c = f32(info, 2), *h = f32(info, 3), *tc = f32(info, 4);
    if (!gates || !cPrev || !c || !h || !tc) return typeError(info, "lstmCellForward expects Float32Arrays");
    rnn()->lstmForward(s(0), s(1), gates + s(2), cPrev + s(3), c + s(4), h + s(5), tc + s(6));
    return info.Env().Undefined();
  }
  // lstmCellBackward(gates, tanhC, cPrev, gradH, gradC, dh, dc, dGates);
  // scratch: batch H gatesOff tanhCOff cPrevOff gradHOff gradCOff dGatesOff
  Napi::Value LstmCellBackward(const Napi::CallbackInfo& info) {
    float *gates = f32(info, 0), *tc = f32(info, 1), *cPrev = f32(info, 2), *gh = f32(info, 3), *gc = f32(info, 4);
    float *dh = f32(info, 5), *dc = f32(info, 6), *dG = f32(info, 7);
    if (!gates || !tc || !cPrev || !gh || !gc || !dh || !dc || !dG) return typeError(info, "lstmCellBackward expects Float32Arrays");
    rnn()->lstmBackward(s(0), s(1), gates + s(2), tc + s(3), cPrev + s(4), gh + s(5), gc + s(6), dh, dc, dG + s(7));
    return info.Env().Undefined();
  }
  // gruCellForward(x, p, hPrev, h, act, pn); scratch: batch H xOff hPrevOff hOff actOff pnOff
  Napi::Value GruCellForward(const Napi::CallbackInfo& info) {
    float *x = f32(info, 0), *p = f32(info, 1), *hPrev = f32(info, 2), *h = f32(info, 3), *act = f32(info, 4);
    float* pn = f32(info, 5);
    if (!x || !p || !hPrev || !h || !act || !pn) return typeError(info, "gruCellForward expects Float32Arrays");
    rnn()->gruForward(s(0), s(1), x + s(2), p, hPrev + s(3), h + s(4), act + s(5), pn + s(6));
    return info.Env().Undefined();
  }
  // gruCellBackward(act, pn, hPrev, gradH, dh, dx, dp, dhPrev);
  // scratch: batch H actOff pnOff hPrevOff gradHOff dxOff dpOff
  Napi::Value GruCellBackward(const Napi::CallbackInfo& info) {
    float *act = f32(info, 0), *pn = f32(info, 1), *hPrev = f32(info, 2), *gh = f32(info, 3), *dh = f32(info, 4);
    float *dx = f32(info, 5), *dp = f32(info, 6), *dhPrev = f32(info, 7);
    if (!act || !pn || !hPrev || !gh || !dh || !dx || !dp || !dhPrev) return typeError(info, "gruCellBackward expects Float32Arrays");
    rnn()->gruBackward(s(0), s(1), act + s(2), pn + s(3), hPrev + s(4), gh + s(5), dh, dx + s(6), dp + s(7), dhPrev);
    return info.Env().Undefined();
  }
};

}  // namespace

NODE_API_ADDON(NablaAddon)
