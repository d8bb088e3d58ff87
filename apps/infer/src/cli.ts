import { writeFileSync } from 'node:fs';
import { rle } from '@seglang/contour';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { demo, mask2text, text2mask, writeMaskPng } from './commands';
import { InputError, readImage, readMask, writeRgbPng } from './images';
import { drawOverlay } from './overlay';

const number = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number`);
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

export function program(): Command {
  const cli = new Command('seglang')
    .description('Masks as text for multimodal language models: SimpleSeg point sequences and back.')
    .option('--verbose', 'print stack traces on errors')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  cli
    .command('demo')
    .description(
      'the main job on built-in sample masks: mask → SimpleSeg text (Qwen3 token counts) → mask, round-trip IoU, overlay PNGs',
    )
    .option('-o, --out <dir>', 'where to write the overlay PNGs', 'seglang-demo')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExample:\n  seglang demo -o /tmp/seglang-demo')
    .action((opts) => {
      const rows = demo(opts.out);
      if (opts.json) console.log(JSON.stringify(rows));
      else {
        console.log('seglang demo: sample COCO masks → SimpleSeg text → masks (COCO rasterisation)\n');
        console.log(table(rows));
        console.log(
          `\nε = 0.001 × contour length (the SimpleSeg preset). Overlays: ${rows.map((r) => r.overlay).join(', ')}`,
        );
        console.log(
          'The model path (seglang segment) needs @seglang/mllm-runtime, which has not landed yet.',
        );
      }
    });

  cli
    .command('mask2text <mask>')
    .description('a mask (PNG, or JSON with a COCO RLE) → SimpleSeg text')
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
    .option('--json', 'machine-readable output')
    .addHelpText(
      'after',
      '\nExamples:\n  seglang mask2text mask.png\n  seglang mask2text mask.png --budget 220 --json',
    )
    .action((file, opts) => {
      const r = mask2text(file, opts);
      console.log(opts.json ? JSON.stringify(r) : r.text);
    });

  cli
    .command('text2mask <text>')
    .description('SimpleSeg text → a mask PNG (COCO rasterisation, union of the parts)')
    .requiredOption('--size <WxH>', 'image size, e.g. 640x480')
    .option('-o, --out <file>', 'write the mask as a PNG')
    .option('--rle', 'print the COCO RLE as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  seglang text2mask "[[[0.1, 0.1], [0.9, 0.1], [0.5, 0.9]]]" --size 640x480 -o mask.png',
    )
    .action((text, opts) => {
      const mask = text2mask(text, opts.size);
      if (!opts.out && !opts.rle) throw new InputError('nothing to write: give -o mask.png and/or --rle');
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
      if (!opts.mask === !opts.text)
        throw new CommanderError(2, 'seglang.usage', 'error: give exactly one of --mask and --text');
      const image = readImage(opts.image);
      const mask = opts.mask ? readMask(opts.mask) : text2mask(opts.text, `${image.width}x${image.height}`);
      writeRgbPng(opts.out, drawOverlay(image, mask));
    });
  return cli;
}

export function main(argv: string[]): number {
  const cli = program();
  try {
    cli.parse(argv, { from: 'user' });
    return 0;
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
    process.stderr.write(
      `seglang: ${verbose && err instanceof Error ? err.stack : (err as Error).message}\n`,
    );
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
