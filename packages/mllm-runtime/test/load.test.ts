import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

  it('declared sizes are checked before anything is built from them; the graph is the judge of the layer count', async () => {
    const withConfig = (edit: (c: Record<string, unknown>) => void, file = 'config.json') => {
      const dir = copy();
      const path = join(dir, file);
      const c = JSON.parse(readFileSync(path, 'utf8'));
      edit(c);
      writeFileSync(path, JSON.stringify(c));
      return dir;
    };
    // 1e9 layers built 2e9 input names and ran out of memory after a minute.
    await expect(
      loadModel(
        withConfig((c) => (c.num_hidden_layers = 1e9)),
        { ort },
      ),
    ).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringMatching(/num_hidden_layers must be an integer in \[1, 1024\], got 1000000000/),
    });
    // Within the limits but not what the graph holds.
    await expect(
      loadModel(
        withConfig((c) => (c.num_hidden_layers = 7)),
        { ort },
      ),
    ).rejects.toMatchObject({
      code: 'LAYOUT_MISMATCH',
      message: expect.stringMatching(
        /num_hidden_layers 7, but onnx\/decoder_model_merged\.onnx has key-value inputs for 2 layers/,
      ),
    });
    for (const [key, value] of [
      ['num_attention_heads', 0],
      ['hidden_size', -5],
      ['max_position_embeddings', 1e12],
      ['head_dim', 1.5],
    ] as const)
      await expect(
        loadModel(
          withConfig((c) => (c[key] = value)),
          { ort },
        ),
      ).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    // End-of-sequence ids as strings were dropped silently (and generation never stopped).
    await expect(
      loadModel(
        withConfig((c) => (c.eos_token_id = ['151645', 151643]), 'generation_config.json'),
        { ort },
      ),
    ).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringMatching(
        /generation_config\.json: eos_token_id must hold non-negative integers, got "151645"/,
      ),
    });
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
