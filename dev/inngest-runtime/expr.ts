// A small evaluator for the CEL subset Inngest expressions use in practice: trigger `if`,
// `cancelOn` / `waitForEvent` matches (`event.data.x == async.data.x`), the onFailure trigger
// (`event.data.function_id == 'app-fn'`) and concurrency / singleton / idempotency keys
// (`event.data.userId`). Supported: string, number, bool and null literals; dotted and ['x']
// member access; == != < <= > >= && || ! + - * / % and parentheses; `a in [..]`/`'k' in map`.
// Anything else raises ExpressionError (callers decide whether that means "no match").
export class ExpressionError extends Error {
  override name = "ExpressionError";
}

type Token = { kind: "num"; value: number } | { kind: "str"; value: string } | { kind: "ident"; value: string } | { kind: "op"; value: string };

const OPERATORS = ["==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "+", "-", "*", "/", "%", "(", ")", "[", "]", ".", ","];

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      let value = "";
      while (j < src.length && src[j] !== c) {
        if (src[j] === "\\" && j + 1 < src.length) {
          const n = src[j + 1];
          value += n === "n" ? "\n" : n === "t" ? "\t" : n;
          j += 2;
        } else value += src[j++];
      }
      if (j >= src.length) throw new ExpressionError(`Unterminated string in "${src}"`);
      tokens.push({ kind: "str", value });
      i = j + 1;
      continue;
    }
    const num = /^\d+(\.\d+)?/.exec(src.slice(i));
    if (num) {
      tokens.push({ kind: "num", value: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (ident) {
      tokens.push({ kind: "ident", value: ident[0] });
      i += ident[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (!op) throw new ExpressionError(`Unexpected "${c}" in "${src}"`);
    tokens.push({ kind: "op", value: op });
    i += op.length;
  }
  return tokens;
}

export type Scope = Record<string, unknown>;
type Node = (scope: Scope) => unknown;

const BINARY_PRECEDENCE: Record<string, number> = {
  "||": 1,
  "&&": 2,
  "==": 3,
  "!=": 3,
  "<": 4,
  "<=": 4,
  ">": 4,
  ">=": 4,
  in: 4,
  "+": 5,
  "-": 5,
  "*": 6,
  "/": 6,
  "%": 6,
};

function member(target: unknown, key: unknown): unknown {
  if (target === null || target === undefined) return undefined;
  if (typeof target !== "object") return undefined;
  return (target as Record<string, unknown>)[String(key)];
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  if (typeof a === "object" && typeof b === "object") return JSON.stringify(a) === JSON.stringify(b);
  return false;
}

function applyBinary(op: string, a: unknown, b: unknown): unknown {
  switch (op) {
    case "==":
      return equal(a, b);
    case "!=":
      return !equal(a, b);
    case "<":
      return (a as number) < (b as number);
    case "<=":
      return (a as number) <= (b as number);
    case ">":
      return (a as number) > (b as number);
    case ">=":
      return (a as number) >= (b as number);
    case "+":
      if (typeof a === "string" || typeof b === "string") return `${a ?? ""}${b ?? ""}`;
      return (a as number) + (b as number);
    case "-":
      return (a as number) - (b as number);
    case "*":
      return (a as number) * (b as number);
    case "/":
      return (a as number) / (b as number);
    case "%":
      return (a as number) % (b as number);
    case "in":
      if (Array.isArray(b)) return b.some((x) => equal(x, a));
      if (b && typeof b === "object") return Object.prototype.hasOwnProperty.call(b, String(a));
      return false;
    default:
      throw new ExpressionError(`Unknown operator ${op}`);
  }
}

class Parser {
  private pos = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly src: string,
  ) {}

  parse(): Node {
    const node = this.expression(0);
    if (this.pos < this.tokens.length) throw new ExpressionError(`Unexpected token in "${this.src}"`);
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private isOp(value: string): boolean {
    const t = this.peek();
    return t !== undefined && t.kind === "op" && t.value === value;
  }

  private expect(value: string): void {
    if (!this.isOp(value)) throw new ExpressionError(`Expected "${value}" in "${this.src}"`);
    this.pos++;
  }

  private binaryOp(): string | undefined {
    const t = this.peek();
    if (!t) return undefined;
    if (t.kind === "op" && t.value in BINARY_PRECEDENCE) return t.value;
    if (t.kind === "ident" && t.value === "in") return "in";
    return undefined;
  }

  private expression(minPrec: number): Node {
    let left = this.unary();
    for (;;) {
      const op = this.binaryOp();
      if (!op || BINARY_PRECEDENCE[op] < minPrec) break;
      this.pos++;
      const right = this.expression(BINARY_PRECEDENCE[op] + 1);
      const l = left;
      if (op === "&&") left = (s) => Boolean(l(s)) && Boolean(right(s));
      else if (op === "||") left = (s) => Boolean(l(s)) || Boolean(right(s));
      else left = (s) => applyBinary(op, l(s), right(s));
    }
    return left;
  }

  private unary(): Node {
    if (this.isOp("!")) {
      this.pos++;
      const inner = this.unary();
      return (s) => !inner(s);
    }
    if (this.isOp("-")) {
      this.pos++;
      const inner = this.unary();
      return (s) => -(inner(s) as number);
    }
    return this.postfix(this.primary());
  }

  private postfix(base: Node): Node {
    let node = base;
    for (;;) {
      if (this.isOp(".")) {
        this.pos++;
        const t = this.peek();
        if (!t || t.kind !== "ident") throw new ExpressionError(`Expected a field name in "${this.src}"`);
        this.pos++;
        const target = node;
        node = (s) => member(target(s), t.value);
      } else if (this.isOp("[")) {
        this.pos++;
        const key = this.expression(0);
        this.expect("]");
        const target = node;
        node = (s) => member(target(s), key(s));
      } else if (this.isOp("(")) {
        throw new ExpressionError(`Function calls are not supported in "${this.src}"`);
      } else return node;
    }
  }

  private primary(): Node {
    const t = this.peek();
    if (!t) throw new ExpressionError(`Unexpected end of "${this.src}"`);
    this.pos++;
    if (t.kind === "num" || t.kind === "str") {
      const v = t.value;
      return () => v;
    }
    if (t.kind === "ident") {
      if (t.value === "true") return () => true;
      if (t.value === "false") return () => false;
      if (t.value === "null") return () => null;
      const name = t.value;
      return (s) => s[name];
    }
    if (t.value === "(") {
      const inner = this.expression(0);
      this.expect(")");
      return inner;
    }
    if (t.value === "[") {
      const items: Node[] = [];
      while (!this.isOp("]")) {
        items.push(this.expression(0));
        if (!this.isOp("]")) this.expect(",");
      }
      this.pos++;
      return (s) => items.map((n) => n(s));
    }
    throw new ExpressionError(`Unexpected "${t.value}" in "${this.src}"`);
  }
}

const cache = new Map<string, Node>();

export function compileExpression(src: string): Node {
  let node = cache.get(src);
  if (!node) {
    node = new Parser(tokenize(src), src).parse();
    if (cache.size > 1000) cache.clear();
    cache.set(src, node);
  }
  return node;
}

export function evaluate(src: string, scope: Scope): unknown {
  return compileExpression(src)(scope);
}

/** Truthiness of a match expression; an expression that cannot be evaluated does not match. */
export function matches(src: string | undefined, scope: Scope): boolean {
  if (!src || !src.trim()) return true;
  try {
    return Boolean(evaluate(src, scope));
  } catch {
    return false;
  }
}
