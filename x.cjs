const c = require('/tmp/contour.cjs');
const { maskCorpus } = require('/tmp/masks.cjs');
const cv = require('@techstark/opencv-js');
cv.onRuntimeInitialized = () => {
  const corpus = maskCorpus(300, 7);
  const MODES = { external: 'RETR_EXTERNAL', list: 'RETR_LIST', ccomp: 'RETR_CCOMP', tree: 'RETR_TREE' };
  let fails = 0;
  for (const [i, { kind, mask }] of corpus.entries()) {
    const t = Date.now();
    for (const mode of Object.keys(MODES)) for (const method of ['none', 'simple']) {
      const mat = new cv.Mat(mask.height, mask.width, cv.CV_8UC1); mat.data.set(mask.data);
      const cs = new cv.MatVector(), h = new cv.Mat();
      cv.findContours(mat, cs, h, cv[MODES[mode]], method === 'none' ? cv.CHAIN_APPROX_NONE : cv.CHAIN_APPROX_SIMPLE);
      const ref = []; for (let k = 0; k < cs.size(); k++) { const m = cs.get(k); ref.push(Array.from(m.data32S)); m.delete(); }
      const hr = Array.from(h.data32S);
      mat.delete(); cs.delete(); h.delete();
      const ours = c.findContoursFlat(mask, { mode, method });
      const a = JSON.stringify(ours.contours.map(x => Array.from(x))), b = JSON.stringify(ref);
      const ha = JSON.stringify(ours.hierarchy.flat()), hb = JSON.stringify(hr);
      if (a !== b || ha !== hb) { fails++; if (fails < 15) console.log(i, kind, mask.width + 'x' + mask.height, mode, method, a === b, ha === hb, ours.contours.length, ref.length); }
    }
    if (Date.now() - t > 1000) console.log('slow', i, kind, Date.now() - t);
  }
  console.log('fails', fails);
};
