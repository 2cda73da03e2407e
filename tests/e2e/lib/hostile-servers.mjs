// Servers for the hostile-content end-to-end test, all on 127.0.0.1 (random
// ports):
//
// - a canary that records every request it gets: any hit means the app (or
//   something it started) fetched or opened a URL a stranger planted;
// - a fake X API v2 serving a user's mention timeline (the posts that
//   @mention the business), paged with pagination_token, text entity-escaped
//   as X sends it, and the authors (with their display names) in
//   includes.users;
//   (and an empty recent search, for the watch's terms);
// - a fake Mastodon instance serving one hashtag timeline: statuses whose
//   content is HTML, account.display_name plain text, and url passed through.

import { createServer } from 'node:http';

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

function closer(server) {
  return () =>
    new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    });
}

/** Escape text as X does in a post's `text`: &, < and >. */
export const xEscape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Escape text for HTML content (Mastodon's `content`). */
export const htmlEscape = (s) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Resolves to { url, requests, close() }; `requests` lists { method, url, headers } of every request. */
export async function startCanary() {
  const requests = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method, url: req.url, headers: req.headers });
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('canary');
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, requests, close: closer(server) };
}

/**
 * A fake X: GET /2/users/:id/mentions with a bearer token. `posts` are
 * { id, author_id, text, created_at } newest first, `text` as the author
 * wrote it (the server escapes it); `users` { id, username, name }.
 */
export async function startFakeX({ token, userId, posts, users }) {
  const requests = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const ok = (req.headers.authorization ?? '') === `Bearer ${token}`;
    const seen = { path: url.pathname, query: Object.fromEntries(url.searchParams), ok, returned: 0 };
    requests.push(seen);
    const headers = {
      'content-type': 'application/json; charset=utf-8',
      'x-rate-limit-limit': '450',
      'x-rate-limit-remaining': '449',
      'x-rate-limit-reset': String(Math.floor(Date.now() / 1000) + 900),
    };
    if (!ok) {
      res.writeHead(401, { ...headers, 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' }));
      return;
    }
    // The watch's terms are searched too: nobody else posts them, as X says of an empty search.
    if (url.pathname === '/2/tweets/search/recent') {
      res.writeHead(200, headers);
      res.end(JSON.stringify({ meta: { result_count: 0 } }));
      return;
    }
    if (url.pathname !== `/2/users/${userId}/mentions`) {
      res.writeHead(404, headers);
      res.end(JSON.stringify({ title: 'Not Found Error', status: 404, detail: 'no such endpoint' }));
      return;
    }
    const since = url.searchParams.get('since_id');
    const until = url.searchParams.get('until_id');
    const max = Math.min(100, Math.max(5, Number(url.searchParams.get('max_results') ?? '10')));
    const start = Number(url.searchParams.get('pagination_token') ?? '0');
    const matching = posts.filter(
      (p) => (!since || BigInt(p.id) > BigInt(since)) && (!until || BigInt(p.id) < BigInt(until)),
    );
    const page = matching.slice(start, start + max);
    seen.returned = page.length;
    const next = start + max < matching.length ? String(start + max) : undefined;
    const body =
      page.length === 0
        ? { meta: { result_count: 0 } }
        : {
            data: page.map(({ id, author_id, text, created_at }) => ({
              id,
              author_id,
              text: xEscape(text),
              created_at,
              edit_history_tweet_ids: [id],
            })),
            includes: { users: users.filter((u) => page.some((p) => p.author_id === u.id)) },
            meta: {
              newest_id: page[0].id,
              oldest_id: page[page.length - 1].id,
              result_count: page.length,
              ...(next ? { next_token: next } : {}),
            },
          };
    res.writeHead(200, headers);
    res.end(JSON.stringify(body));
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, requests, close: closer(server) };
}

/**
 * A fake Mastodon instance: GET /api/v1/timelines/tag/:tag. `statuses` are
 * Mastodon status objects, newest first (ids as strings).
 */
export async function startFakeMastodon({ tag, statuses }) {
  const requests = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    requests.push({ path: url.pathname, query: Object.fromEntries(url.searchParams) });
    const headers = {
      'content-type': 'application/json; charset=utf-8',
      'x-ratelimit-limit': '300',
      'x-ratelimit-remaining': '299',
      'x-ratelimit-reset': new Date(Date.now() + 300_000).toISOString(),
    };
    if (url.pathname.toLowerCase() !== `/api/v1/timelines/tag/${tag}`.toLowerCase()) {
      res.writeHead(404, headers);
      res.end(JSON.stringify({ error: 'Record not found' }));
      return;
    }
    const cmp = (a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
    const min = url.searchParams.get('min_id');
    const max = url.searchParams.get('max_id');
    const limit = Math.min(40, Number(url.searchParams.get('limit') ?? '20'));
    let list = statuses.filter((s) => (!min || cmp(s.id, min) > 0) && (!max || cmp(s.id, max) < 0));
    // With min_id Mastodon returns the `limit` items right after it, still newest first.
    list = min ? list.slice(-limit) : list.slice(0, limit);
    res.writeHead(200, headers);
    res.end(JSON.stringify(list));
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, requests, close: closer(server) };
}
