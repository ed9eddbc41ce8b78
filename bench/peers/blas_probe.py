"""Which BLAS and CPU kernels the Python peers really use (run by bench/run.ts before any peer cell,
with the peers' own environment). Prints one JSON line:

  numpy / torch: versions (or null if not importable)
  libs: every BLAS/LAPACK/MKL shared object mapped into the process after a product in each
  openblas: the kernel set OpenBLAS chose (openblas_get_corename) and its thread count
  reference: true if a reference BLAS (Debian's /usr/lib/<arch>/blas/libblas.so.3, what
      libblas.so.3 points to when libopenblas0-pthread is missing, ~15x slower) is loaded and no
      optimised one is
  torchCpu: PyTorch's "CPU capability usage" line (AVX512 / AVX2 / DEFAULT; ATEN_CPU_CAPABILITY sets it)
  onednn: the instruction set oneDNN (MKL-DNN, PyTorch's convolutions) dispatches to, from its
      verbose log of one small convolution; ATEN_CPU_CAPABILITY does not reach it, ONEDNN_MAX_CPU_ISA does
"""
import ctypes
import json
import os
import sys
import tempfile


def onednn_isa(torch):
    """Runs one convolution with ONEDNN_VERBOSE=1, its log sent to a temporary file (oneDNN prints
    to the C stdout, which would break the JSON line), and returns the 'isa:' field it reports."""
    libc = ctypes.CDLL(None)
    with tempfile.TemporaryFile() as tmp:
        sys.stdout.flush()
        saved = os.dup(1)
        os.dup2(tmp.fileno(), 1)
        try:
            os.environ['ONEDNN_VERBOSE'] = '1'
            torch.nn.functional.conv2d(torch.ones(2, 16, 14, 14), torch.ones(32, 16, 3, 3), padding=1)
        finally:
            libc.fflush(None)
            os.dup2(saved, 1)
            os.close(saved)
            os.environ.pop('ONEDNN_VERBOSE', None)
        tmp.seek(0)
        text = tmp.read().decode(errors='replace')
    for line in text.splitlines():
        if ',isa:' in line:
            return line.split(',isa:', 1)[1].strip()
    return None


out = {'numpy': None, 'torch': None, 'libs': [], 'openblas': None, 'reference': False, 'torchCpu': None, 'onednn': None}
try:
    import numpy as np
    out['numpy'] = np.__version__
    a = np.ones((64, 64), dtype=np.float32)
    a @ a
except Exception as e:  # noqa: BLE001
    out['numpyError'] = str(e)
try:
    import torch
    out['torch'] = torch.__version__
    t = torch.ones(64, 64)
    t @ t
    for line in torch.__config__.show().splitlines():
        if 'CPU capability' in line:
            out['torchCpu'] = line.strip()
    out['onednn'] = onednn_isa(torch)
except Exception as e:  # noqa: BLE001
    out['torchError'] = str(e)

with open('/proc/self/maps') as f:
    libs = sorted({l.split()[-1] for l in f if l.split()[-1].startswith('/') and
                   any(k in os.path.basename(l.split()[-1]) for k in ('blas', 'lapack', 'mkl', 'atlas', 'blis'))})
out['libs'] = libs
optimised = [p for p in libs if any(k in p for k in ('openblas', 'mkl', 'blis', 'atlas'))]
reference = [p for p in libs if '/blas/libblas' in p or '/lapack/liblapack' in p]
out['reference'] = bool(reference) and not optimised
for p in optimised:
    try:
        lib = ctypes.CDLL(p)
        if hasattr(lib, 'openblas_get_corename'):
            lib.openblas_get_corename.restype = ctypes.c_char_p
            out['openblas'] = f"{os.path.basename(p)}: {lib.openblas_get_corename().decode()} kernels, {lib.openblas_get_num_threads()} threads"
            break
    except OSError:
        pass
print(json.dumps(out))
