/**
 * The variables view's requests to a kernel: each gets a request id and waits for the reply with
 * that id. They are no executions (no `done`, no place in the queue); the kernel answers between
 * cells, and a kernel that exits fails whatever is still waiting.
 */
import type { ClientToKernel, VariableSummary, VariablesReply } from '../protocol/messages';
import type { MimeBundle } from '../protocol/mime';

export interface VariablesList {
  /** How many names matched the filter (the list holds at most the limit of them). */
  total: number;
  variables: VariableSummary[];
}

type Pending =
  | { kind: 'variables'; resolve: (list: VariablesList) => void; reject: (e: Error) => void }
  | { kind: 'variable-value'; resolve: (data: MimeBundle) => void; reject: (e: Error) => void };

let requestCounter = 0;

export class VariablesRequests {
  private readonly pending = new Map<string, Pending>();

  list(send: (m: ClientToKernel) => void, filter: string | undefined, limit: number): Promise<VariablesList> {
    const requestId = `v${process.pid}-${++requestCounter}`;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { kind: 'variables', resolve, reject });
      send({ type: 'variables', requestId, filter, limit });
    });
  }

  inspect(send: (m: ClientToKernel) => void, name: string): Promise<MimeBundle> {
    const requestId = `v${process.pid}-${++requestCounter}`;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { kind: 'variable-value', resolve, reject });
      send({ type: 'inspect-variable', requestId, name });
    });
  }

  /** A reply from the kernel; one nobody waits for (its kernel was replaced) is dropped. */
  settle(reply: VariablesReply): void {
    const waiting = this.pending.get(reply.requestId);
    if (!waiting || waiting.kind !== reply.type) return;
    this.pending.delete(reply.requestId);
    if (waiting.kind === 'variables' && reply.type === 'variables') waiting.resolve({ total: reply.total, variables: reply.variables });
    else if (waiting.kind === 'variable-value' && reply.type === 'variable-value') {
      if (reply.data) waiting.resolve(reply.data);
      else waiting.reject(new Error(reply.error ?? `${reply.name} could not be shown`));
    }
  }

  failAll(reason: string): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const w of waiting) w.reject(new Error(reason));
  }
}
