import express from 'express';

/**
 * The stream benchmark's Node baseline, in a process of its own: a bare
 * express.static over the upload folder (no access check, no headers of
 * ours), the least a Node server could do to send a file's ranges.
 * Usage: tsx bench/lib/static-server.ts <folder> <port>
 */
const [folder, port] = process.argv.slice(2);
const app = express();
app.use(express.static(folder!));
app.listen(Number(port), '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => process.exit(0));
