import { hostname, networkInterfaces } from 'node:os';

// DNS-rebinding defence: a page on evil.example whose name is re-pointed at this machine reaches
// the server with `Host: evil.example`. Only names of this server are accepted: the bound address,
// localhost and the loopback addresses, and for a wildcard bind (0.0.0.0, ::) this machine's own
// addresses and host name, plus any name the person allowed with --allow-host.

const loopbackNames = ['localhost', '127.0.0.1', '::1'];
const wildcardHosts = new Set(['', '0.0.0.0', '::', '[::]']);

/** A host name or address as compared here: lower case, no IPv6 brackets, no trailing dot. */
export function normaliseHostName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}

export function isWildcardHost(host: string): boolean {
  return wildcardHosts.has(host.trim());
}

export function isLoopbackHost(host: string): boolean {
  const name = normaliseHostName(host);
  return name === 'localhost' || name.endsWith('.localhost') || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name);
}

/** The host names a request may name in its Host header for a server bound to `boundHost`. */
export function allowedHostNames(boundHost: string, extra: readonly string[] = []): Set<string> {
  const names = new Set([...loopbackNames, ...extra].map(normaliseHostName));
  if (isWildcardHost(boundHost)) {
    names.add(normaliseHostName(hostname()));
    for (const addresses of Object.values(networkInterfaces())) {
      for (const address of addresses ?? []) names.add(normaliseHostName(address.address));
    }
  } else {
    names.add(normaliseHostName(boundHost));
  }
  return names;
}

/** The host name in a Host header (`name:port`, `[v6]:port`), or null when it is not one. */
export function hostHeaderName(header: string | undefined): string | null {
  if (!header) return null;
  try {
    const url = new URL(`http://${header}`);
    if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return null;
    return normaliseHostName(url.hostname);
  } catch {
    return null;
  }
}

export function hostAllowed(header: string | undefined, allowed: ReadonlySet<string>): boolean {
  const name = hostHeaderName(header);
  return name !== null && allowed.has(name);
}

/** What `ddl-lab serve` prints when it listens beyond this machine: plain HTTP crosses the network. */
export function plainHttpWarning(host: string): string | null {
  if (isLoopbackHost(host)) return null;
  return [
    `Warning: --host ${host} serves the lab to your network over plain HTTP: the token, your dataset images`,
    'and results cross the network unencrypted, readable by anyone on the path. Prefer the default',
    '127.0.0.1 with an SSH tunnel (ssh -L 8737:127.0.0.1:8737 server), or put an HTTPS proxy in front.',
  ].join('\n');
}
