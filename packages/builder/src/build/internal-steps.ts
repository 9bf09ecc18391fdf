import type { SolveEvent } from '@kiln/solver';

/** Reports one line of a step's output (text, newline included). */
export type StepLog = (text: string) => void;
/** Reports bytes of one transfer of a step: `id` names it, `name` is what people see. */
export type StepProgress = (id: string, name: string, current: number, total: number | undefined) => void;

/**
 * Runs `work` as a step of the build's own (BuildKit's `[internal] …` steps:
 * reading the Dockerfile, the ignore file, image metadata), so displays show
 * it like a solver step: `vertex.started`, its logs and progress, then
 * `vertex.completed` or `vertex.failed`. `digest` must be unique in the build.
 */
export async function internalStep<T>(
  emit: (event: SolveEvent) => void,
  digest: string,
  name: string,
  work: (log: StepLog, progress: StepProgress) => T | Promise<T>,
): Promise<T> {
  const started = Date.now();
  emit({ type: 'vertex.started', digest, name, time: started });
  const log: StepLog = (text) => emit({ type: 'vertex.log', digest, stream: 'stdout', data: new TextEncoder().encode(text), time: Date.now() });
  const progress: StepProgress = (id, label, current, total) => emit({ type: 'vertex.progress', digest, id, name: label, current, total, time: Date.now() });
  try {
    const value = await work(log, progress);
    const time = Date.now();
    emit({ type: 'vertex.completed', digest, name, time, durationMs: time - started });
    return value;
  } catch (error) {
    emit({ type: 'vertex.failed', digest, name, time: Date.now(), error: error instanceof Error ? error : new Error(String(error)) });
    throw error;
  }
}
