import http from 'node:http';

/**
 * The stream benchmark's ceiling for DELIVERY=nginx, in a process of its
 * own: an app that checks nothing and answers every request at once with
 * the X-Accel-Redirect the store would send (and headers of the same size),
 * behind the same nginx site. No app can do better behind nginx on this
 * machine; what separates the store from it is the store's own work.
 * Usage: tsx bench/lib/accel-ceiling.ts <storage key> <port>
 */
const [key, port] = process.argv.slice(2);
const headers = {
  'X-Accel-Redirect': `/_protected/${key}`,
  'Content-Type': 'audio/mpeg',
  ETag: `"a-${'0'.repeat(32)}"`,
  'Cache-Control': 'private, no-cache',
  'X-Play-Token': 'x'.repeat(120),
};
http
  .createServer((req, res) => {
    if (req.url === '/healthz') return void res.end('ok');
    res.writeHead(200, headers).end();
  })
  .listen(Number(port), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
