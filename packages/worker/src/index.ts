/** @packageDocumentation One solver op per llb op type: exec, file, source, merge. */
export { copyAction, type CopyActionRequest } from './copy/copy-action.js';
export { parseChmod, type ModeChange } from './copy/chmod.js';
export { resolveOwner, type Ids } from './copy/owner.js';
export { resolveInRoot } from './copy/root-path.js';
