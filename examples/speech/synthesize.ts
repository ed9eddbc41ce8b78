/**
 * Synthetic speech for the spoken-word example: every word said by every voice through Debian's
 * `espeak-ng` formant synthesiser, as 22,050 Hz 16-bit WAV files in a cache directory
 * (`data/speech/` by default). A voice is an English accent (espeak-ng's en, en-US, en-GB-x-rp,
 * Scottish, Caribbean, ...) with a voice variant (male, female and character variants); each
 * utterance also gets its own speaking rate (120-200 words per minute) and pitch (20-80 of 99),
 * drawn from a seed, so the files are the same on every machine. Existing files are kept.
 *
 *   npx tsx examples/speech/synthesize.ts [--quick] [--dir data/speech]
 *
 * This is synthetic speech: clean, formant-synthesised voices, far more regular than people.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataDir } from '../shared/cache.js';
import { Rng } from '../shared/rng.js';

export const WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'yes', 'no', 'up', 'down', 'left', 'right', 'stop', 'go'];
export const ACCENTS = ['en', 'en-US', 'en-GB-x-rp', 'en-GB-scotland', 'en-029', 'en-GB-x-gbclan', 'en-GB-x-gbcwmd', 'en-US-nyc'];
/** Voice variants heard in training; TEST_VARIANTS are never heard in training. */
export const TRAIN_VARIANTS = ['m1', 'm2', 'm3', 'm4', 'm6', 'm7', 'f1', 'f2', 'f4', 'Alex', 'Andy', 'Annie', 'Denis', 'Gene', 'Jacky', 'Lee', 'Michael', 'adam', 'belinda', 'boris'];
export const TEST_VARIANTS = ['m5', 'f3', 'f5', 'Mike', 'linda', 'steph'];

export interface Voice {
  accent: string;
  variant: string;
}
export const voiceName = (v: Voice) => `${v.accent}+${v.variant}`;

export interface Utterance {
  voice: Voice;
  word: string;
  label: number;
  speed: number;
  pitch: number;
  file: string;
}

export interface VoiceSet {
  train: Voice[];
  test: Voice[];
}

/** The voices of a run: every accent with every variant (quick: two accents, 6 + 2 variants). */
export function voiceSet(quick: boolean): VoiceSet {
  const accents = quick ? ACCENTS.slice(0, 2) : ACCENTS;
  const tv = quick ? TRAIN_VARIANTS.slice(0, 6) : TRAIN_VARIANTS;
  const sv = quick ? TEST_VARIANTS.slice(0, 2) : TEST_VARIANTS;
  return {
    train: accents.flatMap((accent) => tv.map((variant) => ({ accent, variant }))),
    test: accents.flatMap((accent) => sv.map((variant) => ({ accent, variant }))),
  };
}

/** FNV-1a of a string: the per-utterance seed. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export function utterances(voices: readonly Voice[], dir = dataDir('speech')): Utterance[] {
  return voices.flatMap((voice) =>
    WORDS.map((word, label) => {
      const rng = new Rng(hash(`${voiceName(voice)}/${word}`));
      const speed = rng.int(120, 201);
      const pitch = rng.int(20, 81);
      return { voice, word, label, speed, pitch, file: join(dir, voiceName(voice), `${word}-s${speed}-p${pitch}.wav`) };
    }),
  );
}

export function hasEspeak(): boolean {
  const r = spawnSync('espeak-ng', ['--version'], { encoding: 'utf8' });
  return r.status === 0;
}

/** Writes the missing WAV files, `parallel` espeak-ng processes at a time. */
export async function synthesize(utts: readonly Utterance[], parallel = 4): Promise<number> {
  const todo = utts.filter((u) => !existsSync(u.file));
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const u = todo[next++]!;
      mkdirSync(join(u.file, '..'), { recursive: true });
      const tmp = `${u.file}.tmp`;
      await new Promise<void>((resolve, reject) => {
        const p = spawn('espeak-ng', ['-v', voiceName(u.voice), '-s', String(u.speed), '-p', String(u.pitch), '-w', tmp, u.word], { stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        p.stderr.on('data', (d) => (err += String(d)));
        p.on('error', reject);
        p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`espeak-ng -v ${voiceName(u.voice)} "${u.word}" failed (${code}): ${err.trim()}`))));
      });
      renameSync(tmp, u.file);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return todo.length;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const quick = process.argv.includes('--quick');
  const i = process.argv.indexOf('--dir');
  const dir = i > 0 ? process.argv[i + 1]! : dataDir('speech');
  if (!hasEspeak()) {
    console.error('speech: espeak-ng is not installed (apt-get install espeak-ng)');
    process.exit(2);
  }
  const vs = voiceSet(quick);
  const utts = utterances([...vs.train, ...vs.test], dir);
  const t0 = performance.now();
  const made = await synthesize(utts);
  console.log(`speech: ${utts.length} utterances (${vs.train.length} training voices, ${vs.test.length} test voices, ${WORDS.length} words) in ${dir}; ${made} synthesised in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
