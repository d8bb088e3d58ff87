import { createRequire } from 'node:module';
import { type Mask, maskArea, rle } from '@seglang/contour';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { runBatch } from './batch';
import { demo, loadTokenizer, mask2text, text2mask } from './commands';
import { type DemoModelResult, demoModel } from './demo-model';
import {
  DEFAULT_MAX_PIXELS,
  InputError,
  type RgbImage,
  readBytes,
  readImage,
  readMask,
  writeMaskPng,
  writeRgbPng,
} from './images';
import { asInputError, openSamTok, openSegmenter, record } from './models';
import { drawOverlay } from './overlay';

const VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

const number = (name: string) => (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number`);
  return n;
};

function table(rows: Record<string, unknown>[]): string {
  const cols = [
    'mask',
    'size',
    'area',
    'centresVertices',
    'centresTokens',
    'centresIoU',
    'edgesVertices',
    'edgesTokens',
    'edgesIoU',
  ];
  const heads = [
    'mask',
    'size',
    'area',
    'vertices',
    'Qwen3 tokens',
    'IoU',
    'vertices',
    'Qwen3 tokens',
    'IoU',
  ];
  const cells = rows.map((r) =>
    cols.map((c) =>
      typeof r[c] === 'number' && c.endsWith('IoU') ? (r[c] as number).toFixed(4) : String(r[c]),
    ),
  );
  const widths = heads.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i].length)));
  const line = (row: string[]) => row.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [
    `${''.padEnd(widths[0] + widths[1] + widths[2] + 4)}  pixel centres (SimpleSeg script)${''.padEnd(8)}pixel edges`,
    line(heads),
    ...cells.map(line),
  ].join('\n');
}

const positiveInt = (name: string) => (v: string) => {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError(`${name} must be a positive integer`);
  return n;
};

const usage = (message: string) => new CommanderError(2, 'seglang.usage', `error: ${message}`);

export function program(): Command {
  const cli = new Command('seglang')
    .description('Masks as text for multimodal language models: SimpleSeg point sequences and back.')
    .version(VERSION, '-V, --version')
    .option('--verbose', 'print stack traces on errors')
    .option(
      '--max-pixels <n>',
      'refuse images and masks larger than this, before decoding them',
      positiveInt('--max-pixels'),
      DEFAULT_MAX_PIXELS,
    )
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const maxPixels = () => cli.opts().maxPixels as number;
  const warn = (message: string) => process.stderr.write(`seglang: warning: ${message}\n`);

  cli
    .command('demo')
    .description(
      'the main job on built-in sample masks: mask → SimpleSeg text (Qwen3 token counts) → mask, round-trip IoU, overlay PNGs',
    )
    .option('-o, --out <dir>', 'where to write the overlay PNGs', 'seglang-demo')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExample:\n  seglang demo -o /tmp/seglang-demo')
    .option('--no-model', 'skip the model path')
    .action(async (opts) => {
      const rows = demo(opts.out);
      if (!opts.json) {
        console.log('seglang demo: sample COCO masks → SimpleSeg text → masks (COCO rasterisation)\n');
        console.log(table(rows));
        console.log(
          `\nε = 0.001 × contour length (the SimpleSeg preset). Overlays: ${rows.map((r) => r.overlay).join(', ')}\n` +
            '(each: the original outline in green | the pixel-centres round trip in magenta | the pixel-edges one; pixels lost red, gained blue)',
        );
      }
      let model: DemoModelResult | undefined;
      if (opts.model) {
        if (!opts.json)
          process.stdout.write(
            '\nThe model path: a tiny Qwen2-VL-layout model with RANDOM weights (a test fixture, not a trained\n' +
              'model), run in-process on onnxruntime-node, decoding constrained to the polygon grammar:\n> ',
          );
        const ran = await demoModel(opts.out, (t) => {
          if (!opts.json) process.stdout.write(t);
        });
        model = typeof ran === 'string' ? undefined : ran;
        if (!opts.json)
          console.log(
            model
              ? `\n${model.completionTokens} tokens at ${model.decodeTokensPerSecond.toFixed(0)} tokens/s → a ${model.vertices}-point polygon, ${model.area} px (overlay: ${model.overlay}).\n` +
                  'A trained SimpleSeg checkpoint answers the same way: seglang segment --model <dir | http://host/v1> --image … --prompt …'
              : `(skipped: ${ran})`,
          );
      }
      if (opts.json) console.log(JSON.stringify(opts.model ? { masks: rows, model: model ?? null } : rows));
    });

  cli
    .command('mask2text <masks...>')
    .description('masks (PNG, or JSON with a COCO RLE; - for standard input) → SimpleSeg text, a line each')
    .addOption(
      new Option('--preset <name>', 'parameters of a published pipeline')
        .choices(['simpleseg'])
        .default('simpleseg'),
    )
    .option(
      '--epsilon <e>',
      'simplification tolerance in normalised units (overrides the preset)',
      number('--epsilon'),
    )
    .addOption(
      new Option('--boundary <b>', 'contour through pixel centres or pixel edges')
        .choices(['pixel-centres', 'pixel-edges'])
        .default('pixel-centres'),
    )
    .addOption(new Option('--style <s>', 'number style').choices(['python', 'fixed']).default('python'))
    .option('--budget <n>', 'pick ε so the text fits n tokens', number('--budget'))
    .option('--tokenizer <dir>', 'folder with tokenizer.json and tokenizer_config.json (default: Qwen3)')
    .option('--json', 'one JSON object a mask (JSON lines)')
    .addHelpText(
      'after',
      '\nExamples:\n  seglang mask2text mask.png\n  seglang mask2text masks/*.png --budget 220 --json\n  cat mask.png | seglang mask2text -',
    )
    .action((files: string[], opts) => {
      const tokenizer =
        opts.budget !== undefined || opts.tokenizer ? loadTokenizer(opts.tokenizer) : undefined;
      for (const file of files) {
        const r = mask2text(file, { ...opts, maxPixels: maxPixels() }, tokenizer);
        if (r.warning) warn(r.warning);
        console.log(opts.json ? JSON.stringify(r) : r.text);
      }
    });

  cli
    .command('text2mask <text>')
    .description(
      'SimpleSeg text (- for standard input) → a mask PNG (COCO rasterisation, union of the parts)',
    )
    .requiredOption('--size <WxH>', 'image size, e.g. 640x480')
    .option('-o, --out <file>', 'write the mask as a PNG (- for standard output)')
    .option('--rle', 'print the COCO RLE as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  seglang text2mask "[[[0.1, 0.1], [0.9, 0.1], [0.5, 0.9]]]" --size 640x480 -o mask.png\n  echo "[[[0.1, 0.1], [0.9, 0.1], [0.5, 0.9]]]" | seglang text2mask - --size 640x480 --rle',
    )
    .action((text, opts) => {
      if (!opts.out && !opts.rle) throw usage('nothing to write: give -o mask.png and/or --rle');
      if (opts.out === '-' && opts.rle) throw usage('-o - and --rle both write to standard output: give one');
      const source = text === '-' ? readBytes('-').toString('utf8') : text;
      const { mask, warnings } = text2mask(source, opts.size, maxPixels());
      for (const w of warnings) warn(w);
      if (opts.out) writeMaskPng(opts.out, mask);
      if (opts.rle) console.log(JSON.stringify(rle.encode(mask)));
    });

  cli
    .command('overlay')
    .description('draw a mask (or SimpleSeg text) on an image: tinted fill and a solid outline')
    .requiredOption('--image <file>', 'PNG or JPEG image')
    .option('--mask <file>', 'mask PNG or COCO RLE JSON')
    .option('--text <text>', 'SimpleSeg text')
    .requiredOption('-o, --out <file>', 'output PNG')
    .addHelpText(
      'after',
      '\nExample:\n  seglang overlay --image photo.jpg --text "[[[0.1, 0.1], [0.9, 0.1], [0.5, 0.9]]]" -o out.png',
    )
    .action((opts) => {
      if (!opts.mask === !opts.text) throw usage('give exactly one of --mask and --text');
      const image = readImage(opts.image, maxPixels());
      let mask: Mask;
      if (opts.mask) mask = readMask(opts.mask, maxPixels());
      else {
        const r = text2mask(opts.text, `${image.width}x${image.height}`, maxPixels());
        for (const w of r.warnings) warn(w);
        mask = r.mask;
      }
      if (mask.width !== image.width || mask.height !== image.height)
        throw new InputError(
          `the mask is ${mask.width}x${mask.height}, the image ${image.width}x${image.height}`,
        );
      writeRgbPng(opts.out, drawOverlay(image, mask));
    });

  const modelOptions = (c: Command) =>
    c
      .option('--served-model <name>', 'served model name (default: the first the server lists)')
      .option('--api-key <key>', 'API key for the server (default: $SEGLANG_API_KEY or $OPENAI_API_KEY)')
      .option('--dtype <dtype>', 'ONNX weights: fp32, fp16, q4, q4f16, int8, uint8, quantized, bnb4')
      .option('--timeout <s>', 'per-request timeout for a server, in seconds', number('--timeout'), 300);

  modelOptions(
    cli
      .command('segment')
      .description(
        'ask a SimpleSeg or SAMTok model to segment: an onnx-community model folder (in-process) or an OpenAI-compatible server (vLLM, SGLang)',
      )
      .requiredOption(
        '--model <dir|url>',
        'model folder, or a server base URL such as http://localhost:8000/v1',
      )
      .option('--image <file>', 'PNG or JPEG image')
      .option('--prompt <text>', 'what to segment, e.g. "the dog on the left"')
      .option(
        '--batch <jobs.jsonl>',
        'run many: one {"image", "prompt", "id"?} per line; -o is the results JSONL',
      )
      .option('-o, --out <file>', 'the mask PNG (with --batch: the results JSONL, appended to and resumed)')
      .option('--overlay <file>', 'the answer drawn on the image (PNG)')
      .option('--rle', 'print the mask as COCO RLE JSON')
      .option('--samtok <dir>', 'a SAMTok model folder: answers are mask words, decoded with it')
      .addOption(
        new Option(
          '--preset <name>',
          'prompt, limits and decoding of a published pipeline: simpleseg ("Output the polygon coordinates of … in the image.", 512 tokens, the SimpleSeg decoder) or samtok ("Please segment … in this image.", 128 tokens; needs --samtok)',
        ).choices(['simpleseg', 'samtok']),
      )
      .addOption(
        new Option(
          '--decoder <mode>',
          'SimpleSeg: how polygons are read from the answer (default tolerant, or the preset’s: reference)',
        ).choices(['reference', 'strict', 'tolerant']),
      )
      .option(
        '--max-tokens <n>',
        'at most this many answer tokens (default 1024, or the preset’s)',
        number('--max-tokens'),
      )
      .option(
        '--max-points <n>',
        'in-process SimpleSeg: at most this many points per polygon',
        number('--max-points'),
      )
      .option(
        '--no-constrain',
        'in-process SimpleSeg: do not constrain decoding to the polygon grammar (a preset does not)',
      )
      .option('--no-progress', 'with --batch: no progress bar')
      .option('--json', 'machine-readable output'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  seglang segment --model models/simpleseg-onnx --image dog.jpg --prompt "the dog" -o mask.png\n' +
        '  seglang segment --model http://localhost:8000/v1 --preset simpleseg --image octopus.png --prompt octopus -o mask.png\n' +
        '  seglang segment --model http://localhost:8000/v1 --image dog.jpg --prompt "the dog" --overlay out.png\n' +
        '  seglang segment --model http://localhost:8000/v1 --samtok models/samtok --image dog.jpg --prompt "the dog" --json\n' +
        '  seglang segment --model http://localhost:8000/v1 --batch jobs.jsonl -o results.jsonl',
    )
    .action(async (opts) => {
      if (opts.batch ? opts.image || opts.prompt : !opts.image || !opts.prompt)
        throw new CommanderError(2, 'seglang.usage', 'error: give --image and --prompt, or --batch');
      if (opts.batch && !opts.out)
        throw new CommanderError(2, 'seglang.usage', 'error: --batch needs -o results.jsonl');
      if (opts.preset === 'samtok' && !opts.samtok)
        throw new CommanderError(2, 'seglang.usage', 'error: --preset samtok needs --samtok <dir>');
      if (opts.preset === 'simpleseg' && opts.samtok)
        throw new CommanderError(
          2,
          'seglang.usage',
          'error: --preset simpleseg reads polygons; drop --samtok',
        );
      const image = opts.image ? readImage(opts.image) : undefined;
      const { segmenter, release } = await openSegmenter(opts.model, {
        servedModel: opts.servedModel,
        apiKey: opts.apiKey ?? process.env.SEGLANG_API_KEY ?? process.env.OPENAI_API_KEY,
        dtype: opts.dtype,
        timeoutMs: opts.timeout * 1000,
        samtok: opts.samtok,
        preset: opts.preset,
        decoder: opts.decoder,
        maxTokens: opts.maxTokens,
        maxPoints: opts.maxPoints,
        // Commander sets --no-constrain's flag to true when absent: only an explicit choice counts.
        constrain: opts.constrain === false ? false : undefined,
      });
      try {
        if (opts.batch) {
          const s = await runBatch(segmenter, opts.batch, opts.out, {
            progress: opts.progress && process.stderr.isTTY === true,
            maxPixels: maxPixels(),
          }).catch(asInputError);
          if (opts.json) console.log(JSON.stringify(s));
          else
            process.stderr.write(
              `${s.done} done, ${s.failed} failed, ${s.skipped} already in ${opts.out} (of ${s.jobs} jobs)\n`,
            );
          if (s.failed > 0) process.exitCode = 1;
          return;
        }
        const r = await segmenter
          .segment(image as RgbImage, opts.prompt, {
            onToken: opts.json ? undefined : (t) => process.stdout.write(t.text),
          })
          .catch(asInputError);
        const rec = record(r);
        if (opts.out) writeMaskPng(opts.out, r.mask);
        if (opts.overlay) writeRgbPng(opts.overlay, drawOverlay(image as RgbImage, r.mask));
        if (opts.json) console.log(JSON.stringify(rec));
        else {
          process.stdout.write('\n');
          if (opts.rle) console.log(JSON.stringify(rec.rle));
          process.stderr.write(
            `${rec.kind === 'simpleseg' ? `${rec.locations?.length} location(s)` : `${rec.maskWords?.length} mask(s)`}, ` +
              `${rec.area} px of ${rec.width}×${rec.height}, ${rec.tokens.completion} tokens (${rec.finishReason})\n`,
          );
        }
      } finally {
        await release();
      }
    });

  const samtok = cli
    .command('samtok')
    .description('SAMTok: a mask ↔ two mask words, with a SAMTok model folder');
  samtok
    .command('encode')
    .description('a mask on an image → its mask words')
    .requiredOption(
      '--model <dir>',
      'SAMTok folder: samtok_encoder.onnx, samtok_decoder.onnx, codebook.safetensors and a SAM2 image encoder (image_encoder.onnx)',
    )
    .requiredOption('--image <file>', 'PNG or JPEG image')
    .requiredOption('--mask <file>', 'mask PNG or COCO RLE JSON, the image’s size')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      '\nExample:\n  seglang samtok encode --model models/samtok --image dog.jpg --mask dog.png',
    )
    .action(async (opts) => {
      const image = readImage(opts.image, maxPixels());
      const mask = readMask(opts.mask, maxPixels());
      const tok = await openSamTok(opts.model);
      try {
        const { codes, words } = await tok.tokenize(image, mask).catch(asInputError);
        console.log(opts.json ? JSON.stringify({ words, codes }) : words);
      } finally {
        await tok.release();
      }
    });
  samtok
    .command('decode')
    .description('mask words (or text holding them) on an image → the mask')
    .requiredOption('--model <dir>', 'SAMTok folder (see samtok encode --help)')
    .requiredOption('--image <file>', 'PNG or JPEG image')
    .requiredOption('--words <text>', 'e.g. "<|mt_start|><|mt_0012|><|mt_0303|><|mt_end|>"')
    .option('-o, --out <file>', 'the mask PNG')
    .option('--overlay <file>', 'the mask drawn on the image (PNG)')
    .option('--rle', 'print the mask as COCO RLE JSON')
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      '\nExample:\n  seglang samtok decode --model models/samtok --image dog.jpg --words "<|mt_start|><|mt_0012|><|mt_0303|><|mt_end|>" -o mask.png',
    )
    .action(async (opts) => {
      if (!opts.out && !opts.overlay && !opts.rle && !opts.json)
        throw usage('nothing to write: give -o mask.png, --overlay, --rle or --json');
      const image = readImage(opts.image, maxPixels());
      const tok = await openSamTok(opts.model);
      try {
        const mask = await tok.decode(image, opts.words).catch(asInputError);
        if (opts.out) writeMaskPng(opts.out, mask);
        if (opts.overlay) writeRgbPng(opts.overlay, drawOverlay(image, mask));
        const r = rle.encode(mask);
        if (opts.json) console.log(JSON.stringify({ area: maskArea(mask), rle: r }));
        else if (opts.rle) console.log(JSON.stringify(r));
      } finally {
        await tok.release();
      }
    });
  return cli;
}

export async function main(argv: string[]): Promise<number> {
  const cli = program();
  if (argv.length === 0) {
    // No command: the help, and the exit code of a usage error.
    process.stderr.write(cli.helpInformation());
    return 2;
  }
  try {
    await cli.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
      )
        return 0;
      if (err.code === 'seglang.usage') process.stderr.write(`${err.message}\n`);
      return 2;
    }
    const verbose = argv.includes('--verbose');
    // One line, whatever the message (some dependencies' messages span several).
    const message = String((err as Error)?.message ?? err).replace(/\s*\n\s*/g, ' ');
    process.stderr.write(`seglang: ${verbose && err instanceof Error ? err.stack : message}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
