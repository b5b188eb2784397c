// ESM entry of `preemptible`: re-exports the CommonJS build so that ESM and CJS users share one runtime.
export * from '../../dist/runtime/index.js';
