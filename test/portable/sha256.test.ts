import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../src/portable/sha256.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const nodeSha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('SHA-256 (FIPS 180-4), written out for tokenward/portable', () => {
  it('gives the FIPS 180-2 and NIST CAVP example digests', () => {
    const ascii = (text: string) => new TextEncoder().encode(text);
    expect(hex(sha256(ascii('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(hex(sha256(new Uint8Array()))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(hex(sha256(ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    expect(hex(sha256(new Uint8Array(1_000_000).fill(0x61)))).toBe(
      'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
    );
  });

  it('matches node:crypto at every length from 0 to 300 bytes (every padding case)', () => {
    for (let length = 0; length <= 300; length++) {
      const data = new Uint8Array(randomBytes(length));
      expect(hex(sha256(data)), `${length} bytes`).toBe(nodeSha256(data));
    }
  });

  it('matches node:crypto on token-sized and large inputs, and on a subarray view', () => {
    for (const length of [1023, 1024, 4096, 65_537, 1 << 20]) {
      const data = new Uint8Array(randomBytes(length));
      expect(hex(sha256(data)), `${length} bytes`).toBe(nodeSha256(data));
    }
    const buffer = new Uint8Array(randomBytes(200));
    expect(hex(sha256(buffer.subarray(7, 150)))).toBe(nodeSha256(buffer.subarray(7, 150)));
  });
});
