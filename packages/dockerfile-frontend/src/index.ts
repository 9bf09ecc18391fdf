/**
 * @packageDocumentation
 * Typed Dockerfile instructions and stages (BuildKit's
 * `frontend/dockerfile/instructions`): each syntax node becomes a typed
 * instruction with its flags checked, and FROM lines split the file into
 * stages whose base names are expanded with the global ARGs. Conversion to a
 * build graph (`convertDockerfile`) turns the stages a target needs into
 * an llb definition and the image config BuildKit would write; `lintDockerfile`
 * runs BuildKit's build checks without building.
 */
export { parseInstruction, instructionNames, type ParseInstructionOptions, type TypedInstruction, type Command } from './instructions/instruction.js';
export { InstructionError, type Located } from './instructions/instruction-error.js';
export { parseFlags, FlagValues, type FlagKind, type FlagSpec, type FlagWord } from './instructions/flags.js';
export { suggest, levenshtein } from './instructions/suggest.js';
export type { InstructionBase } from './instructions/request.js';
export { handleJsonArgs } from './instructions/request.js';
export { chompHeredocContent, type CommandLine, type ShellInlineFile } from './instructions/command-line.js';
export type { ArgInstruction, ArgDefinition } from './instructions/commands-arg.js';
export { errNotJson, type CmdInstruction, type EntrypointInstruction, type ShellInstruction } from './instructions/commands-cmd.js';
export type { AddInstruction, CopyInstruction, SourcesAndDest, SourceContent } from './instructions/commands-copy.js';
export { parsePortSpec, parsePortSpecs, isIpAddress, type ExposeInstruction } from './instructions/commands-expose.js';
export { isValidStageName, type FromInstruction } from './instructions/commands-from.js';
export { parseHealthInterval, type HealthConfig, type HealthcheckInstruction } from './instructions/commands-healthcheck.js';
export type {
  EnvInstruction,
  KeyValuePair,
  LabelInstruction,
  MaintainerInstruction,
  StopSignalInstruction,
  UserInstruction,
  VolumeInstruction,
  WorkdirInstruction,
} from './instructions/commands-metadata.js';
export type { OnbuildInstruction } from './instructions/commands-onbuild.js';
export { networkModes, securityModes, type NetworkMode, type SecurityMode, type RunInstruction } from './instructions/commands-run.js';
export {
  parseRunMount,
  checkRunMountSyntax,
  mountTypes,
  cacheSharingModes,
  type RunMount,
  type MountType,
  type CacheSharing,
  type WordExpander,
} from './instructions/commands-runmount.js';
export { parseRunDevice, type RunDevice } from './instructions/commands-rundevice.js';
export { parseGoDuration } from './instructions/duration.js';
export { docComment } from './instructions/doc-comment.js';
export { parseStages, type Stage, type StagePlatform, type ParseStagesOptions, type ParsedStages } from './stages/parse-stages.js';
export type { ExpandedWord } from './stages/expand.js';
export { stageGraph, type StageGraph, type StageNode, type StageBase } from './stages/stage-graph.js';
export { convertDockerfile } from './convert/convert-dockerfile.js';
export type { ConvertOptions, ConvertResult, ConvertWarning, ResolvedImage } from './convert/types.js';
export { predefinedArgs, proxyEnvFromBuildArgs } from './convert/build-args.js';
export { resolveSourceDateEpoch, type SourceDateEpoch } from './convert/source-date-epoch.js';
export { runCommandString } from './convert/dispatch-run.js';
export { healthcheckHistory } from './convert/dispatch-metadata.js';
export { goDuration, goList, rfc3339 } from './convert/go-format.js';
export { addEnv, parseKeyValue, EnvList } from './convert/env-list.js';
export { parseChmod } from './convert/chmod.js';
export { checkStopSignal } from './convert/signals.js';
export { cleanPath, normalizePath, normalizeWorkdir } from './convert/paths.js';
export { lintDockerfile, CHECK_BUILD_ARG } from './lint/lint-dockerfile.js';
export { lintRules, listLintRules, type LintRule, type LintRuleName } from './lint/rules.js';
export { parseCheckConfig, type CheckConfig } from './lint/check-config.js';
export type { LintOptions, LintResult, LintFinding, LintError, LintLevel, BaseImageInfo } from './lint/types.js';
