import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EMPTY_SETTINGS, HUFFMAN_CODES, fixAuthorityInBlock, huffmanDecode, processClientStart } from './h2-authority.ts';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
const frame = (type: number, flags: number, payload: Buffer, stream = 0) => {
  const h = Buffer.alloc(9);
  h.writeUIntBE(payload.length, 0, 3);
  h[3] = type;
  h[4] = flags;
  h.writeUInt32BE(stream, 5);
  return Buffer.concat([h, payload]);
};
/** :method POST (static 3), then ":authority" (static name 1) with a plain literal value, incremental indexing. */
const block = (authority: string) => Buffer.concat([Buffer.from([0x83, 0x41, authority.length]), Buffer.from(authority, 'latin1'), Buffer.from([0x86])]);

describe('HPACK pieces', () => {
  it('builds the canonical Huffman code of RFC 7541 and decodes its examples', () => {
    const codeOf = (sym: number) => HUFFMAN_CODES.findIndex((m) => [...m.values()].includes(sym));
    assert.equal(HUFFMAN_CODES[13]!.get(0x1ff8), 0);
    assert.equal(HUFFMAN_CODES[5]!.get(0x3), 'a'.charCodeAt(0));
    assert.equal(HUFFMAN_CODES[26]!.get(0x3ffffee), 255);
    assert.equal(codeOf(256), 30);
    assert.equal(Buffer.from(huffmanDecode(Buffer.from('f1e3c2e5f23a6ba0ab90f4ff', 'hex'))!).toString(), 'www.example.com');
    assert.equal(huffmanDecode(Buffer.from('f1e3c2e5f23a6ba0ab90f400', 'hex')), undefined, 'padding must be ones');
  });

  it('makes an :authority with a scheme valid, keeping its length, and leaves good ones alone', () => {
    const fixed = fixAuthorityInBlock(block('http://10.0.0.11:2379'));
    assert.deepEqual(fixed, block('http:__10.0.0.11:2379'));
    const good = block('10.0.0.11:2379');
    assert.equal(fixAuthorityInBlock(good), good);
  });
});

describe('holding an HTTP/2 client until its first request', () => {
  const settings = frame(4, 0, Buffer.alloc(6));
  const ack = frame(4, 1, Buffer.alloc(0));
  const headers = frame(1, 0x4, block('http://127.0.0.1:2379'), 1);

  it('waits for the ACK of our SETTINGS and the first HEADERS, drops the ACK, fixes the HEADERS', () => {
    assert.equal(EMPTY_SETTINGS.length, 9);
    assert.equal(processClientStart(Buffer.concat([PREFACE, settings])), undefined);
    assert.equal(processClientStart(Buffer.concat([PREFACE, settings, ack])), undefined);
    const out = processClientStart(Buffer.concat([PREFACE, settings, ack, headers, ack]));
    assert.deepEqual(out, Buffer.concat([PREFACE, settings, frame(1, 0x4, block('http:__127.0.0.1:2379'), 1), ack]));
  });

  it('lets a connection through once a frame other than the opening ones comes (a PING)', () => {
    const ping = frame(6, 0, Buffer.alloc(8));
    assert.deepEqual(processClientStart(Buffer.concat([PREFACE, settings, ack, ping])), Buffer.concat([PREFACE, settings, ping]));
  });
});
