// A fake feed server on 127.0.0.1 (random port) serving an Atom feed shaped
// like a Google Alerts feed: entry ids, titles, <content type="html"> holding
// escaped HTML, published dates, and ETag / If-None-Match support. One entry
// is hostile: its title is markup that would run script if it were ever
// rendered as HTML.

import { createServer } from 'node:http';
import { createHash } from 'node:crypto';

/** The hostile title, exactly as the owner must see it. */
export const HOSTILE_TITLE = `<script>document.title='pwned'</script><img src=x onerror="document.title='pwned'">`;

/** XML-escape text for element content. */
const xml = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The entries, newest first. `marker` is a phrase that appears in both the
 * title and the content, so the test finds the entry whichever of the two the
 * app shows.
 */
export function feedEntries(now = new Date()) {
  const minutesAgo = (m) => new Date(now.getTime() - m * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return [
    {
      id: 'tag:google.com,2013:googlealerts/feed:11400000000000000001',
      marker: 'Quillfeather Lane',
      // Google Alerts titles and contents are HTML, escaped once more for XML.
      titleType: 'html',
      title: xml('<b>Pedal</b> Power on Quillfeather Lane fixed my puncture in ten minutes'),
      content: xml(
        'Took my bike to <b>Pedal</b> Power on Quillfeather Lane with a puncture and they had it fixed in ten minutes. Brilliant service &amp; friendly staff.',
      ),
      link: 'https://www.google.com/url?rct=j&sa=t&url=https://forum.example.org/t/quillfeather-lane-bikes&ct=ga',
      published: minutesAgo(5),
    },
    {
      id: 'tag:google.com,2013:googlealerts/feed:11400000000000000002',
      marker: 'Bramblewick Road',
      titleType: 'html',
      title: xml('Still waiting for my refund from <b>Pedal</b> Power, Bramblewick Road'),
      content: xml(
        'Three weeks and still waiting for my refund from <b>Pedal</b> Power on Bramblewick Road. No reply to two emails. Never again.',
      ),
      link: 'https://www.google.com/url?rct=j&sa=t&url=https://reviews.example.net/pedal-power-bramblewick-road&ct=ga',
      published: minutesAgo(7),
    },
    {
      id: 'tag:google.com,2013:googlealerts/feed:11400000000000000003',
      marker: "<script>document.title='pwned'</script>",
      // A plain-text title: its characters are the text, markup and all.
      titleType: 'text',
      title: xml(HOSTILE_TITLE),
      // In the HTML content, escaped so that the *text* is the hostile markup.
      content: xml(xml(HOSTILE_TITLE)),
      link: 'https://www.google.com/url?rct=j&sa=t&url=https://blog.example.com/hostile&ct=ga',
      published: minutesAgo(9),
    },
  ];
}

export function atomFeed(entries, selfUrl, now = new Date()) {
  const updated = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const body = entries
    .map(
      (e) => `<entry>
<id>${e.id}</id>
<title type="${e.titleType}">${e.title}</title>
<link href="${xml(e.link)}"/>
<published>${e.published}</published>
<updated>${e.published}</updated>
<content type="html">${e.content}</content>
<author><name></name></author>
</entry>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:idx="urn:atom-extension:indexing">
<id>tag:google.com,2005:reader/user/00000000000000000000/state/com.google/alerts/1140000000000000000</id>
<title>Google Alert - Pedal Power</title>
<link href="${xml(selfUrl)}" rel="self"/>
<updated>${updated}</updated>
${body}
</feed>
`;
}

/**
 * Start the server. Resolves to { url, requests, close() }; `requests` lists
 * every request seen ({ path, ifNoneMatch, status }).
 */
export async function startFeedServer() {
  const now = new Date();
  const entries = feedEntries(now);
  const requests = [];
  let feed = '';
  let etag = '';

  const server = createServer((req, res) => {
    const record = { path: req.url, ifNoneMatch: req.headers['if-none-match'] ?? null, status: 0 };
    requests.push(record);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      record.status = 405;
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (!req.url.startsWith('/alerts/feeds/')) {
      record.status = 404;
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>Not Found</body></html>');
      return;
    }
    if (record.ifNoneMatch && record.ifNoneMatch.split(/\s*,\s*/).includes(etag)) {
      record.status = 304;
      res.writeHead(304, { etag }).end();
      return;
    }
    record.status = 200;
    res.writeHead(200, {
      'content-type': 'application/atom+xml; charset=utf-8',
      etag,
      'cache-control': 'private, max-age=0',
    });
    res.end(req.method === 'HEAD' ? undefined : feed);
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  const url = `http://127.0.0.1:${port}/alerts/feeds/11400000000000000000/2000000000000000000`;
  feed = atomFeed(entries, url, now);
  etag = `"${createHash('sha256').update(feed).digest('hex').slice(0, 16)}"`;

  return {
    url,
    entries,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
