// A fake X API v2 on 127.0.0.1 (random port) for the end-to-end tests:
// recent search with a bearer token, X's response shape (data, includes.users,
// meta with newest_id / result_count), entity-escaped text, its rate-limit
// headers, and a 401 problem+json body when the token is not the accepted one.

import { createServer } from 'node:http';

/** Posts the fake X holds, newest first. `marker` is a phrase unique to each. */
export function xPosts(now = new Date()) {
  const ago = (m) => new Date(now.getTime() - m * 60_000).toISOString().replace(/Z$/, '').replace(/(\.\d{3})?$/, '.000Z');
  return [
    {
      id: '1862000000000000002',
      author_id: '9001',
      marker: 'Wobbleton',
      // X sends text entity-escaped: the owner must read "&" and "<3".
      text: 'Pedal &amp; Pine sorted my Wobbleton commuter in a day &lt;3',
      created_at: ago(3),
    },
    {
      id: '1862000000000000001',
      author_id: '9002',
      marker: 'Grindlecombe',
      text: 'Three weeks waiting on Pedal &amp; Pine for a Grindlecombe wheel. No reply. Never again.',
      created_at: ago(8),
    },
  ];
}

const USERS = [
  { id: '9001', username: 'wobbleton_rides', name: 'Sam from Wobbleton' },
  { id: '9002', username: 'grindle_g', name: 'G. Grindle' },
];

/**
 * Start the server. `token` is the bearer token it accepts; change it with
 * `server.acceptToken(t)` to simulate a revoked token. `requests` records
 * each request's path, query and whether its token was accepted.
 */
export async function startXServer({ token }) {
  let accepted = token;
  const posts = xPosts();
  const requests = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const auth = req.headers.authorization ?? '';
    const ok = auth === `Bearer ${accepted}`;
    const seen = { path: url.pathname, query: Object.fromEntries(url.searchParams), ok, returned: 0, profiles: 0 };
    requests.push(seen);
    const reset = String(Math.floor(Date.now() / 1000) + 900);
    const headers = {
      'x-rate-limit-limit': '450',
      'x-rate-limit-remaining': '449',
      'x-rate-limit-reset': reset,
    };
    if (!ok) {
      res.writeHead(401, { ...headers, 'content-type': 'application/problem+json' });
      res.end(
        JSON.stringify({
          title: 'Unauthorized',
          type: 'about:blank',
          status: 401,
          detail: 'Unauthorized',
        }),
      );
      return;
    }
    if (url.pathname !== '/2/tweets/search/recent') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ title: 'Not Found Error', status: 404, detail: 'no such endpoint' }));
      return;
    }
    const since = url.searchParams.get('since_id');
    const max = Number(url.searchParams.get('max_results') ?? '10');
    const newer = posts.filter((p) => !since || BigInt(p.id) > BigInt(since)).slice(0, max);
    seen.returned = newer.length;
    seen.profiles = USERS.filter((u) => newer.some((p) => p.author_id === u.id)).length;
    const body =
      newer.length === 0
        ? { meta: { result_count: 0 } }
        : {
            data: newer.map(({ id, author_id, text, created_at }) => ({ id, author_id, text, created_at, lang: 'en', edit_history_tweet_ids: [id] })),
            includes: { users: USERS.filter((u) => newer.some((p) => p.author_id === u.id)) },
            meta: { newest_id: newer[0].id, oldest_id: newer[newer.length - 1].id, result_count: newer.length },
          };
    res.writeHead(200, { ...headers, 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    posts,
    requests,
    acceptToken(t) {
      accepted = t;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
