/**
 * The variables view's kernel side: the notebook's top-level names, summarized (never their
 * values), and one name's value drawn as `display(x)` would draw it.
 *
 * Cells run as REPL-mode scripts and every top-level declaration becomes a `let` (transpile.ts),
 * so the names are the global lexical scope's (`Runtime.globalLexicalScopeNames`, through an
 * in-process inspector session of its own), plus the enumerable properties a cell put on
 * `globalThis`. Their values come back into this realm through a function the evaluated
 * accessor script calls: nothing is serialized. Only the first `limit` names (sorted, after the
 * filter) are evaluated, so 10,000 names cost one sort of their strings.
 */
import { Session } from 'node:inspector';
import { MAX_VARIABLES_LIMIT, type InspectVariableRequest, type VariablesReply, type VariablesRequest } from '../protocol/messages';
import type { MimeBundle } from '../protocol/mime';
import type { Tf } from './backend';
import { RUNTIME_GLOBAL } from './transpile';
import { summarize } from './variablesViewSummary';
import { readToCpu } from './webgpu/syncReads';

export interface VariablesViewDeps {
  tf: Tf;
  toBundle: (value: unknown) => MimeBundle;
  send: (reply: VariablesReply) => void;
  /** Runs `task` now when no cell runs, else right after the running cell's `done`. */
  whenNoCellRuns: (task: () => void) => void;
}

const COLLECT = Symbol.for('tfnb.variablesView.collect');
const IDENTIFIER = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*$/u;
/** What an accessor gives for a name declared but not yet initialized (a cell that failed before its `let`). */
const UNINITIALIZED = Symbol('uninitialized');

export class VariablesView {
  private readonly session = new Session();
  /** Globals the kernel started with (Node's own): not the notebook's. */
  private readonly builtinGlobals = new Set(Object.keys(globalThis));
  private collected: unknown[] | undefined;

  constructor(private readonly deps: VariablesViewDeps) {
    this.session.connect();
    process.once('exit', () => this.session.disconnect());
    Object.defineProperty(globalThis, COLLECT, {
      value: (values: unknown[]) => {
        this.collected = values;
      },
      enumerable: false,
    });
  }

  list(request: VariablesRequest): void {
    this.deps.whenNoCellRuns(() => {
      void this.summaries(request).then(
        (reply) => this.deps.send(reply),
        () => this.deps.send({ type: 'variables', requestId: request.requestId, total: 0, variables: [] }),
      );
    });
  }

  inspect(request: InspectVariableRequest): void {
    const { requestId, name } = request;
    this.deps.whenNoCellRuns(() => {
      void this.bundleOf(name).then(
        (data) => this.deps.send({ type: 'variable-value', requestId, name, data }),
        (e: unknown) => this.deps.send({ type: 'variable-value', requestId, name, error: describe(e) }),
      );
    });
  }

  private async summaries(request: VariablesRequest): Promise<VariablesReply> {
    const filter = request.filter?.toLowerCase() ?? '';
    const names = (await this.names()).filter((n) => !filter || n.toLowerCase().includes(filter));
    names.sort(byName);
    const limit = Math.max(0, Math.min(MAX_VARIABLES_LIMIT, Math.floor(request.limit)));
    const shown = names.slice(0, limit);
    const values = await this.valuesOf(shown);
    const variables = shown.map((name, i) => {
      const value = values[i];
      if (value === UNINITIALIZED) return { name, kind: 'undefined' as const, type: 'uninitialized', preview: '(not initialized)' };
      return summarize(name, value, this.deps.tf);
    });
    return { type: 'variables', requestId: request.requestId, total: names.length, variables };
  }

  private async bundleOf(name: string): Promise<MimeBundle> {
    if (!(await this.names()).includes(name)) throw new Error(`${name} is not defined`);
    const [value] = await this.valuesOf([name]);
    if (value === UNINITIALIZED) throw new Error(`${name} is not initialized`);
    await readToCpu(value); // a tensor on the GPU (webgpu) is read before it is drawn
    return this.deps.toBundle(value);
  }

  /** The notebook's top-level names: lexical bindings and globals a cell added; not tfnb's hidden ones. */
  private async names(): Promise<string[]> {
    const { names } = await this.post<{ names: string[] }>('Runtime.globalLexicalScopeNames', {});
    const all = new Set(names);
    for (const key of Object.keys(globalThis)) if (!this.builtinGlobals.has(key)) all.add(key);
    return [...all].filter((n) => !n.startsWith(RUNTIME_GLOBAL));
  }

  /** The values of `names`, evaluated in the cells' scope; UNINITIALIZED where a binding is in its TDZ. */
  private async valuesOf(names: string[]): Promise<unknown[]> {
    if (names.length === 0) return [];
    const accessors = names.map((n) => (IDENTIFIER.test(n) ? `() => ${n}` : `() => globalThis[${JSON.stringify(n)}]`));
    this.collected = undefined;
    await this.post('Runtime.evaluate', {
      expression: `globalThis[Symbol.for(${JSON.stringify(COLLECT.description)})]([${accessors.join(',\n')}]);`,
      silent: true,
      returnByValue: false,
    });
    const getters = (this.collected ?? []) as Array<() => unknown>;
    this.collected = undefined;
    return getters.map((get) => {
      try {
        return get();
      } catch {
        return UNINITIALIZED;
      }
    });
  }

  private post<T>(method: string, params: object): Promise<T> {
    return new Promise((resolve, reject) => {
      this.session.post(method, params, (err, result) => (err ? reject(err) : resolve(result as T)));
    });
  }
}

function byName(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  return la < lb ? -1 : la > lb ? 1 : a < b ? -1 : a > b ? 1 : 0;
}

function describe(e: unknown): string {
  try {
    return (e instanceof Error ? e.message : String(e)).slice(0, 500);
  } catch {
    return 'unknown error';
  }
}
