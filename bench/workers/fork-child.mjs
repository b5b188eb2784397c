// Child process for bench/compare.mjs: answers each IPC message with the value plus one. Exits when the
// parent disconnects (no other handles keep it alive).
process.on('message', (x) => process.send(x + 1));
