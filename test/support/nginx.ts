import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
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

/** Where the shipped site's CHANGE lines point on this machine. */
export interface SiteOptions {
  appPort: number;
  uploadDir: string;
  accessLog: string;
  /** The port of the plain-http server (which only redirects to https). */
  httpPort: number;
  /** The port of the main server: https with this certificate, or plain http (benchmarks) without one. */
  mainPort: number;
  tls?: { cert: string; key: string };
}

/** The shipped site with only its CHANGE lines replaced (and TLS dropped when no certificate is given). */
export function renderSite(options: SiteOptions): string {
  let site = fs
    .readFileSync(SITE_FILE, 'utf8')
    .replace(/server 127\.0\.0\.1:3000;/, `server 127.0.0.1:${options.appPort};`)
    .replace(/^\s*listen \[::\].*$/gm, '')
    .replace(/listen 80;/, `listen 127.0.0.1:${options.httpPort};`)
    .replace(/alias \/var\/lib\/song-nexus\/uploads\/;/g, `alias ${options.uploadDir}/;`)
    .replace(/access_log \S+ song_nexus;/, `access_log ${options.accessLog} song_nexus;`);
  if (options.tls) {
    site = site
      .replace(/listen 443 ssl http2;/, `listen 127.0.0.1:${options.mainPort} ssl http2;`)
      .replace(/ssl_certificate +\S+;/, `ssl_certificate ${options.tls.cert};`)
      .replace(/ssl_certificate_key +\S+;/, `ssl_certificate_key ${options.tls.key};`);
  } else {
    site = site.replace(/listen 443 ssl http2;/, `listen 127.0.0.1:${options.mainPort};`).replace(/^\s*ssl_.*$/gm, '');
  }
  if (site.includes('/var/lib/song-nexus') || site.includes('letsencrypt')) throw new Error('a CHANGE line of the site was not replaced');
  return site;
}

/**
 * nginx running `servers` (server blocks, the site) under `dir`, its
 * configuration checked first, stopped with SIGQUIT (connections drained).
 */
export async function startNginx(dir: string, servers: string, probeUrl: string): Promise<{ pid: number; stop(): Promise<void> }> {
  const conf = path.join(dir, 'nginx.conf');
  // As root the workers would switch to nobody, who cannot read a test's private temporary folder.
  fs.writeFileSync(
    conf,
    `daemon off; worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log warn;
${process.getuid?.() === 0 ? 'user root;' : ''}
events { worker_connections 4096; }
http {
  include /etc/nginx/mime.types;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
${servers}
}
`,
  );
  execFileSync(NGINX, ['-t', '-q', '-c', conf, '-p', dir], { stdio: 'pipe' });
  const child = spawn(NGINX, ['-c', conf, '-p', dir], { stdio: 'ignore' });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGQUIT');
    });
  try {
    await until(async () => (await siteRequest(probeUrl).catch(() => undefined)) !== undefined, 'nginx to listen');
  } catch (err) {
    await stop();
    throw err;
  }
  return { pid: child.pid!, stop };
}

/** The shipped site over TLS (a self-signed certificate made here) in front of the app on `appPort`. */
export async function startNginxSite(dir: string, options: { appPort: number; uploadDir: string }): Promise<RunningNginx> {
  const [mainPort, httpPort] = [await freePort(), await freePort()];
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', key, '-out', cert],
    {
      stdio: 'ignore',
    },
  );
  const accessLog = path.join(dir, 'access.log');
  const site = renderSite({ ...options, accessLog, httpPort, mainPort, tls: { cert, key } });
  const base = `https://127.0.0.1:${mainPort}`;
  const nginx = await startNginx(dir, site, `${base}/healthz`);
  return { base, httpPort, accessLog, stop: nginx.stop };
}

export interface HttpsReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One request to the site, http or https (the test certificate is self-signed: not verified here). */
export function siteRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<HttpsReply> {
  return new Promise((resolve, reject) => {
    const client = url.startsWith('https:') ? https : http;
    const req = client.request(url, { method: options.method ?? 'GET', headers: options.headers, rejectUnauthorized: false }, (res) => {
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
