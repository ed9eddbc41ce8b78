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
}

/** The host's WebAssembly object, or undefined where there is none. */
export const WA: WasmApi | undefined = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** Whether `x` is a compiled module of this host. */
export function isWasmModule(x: unknown): x is WasmModule {
  const M = (globalThis as unknown as { WebAssembly?: { Module: new (...a: never[]) => unknown } }).WebAssembly?.Module;
  return M !== undefined && x instanceof M;
}
