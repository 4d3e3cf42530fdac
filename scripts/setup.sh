#!/usr/bin/env bash
# Sets up a fresh Debian machine with Node 20+ for mnist-onnx, then installs the npm packages.
#   bash scripts/setup.sh          what `pnpm start` needs (pnpm + npm packages)
#   bash scripts/setup.sh --test   also what the tests need: Chromium (browser tests, and its
#                                  SwiftShader Vulkan driver for the WebGPU tests), the official
#                                  ONNX checker (python3-onnx) and PyTorch (python3-torch) for
#                                  the PyTorch-interop test and `pnpm bench`.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# Vite 7 needs Node 20.19+ (or 22.12+).
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' 2>/dev/null; then
  echo "[setup] error: Node.js 20.19 or newer is required (found $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

if [ "$want_test" = 1 ]; then
  browser=()
  [ -x /usr/bin/chromium ] || browser+=(chromium)
  python=()
  /usr/bin/python3 -c 'import onnx' 2>/dev/null || python+=(python3-onnx)
  /usr/bin/python3 -c 'import torch' 2>/dev/null || python+=(python3-torch)
  # OpenBLAS makes PyTorch the fair opponent in pnpm bench (without it Debian's torch uses reference BLAS).
  dpkg -s libopenblas0-pthread >/dev/null 2>&1 || python+=(libopenblas0-pthread)
  if [ ${#browser[@]} -gt 0 ] || [ ${#python[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo -E"
    say "installing Debian packages: ${browser[*]} ${python[*]}"
    $sudo apt-get update -qq
    export DEBIAN_FRONTEND=noninteractive
    # Chromium with its recommended fonts; PyTorch without its recommended compiler toolchain.
    [ ${#browser[@]} -eq 0 ] || $sudo apt-get install -y -qq "${browser[@]}" >/dev/null
    [ ${#python[@]} -eq 0 ] || $sudo apt-get install -y -qq --no-install-recommends "${python[@]}" >/dev/null
  fi
fi

# pnpm, at the version package.json pins. corepack's signature check fails on some registries
# mirrors; installing the pinned version with npm is equivalent and always works.
pinned=$(node -p 'require("./package.json").packageManager.split("@")[1]')
if [ "$(pnpm --version 2>/dev/null || true)" != "$pinned" ]; then
  say "installing pnpm $pinned"
  npm install -g --silent "pnpm@$pinned" >/dev/null 2>&1 || COREPACK_INTEGRITY_KEYS=0 corepack enable pnpm
fi

say "installing npm packages (pnpm install --frozen-lockfile)"
pnpm install --frozen-lockfile --reporter=append-only
say "ready"
