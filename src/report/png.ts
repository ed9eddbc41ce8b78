/**
 * A minimal PNG encoder (no dependency): signature, IHDR, one zlib-deflated IDAT, IEND.
 * Each chunk is `length (u32 BE) | type (4 ASCII) | data | CRC-32 of type+data (u32 BE)`;
 * each scanline is prefixed with filter byte 0 (None). Spec: https://www.w3.org/TR/png/.
 */
import { deflateSync } from 'node:zlib';
import { NablaError } from '../core/errors.js';

/** The 8 bytes every PNG starts with. */
export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** PNG colour types this encoder writes: 0 = 8-bit grayscale, 2 = 8-bit RGB, 6 = 8-bit RGBA. */
export type PNGColorType = 0 | 2 | 6;
const CHANNELS: Record<PNGColorType, number> = { 0: 1, 2: 3, 6: 4 };

let crcTable: Uint32Array | undefined;
/** CRC-32 (polynomial 0xEDB88320, as PNG and zlib use) of `bytes`. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * Encodes 8-bit samples (row-major, `width * height * channels` bytes) as a PNG file.
 * `colorType` 0 is grayscale (1 byte per pixel), 2 is RGB (3), 6 is RGBA (4).
 */
export function encodePNG(samples: Uint8Array, width: number, height: number, colorType: PNGColorType = 0): Uint8Array {
  const channels = CHANNELS[colorType];
  if (channels === undefined) throw new NablaError(`encodePNG: colorType ${String(colorType)} is not supported: use 0 (gray), 2 (RGB) or 6 (RGBA)`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new NablaError(`encodePNG: width and height must be positive integers, got ${width}x${height}`);
  }
  const stride = width * channels;
  if (samples.length !== stride * height) {
    throw new NablaError(
      `encodePNG: expected ${stride * height} bytes for ${width}x${height} with ${channels} channel(s), got ${samples.length}`,
    );
  }
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter type None
    raw.set(samples.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = colorType;
  ihdr[10] = 0; // compression: deflate
  ihdr[11] = 0; // filter method 0
  ihdr[12] = 0; // no interlace
  const parts = [PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', new Uint8Array(deflateSync(raw))), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
