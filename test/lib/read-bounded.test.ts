import { describe, expect, it } from 'vitest';
import { readBounded } from '../../src/lib/read-bounded.js';

// A body of `chunks` chunks of `size` bytes each, counting how many chunks were pulled.
function streamed(chunks: number, size: number) {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled === chunks) return controller.close();
      pulled++;
      controller.enqueue(new Uint8Array(size).fill(0x61));
    },
  });
  return { response: new Response(body), pulled: () => pulled };
}

describe('readBounded: one body reader for key documents, logout forms and error bodies', () => {
  it('reads a body within the limit as text', async () => {
    const { response } = streamed(3, 10);
    expect(await readBounded(response, { limit: 30 })).toBe('a'.repeat(30));
  });

  it('stops at the first chunk past the limit and reads no further', async () => {
    const body = streamed(100, 10);
    expect(await readBounded(body.response, { limit: 25 })).toBeUndefined();
    expect(body.pulled()).toBeLessThanOrEqual(4);
  });

  it('refuses a declared length over the limit without reading', async () => {
    const body = streamed(1, 10);
    const response = new Response(body.response.body, { headers: { 'content-length': '99' } });
    expect(await readBounded(response, { limit: 50 })).toBeUndefined();
    expect(body.pulled()).toBeLessThanOrEqual(1);
  });

  it('calls abort instead of cancelling when given one, and rejects once the signal aborts', async () => {
    const controller = new AbortController();
    let aborted = 0;
    const over = streamed(10, 10).response;
    expect(await readBounded(over, { limit: 5, abort: () => aborted++ })).toBeUndefined();
    expect(aborted).toBe(1);
    const never = new Response(new ReadableStream({ pull: () => new Promise(() => undefined) }));
    const reading = readBounded(never, { limit: 5, signal: controller.signal });
    controller.abort();
    await expect(reading).rejects.toThrow('aborted');
  });

  it('reads an empty body as the empty string', async () => {
    expect(await readBounded(new Response(null), { limit: 1 })).toBe('');
  });
});
