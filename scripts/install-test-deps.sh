#!/usr/bin/env bash
# Machine-level test dependencies, from Debian and the npm registry only:
# Debian's Chromium (renderer tests and the VS Code end-to-end suite drive it with playwright-core)
# and code-server (a real VS Code, for the end-to-end suite), and Mesa's EGL with llvmpipe (the
# webgpu backend's tests run Dawn on it: docs/gpu.md), and Jupyter's nbconvert (the PNG fallbacks'
# test converts an executed sample: test/renderers/nbconvert.test.ts). Idempotent; needs root for apt.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
dest="${TFNB_CODE_SERVER_DIR:-$HOME/.cache/tfnb/code-server}"
installer="$here/../shared/e2e/install-code-server.sh"
debs=(libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri jupyter-nbconvert)
if command -v dpkg-query >/dev/null; then
  missing=()
  for p in "${debs[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing Mesa (webgpu tests) and nbconvert: ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi
if [ -x "$dest/node_modules/.bin/code-server" ] && command -v chromium >/dev/null; then
  echo "test deps present: chromium, code-server in $dest"; exit 0
fi
if [ -f "$installer" ]; then
  bash "$installer" "$dest"
else
  echo "missing $installer (the shared/ folder beside the project); installing Chromium only" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
