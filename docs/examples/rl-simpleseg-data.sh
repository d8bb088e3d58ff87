# Run in the folder that holds data/: REFER's RefCOCO files and the COCO train2014 images.
seglang-train prepare --instances data/refcoco/instances.json --refs "data/refcoco/refs(unc).p" \
  --images data/coco/train2014 -o sft/refcoco
seglang-train prepare --instances data/refcoco/instances.json --refs "data/refcoco/refs(unc).p" \
  --images data/coco/train2014 -o rl/refcoco --rl verl
