import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/**
 * ffmpeg as a child process: an argument array (never a shell), a time
 * limit, a lower CPU priority than the web server, and at most `concurrency`
 * at once (the rest wait their turn). The binary is FFMPEG_PATH, else the
 * static build that the `@ffmpeg-installer/linux-x64` package ships — so a
 * fresh machine transcodes without any system package.
 */

export class FfmpegError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'FfmpegError';
  }
}

export interface FfmpegSettings {
  /** The binary; undefined: the npm package's. */
  path: string | undefined;
  concurrency: number;
  timeoutMs: number;
}

/** The npm package's static ffmpeg, made executable (npm here does not run its postinstall step that does it). */
export function packagedFfmpeg(): string {
  const require = createRequire(__filename);
  const binary = path.join(path.dirname(require.resolve('@ffmpeg-installer/linux-x64/package.json')), 'ffmpeg');
  try {
    fs.accessSync(binary, fs.constants.X_OK);
  } catch {
    fs.chmodSync(binary, 0o755);
  }
  return binary;
}

export class Ffmpeg {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** How many ffmpeg processes this runner has started (tests check that work is not repeated). */
  runs = 0;

  constructor(private readonly settings: FfmpegSettings) {}

  private checked: { at: number; ok: Promise<boolean> } | undefined;

  /** Whether the binary runs at all (`-version`), remembered for a minute: a missing or broken ffmpeg is told at once, not after retries. */
  available(): Promise<boolean> {
    const now = Date.now();
    if (!this.checked || now - this.checked.at > 60_000) {
      this.checked = {
        at: now,
        ok: new Promise((resolve) => {
          let binary: string;
          try {
            binary = this.binary;
          } catch {
            return resolve(false);
          }
          const child = spawn(binary, ['-version'], { stdio: 'ignore' });
          const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          child.once('error', () => (clearTimeout(timer), resolve(false)));
          child.once('close', (code) => (clearTimeout(timer), resolve(code === 0)));
        }),
      };
    }
    return this.checked.ok;
  }

  get binary(): string {
    return this.settings.path ?? packagedFfmpeg();
  }

  /**
   * Runs ffmpeg with `args`; rejects with its last error lines when it fails,
   * times out or cannot start. With `onStdout`, what it writes to its
   * standard output (`pipe:1`) is handed over as it comes.
   */
  async run(args: string[], onStdout?: (chunk: Buffer) => void): Promise<void> {
    await this.slot();
    try {
      this.runs++;
      await this.spawn(args, onStdout);
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  private async slot(): Promise<void> {
    if (this.running < Math.max(1, this.settings.concurrency)) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
  }

  private spawn(args: string[], onStdout?: (chunk: Buffer) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      let binary: string;
      try {
        binary = this.binary;
      } catch (err) {
        return reject(new FfmpegError(`no ffmpeg: ${(err as Error).message}`, ''));
      }
      // -timelimit: ffmpeg stops itself too, should this process die without killing it (SIGKILL leaves children running).
      const limit = String(Math.ceil(this.settings.timeoutMs / 1000));
      const child = spawn(binary, ['-hide_banner', '-nostdin', '-v', 'error', '-timelimit', limit, ...args], {
        stdio: ['ignore', onStdout ? 'pipe' : 'ignore', 'pipe'],
      });
      if (onStdout) child.stdout!.on('data', onStdout);
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString('utf8')).slice(-4000);
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), this.settings.timeoutMs);
      child.once('spawn', () => {
        try {
          if (child.pid) os.setPriority(child.pid, 10);
        } catch {
          // Not allowed to lower it here: it runs at normal priority.
        }
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(new FfmpegError(`ffmpeg could not start (${binary}): ${err.message}`, stderr));
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else if (signal === 'SIGKILL') reject(new FfmpegError(`ffmpeg ran over ${this.settings.timeoutMs} ms and was stopped`, stderr));
        else
          reject(
            new FfmpegError(`ffmpeg failed (${signal ?? `exit ${code}`}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`, stderr),
          );
      });
    });
  }
}
