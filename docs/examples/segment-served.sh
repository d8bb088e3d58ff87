#!/usr/bin/env bash
# Segment with a checkpoint served by vLLM (or SGLang): one image, then a batch.
set -euo pipefail
SERVER=${SERVER:-http://localhost:8000/v1}
IMAGE=${IMAGE:-dog.jpg}
JOBS=${JOBS:-jobs.jsonl}
OUT=${OUT:-out}
mkdir -p "$OUT"

# SimpleSeg's own prompt, limits and decoder (--preset simpleseg). Tokens stream to the terminal;
# the mask and an overlay are written.
seglang segment --model "$SERVER" --preset simpleseg --image "$IMAGE" --prompt "the dog" -o "$OUT/mask.png" --overlay "$OUT/overlay.png"

# Many jobs ({"image", "prompt", "id"?} per line): results as JSONL, resumable after an interruption.
seglang segment --model "$SERVER" --preset simpleseg --batch "$JOBS" -o "$OUT/results.jsonl" --no-progress
