#!/usr/bin/env bash
# Installs ONNX Runtime for node (npm's onnxruntime-node, pinned) once per machine, for the tests that run
# xgrad's exported ONNX models in an independent runtime (tests/interop/run_onnx.js). Prints the folder
# that holds node_modules/. Safe to run again: an installed copy is left alone.
#
# --ignore-scripts: the package's install script only downloads extras (CUDA, TensorRT) we do not need;
# the CPU runtime is in the package itself (about 300 MB). The folder is outside the clone, shared by
# every clone and build on the machine: ${XGRAD_CACHE_DIR:-~/.cache/xgrad}/onnxruntime-node-<version>.
set -euo pipefail
VERSION=1.31.1
CACHE_DIR="${XGRAD_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/xgrad}"
TARGET="$CACHE_DIR/onnxruntime-node-$VERSION"
if [[ ! -f "$TARGET/node_modules/onnxruntime-node/package.json" ]]; then
  ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  if ! command -v npm >/dev/null; then "$ROOT/scripts/install_packages.sh" nodejs npm >&2; fi
  mkdir -p "$TARGET"
  # Into a fresh folder, renamed when complete, so that an interrupted install is never taken for one.
  partial="$(mktemp -d "$CACHE_DIR/onnxruntime-node-partial.XXXXXX")"
  trap 'rm -rf "$partial"' EXIT
  (cd "$partial" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error \
    "onnxruntime-node@$VERSION" >&2)
  rm -rf "$TARGET"
  mv "$partial" "$TARGET"
  trap - EXIT
fi
echo "$TARGET"
