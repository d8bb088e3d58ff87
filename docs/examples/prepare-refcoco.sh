#!/usr/bin/env bash
# RefCOCO → SFT data, one file per split, for LLaMA-Factory (or --format swift | qwen-vl | simpleseg).
set -euo pipefail
REFCOCO=${REFCOCO:-data/refcoco}        # REFER's folder: instances.json and refs(unc).p
IMAGES=${IMAGES:-data/coco/train2014}   # COCO train2014 images
OUT=${OUT:-sft/refcoco}

seglang-train prepare \
  --instances "$REFCOCO/instances.json" \
  --refs "$REFCOCO/refs(unc).p" \
  --images "$IMAGES" \
  --tasks text2mask=0.7,bbox2mask=0.15,point2mask=0.15 \
  --seed 0 \
  -o "$OUT"
# → $OUT/train.jsonl, val.jsonl, testA.jsonl, testB.jsonl and a report of what was skipped and why.
# Interrupted? Run the same command again: it resumes from its last checkpoint.
