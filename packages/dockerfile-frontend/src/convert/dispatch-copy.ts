/**
 * COPY and ADD (BuildKit's `dispatchCopy`): one FileOp whose copy actions
 * take each source in turn into the stage's tree: context paths, a stage or
 * image (`--from`), downloaded URLs (ADD) and heredoc files. `--link`
 * copies onto an empty tree and stacks the result with a MergeOp.
 */
import { InvalidArgumentError } from '@kiln/errors';
import type { FileCopy, VertexInput } from '@kiln/llb';
import type { AddInstruction, CopyInstruction } from '../instructions/commands-copy.js';
import { parseChmod } from './chmod.js';
import { checkChecksum, httpFilename, isGitSource, isHttpSource } from './copy-sources.js';
import { locationsOf, type ConvertContext, type DispatchSite, type StageState } from './dispatch-state.js';
import { expandHeredocBody, expanderFor, parseOwner } from './expand.js';
import { FileOpBuilder } from './file-op-builder.js';
import { commitToHistory } from './image-draft.js';
import { cleanPath, joinPath, normalizePath, pathRelativeToWorkdir } from './paths.js';
import { prefixCommand, processCmdEnv, uppercaseCmd } from './step-name.js';

/** A source path that climbs out of the context root (`../x`, `a/../../x`). */
function escapesRoot(src: string): boolean {
  const clean = cleanPath(src.replace(/^\/+/, ''));
  return clean === '..' || clean.startsWith('../');
}

/**
 * Converts COPY or ADD at `site`. `site.sources[0]` is the `--from` state
 * for COPY (absent: the build context). Throws InvalidArgumentError with
 * BuildKit's messages (`source can't be a URL for COPY`, `checksum requires
 * HTTP(S) or Git sources`, `invalid chmod parameter: …`, `cannot copy from
 * stage …`) and kiln's own for a context path outside the context.
 */
