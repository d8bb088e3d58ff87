#!/usr/bin/env bash
# The CLI on a mask PNG: SimpleSeg text, a token budget, and back to a mask.
set -euo pipefail
MASK=${MASK:-mask.png}
OUT=${OUT:-out}
mkdir -p "$OUT"

seglang mask2text "$MASK"                       # SimpleSeg text (the simpleseg preset)
seglang mask2text "$MASK" --budget 120 --json   # ε chosen so the text fits 120 Qwen3 tokens
seglang text2mask "[[[0.1, 0.1], [0.9, 0.1], [0.5, 0.9]]]" --size 64x48 -o "$OUT/triangle.png" --rle
seglang overlay --image "$MASK" --text "$(seglang mask2text "$MASK")" -o "$OUT/overlay.png"
