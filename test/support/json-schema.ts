/**
 * A small JSON Schema validator for the subset kiln's schemas use (draft
 * 2020-12 keywords: type, const, enum, properties, required,
 * additionalProperties: false, items, oneOf, $ref to `#/$defs/…`, minimum,
 * minLength), so tests check event streams without a new dependency. An
 * unknown keyword throws, so a schema cannot silently outgrow it.
 */
type Schema = Readonly<Record<string, unknown>>;

const known = new Set(['$schema', '$id', 'title', 'description', 'type', 'const', 'enum', 'properties', 'required', 'additionalProperties', 'items', 'oneOf', '$ref', '$defs', 'minimum', 'minLength']);

/** The errors of `value` against `schema` (rooted at `root` for `$ref`), each `path: what`; empty when valid. */
export function validate(value: unknown, schema: Schema, root: Schema = schema, at = '$'): string[] {
  for (const key of Object.keys(schema)) if (!known.has(key)) throw new Error(`json-schema: keyword ${key} at ${at} is not supported`);
  if (typeof schema.$ref === 'string') {
    const m = /^#\/\$defs\/(.+)$/.exec(schema.$ref);
    const target = m === null ? undefined : (root.$defs as Record<string, Schema> | undefined)?.[m[1]!];
    if (target === undefined) throw new Error(`json-schema: unresolved $ref ${schema.$ref}`);
    return validate(value, target, root, at);
  }
  const errors: string[] = [];
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((t) => typeMatches(value, t))) return [`${at}: expected ${types.join(' or ')}, got ${JSON.stringify(value)}`];
  }
  if ('const' in schema && value !== schema.const) errors.push(`${at}: expected ${JSON.stringify(schema.const)}, got ${JSON.stringify(value)}`);
  if (schema.enum !== undefined && !(schema.enum as unknown[]).includes(value)) errors.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (typeof schema.minimum === 'number' && typeof value === 'number' && value < schema.minimum) errors.push(`${at}: ${value} < ${schema.minimum}`);
  if (typeof schema.minLength === 'number' && typeof value === 'string' && value.length < schema.minLength) errors.push(`${at}: shorter than ${schema.minLength}`);
  if (isObject(value)) {
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const name of (schema.required ?? []) as string[]) if (!(name in value)) errors.push(`${at}: missing ${name}`);
    for (const [name, v] of Object.entries(value)) {
      if (props[name] !== undefined) errors.push(...validate(v, props[name], root, `${at}.${name}`));
      else if (schema.additionalProperties === false) errors.push(`${at}: unexpected property ${name}`);
    }
  }
  if (Array.isArray(value) && schema.items !== undefined) value.forEach((v, i) => errors.push(...validate(v, schema.items as Schema, root, `${at}[${i}]`)));
  if (schema.oneOf !== undefined) {
    const results = (schema.oneOf as Schema[]).map((s) => validate(value, s, root, at));
    const matches = results.filter((r) => r.length === 0).length;
    if (matches !== 1) {
      const closest = results.filter((r) => r.length > 0).sort((a, b) => a.length - b.length)[0] ?? [];
      errors.push(`${at}: matches ${matches} of oneOf, expected exactly 1${matches === 0 ? ` (closest: ${closest.join('; ')})` : ''}`);
    }
  }
  return errors;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeMatches(value: unknown, type: string): boolean {
  switch (type) {
    case 'object': return isObject(value);
    case 'array': return Array.isArray(value);
    case 'string': return typeof value === 'string';
    case 'number': return typeof value === 'number' && Number.isFinite(value);
    case 'integer': return Number.isInteger(value);
    case 'boolean': return typeof value === 'boolean';
    case 'null': return value === null;
    default: throw new Error(`json-schema: unknown type ${type}`);
  }
}
