/**
 * The few parts of the WebAssembly JavaScript API the wasm backend uses, typed here: the
 * project's TypeScript settings carry no DOM library, and Node's types declare only some of it.
 */
/** A compiled module (opaque). */
export interface WasmModule {
  readonly __wasmModule?: never;
}
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
/** A fetch response, as far as compiling from one needs. */
export interface WasmResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: { get(name: string): string | null };
  arrayBuffer(): Promise<ArrayBuffer>;
}
interface WasmApi {
  Module: { new (bytes: ArrayBuffer | ArrayBufferView): WasmModule; imports(m: WasmModule): { module: string; name: string }[] };
  Instance: new (m: WasmModule, imports: object) => WasmInstance;
  compile(bytes: ArrayBuffer | ArrayBufferView): Promise<WasmModule>;
  compileStreaming?(r: WasmResponse | Promise<WasmResponse>): Promise<WasmModule>;
  instantiate(m: WasmModule, imports: object): Promise<WasmInstance>;
  validate(bytes: ArrayBuffer | ArrayBufferView): boolean;
}

/** The host's WebAssembly object, or undefined where there is none. */
export const WA: WasmApi | undefined = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** Whether `x` is a compiled module of this host. */
export function isWasmModule(x: unknown): x is WasmModule {
  const M = (globalThis as unknown as { WebAssembly?: { Module: new (...a: never[]) => unknown } }).WebAssembly?.Module;
  return M !== undefined && x instanceof M;
}

/** A 75-byte module whose one function is f32x4.relaxed_madd: valid where the engine has relaxed SIMD. */
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0, 4, 5, 1, 112, 1, 1, 1, 5, 3, 1, 0, 2, 6, 8, 1, 127,
  1, 65, 128, 136, 4, 11, 7, 14, 2, 6, 109, 101, 109, 111, 114, 121, 2, 0, 1, 102, 0, 0, 10, 13, 1, 11, 0, 32, 0, 32, 1, 32, 2, 253,
  133, 2, 11,
]);

/** Whether this engine runs relaxed SIMD (Chromium does; Node 20 with --experimental-wasm-relaxed-simd). */
export function hasRelaxedSimd(): boolean {
  try {
    return WA !== undefined && WA.validate(RELAXED_PROBE);
  } catch {
    return false;
  }
}
