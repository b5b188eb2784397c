// ESM entry of `preemptible/transform`.
export * from '../../dist/transformer/index.js';
