// Text that carries raw bytes: printf's and echo's \\NNN and \\xHH escapes make single
// bytes (not UTF-8 characters), while the rest of the text leaves as UTF-8.
// Such bytes are carried in strings as private-use characters U+F700–U+F7FF.
const RAW_BASE = 0xf700;
export const rawByte = (b: number) => String.fromCharCode(RAW_BASE + b);

export function toOutputBytes(s: string): Uint8Array {
  const enc = new TextEncoder();
  // Chunks, not one array grown by spreading: a spread of a large encoding overflows the stack.
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < RAW_BASE || c >= RAW_BASE + 256) continue;
    if (i > start) chunks.push(enc.encode(s.slice(start, i)));
    chunks.push(Uint8Array.of(c - RAW_BASE));
    start = i + 1;
  }
  if (start < s.length) chunks.push(enc.encode(s.slice(start)));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
