/**
 * From a WAV file to a log-mel spectrogram.
 *
 * - WAV: RIFF chunks; the `fmt ` chunk must say PCM (format 1), mono, 16 bit; the `data` chunk's
 *   samples become floats in [-1, 1).
 * - Short-time Fourier transform: frames of N = 512 samples (23 ms at 22,050 Hz) every H = 441
 *   samples (20 ms), each multiplied by the periodic Hann window w[n] = 0.5 - 0.5 cos(2 pi n / N),
 *   then X_k = sum_n x[n] w[n] e^{-2 pi i k n / N} for k = 0..N/2 by an iterative radix-2 FFT,
 *   and the power |X_k|^2.
 * - Mel filterbank: M triangular filters with centres equally spaced on the mel scale
 *   m(f) = 2595 log10(1 + f / 700) between 0 Hz and 8 kHz; filter j rises linearly from centre
 *   j-1 to centre j and falls to centre j+1 (peak 1). mel = power @ filterbank is a nabla matmul
 *   ([T, N/2+1] @ [N/2+1, M]), then log(mel + 1e-6) with nabla's log.
 */
import { readFileSync } from 'node:fs';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';

export interface Wav {
  rate: number;
  samples: Float32Array;
}

export function parseWav(buf: Uint8Array, file = 'wav'): Wav {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const tag = (o: number) => String.fromCharCode(buf[o]!, buf[o + 1]!, buf[o + 2]!, buf[o + 3]!);
  if (buf.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error(`${file}: not a RIFF/WAVE file`);
  let rate = 0;
  let fmtOk = false;
  for (let o = 12; o + 8 <= buf.length; ) {
    const id = tag(o);
    let size = dv.getUint32(o + 4, true);
    const body = o + 8;
    if (id === 'fmt ') {
      const format = dv.getUint16(body, true);
      const channels = dv.getUint16(body + 2, true);
      rate = dv.getUint32(body + 4, true);
      const bits = dv.getUint16(body + 14, true);
      if (format !== 1 || channels !== 1 || bits !== 16) throw new Error(`${file}: need 16-bit mono PCM, got format ${format}, ${channels} channels, ${bits} bits`);
      fmtOk = true;
    } else if (id === 'data') {
      if (!fmtOk) throw new Error(`${file}: data chunk before the fmt chunk`);
      // a streamed WAV may carry a placeholder size: read what the file holds
      size = Math.min(size, buf.length - body);
      const n = Math.floor(size / 2);
      const samples = new Float32Array(n);
      for (let i = 0; i < n; i++) samples[i] = dv.getInt16(body + 2 * i, true) / 32768;
      return { rate, samples };
    }
    o = body + size + (size & 1);
  }
  throw new Error(`${file}: no data chunk`);
}

export const readWav = (file: string): Wav => parseWav(readFileSync(file), file);

/** In-place iterative radix-2 FFT of (re, im), length a power of 2. */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  if ((n & (n - 1)) !== 0) throw new Error(`fft: length ${n} is not a power of 2`);
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const tr = re[b]! * cr - im[b]! * ci;
        const ti = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] += tr;
        im[a] += ti;
        const nr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = nr;
      }
    }
  }
}

export interface StftOptions {
  nFft?: number;
  hop?: number;
}

/** Power spectrogram [frames, nFft/2 + 1] (flat, row-major) of the whole signal (frames that fit). */
export function powerSpectrogram(x: Float32Array, o: StftOptions = {}): { power: Float32Array; frames: number; bins: number } {
  const N = o.nFft ?? 512;
  const H = o.hop ?? 441;
  const frames = x.length >= N ? Math.floor((x.length - N) / H) + 1 : 0;
  const bins = N / 2 + 1;
  const power = new Float32Array(frames * bins);
  const re = new Float64Array(N);
  const im = new Float64Array(N);
  const win = new Float64Array(N).map((_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / N));
  for (let t = 0; t < frames; t++) {
    for (let n = 0; n < N; n++) {
      re[n] = x[t * H + n]! * win[n]!;
      im[n] = 0;
    }
    fft(re, im);
    for (let k = 0; k < bins; k++) power[t * bins + k] = re[k]! ** 2 + im[k]! ** 2;
  }
  return { power, frames, bins };
}

const hzToMel = (f: number) => 2595 * Math.log10(1 + f / 700);
const melToHz = (m: number) => 700 * (10 ** (m / 2595) - 1);

/** The triangular mel filterbank [nFft/2 + 1, bands] as a tensor. */
export function melFilterbank(rate: number, nFft: number, bands: number, fMin = 0, fMax = 8000): Tensor {
  const bins = nFft / 2 + 1;
  const lo = hzToMel(fMin);
  const hi = hzToMel(Math.min(fMax, rate / 2));
  const centres = Array.from({ length: bands + 2 }, (_, i) => melToHz(lo + ((hi - lo) * i) / (bands + 1)));
  const fb = new Float32Array(bins * bands);
  for (let k = 0; k < bins; k++) {
    const f = (k * rate) / nFft;
    for (let j = 0; j < bands; j++) {
      const [a, c, b] = [centres[j]!, centres[j + 1]!, centres[j + 2]!];
      const v = f <= a || f >= b ? 0 : f <= c ? (f - a) / (c - a) : (b - f) / (b - c);
      fb[k * bands + j] = v;
    }
  }
  return nb.tensor(fb, { shape: [bins, bands] });
}

/** log-mel spectrogram [bands, frames] of a signal (as a tensor). */
export function logMel(x: Float32Array, rate: number, fb: Tensor, o: StftOptions = {}): Tensor {
  const { power, frames, bins } = powerSpectrogram(x, o);
  const mel = nb.matmul(nb.tensor(power, { shape: [frames, bins] }), fb);
  return mel.add(1e-6).log().transpose(0, 1).contiguous();
}
