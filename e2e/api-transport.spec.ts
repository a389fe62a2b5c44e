import { expect, test } from './lab-server.js';

// The LabApi's HTTP + WebSocket transport as the served page uses it, in Chromium, under the
// server's CSP: calls carry the HttpOnly token cookie, events arrive over the WebSocket, and
// nothing violates the policy. (Page code is typed loosely: e2e compiles without the DOM library.)

interface PageResult {
  info: { ok: boolean; result: { shell: string; dataDir: string } };
  badStatus: number;
  badBody: { error: { field?: string } };
  socketOpened: boolean;
  cookieVisible: boolean;
}

test('the served page reaches the LabApi over HTTP and WebSocket under its CSP', async ({ page, lab }) => {
  const violations: string[] = [];
  await page.exposeFunction('reportViolation', (text: string) => {
    violations.push(text);
  });
  await page.addInitScript(() => {
    const g = globalThis as any;
    g.document.addEventListener('securitypolicyviolation', (e: any) =>
      g.reportViolation(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  const response = await page.goto(lab.url);
  expect(response?.headers()['content-security-policy']).toContain("default-src 'none'");

  const result = await page.evaluate(async (): Promise<PageResult> => {
    const g = globalThis as any;
    const post = (method: string, body: unknown) =>
      g.fetch(`/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    // No token in these requests: the HttpOnly cookie set when the page loaded carries it.
    const info = await (await post('system.info', {})).json();
    const bad = await post('datasets.images', { datasetId: 'x', limit: -1 });
    const socketOpened = await new Promise<boolean>((resolve) => {
      const ws = new g.WebSocket(`${String(g.location.origin).replace('http', 'ws')}/api/events`);
      ws.onopen = () => {
        ws.close();
        resolve(true);
      };
      ws.onerror = () => resolve(false);
    });
    return {
      info,
      badStatus: bad.status,
      badBody: await bad.json(),
      socketOpened,
      cookieVisible: String(g.document.cookie).includes('ddl_lab_token'),
    };
  });
  expect(result.info.ok).toBe(true);
  expect(result.info.result.shell).toBe('server');
  expect(result.info.result.dataDir).toBe(lab.dataDir);
  expect(result.badStatus).toBe(400);
  expect(result.badBody.error.field).toBe('limit');
  expect(result.socketOpened).toBe(true);
  expect(result.cookieVisible).toBe(false);
  expect(violations).toEqual([]);
});

test('the token leaves the address bar once the page has loaded; a reload still works', async ({ page, lab }) => {
  await page.goto(lab.url);
  await expect.poll(() => new URL(page.url()).searchParams.has('token')).toBe(false);
  const history = await page.evaluate(() => String((globalThis as any).location.href));
  expect(history).not.toContain(lab.token);
  // The port-scoped HttpOnly cookie carries the token from now on.
  const reloaded = await page.reload();
  expect(reloaded?.status()).toBe(200);
  const info = await page.evaluate(async () => {
    const g = globalThis as any;
    const response = await g.fetch('/api/system.info', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    return response.status as number;
  });
  expect(info).toBe(200);
});

test('without the token the API, images and events are refused; images only by id', async ({ request, lab }) => {
  expect((await request.post(`${lab.origin}/api/system.info`, { data: {} })).status()).toBe(401);
  expect((await request.get(`${lab.origin}/media/1/1`)).status()).toBe(401);
  const withToken = { headers: { authorization: `Bearer ${lab.token}` } };
  expect((await request.get(`${lab.origin}/media/1/..%2f..%2fetc%2fpasswd`, withToken)).status()).toBe(404);
  expect((await request.get(`${lab.origin}/media?path=/etc/passwd`, withToken)).status()).toBe(404);
});
