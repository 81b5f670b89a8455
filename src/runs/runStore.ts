/**
 * The runs folder (`tfnb-runs/` beside a notebook): one folder per run holding its run.json and
 * event file, and index.json rebuilt from the run.json files. Concurrent runs (a sweep, two
 * terminals) each write only their own run.json; the index is rebuilt under a lock folder, so
 * no run's entry is lost, and readers that want the truth read the run.json files (`readRuns`).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../notebook/atomicWrite';
import { asRunRecord, INDEX_FILE, RUN_FILE, RUN_SCHEMA_VERSION, summaryOf, type RunIndex, type RunRecord } from './runRecord';

/** A lock older than this is from a process that died holding it. */
const STALE_LOCK_MS = 30_000;
const LOCK_WAIT_MS = 10_000;
const LOCK_POLL_MS = 25;
const MAX_SLUG = 48;

/** Every run.json under `runsDir` that parses, oldest first. */
export function readRuns(runsDir: string): RunRecord[] {
  let names: string[];
  try {
    names = readdirSync(runsDir);
  } catch {
    return [];
  }
  const runs: RunRecord[] = [];
  for (const name of names) {
    try {
      const record = asRunRecord(JSON.parse(readFileSync(join(runsDir, name, RUN_FILE), 'utf8')));
      if (record) runs.push(record);
    } catch {
      // Not a run folder, or its run.json is being replaced: skipped.
    }
  }
  return runs.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
}

export function writeRun(runsDir: string, record: RunRecord): void {
  writeFileAtomic(join(runsDir, record.id, RUN_FILE), JSON.stringify(record, null, 1) + '\n');
  rebuildIndex(runsDir);
}

/** index.json from the run.json files, written under the lock (the last writer saw every run written before it). */
export function rebuildIndex(runsDir: string): void {
  withLock(join(runsDir, '.index.lock'), () => {
    const index: RunIndex = { version: RUN_SCHEMA_VERSION, runs: readRuns(runsDir).map(summaryOf) };
    writeFileAtomic(join(runsDir, INDEX_FILE), JSON.stringify(index, null, 1) + '\n');
  });
}

/** Creates the run's folder, named `<time>-<slug>`; `-2`, `-3`… when taken (mkdir claims it atomically). */
export function claimRunFolder(runsDir: string, name: string, startedAt: Date): string {
  mkdirSync(runsDir, { recursive: true });
  const stamp = startedAt
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replace(/:/g, '-');
  const slug = name.replace(/[^\w.=,+-]+/g, '_').slice(0, MAX_SLUG) || 'run';
  for (let n = 1; ; n++) {
    const id = `${stamp}-${slug}${n === 1 ? '' : `-${n}`}`;
    try {
      mkdirSync(join(runsDir, id));
      return id;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

function withLock(lockDir: string, body: () => void): void {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (isStale(lockDir) || Date.now() > deadline) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      sleepSync(LOCK_POLL_MS);
    }
  }
  try {
    body();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function isStale(lockDir: string): boolean {
  try {
    return Date.now() - statSync(lockDir).mtimeMs > STALE_LOCK_MS;
  } catch {
    return false;
  }
}

/** The lock is held for a few milliseconds; a blocking wait keeps the callers synchronous. */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
