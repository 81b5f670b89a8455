/**
 * Jupyter's display ids, notebook-wide, for one kernel process: which executions showed each
 * id. A display with an id adds an output carrying it; an update replaces, in place, every
 * output shown with that id in any cell, and an update for an id nothing showed is ignored.
 * A new run of a cell forgets the ids its earlier outputs showed (those outputs are replaced).
 */
export class DisplayIdRegistry {
  private readonly shownBy = new Map<string, Set<string>>();
  private readonly executionsOfCell = new Map<string, Set<string>>();

  shown(displayId: string, executionId: string, cellKey: string | undefined): void {
    let set = this.shownBy.get(displayId);
    if (!set) this.shownBy.set(displayId, (set = new Set()));
    set.add(executionId);
    if (cellKey !== undefined) {
      let executions = this.executionsOfCell.get(cellKey);
      if (!executions) this.executionsOfCell.set(cellKey, (executions = new Set()));
      executions.add(executionId);
    }
  }

  /** The executions whose outputs an update of this id changes, in the order they showed it. */
  showing(displayId: string): readonly string[] {
    return [...(this.shownBy.get(displayId) ?? [])];
  }

  /** The cell runs again: its earlier outputs go, and with them the ids they showed. */
  cellRerun(cellKey: string): void {
    const executions = this.executionsOfCell.get(cellKey);
    if (!executions) return;
    this.executionsOfCell.delete(cellKey);
    for (const [id, set] of this.shownBy) {
      for (const e of executions) set.delete(e);
      if (set.size === 0) this.shownBy.delete(id);
    }
  }

  /** A new kernel process: ids belong to the one that showed them. */
  clear(): void {
    this.shownBy.clear();
    this.executionsOfCell.clear();
  }
}
