// `node --import preemptible/register app.ts`: instrument the app's files as Node loads them.
// CommonJS through a require() hook in this thread; ES modules through module customization hooks:
// in-thread `module.registerHooks` where Node has it, else off-thread `module.register` (Node 20).
import module from 'node:module';
import register from '../../dist/transformer/register.js';

const { loadConfig, installRequireHook, createHooks, shareVersionCache } = register;
const config = loadConfig(process.cwd());
shareVersionCache(config);
installRequireHook(config);
if (typeof module.registerHooks === 'function') {
  module.registerHooks(createHooks(config));
} else {
  module.register(new URL('./register-hooks.mjs', import.meta.url), { data: config });
}
