/**
 * The COCO + REFER fixture of the prepare tests, written by python3 (REFER's refs(unc).p is a
 * pickle): instances.json, refs(unc).p and the same records as refs.json, SAMTok codes for two
 * annotations, and an image folder.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Every skip reason has an annotation here; the comments say which. */
export const FIXTURE = `
import json, os, pickle, sys
out = sys.argv[1]
images = [
    {"id": 1, "file_name": "a.jpg", "width": 40, "height": 30},
    {"id": 2, "file_name": "b.jpg", "width": 50, "height": 20},
    {"id": 3, "file_name": "gone.jpg", "width": 10, "height": 10},   # no file on disk
    {"id": 4, "file_name": "c.jpg", "width": 30, "height": 30},
]
anns = [
    {"id": 10, "image_id": 1, "category_id": 1, "iscrowd": 0, "segmentation": [[5, 5, 30, 5, 30, 25, 5, 25]]},
    {"id": 11, "image_id": 2, "category_id": 2, "iscrowd": 0, "segmentation": [[2, 2, 40, 2, 20, 18]]},
    {"id": 12, "image_id": 1, "category_id": 1, "iscrowd": 1, "segmentation": {"size": [30, 40], "counts": [100, 20, 1080]}},
    {"id": 13, "image_id": 3, "category_id": 1, "iscrowd": 0, "segmentation": [[1, 1, 8, 1, 8, 8]]},
    {"id": 14, "image_id": 1, "category_id": 2, "iscrowd": 0, "segmentation": [[3, 3, 3, 3, 3, 3]]},
    {"id": 15, "image_id": 99, "category_id": 2, "iscrowd": 0, "segmentation": [[1, 1, 8, 1, 8, 8]]},
    {"id": 16, "image_id": 4, "category_id": 3, "iscrowd": 0},
    {"id": 17, "image_id": 4, "category_id": 3, "iscrowd": 0, "segmentation": {"size": [30, 30], "counts": "~~~~"}},
    {"id": 18, "image_id": 4, "category_id": 3, "iscrowd": 0, "segmentation": [[4, 20, 15, 3, 26, 20, 20, 27, 10, 27]]},
]
cats = [{"id": 1, "name": "dog"}, {"id": 2, "name": "cat"}, {"id": 3, "name": "kite"}]
json.dump({"info": {}, "images": images, "annotations": anns, "categories": cats}, open(os.path.join(out, "instances.json"), "w"))
refs = [
    {"ref_id": 0, "ann_id": 10, "image_id": 1, "split": "train", "category_id": 1, "sent_ids": [0, 1],
     "sentences": [{"sent": "the big dog", "raw": "The big dog.", "tokens": ["the", "big", "dog"], "sent_id": 0},
                   {"sent": "dog on the left", "raw": "dog on the left", "tokens": [], "sent_id": 1}]},
    {"ref_id": 1, "ann_id": 11, "image_id": 2, "split": "val", "sentences": [{"sent": "caf\\u00e9 cat", "sent_id": 2}]},
    {"ref_id": 2, "ann_id": 13, "image_id": 3, "split": "testA", "sentences": [{"sent": "small dog", "sent_id": 3}]},
    {"ref_id": 3, "ann_id": 77, "image_id": 1, "split": "testB", "sentences": [{"sent": "nothing", "sent_id": 4}]},
    {"ref_id": 5, "ann_id": 14, "image_id": 1, "split": "testB", "sentences": [{"sent": "a dot", "sent_id": 5}]},
    {"ref_id": 6, "ann_id": 18, "image_id": 4, "split": "testB", "sentences": [{"sent": "  ", "sent_id": 6}]},
    {"ref_id": 7, "ann_id": 18, "image_id": 4, "split": "testB", "sentences": [{"sent": "the kite", "sent_id": 7}]},
]
pickle.dump(refs, open(os.path.join(out, "refs(unc).p"), "wb"), protocol=2)
json.dump(refs, open(os.path.join(out, "refs.json"), "w"))
with open(os.path.join(out, "codes.jsonl"), "w") as f:
    f.write(json.dumps({"ann_id": 10, "codes": [12, 47]}) + "\\n" + json.dumps({"ann_id": 11, "codes": [7, 4]}) + "\\n")
os.makedirs(os.path.join(out, "img"))
for name in ["a.jpg", "b.jpg", "c.jpg"]:
    open(os.path.join(out, "img", name), "wb").write(b"\\xff\\xd8")
`;

/** Writes the fixture into a new temporary folder and returns its path. */
export function makeFixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'seglang-fixture-'));
  execFileSync('python3', ['-c', FIXTURE, dir]);
  return dir;
}
