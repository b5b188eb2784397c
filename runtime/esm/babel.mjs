// ESM entry of `preemptible/babel`.
import plugin from '../../dist/transformer/babel.js';
export default plugin.default ?? plugin;
