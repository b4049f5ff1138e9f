import { isTerminalMissionStatus, type MissionStatus } from '@aime/protocol';
import type { ActorStore } from '@aime/store';

/** Why an actor was stopped from outside. */
export class ActorCancelled extends Error {
  override readonly name = 'ActorCancelled';
  readonly code = 'cancelled';
}

/**
 * Polls the mission (and the actor's task) while an actor runs: aborts the actor when the
 * mission is cancelled, finished or gone, or the task was taken from this actor; reports
 * `paused` so the loop can wait between steps.
 */
export class MissionWatch {
  readonly controller = new AbortController();
  private status: MissionStatus | 'gone' = 'running';
  private timer: ReturnType<typeof setInterval> | undefined;
  private polling = false;

  constructor(
    private readonly store: Pick<ActorStore, 'getMission' | 'readGraph'>,
    private readonly ids: { missionId: string; taskId: string; actorId: string },
    private readonly pollMs: number,
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  start(): void {
    this.timer = setInterval(() => void this.poll(), this.pollMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Reads the mission and task once; aborts when the actor must stop. Errors leave things as they are. */
  async poll(): Promise<void> {
    if (this.polling || this.signal.aborted) return;
    this.polling = true;
    try {
      const mission = await this.store.getMission(this.ids.missionId);
      if (!mission) return this.abort('the mission is gone', 'gone');
      this.status = mission.status;
      if (isTerminalMissionStatus(mission.status)) return this.abort(`the mission is ${mission.status}`, mission.status);
      const graph = await this.store.readGraph(this.ids.missionId);
      const task = graph.tasks.find((t) => t.id === this.ids.taskId);
      if (!task || task.status === 'cancelled' || task.status === 'skipped' || (task.actorId !== undefined && task.actorId !== this.ids.actorId)) {
        this.abort(`task ${this.ids.taskId} was taken from this actor`, this.status);
      }
    } catch {
      // A failed read is not a cancellation: the next poll tries again.
    } finally {
      this.polling = false;
    }
  }

  private abort(reason: string, status: MissionStatus | 'gone'): void {
    this.status = status;
    this.controller.abort(new ActorCancelled(reason));
  }

  /** Waits while the mission is paused. Resolves true to go on, false when the actor was stopped. */
  async waitWhilePaused(): Promise<boolean> {
    while (!this.signal.aborted && this.status === 'paused') {
      await new Promise<void>((resolve) => {
        const onAbort = (): void => {
          clearTimeout(t);
          resolve();
        };
        const t = setTimeout(() => {
          this.signal.removeEventListener('abort', onAbort);
          resolve();
        }, this.pollMs);
        this.signal.addEventListener('abort', onAbort, { once: true });
      });
      await this.poll();
    }
    return !this.signal.aborted;
  }
}