export function dispatchCopy(ctx: ConvertContext, d: StageState, c: CopyInstruction | AddInstruction, site: DispatchSite): void {
  const isAdd = c.kind === 'add';
  const keyword = isAdd ? 'ADD' : 'COPY';
  const expand = expanderFor(d, ctx.escapeToken);
  const sourcePaths = c.sources.sourcePaths.map((s) => expand(s.value));
  const destPath = expand(c.sources.dest.value);
  const chown = c.chown === '' ? '' : expand(c.chown);
  const chmod = c.chmod === '' ? '' : expand(c.chmod);
  const checksum = isAdd && c.checksum !== '' ? expand(c.checksum) : '';
  const parents = !isAdd && c.parents;
  const fromState = isAdd ? undefined : site.sources[0];
  const dest = pathRelativeToWorkdir(d.dir === '' ? '/' : d.dir, destPath);
  const mode = chmod === '' ? undefined : parseChmod(chmod);
  const owner = chown === '' ? undefined : parseOwner(chown);
  const common = {
    ...(owner === undefined ? {} : { owner }),
    ...(mode === undefined ? {} : { mode }),
    ...(c.excludes.length > 0 ? { excludePatterns: [...c.excludes] } : {}),
    ...(ctx.epoch === undefined ? {} : { timestamp: ctx.epoch }),
  };

  if (checksum !== '') {
    if (sourcePaths.length !== 1) throw new InvalidArgumentError("checksum can't be specified for multiple sources");
    if (!isHttpSource(sourcePaths[0]!) && !isGitSource(sourcePaths[0]!)) throw new InvalidArgumentError('checksum requires HTTP(S) or Git sources');
  }

  let history = keyword;
  if (parents) history += ' --parents';
  if (chown !== '') history += ` --chown=${chown}`;
  if (chmod !== '') history += ` --chmod=${chmod}`;

  const text = uppercaseCmd(processCmdEnv(c.code, d.env.toMap(), ctx.escapeToken, false));
  const name = prefixCommand(d, text);
  const link = c.link && chmod === '';
  const file = new FileOpBuilder(link ? undefined : d.state);
  const plain = (src: string, secondary: VertexInput | undefined, extra: Partial<FileCopy>): void => {
    file.add(
      {
        kind: 'copy',
        src,
        dest,
        followSymlink: false,
        dirCopyContents: false,
        attemptUnpackDockerCompatibility: false,
        createDestPath: true,
        allowWildcard: false,
        allowEmptyWildcard: false,
        alwaysReplaceExistingDestPaths: false,
        ...common,
        ...extra,
      },
      secondary,
    );
  };

  for (const src of sourcePaths) {
    history += ` ${src}`;
    if (isGitSource(src)) {
      if (!isAdd) throw new InvalidArgumentError("source can't be a git ref for COPY");
      throw new InvalidArgumentError(`ADD of a git repository is not supported yet: ${src}`);
    }
    if (isHttpSource(src)) {
      if (!isAdd) throw new InvalidArgumentError("source can't be a URL for COPY");
      if (checksum !== '') checkChecksum(checksum);
      const filename = httpFilename(src);
      const http = ctx.graph.add(
        { type: 'source', identifier: src, attrs: { 'http.filename': filename, ...(checksum === '' ? {} : { 'http.checksum': checksum }) } },
        [],
        { metadata: { name }, locations: locationsOf(ctx, site) },
      );
      plain(`/${filename}`, http.output(), { attemptUnpackDockerCompatibility: isAdd && c.unpack === true });
      continue;
    }
    const fromContext = fromState === undefined;
    if (fromContext && escapesRoot(src)) {
      throw new InvalidArgumentError(`forbidden path outside the build context: ${src}`);
    }
    let from = src;
    let includePatterns: string[] | undefined;
    if (parents) {
      const pivot = src.indexOf('/./');
      const pattern = pivot < 0 ? src : src.slice(pivot + 3);
      from = pivot < 0 ? '/' : src.slice(0, pivot);
      includePatterns = [normalizePath('/', pattern, false).replace(/^\//, '')];
    }
    if (fromContext) ctx.ctxPaths.add(joinPath('/', src));
    plain(normalizePath('/', from, false), fromContext ? ctx.contextInput() : fromState.state, {
      followSymlink: true,
      dirCopyContents: true,
      attemptUnpackDockerCompatibility: isAdd ? c.unpack !== false : false,
      allowWildcard: true,
      allowEmptyWildcard: true,
      ...(includePatterns === undefined ? {} : { includePatterns }),
    });
  }

  for (const content of c.sources.sourceContents) {
    history += ` <<${content.path}`;
    const data = content.expand ? expandHeredocBody(d, content.data) : content.data;
    const inline = ctx.graph.add(
      { type: 'file', actions: [{ input: -1, secondaryInput: -1, output: 0, action: { kind: 'mkfile', path: joinPath('/', content.path), mode: 0o644, data } }] },
      [],
      { platform: d.platform, metadata: { name: '[internal] preparing inline document' }, locations: locationsOf(ctx, site) },
    );
    plain(joinPath('/', content.path), inline.output(), {});
  }
  history += ` ${destPath}`;

  const { op, inputs } = file.build();
  const metadata = { name, ignoreCache: d.ignoreCache, stableId: site.stableId };
  if (link) {
    const group = { id: site.stableId, name };
    const copied = ctx.graph.add(op, inputs, { platform: d.platform, metadata: { ...metadata, progressGroup: group }, locations: locationsOf(ctx, site) });
    if (d.state === undefined) {
      d.state = copied.output();
    } else {
      d.cmdIndex--;
      const linkName = prefixCommand(d, `LINK ${text}`);
      d.state = ctx.graph.add({ type: 'merge' }, [d.state, copied.output()], {
        platform: d.platform,
        metadata: { name: linkName, ignoreCache: d.ignoreCache, stableId: `${site.stableId}:link`, progressGroup: group },
        locations: locationsOf(ctx, site),
      }).output();
    }
  } else {
    d.state = ctx.graph.add(op, inputs, { platform: d.platform, metadata, locations: locationsOf(ctx, site) }).output();
  }
  commitToHistory(d.image, history, true, true, ctx.created);
}
