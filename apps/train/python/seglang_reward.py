"""Plug the seglang reward server into verl or EasyR1.

Start the server first:  npx seglang-train reward-server --port 8000
Ground truths: for SimpleSeg, {"width", "height"} plus "rle" (COCO RLE) or "polygons" (pixels, or
"normalized": true); for SAMTok, the ground-truth answer text.
"""
import json
import os
import urllib.request

URL = os.environ.get("SEGLANG_REWARD_URL", "http://127.0.0.1:8000/reward")


def score(items, timeout=60):
    """items: [{"kind": "simpleseg" | "samtok", "response": str, "ground_truth": ...}] -> [{"value", "components", "reason"}]"""
    req = urllib.request.Request(URL, data=json.dumps({"items": items}).encode(), headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read())["results"]


def compute_score(data_source, solution_str, ground_truth, extra_info=None):
    """verl: custom_reward_function.path=seglang_reward.py, custom_reward_function.name=compute_score.

    ground_truth is the JSON string (or dict) stored in the dataset's reward_model.ground_truth.
    """
    gt = json.loads(ground_truth) if isinstance(ground_truth, str) and ground_truth.startswith("{") else ground_truth
    kind = "simpleseg" if isinstance(gt, dict) else "samtok"
    return score([{"kind": kind, "response": solution_str, "ground_truth": gt}])[0]["value"]


def compute_score_batch(reward_inputs):
    """EasyR1 (batch reward function): reward_inputs is a list of {"response", "ground_truth"}."""
    items = []
    for x in reward_inputs:
        gt = json.loads(x["ground_truth"]) if isinstance(x["ground_truth"], str) and x["ground_truth"].startswith("{") else x["ground_truth"]
        items.append({"kind": "simpleseg" if isinstance(gt, dict) else "samtok", "response": x["response"], "ground_truth": gt})
    return [{"overall": r["value"], **r["components"]} for r in score(items)]
