/** Diagnostic codes of the front end (RPN1xxx): reading, parsing, type checking and static evaluation. */
export const FRONTEND_CODES = {
  RPN1001: 'the model file cannot be read (missing, a directory, unreadable, or not a .ts file)',
  RPN1002: 'syntax error in a model file',
  RPN1003: 'type error in a model file (checked against the rpnc DSL types)',
  RPN1004: 'the model file has no default export',
  RPN1005: "an import that model files may not use (only 'rpnc' and relative .ts files)",
  RPN1006: 'a relative import whose file cannot be found',
  RPN1007: "a relative import that leaves the model's project directory, directly or through a symbolic link",
  RPN1010: 'a model source file too large to read (the model file and its imports together at most 1 MiB)',
  RPN1011: 'a model file whose syntax is too large to analyse (nesting deeper than 500, or more than 200,000 syntax nodes)',
  RPN1012: 'a value shaped like an rpnc component ({ kind, type, options }) that no rpnc factory made (it would skip the options checks)',
  RPN1101: 'cannot evaluate statically: a construct that would need running the code',
  RPN1102: 'cannot evaluate statically: a global or built-in that is not a pure, known value',
  RPN1103: 'a top-level statement that would run code, or a top-level let/var',
  RPN1104: 'static evaluation took too many steps (unbounded loop or recursion?)',
  RPN1105: 'static evaluation recursed too deeply',
  RPN1106: 'a const whose value depends on itself',
  RPN1107: 'an evaluation error (property of undefined, call of a non-function, wrong operand types, ...)',
  RPN1108: "a forbidden property key ('__proto__', 'constructor', 'prototype')",
  RPN1199: 'internal error of the static evaluator (a bug in rpnc)',
  RPN1201: 'an rpnc factory rejected its options',
} as const;

export type FrontendCode = keyof typeof FRONTEND_CODES;

/** The hint for constructs that cannot be evaluated statically. */
export const STATIC_HINT = 'model files are read, never run: use const values, literals, and calls of rpnc factories or of your own functions';
