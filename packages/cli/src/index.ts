/**
 * @packageDocumentation
 * The `kiln` command: arguments, progress display, error rendering and exit
 * codes. The only package that wires the others, through `@kiln/builder`.
 */
export { main, kilnVersion } from './main.js';
export { renderError, renderLocated, type ErrorSource } from './render-error.js';
export { sourceSnippet } from './source-snippet.js';
export { rawjsonSchema } from './build/rawjson-schema.js';
export { RawJsonProgress, incompleteTail, type RawJsonEvent } from './build/rawjson-progress.js';
export { createBuildDisplay, resolveProgressMode, TTY_STEP_LINES, type BuildDisplay, type BuildDisplayOptions, type BuildProgressMode } from './build/build-display.js';
export { BuildState, cleanLine, type StepView, type StepStatus, type TransferView } from './build/build-state.js';
export { renderFrame, type FrameLine, type FrameOptions } from './build/tty-render.js';
export { TtyBuildProgress, type TtyBuildProgressOptions, type TtyStream } from './build/tty-progress.js';
export { StepLogs, newBuildId, type StepLogsOptions } from './build/step-logs.js';
export { progressBar } from './progress/progress-bar.js';
