# Node-API addon with the native kernels (see native/README-style notes in native/addon.cc).
# The portable code builds everywhere; on x86-64 two extra static libraries hold the
# AVX2+FMA and AVX-512 kernels, each compiled with its own ISA flags, and the addon picks
# one at run time from the CPU's features, so the binary still runs on CPUs without them.
{
  "variables": {
    "nabla_cflags": ["-O3", "-fPIC", "-fno-exceptions", "-fno-rtti", "-std=c++17", "-fvisibility=hidden", "-fno-math-errno", "-fno-trapping-math", "-fopenmp-simd"]
  },
  "targets": [
    {
      "target_name": "nabla_native",
      "sources": [
        "native/addon.cc",
        "native/kernels/threadpool.cc",
        "native/kernels/cpuinfo.cc",
        "native/kernels/gemm.cc",
        "native/kernels/elementwise.cc",
        "native/kernels/reduce.cc",
        "native/kernels/conv.cc",
        "native/kernels/conv_tiles.cc",
        "native/kernels/conv_winograd.cc",
        "native/kernels/pool.cc",
        "native/kernels/batchnorm.cc",
        "native/kernels/layernorm.cc",
        "native/kernels/attention.cc",
        "native/kernels/activation.cc",
        "native/kernels/rnn.cc",
        "native/kernels/isa_generic.cc",
        "native/kernels/entry.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": [],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=gnu++14"],
      "cflags_cc": ["<@(nabla_cflags)"],
      "ldflags": ["-pthread"],
      "conditions": [
        ["target_arch=='x64'", {
          "defines": ["NABLA_X86=1"],
          "dependencies": ["nabla_avx2", "nabla_avx512"]
        }],
        ["OS=='mac'", {
          "xcode_settings": {"OTHER_CPLUSPLUSFLAGS": ["<@(nabla_cflags)"], "GCC_ENABLE_CPP_EXCEPTIONS": "NO"}
        }]
      ]
    }
  ],
  "conditions": [
    ["target_arch=='x64'", {
      "targets": [
        {
          "target_name": "nabla_avx2",
          "type": "static_library",
          "sources": ["native/kernels/isa_avx2.cc", "native/kernels/rnn_avx2.cc", "native/kernels/conv_tiles_avx2.cc"],
          
          "cflags_cc!": ["-fno-rtti", "-std=gnu++17", "-std=gnu++14"],
          "cflags_cc": ["<@(nabla_cflags)", "-mavx2", "-mfma", "-mf16c"],
          "xcode_settings": {"OTHER_CPLUSPLUSFLAGS": ["<@(nabla_cflags)", "-mavx2", "-mfma"]}
        },
        {
          "target_name": "nabla_avx512",
          "type": "static_library",
          "sources": ["native/kernels/isa_avx512.cc", "native/kernels/rnn_avx512.cc", "native/kernels/conv_tiles_avx512.cc"],
          
          "cflags_cc!": ["-fno-rtti", "-std=gnu++17", "-std=gnu++14"],
          "cflags_cc": ["<@(nabla_cflags)", "-mavx512f", "-mavx512dq", "-mavx512bw", "-mavx512vl", "-mavx2", "-mfma", "-mprefer-vector-width=512", "-Wno-maybe-uninitialized"],
          "xcode_settings": {"OTHER_CPLUSPLUSFLAGS": ["<@(nabla_cflags)", "-mavx512f", "-mavx512dq", "-mavx512bw", "-mavx512vl", "-mavx2", "-mfma", "-mprefer-vector-width=512", "-Wno-maybe-uninitialized"]}
        }
      ]
    }]
  ]
}
