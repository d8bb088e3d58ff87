# The val split's index (prompts, images, ground-truth masks) comes with the SFT data of the same codes.
seglang-train prepare --instances data/refcoco/instances.json --refs "data/refcoco/refs(unc).p" \
  --images data/coco/train2014 --samtok-codes data/refcoco/samtok_codes.jsonl -o sft/refcoco-samtok
# The RL model, served (vllm serve checkpoints/refcoco-samtok-grpo), answers each val prompt in mask
# words; the SAMTok decoder in models/samtok turns them into masks. Then the table of those masks.
SERVER=${SERVER:-http://localhost:8000/v1}
seglang segment --model "$SERVER" --preset samtok --samtok models/samtok \
  --batch sft/refcoco-samtok/val.annotations.jsonl -o results.jsonl --no-progress
seglang-train eval results.jsonl sft/refcoco-samtok/val.annotations.jsonl
