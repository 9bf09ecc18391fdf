/**
 * The JSON Schema (draft 2020-12) of `kiln build --progress=rawjson`: every
 * line kiln writes to stderr in that mode is one JSON object valid against
 * it. Objects carry `"v": 1`; a later, incompatible format gets another `v`,
 * while new optional fields and new `type`s may come within version 1 (so
 * readers should skip types they do not know).
 *
 * Times are milliseconds since the Unix epoch; `durationMs` milliseconds;
 * byte counts in bytes. `digest` names a step (a vertex): `sha256:…` for
 * solver steps, `kiln:…` for the build's own steps (`kiln:load-definition`,
 * `kiln:export`). Ranges are 1-based lines and columns, end inclusive.
 */
export const rawjsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'urn:kiln:progress:rawjson:v1',
  title: 'kiln build --progress=rawjson event, version 1',
  oneOf: [
    { $ref: '#/$defs/vertexStarted' },
    { $ref: '#/$defs/vertexCached' },
    { $ref: '#/$defs/vertexCompleted' },
    { $ref: '#/$defs/vertexFailed' },
    { $ref: '#/$defs/vertexCanceled' },
    { $ref: '#/$defs/vertexCachemiss' },
    { $ref: '#/$defs/vertexLog' },
    { $ref: '#/$defs/vertexProgress' },
    { $ref: '#/$defs/vertexWarning' },
    { $ref: '#/$defs/buildWarning' },
    { $ref: '#/$defs/buildInfo' },
    { $ref: '#/$defs/buildResult' },
    { $ref: '#/$defs/buildError' },
  ],
  $defs: {
    time: { type: 'number', minimum: 0, description: 'milliseconds since the Unix epoch' },
    digest: { type: 'string', minLength: 1, description: 'the step: sha256:… for solver steps, kiln:… for the build’s own' },
    position: {
      type: 'object',
      required: ['line', 'column'],
      additionalProperties: false,
      properties: { line: { type: 'integer', minimum: 1 }, column: { type: 'integer', minimum: 1 } },
    },
    range: {
      type: 'object',
      description: '1-based, end inclusive',
      required: ['start', 'end'],
      additionalProperties: false,
      properties: { start: { $ref: '#/$defs/position' }, end: { $ref: '#/$defs/position' } },
    },
    location: {
      type: 'object',
      required: ['file', 'ranges'],
      additionalProperties: false,
      properties: { file: { type: 'string' }, ranges: { type: 'array', items: { $ref: '#/$defs/range' } } },
    },
    vertexStarted: vertex('vertex.started', { name: { type: 'string' } }, ['name']),
    vertexCached: vertex('vertex.cached', { name: { type: 'string' } }, ['name']),
    vertexCompleted: vertex('vertex.completed', { name: { type: 'string' }, durationMs: { type: 'number', minimum: 0 } }, ['name', 'durationMs']),
    vertexFailed: vertex('vertex.failed', {
      name: { type: 'string' },
      error: {
        type: 'object',
        required: ['message'],
        additionalProperties: false,
        properties: { message: { type: 'string' }, code: { type: 'string' } },
      },
    }, ['name', 'error']),
    vertexCanceled: vertex('vertex.canceled', { name: { type: 'string' } }, ['name']),
    vertexCachemiss: vertex('vertex.cachemiss', { reason: { type: 'string' } }, ['reason']),
    vertexLog: {
      description: 'output of a step: `text` when the bytes are valid UTF-8 (a character split between chunks is carried to the next one), else `base64` of the raw bytes',
      oneOf: [
        vertex('vertex.log', { stream: { enum: ['stdout', 'stderr'] }, text: { type: 'string' } }, ['stream', 'text']),
        vertex('vertex.log', { stream: { enum: ['stdout', 'stderr'] }, base64: { type: 'string' } }, ['stream', 'base64']),
      ],
    },
    vertexProgress: vertex('vertex.progress', {
      id: { type: 'string', description: 'names the transfer within the step' },
      name: { type: 'string' },
      current: { type: 'number', minimum: 0, description: 'bytes so far' },
      total: { type: 'number', minimum: 0, description: 'bytes in all; absent when unknown' },
    }, ['id', 'name', 'current']),
    vertexWarning: vertex('vertex.warning', { message: { type: 'string' } }, ['message']),
    buildWarning: event('build.warning', {
      message: { type: 'string', description: 'for a build check: `RuleName: message`' },
      range: { $ref: '#/$defs/range' },
      ranges: { type: 'array', items: { $ref: '#/$defs/range' } },
      rule: {
        type: 'object',
        description: 'the build check that fired',
        required: ['name', 'description', 'url'],
        additionalProperties: false,
        properties: { name: { type: 'string' }, description: { type: 'string' }, url: { type: 'string' } },
      },
      level: { enum: ['warning', 'error'] },
    }, ['message']),
    buildInfo: event('build.info', { message: { type: 'string' } }, ['message']),
    buildResult: event('build.result', {
      imageId: { type: ['string', 'null'], description: 'the image config digest' },
      digest: { type: ['string', 'null'], description: 'the manifest digest' },
      names: { type: 'array', items: { type: 'string' } },
      pushed: {
        type: 'array',
        description: 'names pushed to a registry, with the manifest digest it serves',
        items: {
          type: 'object',
          required: ['name', 'digest', 'size'],
          additionalProperties: false,
          properties: { name: { type: 'string' }, digest: { type: 'string' }, size: { type: 'integer', minimum: 0 } },
        },
      },
      stats: {
        type: 'object',
        required: ['executed', 'cached'],
        additionalProperties: false,
        properties: { executed: { type: 'integer', minimum: 0 }, cached: { type: 'integer', minimum: 0 } },
      },
      durationMs: { type: 'number', minimum: 0 },
    }, ['imageId', 'digest', 'names', 'pushed', 'stats', 'durationMs']),
    buildError: event('build.error', {
      message: { type: 'string' },
      code: { type: 'string', description: 'the stable error code (NotFound, InvalidArgument, …)' },
      rendered: { type: 'string', description: 'the error as the plain display prints it (several lines)' },
      step: {
        type: 'object',
        required: ['digest', 'name', 'locations'],
        additionalProperties: false,
        properties: { digest: { $ref: '#/$defs/digest' }, name: { type: 'string' }, locations: { type: 'array', items: { $ref: '#/$defs/location' } } },
      },
      locations: { type: 'array', items: { $ref: '#/$defs/location' }, description: 'where in the Dockerfile (a syntax error, a failed step)' },
      lastLines: { type: 'array', items: { type: 'string' } },
    }, ['message', 'rendered']),
  },
} as const;

function event(type: string, properties: Record<string, unknown>, required: string[]): Record<string, unknown> {
  return {
    type: 'object',
    required: ['v', 'type', 'time', ...required],
    additionalProperties: false,
    properties: { v: { const: 1 }, type: { const: type }, time: { $ref: '#/$defs/time' }, ...properties },
  };
}

function vertex(type: string, properties: Record<string, unknown>, required: string[]): Record<string, unknown> {
  return event(type, { digest: { $ref: '#/$defs/digest' }, ...properties }, ['digest', ...required]);
}
