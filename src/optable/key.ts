/** A short fingerprint of a sample's inputs and arguments: a fixture is valid for the sample only while it matches. */
import type { Sample } from './types.js';
import { encodeJson, seedOf } from './values.js';

export function sampleKey(s: Sample): string {
  const text = encodeJson({ inputs: s.inputs, args: s.args });
  // two independent 32-bit FNV-1a hashes (the text and its reverse): 64 bits
  const rev = [...text].reverse().join('');
  return seedOf(text).toString(16).padStart(8, '0') + seedOf(rev).toString(16).padStart(8, '0');
}
