// Test inputs with no Node imports, shared by the Node tests and the browser harness.
import type { GenerateRequest } from '../src/index';

/** A deterministic textured RGB image. */
export function texture(
  width: number,
  height: number,
  seed = 0,
): { width: number; height: number; data: Uint8Array } {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = (x * 7 + y * 3 + seed) & 255;
      data[i + 1] = (x * y + 5 * seed) & 255;
      data[i + 2] = (255 - x * 2 + 11 * seed) & 255;
    }
  return { data, width, height };
}

/** One image and a short instruction, 8 new tokens: the request the loading tests compare runtimes on. */
export function outlineRequest(): GenerateRequest {
  return {
    messages: [
      {
        role: 'user',
        content: [
          { type: 'image', image: texture(64, 56, 3) },
          { type: 'text', text: 'Outline the dog.' },
        ],
      },
    ],
    maxNewTokens: 8,
  };
}
