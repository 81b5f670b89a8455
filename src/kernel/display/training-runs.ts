/** Running fits that a renderer's Stop button can reach, by training id. */
import { BoundedMap } from '../../shared/boundedMap';

export interface StoppableRun { readonly id: string; requestStop(): boolean }

/** Runs that never report their end (e.g. callbacks wrapped by user code) are forgotten past this. */
const MAX_RUNS = 32;

export class TrainingRuns {
  private readonly runs = new BoundedMap<string, StoppableRun>(MAX_RUNS);

  add(run: StoppableRun): void {
    this.runs.set(run.id, run);
  }

  remove(id: string): void { this.runs.delete(id); }

  /** Asks a run to stop after its current batch. True if the run was found and can be stopped. */
  stop(id: string): boolean { return this.runs.get(id)?.requestStop() ?? false; }
}
