// ESM entry of `preemptible/tsc` (ts-patch loads the CommonJS one; this is for programmatic use).
import plugin from '../../dist/transformer/tsc.js';
export default plugin.default ?? plugin;
