/** Where the suites register their tests, in file order. */
export interface ExtensionTest {
  name: string;
  body: () => Promise<void>;
  timeoutMs: number;
}

export const tests: ExtensionTest[] = [];

export function test(name: string, body: () => Promise<void>, timeoutMs = 60_000): void {
  tests.push({ name, body, timeoutMs });
}
