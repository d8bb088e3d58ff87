"""
Golden answers of the public SimpleSeg data script (songtianhui/SimpleSeg, data/data.py) for
@seglang/contour's `simpleseg` preset. Writes packages/contour/test/fixtures/simpleseg-data-golden.json.

    apt-get install python3-opencv python3-numpy      # Debian's OpenCV and numpy
    /usr/bin/python3 tools/golden/simpleseg_data.py

For every real COCO mask we ship (the 404 val2014 instance masks of coco-golden.json and the four
sample masks of apps/infer/samples/masks) plus a few hand-made masks (several parts, thin lines,
single pixels, a mask touching the border), it runs the data script's steps with OpenCV itself:
cv2.findContours(mask, RETR_EXTERNAL, CHAIN_APPROX_SIMPLE), cv2.approxPolyDP(c, 0.001 *
cv2.arcLength(c, True), True), division by [width, height], np.round(…, 3), and records the answer
text the script writes, str(list of polygons), and the vertices in pixels.

The COCO RLE strings are decoded here (the compressed-counts format of pycocotools' maskApi.c),
so that the only dependencies are Debian's python3-opencv and python3-numpy.
"""
import json
import os
import sys

import cv2
import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
COCO = os.path.join(ROOT, "packages", "contour", "test", "fixtures", "coco-golden.json")
SAMPLES = os.path.join(ROOT, "apps", "infer", "samples", "masks")
# Vertices in pixels for contour's tests, answer texts for polygon-grammar's.
OUT_PIXELS = os.path.join(ROOT, "packages", "contour", "test", "fixtures", "simpleseg-data-golden.json")
OUT_ANSWERS = os.path.join(ROOT, "packages", "polygon-grammar", "test", "fixtures", "simpleseg-answers-golden.json")


def counts_from_string(s):
    """COCO's compressed counts: 5 bits a character from 48, continuation bit 0x20, sign bit 0x10,
    every count after the second stored as the difference to the count two before."""
    counts, i = [], 0
    while i < len(s):
        x, k, more = 0, 0, True
        while more:
            c = ord(s[i]) - 48
            x |= (c & 0x1F) << (5 * k)
            more = bool(c & 0x20)
            i += 1
            k += 1
            if not more and (c & 0x10):
                x |= -1 << (5 * k)
        if len(counts) > 2:
            x += counts[-2]
        counts.append(x)
    return counts


def counts_to_string(counts):
    """The inverse of counts_from_string."""
    out = []
    for i, x in enumerate(counts):
        if i > 2:
            x -= counts[i - 2]
        more = True
        while more:
            c = x & 0x1F
            x >>= 5
            more = not ((c & 0x10) == 0 and x == 0) and not ((c & 0x10) != 0 and x == -1)
            if more:
                c |= 0x20
            out.append(chr(c + 48))
    return "".join(out)


def encode(mask):
    flat = mask.T.reshape(-1)  # column-major
    counts, value, run = [], 0, 0
    for v in flat:
        if v != value:
            counts.append(run)
            value, run = v, 0
        run += 1
    counts.append(run)
    return counts_to_string(counts)


def decode(counts, h, w):
    flat = np.zeros(h * w, dtype=np.uint8)
    pos, value = 0, 0
    for n in counts:
        flat[pos : pos + n] = value
        pos += n
        value ^= 1
    return flat.reshape((w, h)).T.copy()  # column-major runs


def read_png(path):
    """The sample masks: 8-bit PNGs, non-zero = foreground."""
    return (cv2.imread(path, cv2.IMREAD_GRAYSCALE) > 0).astype(np.uint8)


def data_script_polygons(mask):
    """The data script's steps, called on OpenCV directly."""
    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    pixels = []
    for c in contours:
        approx = cv2.approxPolyDP(c, 0.001 * cv2.arcLength(c, True), True)
        pixels.append(approx.reshape(-1, 2))
    h, w = mask.shape
    normalised = [np.round(p / np.array([w, h]), 3).tolist() for p in pixels]
    return [p.tolist() for p in pixels], str(normalised)


def handmade():
    out = []
    m = np.zeros((9, 11), dtype=np.uint8)
    m[1:4, 1:5] = 1  # a box
    m[6, 2:9] = 1  # a one-pixel line
    m[2, 8] = 1  # a single pixel
    m[4:9, 9:11] = 1  # touching the border
    out.append(("handmade-parts", m))
    m = np.zeros((40, 30), dtype=np.uint8)
    yy, xx = np.mgrid[0:40, 0:30]
    m[((xx - 14.5) / 12) ** 2 + ((yy - 19.5) / 17) ** 2 <= 1] = 1
    m[15:25, 10:20] = 0  # a hole: RETR_EXTERNAL keeps only the outer border
    out.append(("handmade-ring", m))
    m = np.zeros((16, 16), dtype=np.uint8)
    for i in range(16):
        m[i, i] = 1  # an 8-connected diagonal
    out.append(("handmade-diagonal", m))
    out.append(("handmade-full", np.ones((5, 7), dtype=np.uint8)))
    return out


def main():
    cases = []
    coco = json.load(open(COCO))
    for g, group in enumerate(coco["masks"]):
        for k, counts in enumerate(group["counts"]):
            mask = decode(counts_from_string(counts), group["h"], group["w"])
            cases.append({"source": f"coco-golden masks[{g}].counts[{k}]", "h": group["h"], "w": group["w"],
                          "counts": counts, "mask": mask})
    for name in sorted(os.listdir(SAMPLES)):
        if name.endswith(".png"):
            mask = read_png(os.path.join(SAMPLES, name))
            cases.append({"source": f"samples/masks/{name}", "h": mask.shape[0], "w": mask.shape[1], "mask": mask})
    for name, mask in handmade():
        cases.append({"source": name, "h": mask.shape[0], "w": mask.shape[1], "mask": mask})
    pixels_out, answers_out = [], []
    for c in cases:
        mask = c.pop("mask")
        counts = c.pop("counts", None) or encode(mask)
        assert (decode(counts_from_string(counts), c["h"], c["w"]) == mask).all()
        pixels, answer = data_script_polygons(mask)
        pixels_out.append({**c, "counts": counts, "pixels": pixels})
        answers_out.append({**c, "counts": counts, "answer": answer})
    header = {"generator": "tools/golden/simpleseg_data.py", "opencv": cv2.__version__,
              "numpy": np.__version__, "python": sys.version.split()[0]}
    for path, records in ((OUT_PIXELS, pixels_out), (OUT_ANSWERS, answers_out)):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        json.dump({**header, "cases": records}, open(path, "w"), separators=(",", ":"))
        print(f"{len(records)} cases, OpenCV {cv2.__version__}, numpy {np.__version__} -> {os.path.relpath(path, ROOT)}")


if __name__ == "__main__":
    main()
