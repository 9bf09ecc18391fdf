/**
 * What the lint walk knows of a stage while it goes through its instructions
 * (the parts of BuildKit's `dispatchState` that checks read): the
 * environment words expand with, the ARGs declared, whether a SHELL, a
 * WORKDIR, a CMD, ENTRYPOINT or HEALTHCHECK has been set.
 */
import type { SourceRange } from '@kiln/errors';
import type { Platform } from '@kiln/oci';
import type { BaseImageInfo } from './types.js';

/** BuildKit's PATH for images that set none (`system.DefaultPathEnv` on Linux). */
export const defaultPathEnv = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The mutable state of one stage during the walk. */
export interface LintStageState {
  /** Names to values, in definition order: the base's env, then ENV and ARG values. */
  readonly env: Map<string, string>;
  /** ARG names declared in the stage (and its base stages), with or without a value. */
  readonly declaredArgs: string[];
  readonly platform: Platform;
  shellSet: boolean;
  workdirSet: boolean;
  /** Where the last CMD, ENTRYPOINT and HEALTHCHECK of this stage (not its base) were. */
  readonly lastUse: Map<'cmd' | 'entrypoint' | 'healthcheck', readonly SourceRange[]>;
}

/** The state of a stage that starts from an image (`info` when its config is known) or from scratch. */
export function stateFromImage(info: BaseImageInfo | undefined, platform: Platform): LintStageState {
  const env = new Map<string, string>();
  for (const entry of info?.env ?? []) {
    const eq = entry.indexOf('=');
    env.set(eq < 0 ? entry : entry.slice(0, eq), eq < 0 ? '' : entry.slice(eq + 1));
  }
  return withPath({ env, declaredArgs: [], platform, shellSet: (info?.shell?.length ?? 0) > 0, workdirSet: false, lastUse: new Map() });
}

/** The state of a stage that starts from an earlier stage: its env, ARGs, SHELL and WORKDIR carry over; its CMD and friends do not. */
export function stateFromStage(base: LintStageState): LintStageState {
  return withPath({
    env: new Map(base.env),
    declaredArgs: [...base.declaredArgs],
    platform: base.platform,
    shellSet: base.shellSet,
    workdirSet: base.workdirSet,
    lastUse: new Map(),
  });
}

/** BuildKit makes sure PATH is set, except on Windows. */
function withPath(state: LintStageState): LintStageState {
  if (!state.env.has('PATH') && state.platform.os !== 'windows') state.env.set('PATH', defaultPathEnv);
  return state;
}
