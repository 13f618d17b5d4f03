import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../lib/paths';
import { parseConfig } from '../../server/config';

/**
 * What an operator copies from deploy/ must fit this code: the settings
 * example is a valid production configuration, and every command the unit
 * and the crontab run exists. (The nginx site runs under Debian's nginx in
 * test/integration/delivery.test.ts.)
 */

const read = (file: string) => fs.readFileSync(path.join(projectRoot, 'deploy', file), 'utf8');

/** KEY=value lines of an environment file, as systemd's EnvironmentFile and `set -a; .` read them. */
function environmentFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) env[match[1]!] = match[2]!;
  }
  return env;
}

describe('deploy files', () => {
  it('ships a settings example that is a complete production configuration, delivered by the nginx site', () => {
    const env = environmentFile(read('song-nexus.env.example'));
    const config = parseConfig(env);
    expect(config).toMatchObject({ isProduction: true, trustProxy: 'loopback', delivery: { mode: 'nginx' } });
    // The site's alias and the app's UPLOAD_DIR are the same folder.
    expect(read('nginx/song-nexus.conf')).toContain(`alias ${env.UPLOAD_DIR}/;`);
    expect(read('nginx/song-nexus.conf')).toContain(`location ${config.delivery.nginxLocation} {`);
    expect(read('nginx/song-nexus.conf')).toContain(`server 127.0.0.1:${config.port};`);
  });

  it('runs the built server under systemd with its settings file, and does not restart a bad configuration', () => {
    const unit = read('systemd/song-nexus.service');
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/node dist\/server\/index\.js$/m);
    expect(fs.existsSync(path.join(projectRoot, 'server', 'index.ts'))).toBe(true);
    expect(unit).toMatch(/^EnvironmentFile=\/etc\/song-nexus\/song-nexus\.env$/m);
    // loadConfig exits 78 (EX_CONFIG) on a bad configuration.
    expect(unit).toMatch(/^RestartPreventExitStatus=78$/m);
    expect(unit).toMatch(/^ReadWritePaths=\/var\/lib\/song-nexus$/m);
  });

  it('schedules only scripts that exist, with the same settings file, and backups private', () => {
    const cron = read('cron/song-nexus');
    const jobs = cron.split('\n').filter((line) => /^[\d*]/.test(line));
    expect(jobs.length).toBeGreaterThanOrEqual(5);
    for (const job of jobs) {
      expect(job).toContain('. /etc/song-nexus/song-nexus.env');
      const script = /(?:bash scripts\/([\w-]+\.sh)|node dist\/scripts\/([\w-]+)\.js)$/.exec(job);
      expect(script).not.toBeNull();
      const source = script![1] ? path.join('scripts', script![1]) : path.join('scripts', `${script![2]}.ts`);
      expect(fs.existsSync(path.join(projectRoot, source))).toBe(true);
      if (job.includes('backup')) expect(job).toContain('umask 077');
    }
  });
});
