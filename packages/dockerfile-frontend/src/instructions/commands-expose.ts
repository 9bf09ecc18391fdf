/**
 * EXPOSE, and the port specs it takes: `[ip:][hostPort:]containerPort[/proto]`
 * with `a-b` ranges, as docker-run accepts them (go-connections' `nat`).
 * Only the container port survives into the image config.
 */
import { InstructionError, errAtLeastOneArgument, type Located } from './instruction-error.js';
import { baseOf, flagsOf, located, type InstructionBase, type ParseRequest } from './request.js';

/** `EXPOSE port[/proto] ...`; ports stay unexpanded words, in source order. */
export interface ExposeInstruction extends InstructionBase {
  readonly kind: 'expose';
  readonly ports: readonly Located[];
}

/** Parses EXPOSE. */
export function parseExpose(req: ParseRequest): ExposeInstruction {
  if (req.args.length === 0) throw errAtLeastOneArgument(req.command);
  const flags = flagsOf(req, []);
  return { kind: 'expose', ...baseOf(req, flags), ports: req.args.map(located) };
}

/**
 * The image-config keys (`<port>/<proto>`, proto lower-cased, default `tcp`)
 * of all `specs`, without duplicates, in order of first appearance. Throws
 * `InstructionError` for a malformed spec (see {@link parsePortSpec}).
 */
export function parsePortSpecs(specs: readonly string[]): string[] {
  const keys = new Set<string>();
  for (const spec of specs) for (const key of parsePortSpec(spec)) keys.add(key);
  return [...keys];
}

/**
 * The `<port>/<proto>` keys of one spec; a range gives one key per port.
 * Throws `InstructionError`: `invalid port: "x": no port specified`,
 * `invalid IP address: x`, `invalid containerPort: x`, `invalid hostPort: x`,
 * `invalid ranges specified for container and host Ports: a and b`,
 * `invalid proto: x`.
 */
export function parsePortSpec(spec: string): string[] {
  const [rawIp, hostPort, rawContainer] = splitParts(spec);
  const [proto, containerPort] = splitProtoPort(rawContainer);
  let ip = rawIp;
  if (ip.startsWith('[')) {
    const close = ip.indexOf(']');
    if (close !== ip.length - 1) throw new InstructionError(`invalid IP address ${ip}`);
    ip = ip.slice(1, close);
  }
  if (ip !== '' && !isIpAddress(ip)) throw new InstructionError(`invalid IP address: ${ip}`);
  if (containerPort === '') throw new InstructionError(`invalid port: ${JSON.stringify(spec)}: no port specified`);
  const container = parsePortRange(containerPort);
  if (container === undefined) throw new InstructionError(`invalid containerPort: ${containerPort}`);
  if (hostPort !== '') {
    const host = parsePortRange(hostPort);
    if (host === undefined) throw new InstructionError(`invalid hostPort: ${hostPort}`);
    // A host range with a single container port is a pool to allocate from; two ranges must match.
    if (container[1] - container[0] !== host[1] - host[0] && container[1] !== container[0]) {
      throw new InstructionError(
        `invalid ranges specified for container and host Ports: ${containerPort} and ${hostPort}`,
      );
    }
  }
  const protocol = proto.toLowerCase();
  if (protocol !== 'tcp' && protocol !== 'udp' && protocol !== 'sctp') throw new InstructionError(`invalid proto: ${proto}`);
  const keys: string[] = [];
  for (let port = container[0]; port <= container[1]; port++) keys.push(`${port}/${protocol}`);
  return keys;
}

function splitParts(spec: string): [string, string, string] {
  const parts = spec.split(':');
  const n = parts.length;
  const container = parts[n - 1] ?? '';
  if (n === 1) return ['', '', container];
  if (n === 2) return ['', parts[0] ?? '', container];
  return [parts.slice(0, n - 2).join(':'), parts[n - 2] ?? '', container];
}

function splitProtoPort(raw: string): [string, string] {
  const parts = raw.split('/');
  const port = parts[0] ?? '';
  if (raw === '' || port === '') return ['', ''];
  if (parts.length === 1) return ['tcp', raw];
  const proto = parts[1] ?? '';
  return proto === '' ? ['tcp', port] : [proto, port];
}

function parsePortRange(text: string): [number, number] | undefined {
  const dash = text.indexOf('-');
  if (dash < 0) {
    const port = parsePort(text);
    return port === undefined ? undefined : [port, port];
  }
  const start = parsePort(text.slice(0, dash));
  const end = parsePort(text.slice(dash + 1).split('-')[0] ?? '');
  if (start === undefined || end === undefined || end < start) return undefined;
  return [start, end];
}

function parsePort(text: string): number | undefined {
  if (!/^[0-9]+$/.test(text)) return undefined;
  const port = Number(text);
  return port <= 0xffff ? port : undefined;
}

/** Go's `net.ParseIP` acceptance: dotted IPv4 (no leading zeros) or IPv6 with `::` and an optional IPv4 tail. */
export function isIpAddress(text: string): boolean {
  return isIpv4(text) || isIpv6(text);
}

function isIpv4(text: string): boolean {
  const parts = text.split('.');
  return (
    parts.length === 4 &&
    parts.every((p) => /^[0-9]{1,3}$/.test(p) && Number(p) <= 255 && !(p.length > 1 && p.startsWith('0')))
  );
}

function isIpv6(text: string): boolean {
  if (!text.includes(':')) return false;
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = (half: string): string[] | undefined => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  if (head === undefined || tail === undefined) return false;
  const all = [...head, ...tail];
  let width = 0;
  for (const [i, group] of all.entries()) {
    if (i === all.length - 1 && group.includes('.')) {
      if (!isIpv4(group)) return false;
      width += 2;
    } else if (/^[0-9a-fA-F]{1,4}$/.test(group)) {
      width += 1;
    } else {
      return false;
    }
  }
  return halves.length === 2 ? width < 8 : width === 8;
}
