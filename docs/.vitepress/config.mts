import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type DefaultTheme, defineConfig } from 'vitepress';

// The API sidebar is written by typedoc (scripts/generate.mjs) before the build.
const apiSidebarFile = fileURLToPath(new URL('../api/typedoc-sidebar.json', import.meta.url));
const apiSidebar: DefaultTheme.SidebarItem[] = existsSync(apiSidebarFile)
  ? JSON.parse(readFileSync(apiSidebarFile, 'utf8'))
  : [];

const guide: DefaultTheme.SidebarItem[] = [
  {
    text: 'Guide',
    items: [
      { text: 'Getting started', link: '/guide/getting-started' },
      { text: 'Concepts', link: '/guide/concepts' },
      { text: 'Demo: masks ↔ text', link: '/demo' },
    ],
  },
  {
    text: 'Packages',
    items: [
      { text: '@seglang/contour', link: '/packages/contour' },
      { text: '@seglang/polygon-grammar', link: '/packages/polygon-grammar' },
      { text: '@seglang/rq-tokenizer', link: '/packages/rq-tokenizer' },
      { text: '@seglang/rewards', link: '/packages/rewards' },
      { text: '@seglang/sam-encoder', link: '/packages/sam-encoder' },
      { text: '@seglang/mllm-runtime', link: '/packages/mllm-runtime' },
      { text: 'The seglang CLI', link: '/packages/cli' },
    ],
  },
  {
    text: 'Recipes',
    items: [
      { text: 'SFT data from RefCOCO', link: '/recipes/sft-refcoco' },
      { text: 'Rewards for verl and EasyR1', link: '/recipes/reward-server' },
      { text: 'SimpleSeg: SFT, then GSPO with verl', link: '/recipes/simpleseg-rl-verl' },
      { text: 'SAMTok: mask words, then GRPO with EasyR1', link: '/recipes/samtok-rl-easyr1' },
      { text: 'Serve with vLLM, segment with seglang', link: '/recipes/vllm' },
      { text: 'ONNX exports for in-process use', link: '/recipes/export-onnx' },
    ],
  },
  {
    text: 'Reference',
    items: [
      { text: 'CLI', link: '/reference/cli' },
      { text: 'API', link: '/api/' },
    ],
  },
];

export default defineConfig({
  title: 'seglang',
  description:
    'Pixel-level perception for multimodal language models, in plain text: SimpleSeg point sequences and SAMTok mask words.',
  cleanUrls: true,
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }]],
  // A link to a page that does not exist fails the build (VitePress' default, stated here on purpose).
  ignoreDeadLinks: false,
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/getting-started' },
      { text: 'Demo', link: '/demo' },
      { text: 'Packages', link: '/packages/contour' },
      { text: 'Recipes', link: '/recipes/sft-refcoco' },
      { text: 'API', link: '/api/' },
    ],
    sidebar: {
      '/api/': [{ text: 'API reference', link: '/api/', items: apiSidebar }, ...guide],
      '/': guide,
    },
    search: { provider: 'local' },
    outline: [2, 3],
  },
  vite: {
    build: { chunkSizeWarningLimit: 4096 },
  },
});
