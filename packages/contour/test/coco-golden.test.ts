/**
 * Every entry of pycocotools' golden vectors (its C core, `maskApi.c`): polygon → RLE strings byte
 * for byte, areas, boxes, RLE IoU with crowd flags, box IoU, and decode → encode round trips.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bboxIou, rle } from '../src';

interface Golden {
  polygons: {
    kind: string;
    h: number;
    w: number;
    xy: number[];
    counts: string;
    area: number;
    bbox: number[];
  }[];
  masks: {
    image_id: number;
    h: number;
    w: number;
    counts: string[];
    area: number[];
    bbox: number[][];
    iscrowd: number[];
    iou: number[][];
    reencoded: string[];
  }[];
  boxes: { dt: number[][]; gt: number[][]; iscrowd: number[]; iou: number[][] }[];
}

const golden: Golden = JSON.parse(readFileSync(join(__dirname, 'fixtures/coco-golden.json'), 'utf8'));

describe('polygons → RLE (rleFrPoly)', () => {
  test(`all ${golden.polygons.length} polygons: counts byte for byte, area and bbox`, () => {
    const kinds = new Set<string>();
    for (const p of golden.polygons) {
      kinds.add(p.kind);
      const r = rle.fromPolygon(p.xy, p.h, p.w);
      expect({ kind: p.kind, counts: r.counts }).toEqual({ kind: p.kind, counts: p.counts });
      expect(r.size).toEqual([p.h, p.w]);
      expect(rle.area(r)).toBe(p.area);
      expect(rle.toBbox(r)).toEqual(p.bbox);
    }
    expect([...kinds].sort()).toEqual(['convex', 'line', 'outside', 'random', 'selfx', 'star', 'tiny']);
  });
});

describe('real COCO masks', () => {
  const total = golden.masks.reduce((n, m) => n + m.counts.length, 0);

  test(`all ${total} masks: decode → encode reproduces the string, area, bbox`, () => {
    for (const img of golden.masks) {
      img.counts.forEach((counts, i) => {
        const r = { size: [img.h, img.w] as [number, number], counts };
        const mask = rle.decode(r);
        expect(mask.width).toBe(img.w);
        expect(mask.height).toBe(img.h);
        expect(rle.encode(mask).counts).toBe(img.reencoded[i]);
        expect(rle.area(r)).toBe(img.area[i]);
        expect(rle.toBbox(r)).toEqual(img.bbox[i]);
      });
    }
  });

  test('RLE IoU with crowd flags equals pycocotools to 1e-12', () => {
    let compared = 0;
    for (const img of golden.masks) {
      const rs = img.counts.map((counts) => ({ size: [img.h, img.w] as [number, number], counts }));
      const iou = rle.iou(rs, rs, img.iscrowd.map(Boolean));
      expect(iou.length).toBe(img.iou.length);
      iou.forEach((row, d) =>
        row.forEach((v, g) => {
          expect(Math.abs(v - img.iou[d][g])).toBeLessThanOrEqual(1e-12);
          compared++;
        }),
      );
    }
    expect(compared).toBeGreaterThan(100);
  });

  test('merge: union and intersection agree with the decoded masks', () => {
    for (const img of golden.masks.slice(0, 20)) {
      const rs = img.counts.map((counts) => ({ size: [img.h, img.w] as [number, number], counts }));
      const masks = rs.map((r) => rle.decode(r));
      const union = rle.decode(rle.merge(rs));
      const inter = rle.decode(rle.merge(rs, true));
      const expectedUnion = new Uint8Array(union.data.length);
      const expectedInter = new Uint8Array(union.data.length);
      for (let p = 0; p < union.data.length; p++) {
        expectedUnion[p] = masks.some((m) => m.data[p]) ? 1 : 0;
        expectedInter[p] = masks.every((m) => m.data[p]) ? 1 : 0;
      }
      expect(Buffer.compare(union.data, expectedUnion)).toBe(0);
      expect(Buffer.compare(inter.data, expectedInter)).toBe(0);
    }
  });
});

describe('box IoU (bbIou)', () => {
  test(`all ${golden.boxes.length} cases equal pycocotools to 1e-12`, () => {
    for (const b of golden.boxes) {
      const iou = bboxIou(b.dt, b.gt, b.iscrowd.map(Boolean));
      iou.forEach((row, d) =>
        row.forEach((v, g) => expect(Math.abs(v - b.iou[d][g])).toBeLessThanOrEqual(1e-12)),
      );
    }
  });
});
