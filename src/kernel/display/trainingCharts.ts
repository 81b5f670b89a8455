import { BoundedMap } from '../../shared/boundedMap';

/**
 * Live training charts (tfvis.show.fitCallbacks) by training id: what a renderer's Stop button
 * reaches and what a cell's end settles. A run is a chart, not a fit: the fits themselves are
 * known to the kernel's registry (../training.ts), which stops the model for the run.
 */
export interface StoppableRun {
  readonly id: string;
  /** The execution whose cell started the run (null: none known). */
  readonly owner: string | null;
  /** Stops the run's model through the kernel's registry (stopModel); false when the run is over or has no model. */
  requestStop(): boolean;
  /** Sends the latest state now (a throttled update may be waiting). */
  flush(): void;
  /** Marks the run finished and sends its final state. */
  end(): void;
}

/** Runs that never report their end (e.g. callbacks wrapped by user code) are forgotten past this. */
const MAX_RUNS = 32;

export class TrainingRuns {
  private readonly runs = new BoundedMap<string, StoppableRun>(MAX_RUNS);

  add(run: StoppableRun): void {
    this.runs.set(run.id, run);
  }

  remove(id: string): void {
    this.runs.delete(id);
  }

  /** Asks a run's fit to stop after its current batch. True if the run was found and can be stopped. */
  stop(id: string): boolean {
    return this.runs.get(id)?.requestStop() ?? false;
  }

  /**
   * A cell ended: live runs' latest state must reach the notebook now, not after a throttle
   * interval (the kernel may be shut down by then, and the saved chart would stop short). A run
   * that never got onTrainEnd (callbacks given as `{ onEpochEnd: cb.onEpochEnd }`) ends here once
   * no fit of the cell that started it is running (a fit it did not await may outlive it).
   */
  settle(stillTraining: (owner: string) => boolean): void {
    for (const run of [...this.runs.values()]) {
      if (run.owner !== null && stillTraining(run.owner)) run.flush();
      else run.end();
    }
  }
}
