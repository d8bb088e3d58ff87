import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel, RuntimeError } from '@seglang/mllm-runtime/node';
import { sam2EncoderSamexporter } from '@seglang/testing';
import * as ort from 'onnxruntime-node';
import { qwenFixture } from './helpers';

function copy(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'seglang-broken-')), 'model');
  cpSync(qwenFixture(), dir, { recursive: true });
  return dir;
}

describe('loading a model folder', () => {
  it.each(['onnx/decoder_model_merged.onnx', 'onnx/embed_tokens.onnx', 'config.json', 'tokenizer.json'])(
    'a folder missing %s is MODEL_NOT_FOUND and names the file',
    async (file) => {
      const dir = copy();
      rmSync(join(dir, file));
      const e = await loadModel(dir, { ort }).catch((x) => x);
      expect(e).toBeInstanceOf(RuntimeError);
      expect(e.code).toBe('MODEL_NOT_FOUND');
      expect(e.message).toContain(`is missing ${file}`);
    },
  );

  it('a graph whose names do not match the layout is LAYOUT_MISMATCH, listing what is missing', async () => {
    const dir = copy();
    writeFileSync(join(dir, 'onnx/decoder_model_merged.onnx'), sam2EncoderSamexporter());
    const e = await loadModel(dir, { ort }).catch((x) => x);
    expect(e.code).toBe('LAYOUT_MISMATCH');
    expect(e.message).toMatch(
      /decoder_model_merged\.onnx does not follow .*missing inputs inputs_embeds, attention_mask/,
    );
  });

  it('a corrupt ONNX file is MODEL_LOAD_FAILED; a corrupt config is INVALID_CONFIG', async () => {
    const dir = copy();
    writeFileSync(join(dir, 'onnx/embed_tokens.onnx'), 'not onnx');
    await expect(loadModel(dir, { ort })).rejects.toMatchObject({ code: 'MODEL_LOAD_FAILED' });
    const dir2 = copy();
    writeFileSync(join(dir2, 'config.json'), '{ "hidden_size": ');
    await expect(loadModel(dir2, { ort })).rejects.toThrow(/config\.json is not valid JSON/);
  });

  it('picks the dtype suffix of onnx-community exports and says which file is missing', async () => {
    const e = await loadModel(qwenFixture(), { ort, dtype: 'q4f16' }).catch((x) => x);
    expect(e.code).toBe('MODEL_NOT_FOUND');
    expect(e.message).toMatch(/missing onnx\/embed_tokens_q4f16\.onnx/);
    await expect(loadModel(qwenFixture(), { ort, dtype: 'fp7' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('loads the Qwen2.5-VL layout (text_config, image_grid_thw) and a decoder without num_logits_to_keep', async () => {
    const m = await loadModel(qwenFixture({ modelType: 'qwen2_5_vl', numLogitsToKeep: false }), { ort });
    try {
      expect(m.config.numLayers).toBe(2);
      const image = { width: 56, height: 56, data: new Uint8Array(56 * 56 * 3).fill(90) };
      const r = await m.generate({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', image },
              { type: 'text', text: 'hi' },
            ],
          },
        ],
        maxNewTokens: 3,
      });
      expect(r.tokenIds).toHaveLength(3);
    } finally {
      await m.release();
    }
  });
});
