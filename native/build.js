// `npm install` hook: compile the addon with node-gyp against the running Node's headers. A failed build
// (no compiler, unsupported platform) must not fail the install: the runtime then works in pure-JS mode and
// capabilities() says so. PREEMPTIBLE_SKIP_NATIVE_BUILD=1 skips the build.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');

function warn(message) {
  process.stderr.write(`preemptible: ${message}\n`);
}

function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  try {
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not installed locally
  }
  return candidates.find((c) => c && existsSync(c));
}

function main() {
  if (process.env.PREEMPTIBLE_SKIP_NATIVE_BUILD === '1') {
    warn('native addon build skipped (PREEMPTIBLE_SKIP_NATIVE_BUILD=1); running in pure-JS mode');
    return;
  }
  const gyp = findNodeGyp();
  if (!gyp) {
    warn('node-gyp not found; the native addon was not built (pure-JS mode: no overrun guard)');
    return;
  }
  const args = [gyp, 'rebuild'];
  // Build against the headers on this machine (never download them).
  const nodedir = process.env.npm_config_nodedir || path.resolve(path.dirname(process.execPath), '..');
  if (existsSync(path.join(nodedir, 'include', 'node', 'node.h'))) args.push(`--nodedir=${nodedir}`);
  const r = spawnSync(process.execPath, args, { cwd: __dirname, encoding: 'utf8' });
  if (r.status !== 0) {
    const tail = `${r.stdout || ''}${r.stderr || ''}`.trim().split('\n').slice(-8).join('\n');
    warn(`the native addon failed to build; running in pure-JS mode (no overrun guard).\n${tail}`);
    return;
  }
  process.stdout.write('preemptible: native addon built\n');
}

main();
