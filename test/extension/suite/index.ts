/**
 * Entry point VS Code loads with --extensionTestsPath: runs the suites in order inside the
 * extension host and rejects when any test failed. A minimal runner (test name, async body,
 * node:assert) because mocha is not among the project's packages.
 */
import { tests } from './registry';
import './controller.suite';
import './commands.suite';
import './settings.suite';
import './affinity.suite';

/**
 * VS Code calls run(testsPath, callback) and awaits the promise; a code-server host
 * (runInCodeServer.ts) passes a function that receives each result line instead.
 */
export async function run(reporter?: unknown): Promise<void> {
  const report = typeof reporter === 'function' ? (reporter as (line: string) => void) : (line: string) => console.log(line);
  const failures: string[] = [];
  // TFNB_EXTHOST_GREP=regexp runs only the tests whose name matches it (the host inherits the environment).
  const grep = process.env.TFNB_EXTHOST_GREP ? new RegExp(process.env.TFNB_EXTHOST_GREP) : undefined;
  const chosen = grep ? tests.filter((t) => grep.test(t.name)) : tests;
  for (const t of chosen) {
    const started = Date.now();
    try {
      await withTimeout(t.body(), t.timeoutMs, t.name);
      report(`  ✔ ${t.name} (${Date.now() - started} ms)`);
    } catch (e) {
      failures.push(t.name);
      report(`  ✖ ${t.name}\n${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }
  report(`${chosen.length - failures.length} passed, ${failures.length} failed`);
  if (failures.length) throw new Error(`${failures.length} extension-host test(s) failed: ${failures.join('; ')}`);
}

function withTimeout(p: Promise<void>, ms: number, name: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name}: timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
