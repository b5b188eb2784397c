// ESM entry of `preemptible/runtime` (helpers imported by instrumented code).
export * from '../../dist/runtime/checkpoint.js';
