/** Hand-built safetensors bytes for tests: an 8-byte LE header length, the header, the data. */
export function build(header: string, data: Uint8Array = new Uint8Array(0), headerLength?: bigint): Uint8Array {
  const h = Buffer.from(header, 'utf8');
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, headerLength ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}
