// What the transform writes around what it adds inside the source's text (transformer/splice-print.ts),
// and the runtime's toString takes out of a function's text (source-text.ts). A module of its own: the
// transform reads these without loading the runtime.
export const INSERTED_START = '/*$pe<*/';
export const INSERTED_END = '/*$pe>*/';
