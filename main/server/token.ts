import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

// A per-launch secret, printed with the URL (like Jupyter). Every request must carry it.
export function newToken(): string {
  return randomBytes(24).toString('hex');
}

/**
 * The cookie's name carries the port: browsers keep cookies per host, not per port, so with one
 * name a second server on the same host would overwrite (log out) the first one's cookie.
 */
export function tokenCookieName(port: number): string {
  return `ddl_lab_token_${port}`;
}

export function requestToken(req: IncomingMessage, url: URL, tokenCookie: string): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  const fromQuery = url.searchParams.get('token');
  if (fromQuery) return fromQuery;
  const cookies = req.headers.cookie?.split(';').map((part) => part.trim()) ?? [];
  const cookie = cookies.find((part) => part.startsWith(`${tokenCookie}=`));
  return cookie?.slice(tokenCookie.length + 1);
}

export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
