#!/usr/bin/env bash
# Fetches the Wisconsin diagnostic breast-cancer table (569 cases x 30 features) from Debian's
# python3-sklearn package without installing it (an install pulls ~54 packages): download the
# .deb, unpack it into a temporary directory, keep breast_cancer.csv and its description.
# Usage: examples/biomedicine/fetch-data.sh [dest-dir]   (default: $NABLA_DATA_DIR or data/, then breast-cancer/)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dest="${1:-${NABLA_DATA_DIR:-$here/../../data}/breast-cancer}"
if [ -s "$dest/breast_cancer.csv" ]; then echo "breast-cancer: $dest/breast_cancer.csv is already there"; exit 0; fi
command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || { echo "breast-cancer: needs apt-get and dpkg-deb (Debian/Ubuntu)" >&2; exit 2; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
chmod 777 "$tmp"   # apt's download user (_apt) writes here
(cd "$tmp" && apt-get download -q python3-sklearn >/dev/null 2>&1) || {
  # the package lists may be missing on a fresh machine
  (apt-get update -qq >/dev/null 2>&1 || true)
  (cd "$tmp" && apt-get download -q python3-sklearn) || { echo "breast-cancer: could not download python3-sklearn" >&2; exit 3; }
}
dpkg-deb -x "$tmp"/python3-sklearn_*.deb "$tmp/x"
src="$(find "$tmp/x" -path '*sklearn/datasets/data/breast_cancer.csv' | head -1)"
[ -n "$src" ] || { echo "breast-cancer: breast_cancer.csv not found in the package" >&2; exit 4; }
mkdir -p "$dest"
cp "$src" "$dest/breast_cancer.csv"
rst="$(find "$tmp/x" -path '*sklearn/datasets/descr/breast_cancer.rst' | head -1)"
[ -n "$rst" ] && cp "$rst" "$dest/breast_cancer.rst"
ver="$(dpkg-deb -f "$tmp"/python3-sklearn_*.deb Version)"
echo "python3-sklearn $ver" > "$dest/SOURCE"
echo "breast-cancer: wrote $dest/breast_cancer.csv (from python3-sklearn $ver)"
