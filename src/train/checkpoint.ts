/**
 * Training checkpoints: one safetensors file holding the model's state dict (under its own
 * names, so `nb.load` + `loadStateDict` read it directly, and PyTorch can too), the optimizer's
 * and scheduler's tensors (prefixed `__optim__.` / `__sched__.`), and everything else needed to
 * resume exactly (epoch, RNG state, history, optimizer scalars) as JSON in the metadata.
 * Written atomically by `save` (temp file + rename), so an interrupted write loses nothing.
 */
import { Tensor } from '../core/tensor.js';
import { FileFormatError } from '../core/errors.js';
import { loadSafetensors, save } from '../io/safetensors-file.js';

const OPTIM = '__optim__.';
const SCHED = '__sched__.';
const META_KEY = 'nabla.checkpoint';

export interface CheckpointData {
  model: Record<string, Tensor>;
  optimizer?: unknown;
  scheduler?: unknown;
  /** any JSON-serialisable state (epoch, rng, history, ...) */
  state: Record<string, unknown>;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Splits a nested object into JSON (tensors replaced by references) and a flat tensor map. */
function flatten(value: unknown, prefix: string, tensors: Record<string, Tensor>): Json {
  if (value instanceof Tensor) {
    const key = prefix.slice(0, -1);
    tensors[key] = value;
    return { __tensor__: key };
  }
  if (Array.isArray(value)) return value.map((v, i) => flatten(v, `${prefix}${i}.`, tensors));
  if (value instanceof Map) {
    const o: Record<string, Json> = {};
    for (const [k, v] of value) o[String(k)] = flatten(v, `${prefix}${String(k)}.`, tensors);
    return { __map__: o };
  }
  if (value !== null && typeof value === 'object') {
    const o: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) o[k] = flatten(v, `${prefix}${k}.`, tensors);
    return o;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return { __number__: String(value) };
  return (value ?? null) as Json;
}

function unflatten(json: Json, tensors: Record<string, Tensor>, file: string): unknown {
  if (Array.isArray(json)) return json.map((v) => unflatten(v, tensors, file));
  if (json !== null && typeof json === 'object') {
    if (typeof json['__tensor__'] === 'string') {
      const t = tensors[json['__tensor__']];
      if (t === undefined) throw new FileFormatError(`checkpoint ${file}: tensor '${json['__tensor__']}' is referenced but missing`);
      return t;
    }
    if (typeof json['__number__'] === 'string') return Number(json['__number__']);
    if (json['__map__'] !== undefined && typeof json['__map__'] === 'object' && json['__map__'] !== null && !Array.isArray(json['__map__'])) {
      const m = new Map<string, unknown>();
      for (const [k, v] of Object.entries(json['__map__'])) m.set(k, unflatten(v, tensors, file));
      return m;
    }
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(json)) o[k] = unflatten(v, tensors, file);
    return o;
  }
  return json;
}

export function saveCheckpoint(path: string, data: CheckpointData): void {
  const all: Record<string, Tensor> = { ...data.model };
  const optimTensors: Record<string, Tensor> = {};
  const schedTensors: Record<string, Tensor> = {};
  const meta = {
    optimizer: data.optimizer === undefined ? null : flatten(data.optimizer, '', optimTensors),
    scheduler: data.scheduler === undefined ? null : flatten(data.scheduler, '', schedTensors),
    state: flatten(data.state, '', {}),
  };
  for (const [k, t] of Object.entries(optimTensors)) all[OPTIM + k] = t;
  for (const [k, t] of Object.entries(schedTensors)) all[SCHED + k] = t;
  save(all, path, { metadata: { format: 'pt', [META_KEY]: JSON.stringify(meta) } });
}

export function loadCheckpoint(path: string): CheckpointData {
  const { tensors, metadata } = loadSafetensors(path);
  const model: Record<string, Tensor> = {};
  const optimTensors: Record<string, Tensor> = {};
  const schedTensors: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(tensors)) {
    if (k.startsWith(OPTIM)) optimTensors[k.slice(OPTIM.length)] = t;
    else if (k.startsWith(SCHED)) schedTensors[k.slice(SCHED.length)] = t;
    else model[k] = t;
  }
  const raw = metadata[META_KEY];
  if (raw === undefined) return { model, state: {} };
  let meta: { optimizer: Json; scheduler: Json; state: Json };
  try {
    meta = JSON.parse(raw) as typeof meta;
  } catch {
    throw new FileFormatError(`checkpoint ${path}: the '${META_KEY}' metadata is not valid JSON`);
  }
  const out: CheckpointData = { model, state: (unflatten(meta.state, {}, path) ?? {}) as Record<string, unknown> };
  if (meta.optimizer !== null) out.optimizer = unflatten(meta.optimizer, optimTensors, path);
  if (meta.scheduler !== null) out.scheduler = unflatten(meta.scheduler, schedTensors, path);
  return out;
}
