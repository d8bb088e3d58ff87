"""
Golden masks of the public SimpleSeg decoder for @seglang/polygon-grammar's reference mode.
Writes packages/polygon-grammar/test/fixtures/simpleseg-decoder-golden.json.

    python3 -m venv tools/.venv && tools/.venv/bin/pip install -r tools/requirements.txt
    tools/.venv/bin/python tools/golden/simpleseg_decoder.py [path/to/SimpleSeg/README.md]

The decoder is the Python block under "Decode the polygons and masks from the response string" in
SimpleSeg's README (songtianhui/SimpleSeg; by default ../shared/reference/simpleseg/README.md beside
this repository). It is read from that file and executed as it stands — nothing of it is copied
here — once per answer, with `response` and an `image` of the case's size, numpy and pycocotools.
For each answer the golden records the texts its regular expression matched and either the mask
it produced (COCO RLE) or the exception it raised.

The answers are a seeded corpus: SimpleSeg answers written from real COCO masks (the data
script's answers in simpleseg-answers-golden.json) with the templates a model learns, and the ways
model output goes wrong — no spaces, other whitespace (newlines, tabs, no-break spaces), cut off
anywhere, values above 1, integers, leading zeros, non-ASCII digits, one- and two-point polygons,
stray or missing brackets, several answers, thinking tags, code fences, points and boxes, signs and
exponents, very long digit strings, and long runs of brackets.
"""
import json
import os
import random
import re
import sys

import numpy as np
import pycocotools.mask as mask_utils

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
README = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "reference", "simpleseg", "README.md")
ANSWERS = os.path.join(ROOT, "packages", "polygon-grammar", "test", "fixtures", "simpleseg-answers-golden.json")
OUT = os.path.join(ROOT, "packages", "polygon-grammar", "test", "fixtures", "simpleseg-decoder-golden.json")


def decoder_source(readme):
    text = open(readme, encoding="utf8").read()
    section = text.split("### Decode the polygons and masks from the response string", 1)[1]
    # The block ends at a fence on a line of its own (its patterns hold ``` inside strings).
    return section.split("```python\n", 1)[1].split("\n```\n", 1)[0]


class Image:
    """What the decoder reads of a PIL image: its size (width, height)."""

    def __init__(self, w, h):
        self.size = (w, h)


