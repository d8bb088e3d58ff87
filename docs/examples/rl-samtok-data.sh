# SAMTok codes per annotation (one {"ann_id", "codes": [c1, c2]} line each) → EasyR1 rows whose answers
# are mask words, and a tokenizer folder with the 514 mask words added as non-special tokens.
seglang-train prepare --instances data/refcoco/instances.json --refs "data/refcoco/refs(unc).p" \
  --images data/coco/train2014 --samtok-codes data/refcoco/samtok_codes.jsonl -o rl/refcoco-samtok --rl easyr1
seglang-train add-mask-words models/Qwen2.5-VL-7B-Instruct -o models/Qwen2.5-VL-7B-MT
