// Smart mode's guardian (issue #6 item 4): an OpenAI-compatible chat-completions call, temperature 0,
// strict timeout. APPROVE and DENY are the only answers that decide; ESCALATE, garbage, an error or a
// timeout all go to the human ask — an outage is an error, never a silent deny or allow.
import { SmartReviewError } from '../errors.ts';
import { REVIEWER_SYSTEM_PROMPT, reviewerUserPrompt, unreviewableReason } from './reviewer-prompt.ts';

export const SmartVerdict = { approve: 'approve', deny: 'deny', escalate: 'escalate' } as const;
export type SmartVerdict = (typeof SmartVerdict)[keyof typeof SmartVerdict];

export interface SmartReview {
  readonly verdict: SmartVerdict;
  /** Why (the model's word, or what went wrong). Never contains the API key. */
  readonly detail: string;
}

export interface SmartReviewer {
  review(input: { command: string; description: string }, signal?: AbortSignal): Promise<SmartReview>;
}

export interface ChatCompletionsReviewerOptions {
  /** e.g. `http://127.0.0.1:11434/v1` (`/chat/completions` is appended). */
  readonly baseUrl: string;
  readonly model: string;
  readonly apiKey?: string | undefined;
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
}

/** Maps the model's text to a verdict: only an exact APPROVE / DENY decides. */
export function parseVerdict(text: string): SmartVerdict {
  const word = text
    .trim()
    .replace(/^[^A-Za-z]+|[^A-Za-z]+$/g, '')
    .toUpperCase();
  if (word === 'APPROVE') return 'approve';
  if (word === 'DENY') return 'deny';
  return 'escalate';
}

async function call(o: ChatCompletionsReviewerOptions, body: unknown, signal?: AbortSignal): Promise<string> {
  const url = `${o.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const timeout = AbortSignal.timeout(o.timeoutMs);
  const sig = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await (o.fetch ?? fetch)(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...(o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {}),
      },
      body: JSON.stringify(body),
      signal: sig,
    });
  } catch (e) {
    if (timeout.aborted) throw new SmartReviewError('timeout', `no answer within ${o.timeoutMs} ms`, { cause: e });
    throw new SmartReviewError('network', 'guardian endpoint unreachable', { cause: e });
  }
  let text: string;
  try {
    text = await res.text();
  } catch (e) {
    if (timeout.aborted) throw new SmartReviewError('timeout', `no answer within ${o.timeoutMs} ms`, { cause: e });
    throw new SmartReviewError('network', 'guardian response interrupted', { cause: e });
  }
  if (!res.ok) throw new SmartReviewError('http', `guardian answered HTTP ${res.status}`, { status: res.status });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SmartReviewError('bad_response', 'guardian response is not JSON', { cause: e });
  }
  const content = (json as { choices?: { message?: { content?: unknown } }[] })?.choices?.[0]?.message?.content;
  if (typeof content !== 'string') throw new SmartReviewError('bad_response', 'guardian response has no message');
  return content;
}

export function createChatCompletionsReviewer(options: ChatCompletionsReviewerOptions): SmartReviewer {
  return {
    async review(input, signal) {
      const why = unreviewableReason(input.command, input.description);
      if (why) return { verdict: 'escalate', detail: why };
      const content = await call(
        options,
        {
          model: options.model,
          messages: [
            { role: 'system', content: REVIEWER_SYSTEM_PROMPT },
            { role: 'user', content: reviewerUserPrompt(input.command, input.description) },
          ],
          temperature: 0,
          max_tokens: 16,
          stream: false,
        },
        signal,
      );
      const verdict = parseVerdict(content);
      return {
        verdict,
        detail: verdict === 'escalate' ? `guardian answered '${content.slice(0, 40)}'` : content.trim(),
      };
    },
  };
}
