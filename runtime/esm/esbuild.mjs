// ESM entry of `preemptible/esbuild`.
import plugin from '../../dist/transformer/esbuild.js';
export default plugin.default ?? plugin;
