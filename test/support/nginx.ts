import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { projectRoot } from '../../lib/paths';
import { toolAvailable } from './require-tool';
import { freePort } from './server-process';
import { until } from './until';

export const NGINX = '/usr/sbin/nginx';
export const haveNginx = () => toolAvailable(NGINX, 'apt-get install nginx');

/** The site operators install (deploy/nginx/song-nexus.conf), as shipped. */
export const SITE_FILE = path.join(projectRoot, 'deploy', 'nginx', 'song-nexus.conf');

export interface RunningNginx {
  /** https://127.0.0.1:<port> */
  base: string;
  httpPort: number;
  accessLog: string;
  stop(): Promise<void>;
}

/**
 * The shipped nginx site run by Debian's nginx, with only its CHANGE lines
 * replaced: this machine's ports, the app server, a self-signed certificate,
 * the upload folder and a log file under `dir`.
 */
export async function startNginxSite(dir: string, options: { appPort: number; uploadDir: string }): Promise<RunningNginx> {
  const [httpsPort, httpPort] = [await freePort(), await freePort()];
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', key, '-out', cert], {
    stdio: 'ignore',
  });
  const accessLog = path.join(dir, 'access.log');
  const site = fs
    .readFileSync(SITE_FILE, 'utf8')
    .replace(/server 127\.0\.0\.1:3000;/, `server 127.0.0.1:${options.appPort};`)
    .replace(/^\s*listen \[::\].*$/gm, '')
    .replace(/listen 80;/, `listen 127.0.0.1:${httpPort};`)
    .replace(/listen 443 ssl http2;/, `listen 127.0.0.1:${httpsPort} ssl http2;`)
    .replace(/ssl_certificate +\S+;/, `ssl_certificate ${cert};`)
    .replace(/ssl_certificate_key +\S+;/, `ssl_certificate_key ${key};`)
    .replace(/alias \/var\/lib\/song-nexus\/uploads\/;/g, `alias ${options.uploadDir}/;`)
    .replace(/access_log \S+ song_nexus;/, `access_log ${accessLog} song_nexus;`);
  if (site.includes('/var/lib/song-nexus') || site.includes('letsencrypt')) throw new Error('a CHANGE line of the site was not replaced');
  const conf = path.join(dir, 'nginx.conf');
  // As root the workers would switch to nobody, who cannot read a test's private temporary folder.
  fs.writeFileSync(
    conf,
    `daemon off; worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log warn;
${process.getuid?.() === 0 ? 'user root;' : ''}
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
${site}
}
`,
  );
  execFileSync(NGINX, ['-t', '-q', '-c', conf, '-p', dir], { stdio: 'pipe' });
  const child = spawn(NGINX, ['-c', conf, '-p', dir], { stdio: 'ignore' });
  const base = `https://127.0.0.1:${httpsPort}`;
  await until(async () => (await httpsRequest(`${base}/healthz`).catch(() => undefined)) !== undefined, 'nginx to listen');
  return {
    base,
    httpPort,
    accessLog,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGQUIT');
      }),
  };
}

export interface HttpsReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One request to the test site (its certificate is self-signed: not verified here). */
export function httpsRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<HttpsReply> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: options.method ?? 'GET', headers: options.headers, rejectUnauthorized: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`${url}: no answer in 30 s`)));
    req.on('error', reject);
    req.end(options.body);
  });
}
