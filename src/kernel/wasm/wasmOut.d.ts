// The emscripten pthread worker source shipped by tfjs-backend-wasm (a CommonJS module that
// exports the script as a string); the package ships no declaration for it.
declare module '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js' {
  export const wasmWorkerContents: string;
}
