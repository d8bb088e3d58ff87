import { Template } from '@huggingface/jinja';
import { RuntimeError } from './errors';
import type { RgbImage } from './image';

/** A part of a message: text, or an image (its pixels, or a URL/data URL for served models). */
export type ContentPart = { type: 'text'; text: string } | { type: 'image'; image: RgbImage | string };

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | ContentPart[];
}

/**
 * A model's chat template (`chat_template.json`, `chat_template.jinja` or `tokenizer_config.json`'s
 * `chat_template`), rendered with `@huggingface/jinja` as transformers renders it. Image parts
 * become `{ type: 'image' }` for the template, which writes `<|vision_start|><|image_pad|><|vision_end|>`.
 */
export class ChatTemplate {
  private readonly template: Template;

  constructor(
    readonly source: string,
    private readonly specialTokens: Record<string, string | null | undefined> = {},
  ) {
    try {
      this.template = new Template(source);
    } catch (cause) {
      throw new RuntimeError(
        'INVALID_CONFIG',
        `the chat template does not parse: ${(cause as Error).message}`,
        {
          cause,
        },
      );
    }
  }

  /** Renders messages to the prompt text; `addGenerationPrompt` (default true) opens the assistant turn. */
  render(messages: ChatMessage[], opts: { addGenerationPrompt?: boolean } = {}): string {
    checkMessages(messages);
    const plain = messages.map((m) => ({
      role: m.role,
      content:
        typeof m.content === 'string'
          ? m.content
          : m.content.map((p) => (p.type === 'image' ? { type: 'image' } : { type: 'text', text: p.text })),
    }));
    try {
      return this.template.render({
        messages: plain,
        add_generation_prompt: opts.addGenerationPrompt ?? true,
        ...this.specialTokens,
      });
    } catch (cause) {
      throw new RuntimeError(
        'INVALID_PROMPT',
        `the chat template failed to render: ${(cause as Error).message}`,
        {
          cause,
        },
      );
    }
  }
}

/** @throws RuntimeError `INVALID_PROMPT` naming the message and part that is malformed. */
export function checkMessages(messages: ChatMessage[]): void {
  if (!Array.isArray(messages) || messages.length === 0)
    throw new RuntimeError('INVALID_PROMPT', 'messages must be a non-empty array');
  messages.forEach((m, i) => {
    if (!m || !['system', 'user', 'assistant'].includes(m.role))
      throw new RuntimeError('INVALID_PROMPT', `messages[${i}].role must be system, user or assistant`);
    if (typeof m.content === 'string') return;
    if (!Array.isArray(m.content))
      throw new RuntimeError(
        'INVALID_PROMPT',
        `messages[${i}].content must be a string or an array of parts`,
      );
    m.content.forEach((p, j) => {
      if (p?.type === 'text' && typeof p.text === 'string') return;
      if (p?.type === 'image' && p.image !== undefined) return;
      throw new RuntimeError(
        'INVALID_PROMPT',
        `messages[${i}].content[${j}] must be { type: 'text', text } or { type: 'image', image }`,
      );
    });
  });
}

/** The images of a conversation, in order. */
export function messageImages(messages: ChatMessage[]): (RgbImage | string)[] {
  const out: (RgbImage | string)[] = [];
  for (const m of messages)
    if (typeof m.content !== 'string') for (const p of m.content) if (p.type === 'image') out.push(p.image);
  return out;
}
