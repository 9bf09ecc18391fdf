/** WORKDIR: the working directory, made with its parents as a layer of its own unless it is `/`. */
import type { WorkdirInstruction } from '../instructions/commands-metadata.js';
import { locationsOf, type ConvertContext, type DispatchSite, type StageState } from './dispatch-state.js';
import { expanderFor, parseOwner } from './expand.js';
import { FileOpBuilder } from './file-op-builder.js';
import { commitToHistory } from './image-draft.js';
import { normalizeWorkdir } from './paths.js';
import { prefixCommand, processCmdEnv, uppercaseCmd } from './step-name.js';

/**
 * Sets the working directory (relative to the current one) and, unless it
 * is `/`, adds a mkdir (mode 0755, parents, owned by the current USER, time
 * SOURCE_DATE_EPOCH when set). History `WORKDIR /x`.
 */
export function dispatchWorkdir(ctx: ConvertContext, d: StageState, c: WorkdirInstruction, site: DispatchSite): void {
  const wd = normalizeWorkdir(d.image.config.WorkingDir ?? '', expanderFor(d, ctx.escapeToken)(c.path.value));
  d.image.config.WorkingDir = wd;
  d.dir = wd;
  let withLayer = false;
  if (wd !== '/') {
    const user = d.image.config.User;
    const file = new FileOpBuilder(d.state).add({
      kind: 'mkdir',
      path: wd,
      mode: 0o755,
      makeParents: true,
      ...(user ? { owner: parseOwner(user) } : {}),
      ...(ctx.epoch === undefined ? {} : { timestamp: ctx.epoch }),
    });
    const { op, inputs } = file.build();
    const name = prefixCommand(d, uppercaseCmd(processCmdEnv(c.code, d.env.toMap(), ctx.escapeToken, false)));
    d.state = ctx.graph.add(op, inputs, { platform: d.platform, metadata: { name, stableId: site.stableId }, locations: locationsOf(ctx, site) }).output();
    withLayer = true;
  }
  commitToHistory(d.image, `WORKDIR ${wd}`, withLayer, false, ctx.created);
}
