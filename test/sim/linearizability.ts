// A linearizability checker for a key-value register model, in the style of porcupine
// (Wing & Gong's search with Lowe's memoisation): the history is split per key (each op
// touches one key), and for each key we search for an order of the operations that
// respects real time and the register's semantics.

/** What a client asked for, on one key. */
export type KvInput =
  | { op: 'put'; key: string; value: string }
  | { op: 'delete'; key: string }
  | { op: 'get'; key: string }
  /** Compare-and-swap as an etcd txn: if value(key) === expect (null = absent) then put(key, value). */
  | { op: 'cas'; key: string; expect: string | null; value: string };

/** What the client saw. `unknown` = timed out or failed without knowing (may or may not have applied). */
export type KvOutput =
  | { status: 'ok'; value?: string | null; succeeded?: boolean }
  | { status: 'unknown' };

export interface Operation {
  clientId: number;
  input: KvInput;
  /** Invocation and response times; for unknown outcomes `ret` is ignored (open-ended). */
  call: number;
  ret: number;
  output: KvOutput;
}

export interface CheckResult {
  ok: boolean;
  /** The key whose history has no linearization, when !ok. */
  badKey?: string;
  /** Set when the search hit its budget (the history is too large to decide). */
  undecided?: boolean;
}

type State = string | null;

/** Applies `input` to `state`; returns whether the observed output is possible and the next state. */
function step(state: State, input: KvInput, output: KvOutput): { ok: boolean; next: State } {
  switch (input.op) {
    case 'put':
      return { ok: true, next: input.value };
    case 'delete':
      return { ok: true, next: null };
    case 'get':
      if (output.status === 'unknown') return { ok: true, next: state };
      return { ok: (output.value ?? null) === state, next: state };
    case 'cas': {
      const applies = state === input.expect;
      if (output.status === 'unknown') return { ok: true, next: applies ? input.value : state };
      return { ok: output.succeeded === applies, next: applies ? input.value : state };
    }
  }
}

interface Entry {
  kind: 'call' | 'ret';
  opIndex: number;
  time: number;
  match?: Entry;
  prev?: Entry;
  next?: Entry;
}

/** Checks one key's operations. Budget bounds the search (steps). */
function checkKey(ops: Operation[], budget: number): 'ok' | 'bad' | 'undecided' {
  // Reads that timed out say nothing; drop them.
  const kept = ops.filter((o) => !(o.output.status === 'unknown' && o.input.op === 'get'));
  const INF = Number.MAX_SAFE_INTEGER;
  const events: { kind: 'call' | 'ret'; opIndex: number; time: number }[] = [];
  kept.forEach((o, i) => {
    events.push({ kind: 'call', opIndex: i, time: o.call });
    events.push({ kind: 'ret', opIndex: i, time: o.output.status === 'unknown' ? INF : o.ret });
  });
  // Calls before returns at equal times: concurrent ops overlap.
  events.sort((a, b) => a.time - b.time || (a.kind === b.kind ? a.opIndex - b.opIndex : a.kind === 'call' ? -1 : 1));

  const head: Entry = { kind: 'call', opIndex: -1, time: -1 };
  let prev = head;
  const callOf = new Map<number, Entry>();
  for (const e of events) {
    const entry: Entry = { ...e, prev };
    prev.next = entry;
    prev = entry;
    if (e.kind === 'call') callOf.set(e.opIndex, entry);
    else {
      const c = callOf.get(e.opIndex)!;
      c.match = entry;
      entry.match = c;
    }
  }

  const lift = (e: Entry) => {
    e.prev!.next = e.next;
    if (e.next) e.next.prev = e.prev;
    const m = e.match!;
    m.prev!.next = m.next;
    if (m.next) m.next.prev = m.prev;
  };
  const unlift = (e: Entry) => {
    const m = e.match!;
    m.prev!.next = m;
    if (m.next) m.next.prev = m;
    e.prev!.next = e;
    if (e.next) e.next.prev = e;
  };

  const linearized = new Uint8Array(kept.length);
  const seen = new Set<string>();
  const stack: { entry: Entry; state: State }[] = [];
  let state: State = null;
  let entry = head.next;
  let steps = 0;
  while (head.next) {
    if (++steps > budget) return 'undecided';
    if (!entry) return 'bad';
    if (entry.kind === 'call') {
      const op = kept[entry.opIndex]!;
      const r = step(state, op.input, op.output);
      if (r.ok) {
        linearized[entry.opIndex] = 1;
        const key = `${r.next === null ? '\u0000' : r.next}|${linearized.join('')}`;
        if (!seen.has(key)) {
          seen.add(key);
          stack.push({ entry, state });
          state = r.next;
          lift(entry);
          entry = head.next;
          continue;
        }
        linearized[entry.opIndex] = 0;
      }
      entry = entry.next;
    } else {
      // A return with its call not yet linearized: backtrack.
      const top = stack.pop();
      if (!top) return 'bad';
      state = top.state;
      linearized[top.entry.opIndex] = 0;
      unlift(top.entry);
      entry = top.entry.next;
    }
  }
  return 'ok';
}

export function checkLinearizable(history: Operation[], budgetPerKey = 2_000_000): CheckResult {
  const byKey = new Map<string, Operation[]>();
  for (const op of history) {
    const list = byKey.get(op.input.key) ?? [];
    list.push(op);
    byKey.set(op.input.key, list);
  }
  let undecided = false;
  for (const [key, ops] of [...byKey].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const r = checkKey(ops, budgetPerKey);
    if (r === 'bad') return { ok: false, badKey: key };
    if (r === 'undecided') undecided = true;
  }
  return undecided ? { ok: true, undecided: true } : { ok: true };
}
