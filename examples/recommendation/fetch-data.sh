#!/usr/bin/env bash
# Fetches the InstEval ratings (lme4's data: 73,421 course-evaluation ratings, 1-5, by 2,972
# students of 1,128 lecturers at ETH Zurich) from Debian's r-cran-lme4 package without
# installing it or R: download the .deb, unpack it into a temporary directory, keep the
# package's lazy-load data store (data/Rdata.rdx and Rdata.rdb), which rdata.ts reads.
# Usage: examples/recommendation/fetch-data.sh [dest-dir]   (default: $NABLA_DATA_DIR or data/, then insteval/)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dest="${1:-${NABLA_DATA_DIR:-$here/../../data}/insteval}"
if [ -s "$dest/Rdata.rdb" ] && [ -s "$dest/Rdata.rdx" ]; then echo "insteval: $dest/Rdata.rdb is already there"; exit 0; fi
command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || { echo "insteval: needs apt-get and dpkg-deb (Debian/Ubuntu)" >&2; exit 2; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
chmod 777 "$tmp"   # apt's download user (_apt) writes here
(cd "$tmp" && apt-get download -q r-cran-lme4 >/dev/null 2>&1) || {
  (apt-get update -qq >/dev/null 2>&1 || true)
  (cd "$tmp" && apt-get download -q r-cran-lme4) || { echo "insteval: could not download r-cran-lme4" >&2; exit 3; }
}
dpkg-deb -x "$tmp"/r-cran-lme4_*.deb "$tmp/x"
src="$(find "$tmp/x" -path '*lme4/data/Rdata.rdb' | head -1)"
[ -n "$src" ] || { echo "insteval: lme4/data/Rdata.rdb not found in the package" >&2; exit 4; }
mkdir -p "$dest"
cp "$src" "${src%.rdb}.rdx" "$dest/"
ver="$(dpkg-deb -f "$tmp"/r-cran-lme4_*.deb Version)"
echo "r-cran-lme4 $ver" > "$dest/SOURCE"
echo "insteval: wrote $dest/Rdata.rdb and Rdata.rdx (from r-cran-lme4 $ver)"
