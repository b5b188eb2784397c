// ESM entry of `preemptible/native` (C functions as pausable callees).
export * from '../../dist/runtime/native-callee.js';
