// Typed errors. Names are stable: users match on `err.name` or `instanceof`.

/** Base class of every error this library throws on its own account. */
export class PreemptibleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The task is in a state that does not allow the operation (e.g. resuming a completed task). */
export class PreemptibleStateError extends PreemptibleError {}

/** A budget argument that is not a non-negative number of milliseconds (or a valid options object). */
export class PreemptibleBudgetError extends PreemptibleError {}

/** An argument of the wrong kind (e.g. `launch` of something that is not a function). */
export class PreemptibleArgumentError extends PreemptibleError {}

/**
 * The runtime cannot work in this JavaScript environment, thrown when it loads: e.g. `Function.prototype`
 * frozen (SES lockdown), where it cannot install the getters that find instrumented functions' versions.
 */
export class PreemptibleEnvironmentError extends PreemptibleError {}

/**
 * A task stayed past its deadline + graceMs inside code that cannot pause (a builtin, a regular expression,
 * an uninstrumented function, WebAssembly); the native overrun guard stopped it and the task is 'cancelled'.
 */
export class PreemptionOverrunError extends PreemptibleError {
  constructor(
    message: string,
    /** The task that was cancelled (launch() threw, so this is the only way to reach it). */
    readonly task: unknown,
  ) {
    super(message);
  }
}

/**
 * A function whose copies are made at run time from its text (transform option copiesAtRunTime) could not
 * get them: the rewrite run on its loaded text did not find it in the subset the transform found it in.
 * A bug of this library; the message shows the text.
 */
export class PreemptibleCopiesError extends PreemptibleError {}

/** Input the transformer cannot parse; the message carries file:line:col. */
export class PreemptibleSyntaxError extends PreemptibleError {
  constructor(
    /** The parser's message without the location prefix. */
    readonly detail: string,
    readonly file: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${file}:${line}:${column}: ${detail}`);
  }
}
