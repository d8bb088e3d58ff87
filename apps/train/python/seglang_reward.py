"""seglang's rewards in verl and EasyR1, scored by `seglang-train reward-server` over HTTP.

Start the server (one worker thread a core), then point the engine at this file:

    npx -p @seglang/train seglang-train reward-server --port 8000

    # verl (NaiveRewardManager, or reward_model.reward_manager=batch):
    custom_reward_function.path=<this file> custom_reward_function.name=compute_score
    # EasyR1 (REWARD_TYPE below is "batch"):
    worker.reward.reward_function=<this file>:compute_score_batch

Ground truths are the JSON strings `seglang-train prepare --rl` writes into the dataset, each
carrying its kind: {"kind": "simpleseg", "width": W, "height": H, "rle": {...}} or
{"kind": "samtok", "answer": "<the ground-truth answer text>"}. Set SEGLANG_REWARD_URL when the
server is not on 127.0.0.1:8000. Connection errors and 503 (the server shedding load) are retried
with backoff; an item the server cannot score (a broken ground truth) raises SeglangRewardError
naming it, never a silent 0.

Only the Python standard library is used.
"""
import json
import os
import random
import time
import urllib.error
import urllib.request
import warnings

URL = os.environ.get("SEGLANG_REWARD_URL", "http://127.0.0.1:8000/reward")
#: Attempts per request (connection errors, timeouts, 503), with exponential backoff and jitter.
RETRIES = int(os.environ.get("SEGLANG_REWARD_RETRIES", "8"))
TIMEOUT = float(os.environ.get("SEGLANG_REWARD_TIMEOUT", "300"))
#: Items per request: a verl step of 2,048 rollouts becomes 8 requests the server scores in parallel.
CHUNK = int(os.environ.get("SEGLANG_REWARD_CHUNK", "256"))

# EasyR1 reads these.
REWARD_NAME = "seglang"
REWARD_TYPE = "batch"

#: Every component the server reports, so that each score dict has the same keys whatever the
#: kind (verl turns reward_extra_info into one array per key: a key missing for some items breaks it).
COMPONENTS = ("iou", "centroid", "format", "accuracy")


class SeglangRewardError(RuntimeError):
    """The server refused an item (its ground truth cannot be read) or the request, or stayed unreachable."""


def _item(response, ground_truth, where):
    gt = ground_truth
    if isinstance(gt, (bytes, bytearray)):
        gt = gt.decode("utf-8")
    if isinstance(gt, str):
        try:
            gt = json.loads(gt)
        except ValueError as e:
            raise SeglangRewardError(f"{where}: ground_truth is not the JSON seglang-train prepare --rl writes: {e}") from None
    if not isinstance(gt, dict) or gt.get("kind") not in ("simpleseg", "samtok"):
        raise SeglangRewardError(f'{where}: ground_truth must carry "kind": "simpleseg" or "samtok"')
    gt = dict(gt)
    kind = gt.pop("kind")
    if kind == "samtok":
        if not isinstance(gt.get("answer"), str):
            raise SeglangRewardError(f'{where}: a samtok ground_truth needs "answer", the answer text')
        gt = gt["answer"]
    if not isinstance(response, str):
        raise SeglangRewardError(f"{where}: the response must be a string, got {type(response).__name__}")
    return {"kind": kind, "response": response, "ground_truth": gt}


def _post(items):
    body = json.dumps({"items": items}).encode("utf-8")
    delay = 0.25
    for attempt in range(RETRIES):
        request = urllib.request.Request(URL, data=body, headers={"content-type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as r:
                return json.loads(r.read())["results"]
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", "replace")
            if e.code == 503 and attempt + 1 < RETRIES:
                wait = float(e.headers.get("retry-after") or delay)
            elif e.code in (502, 504) and attempt + 1 < RETRIES:
                wait = delay
            else:
                raise SeglangRewardError(f"{URL} answered {e.code}: {detail[:500]}") from None
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as e:
            if attempt + 1 == RETRIES:
                raise SeglangRewardError(f"{URL} is unreachable after {RETRIES} attempts: {e}") from None
            wait = delay
        time.sleep(wait * (1 + 0.25 * random.random()))
        delay = min(delay * 2, 8.0)
    raise SeglangRewardError(f"{URL}: no answer after {RETRIES} attempts")


#: SAMTok rollouts in one call, none with a mask word though their ground truths have some, at
#: and above which the shim warns that the engine probably stripped the words.
STRIPPED_AFTER = 8
_warned_stripped = False


def _warn_if_stripped(items):
    """Mask words added as special tokens are removed by the engines' decoding (verl and EasyR1 decode
    responses with skip_special_tokens=True), and then every SAMTok reward is 0 without an error."""
    global _warned_stripped
    samtok = [x for x in items if x["kind"] == "samtok"]
    if _warned_stripped or len(samtok) < STRIPPED_AFTER:
        return
    if any("<|mt_" in x["response"] for x in samtok) or not any("<|mt_" in x["ground_truth"] for x in samtok):
        return
    _warned_stripped = True
    warnings.warn(
        f"seglang: none of {len(samtok)} SAMTok responses holds a mask word (<|mt_...|>) though their ground "
        "truths do. If the mask words were added as special tokens, the engine's skip_special_tokens=True "
        "strips them before the reward and every SAMTok reward is 0: add them as non-special tokens "
        "(seglang-train add-mask-words), or keep special tokens (EasyR1: worker.reward.skip_special_tokens=false).",
        RuntimeWarning,
        stacklevel=3,
    )


def score(items):
    """items: [{"kind", "response", "ground_truth"}] -> [{"value", "components", "reason"}], in order.

    Raises SeglangRewardError naming the first item the server could not score."""
    _warn_if_stripped(items)
    results = []
    for start in range(0, len(items), CHUNK):
        chunk = _post(items[start : start + CHUNK])
        for k, r in enumerate(chunk):
            if r.get("value") is None:
                message = (r.get("error") or {}).get("message", r.get("reason"))
                raise SeglangRewardError(f"item {start + k}: {message}")
        results.extend(chunk)
    return results


def _scores(results, key):
    return [dict({key: r["value"]}, **{c: float(r["components"].get(c, 0.0)) for c in COMPONENTS}) for r in results]


def compute_score(
    data_source=None,
    solution_str=None,
    ground_truth=None,
    extra_info=None,
    data_sources=None,
    solution_strs=None,
    ground_truths=None,
    extra_infos=None,
    **kwargs,
):
    """verl. NaiveRewardManager calls it per rollout (data_source=, solution_str=, ground_truth=,
    extra_info=) and gets {"score": float, <components>}; BatchRewardManager calls it once a step
    (data_sources=, solution_strs=, ground_truths=, extra_infos=) and gets one such dict a rollout."""
    if solution_strs is not None:
        items = [_item(s, g, f"rollout {i}") for i, (s, g) in enumerate(zip(solution_strs, ground_truths))]
        return _scores(score(items), "score")
    return _scores(score([_item(solution_str, ground_truth, "rollout")]), "score")[0]


def compute_score_batch(reward_inputs, **kwargs):
    """EasyR1 (REWARD_TYPE = "batch"): reward_inputs are {"response", "response_length",
    "ground_truth"}; the answer is one {"overall": float, <components>} a rollout."""
    items = [_item(x["response"], x["ground_truth"], f"reward_inputs[{i}]") for i, x in enumerate(reward_inputs)]
    return _scores(score(items), "overall")
