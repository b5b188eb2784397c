// A tiny interpreter: a stack-machine bytecode loop (one switch per instruction, locals in an array) running
// a small program with nested loops and arithmetic. Self-check: the result equals the same computation in JS.
export const meta = { title: 'bytecode interpreter', n: 500 };

const PUSH = 0, LOAD = 1, STORE = 2, ADD = 3, SUB = 4, MUL = 5, MOD = 6, LT = 7, JMP = 8, JZ = 9, HALT = 10, DUP = 11, POP = 12;

// Hand-assembled program:
//   acc = 0; i = 0;
//   while (i < n) { j = 0; while (j < 50) { acc = (acc + i * j + 7) % 1000003; j = j + 1; } i = i + 1; }
//   return acc
// locals: 0 = n, 1 = acc, 2 = i, 3 = j
function assemble() {
  const code = [];
  const emit = (...xs) => {
    for (const x of xs) code.push(x);
    return code.length;
  };
  emit(PUSH, 0, STORE, 1, PUSH, 0, STORE, 2);
  const outer = code.length;
  emit(LOAD, 2, LOAD, 0, LT, JZ, -1);
  const outerExit = code.length - 1;
  emit(PUSH, 0, STORE, 3);
  const inner = code.length;
  emit(LOAD, 3, PUSH, 50, LT, JZ, -1);
  const innerExit = code.length - 1;
  emit(LOAD, 1, LOAD, 2, LOAD, 3, MUL, ADD, PUSH, 7, ADD, PUSH, 1000003, MOD, STORE, 1);
  emit(LOAD, 3, PUSH, 1, ADD, STORE, 3, JMP, inner);
  code[innerExit] = code.length;
  emit(LOAD, 2, PUSH, 1, ADD, STORE, 2, JMP, outer);
  code[outerExit] = code.length;
  emit(LOAD, 1, DUP, POP, HALT);
  return Int32Array.from(code);
}

function execute(code, n) {
  const stack = new Float64Array(64);
  const locals = new Float64Array(8);
  locals[0] = n;
  let sp = 0;
  let pc = 0;
  for (;;) {
    const op = code[pc++];
    switch (op) {
      case PUSH: stack[sp++] = code[pc++]; break;
      case LOAD: stack[sp++] = locals[code[pc++]]; break;
      case STORE: locals[code[pc++]] = stack[--sp]; break;
      case ADD: { const b = stack[--sp]; stack[sp - 1] += b; break; }
      case SUB: { const b = stack[--sp]; stack[sp - 1] -= b; break; }
      case MUL: { const b = stack[--sp]; stack[sp - 1] *= b; break; }
      case MOD: { const b = stack[--sp]; stack[sp - 1] %= b; break; }
      case LT: { const b = stack[--sp]; stack[sp - 1] = stack[sp - 1] < b ? 1 : 0; break; }
      case JMP: pc = code[pc]; break;
      case JZ: if (stack[--sp] === 0) pc = code[pc]; else pc++; break;
      case DUP: stack[sp] = stack[sp - 1]; sp++; break;
      case POP: sp--; break;
      case HALT: return stack[sp - 1];
      default: throw new Error('bad opcode ' + op);
    }
  }
}

function reference(n) {
  let acc = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < 50; j++) acc = (acc + i * j + 7) % 1000003;
  return acc;
}

export function run(n) {
  const code = assemble();
  let checksum = 0;
  for (let r = 0; r < 20; r++) {
    const m = n + r;
    const got = execute(code, m);
    if (got !== reference(m)) throw new Error(`interpreter: ${got} !== ${reference(m)}`);
    checksum = (checksum * 31 + got) >>> 0;
  }
  return checksum;
}
