# In the clone, with the CLIs installed as above: a bundled COCO mask as SimpleSeg text, then within
# 120 Qwen3 tokens, a triangle rasterised back to a mask, and the mask's outline drawn on a picture.
seglang mask2text apps/infer/samples/masks/coco-1290-5.png
seglang mask2text apps/infer/samples/masks/coco-1290-5.png --budget 120 --json
seglang text2mask "[[[0.1, 0.1], [0.9, 0.1], [0.5, 0.9]]]" --size 64x48 -o triangle.png --rle
seglang mask2text apps/infer/samples/masks/coco-1290-5.png > mask.txt
seglang overlay --image apps/infer/samples/masks/coco-1290-5.png --text "$(cat mask.txt)" -o overlay.png
