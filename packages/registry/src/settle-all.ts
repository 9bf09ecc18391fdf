/**
 * Runs `tasks` together and resolves when all succeed. When one fails, the
 * others are told to stop through the signal they were given (which also
 * follows `parent`), and the first failure is thrown only after every task
 * has settled, so no transfer keeps writing after its caller has been told
 * the operation failed.
 */
export async function settleAll(tasks: readonly ((signal: AbortSignal) => Promise<unknown>)[], parent?: AbortSignal): Promise<void> {
  const controller = new AbortController();
  const signal = parent === undefined ? controller.signal : AbortSignal.any([parent, controller.signal]);
  let first: { error: unknown } | undefined;
  await Promise.all(
    tasks.map((task) =>
      task(signal).catch((error: unknown) => {
        if (first === undefined) {
          first = { error };
          controller.abort(error);
        }
      }),
    ),
  );
  if (first !== undefined) throw first.error;
}
