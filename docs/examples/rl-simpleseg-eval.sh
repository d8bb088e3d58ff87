# The SFT model's answers on val (LLaMA-Factory's predictions), then the RL model's validation dump (verl).
seglang-train eval saves/refcoco-sft/generated_predictions.jsonl sft/refcoco/val.annotations.jsonl
seglang-train eval checkpoints/refcoco-gspo/val/100.jsonl
