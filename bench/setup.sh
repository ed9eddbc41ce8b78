#!/usr/bin/env bash
# Installs the system packages the benchmark's Python peers need, so that `npm run bench`
# compares with PyTorch and numpy on OpenBLAS (never run by `npm install`):
#   python3-torch python3-numpy   PyTorch 1.13 and numpy 1.24 for /usr/bin/python3 (Debian 12)
#   libopenblas0-pthread          OpenBLAS 0.3.21; without it Debian's numpy and PyTorch fall back
#                                 to the reference BLAS (~15x slower) and the bench refuses to compare
# Then it prints how to add the optional npm peer ONNX Runtime (W5). Run as root or with sudo.
set -euo pipefail
pkgs=(python3-torch python3-numpy libopenblas0-pthread)
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if command -v apt-get >/dev/null 2>&1; then
  missing=()
  for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "bench/setup.sh: installing ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
  else
    echo "bench/setup.sh: ${pkgs[*]} already installed"
  fi
else
  echo "bench/setup.sh: no apt-get here; install PyTorch, numpy and OpenBLAS for /usr/bin/python3 by other means" >&2
fi
/usr/bin/python3 "$(dirname "$0")/peers/blas_probe.py" || true
cat <<'MSG'
Optional W5 peer (ONNX Runtime's Node binding; its CPU build ships in the npm package, the
install script only fetches GPU libraries, which ONNXRUNTIME_NODE_INSTALL=skip turns off):
  ONNXRUNTIME_NODE_INSTALL=skip npm install --no-save onnxruntime-node
or, leaving the project's node_modules alone:
  ONNXRUNTIME_NODE_INSTALL=skip npm install --prefix <dir> onnxruntime-node   # then NABLA_BENCH_PEERS_DIR=<dir> npm run bench
MSG
