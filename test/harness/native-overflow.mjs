// A C call that recurses past its fiber's stack (test/native-callee.test.ts): it must hit the guard page
// below the stack and end the process with SIGSEGV, not write over whatever memory lies below. argv[2]:
// the fiber's stackBytes (0: the default 1 MiB); the recursion needs ~4 MiB.
import { launch, resume } from 'preemptible';
import { nativeFunction } from 'preemptible/native';
import { fixtureLibrary } from '../../fixtures/native/png.mjs';

const stackBytes = Number(process.argv[2] ?? 0);
const deep = nativeFunction(fixtureLibrary('spin'), 'deep', stackBytes ? { stackBytes } : {});
const a = new BigUint64Array(4);
a[0] = 4000n;
const task = launch(deep, 0.5, a);
while (task.status === 'paused') resume(task, 0.5);
console.log(JSON.stringify({ status: task.status, depth: Number(a[1]) }));