def corpus(rng):
    answers = [c["answer"] for c in json.load(open(ANSWERS))["cases"]]
    short = sorted(answers, key=len)[: len(answers) // 2]
    templates = ["{a}.", "Sure, you can find it at {a}.", "It is found at {a}.", "It is at {a}.", "{a}"]

    def base():
        a = rng.choice(short)
        if len(a) > 600 and rng.random() < 0.7:
            a = a[: a.index("]]") + 2] + "]" if "]]" in a else a
        return a

    def num():
        return f"{rng.random():.{rng.choice([1, 2, 3, 4])}f}"

    def poly(k):
        return "[" + ", ".join(f"[{num()}, {num()}]" for _ in range(k)) + "]"

    ws = [" ", "", "  ", "\n", "\t", "\r\n", "\u00a0", "\x0b", "\x1c", "\u2009", "\u3000", "\ufeff"]
    cases = []

    def add(text):
        cases.append(text)

    for _ in range(260):
        add(rng.choice(templates).format(a=base()))
    for _ in range(120):  # no spaces, or other whitespace
        a = base()
        add(a.replace(", ", ",") if rng.random() < 0.5 else a.replace(", ", "," + rng.choice(ws)).replace("[[", "[" + rng.choice(ws) + "["))
    for _ in range(160):  # cut off anywhere
        a = rng.choice(templates).format(a=base())
        add(a[: rng.randrange(len(a) + 1)])
    for _ in range(80):  # values above 1, integers, leading zeros
        a = base()
        repl = rng.choice(["1.5", "2", "12", "0", "1", "00.9", "01", "007", "00", "0.0", "10.25", "1.0"])
        add(re.sub(r"\d+\.\d+", lambda m: repl if rng.random() < 0.15 else m.group(0), a))
    for _ in range(50):  # non-ASCII digits
        a = base()
        d = rng.choice(["\u0663", "\u0967", "\uff13", "\U0001d7d1", "\u06f5"])
        add(re.sub(r"\d", lambda m: d if rng.random() < 0.02 else m.group(0), a))
    for _ in range(60):  # one- and two-point polygons, next to others
        add(rng.choice(["It is at ", "", "[", "Sure: "]) + "[" + ", ".join(poly(rng.choice([1, 2, 2, 3, 5])) for _ in range(rng.randint(1, 3))) + "]")
    for _ in range(80):  # stray or missing brackets
        a = base()
        i = rng.randrange(len(a))
        op = rng.random()
        a = a[:i] + "[" + a[i:] if op < 0.4 else a[:i] + "]" + a[i:] if op < 0.7 else a[:i] + a[i + 1 :]
        add(a)
    for _ in range(40):  # several answers, thinking, fences
        parts = [rng.choice(templates).format(a=base()) for _ in range(rng.randint(2, 3))]
        wrap = rng.choice(["{t}", "<think>Let me look. {t}</think><answer>{t}</answer>", "```\n{t}\n```", "First {t} then maybe {t}"])
        add(wrap.format(t=" ".join(parts)))
    for _ in range(40):  # points, boxes, signs, exponents, long digits
        add(rng.choice([
            f"[{num()}, {num()}]",
            f"[{num()}, {num()}, {num()}, {num()}]",
            f"[[-0.1, 0.2], [0.5, 0.2], [0.3, 0.9]]",
            f"[[1e-3, 0.2], [0.5, 0.2], [0.3, 0.9]]",
            f"[[+0.1, 0.2], [0.5, 0.2], [0.3, 0.9]]",
            f"[[.5, 0.2], [0.5, 0.2], [0.3, 0.9]]",
            f"[[0.1234567890123456789, 0.2], [0.98765432109876543210, 0.2], [0.3, 0.9]]",
            f"[[0.1, 0.2], [0.5, 0.2], [0.3, 0.9], ]",
            f"[[0.1, 0.2],, [0.5, 0.2], [0.3, 0.9]]",
            f"[[0.1 0.2], [0.5, 0.2], [0.3, 0.9]]",
            f"[[0.1, 0.2], [0.5, 0.2], [0.3, 0.9]] and [[0.6, 0.6], [0.9, 0.6], [0.8, 0.9]]",
            "[[0.5.5, 0.2], [0.5, 0.2], [0.3, 0.9]]",
            "I cannot find it.",
            "",
            "[]",
            "[[]]",
            "[[[]]]",
        ]))
    for n in (1, 2, 3, 50, 300):
        add("[[[0.1, 0.1], " * n)
        add("[" * n + "0.5, 0.5" + "]" * n)
    return cases


def main():
    source = decoder_source(README)
    rng = random.Random(20260128)
    sizes = [(64, 48), (100, 100), (320, 240), (37, 91), (640, 480)]
    records = []
    for text in corpus(rng):
        w, h = rng.choice(sizes)
        scope = {"response": text, "image": Image(w, h)}
        record = {"text": text, "w": w, "h": h}
        try:
            exec(source, scope)
            m = np.asfortranarray(scope["pred_mask"].astype(np.uint8))
            record["counts"] = mask_utils.encode(m)["counts"].decode()
        except Exception as e:  # what the reference raises is the expected result
            record["error"] = type(e).__name__
            record["message"] = str(e)[:200]
        pattern = scope["RegexPatterns"].POLYGON_PATTERN
        record["matches"] = [m.group(0) for m in re.finditer(pattern, text, re.DOTALL)]
        records.append(record)
    errors = {}
    for r in records:
        errors[r.get("error", "mask")] = errors.get(r.get("error", "mask"), 0) + 1
    json.dump({"generator": "tools/golden/simpleseg_decoder.py", "numpy": np.__version__,
               "python": sys.version.split()[0], "outcomes": errors, "cases": records},
              open(OUT, "w"), separators=(",", ":"), ensure_ascii=True)
    print(f"{len(records)} answers {errors} -> {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()
