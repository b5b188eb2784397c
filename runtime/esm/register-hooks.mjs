// Off-thread module hooks for Node versions without module.registerHooks (see register.mjs).
import register from '../../dist/transformer/register.js';

let hooks;
export function initialize(config) {
  hooks = register.createHooks(config);
}
export function resolve(specifier, context, next) {
  return hooks.resolve(specifier, context, next);
}
export function load(url, context, next) {
  return hooks.load(url, context, next);
}
