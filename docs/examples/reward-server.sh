#!/usr/bin/env bash
# Serve rewards to an RL engine over HTTP, and call them the way verl and EasyR1 will.
set -euo pipefail
PORT=${PORT:-8000}
SEGLANG_PYTHON=${SEGLANG_PYTHON:-node_modules/@seglang/train/python}

seglang-train reward-server --port "$PORT" &
SERVER=$!
trap 'kill $SERVER' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/health" > /dev/null && break; sleep 0.2; done

# One SimpleSeg rollout against a 100×80 ground truth given as pixel polygons.
curl -s --fail-with-body "http://127.0.0.1:$PORT/reward" -H 'content-type: application/json' -d '{
  "items": [{
    "kind": "simpleseg",
    "response": "It is at [[[0.2, 0.2], [0.8, 0.2], [0.8, 0.8], [0.2, 0.8]]].",
    "ground_truth": { "width": 100, "height": 80, "polygons": [[[20, 16], [80, 16], [80, 64], [20, 64]]] }
  }]
}'
echo

# verl calls compute_score(data_source=, solution_str=, ground_truth=, extra_info=); EasyR1 calls
# compute_score_batch. The ground truth is the JSON string the RL dataset holds, with its kind.
SEGLANG_REWARD_URL="http://127.0.0.1:$PORT/reward" PYTHONPATH="$SEGLANG_PYTHON" python3 -c '
import json
from seglang_reward import compute_score
gt = "{\"kind\": \"simpleseg\", \"width\": 100, \"height\": 80, \"polygons\": [[[20, 16], [80, 16], [80, 64], [20, 64]]]}"
print(json.dumps(compute_score(data_source="refcoco", solution_str="It is at [[[0.2, 0.2], [0.8, 0.2], [0.8, 0.8], [0.2, 0.8]]].", ground_truth=gt, extra_info={})))
'
