import fs from 'node:fs';
import { PassThrough, type Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { StorageUnavailable } from '../../lib/errors';
import { assertKey, isStorageKey, type PresignedGet, type Storage, type StoredObject } from './storage';

export interface S3Settings {
  bucket: string;
  region: string;
  /** For S3-compatible services (MinIO, Ceph, R2…); unset for AWS. */
  endpoint?: string;
  forcePathStyle: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Prepended to every key, e.g. "song-nexus/". */
  prefix: string;
  /** How long a read (GET, HEAD) may wait for the server's answer to begin, in ms; then 503 storage_unavailable. */
  responseTimeoutMs?: number;
}

/** How long connecting to the object store, and any wait for its next bytes, may take. */
const S3_CONNECT_TIMEOUT_MS = 3_000;
const S3_IDLE_TIMEOUT_MS = 10_000;

const S3_RESPONSE_TIMEOUT_MS = 800;

const isNotFound = (err: unknown) => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
};

/** A missing object as the Storage contract reports it (ENOENT). */
const noSuchObject = (key: string) => Object.assign(new Error(`no such object: ${key}`), { code: 'ENOENT' });

/** What a failed read means: the object is not there, the store is out (no answer, or a 5xx), or an error of ours. */
function readFailure(err: unknown, key: string, timedOut: boolean, timeoutMs: number): Error {
  if (isNotFound(err)) return noSuchObject(key);
  if (timedOut) return new StorageUnavailable(`the object store did not answer within ${timeoutMs} ms`, { cause: err });
  const status = (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  if (status === undefined || status >= 500)
    return new StorageUnavailable(`the object store failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  return err as Error;
}

/**
 * Objects in an S3-compatible bucket, so several app servers share the same
 * audio. Ranged reads are S3 ranged GETs streamed through; a PUT is atomic
 * for readers, as the Storage contract asks.
 */
export class S3Storage implements Storage {
  private readonly client: S3Client;

  async close(): Promise<void> {
    this.client.destroy();
  }

  constructor(private readonly settings: S3Settings) {
    const config: S3ClientConfig = {
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      // Checksums only where S3 requires them: the SDK's default sends
      // streamed bodies aws-chunked with trailing checksums, which many
      // S3-compatible servers store verbatim instead of decoding.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // A frozen server must not hold a request for ever: connecting and each wait for data are bounded
      // (a long download keeps going as long as bytes keep coming).
      requestHandler: { connectionTimeout: S3_CONNECT_TIMEOUT_MS, requestTimeout: S3_IDLE_TIMEOUT_MS },
      maxAttempts: 2,
    };
    if (settings.endpoint) config.endpoint = settings.endpoint;
    if (settings.accessKeyId && settings.secretAccessKey) {
      config.credentials = { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey };
    }
    this.client = new S3Client(config);
  }

  private key(key: string): string {
    assertKey(key);
    return `${this.settings.prefix}${key}`;
  }

  /**
   * Sends a read, giving up when the server's answer has not begun within
   * responseTimeoutMs (a frozen server accepts the connection and says
   * nothing). The bound ends once the answer begins: a long body streams on,
   * bounded by the handler's idle timeout. `outer` aborts it too (the
   * listener went away).
   */
  private async read<Output>(send: (signal: AbortSignal) => Promise<Output>, key: string, outer?: AbortSignal): Promise<Output> {
    const timeoutMs = this.settings.responseTimeoutMs ?? S3_RESPONSE_TIMEOUT_MS;
    const abort = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, timeoutMs);
    const forward = () => abort.abort();
    outer?.addEventListener('abort', forward, { once: true });
    try {
      return await send(abort.signal);
    } catch (err) {
      throw outer?.aborted ? err : readFailure(err, key, timedOut, timeoutMs);
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', forward);
    }
  }

  async put(key: string, data: Buffer): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.settings.bucket, Key: this.key(key), Body: data, ContentLength: data.length }),
    );
  }

  async putFile(key: string, sourcePath: string): Promise<void> {
    const { size } = await fs.promises.stat(sourcePath);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.settings.bucket,
        Key: this.key(key),
        Body: fs.createReadStream(sourcePath),
        ContentLength: size,
      }),
    );
    await fs.promises.rm(sourcePath, { force: true });
  }

  createReadStream(key: string, range?: { start: number; end: number }, options: { pieceBytes?: number } = {}): Readable {
    const out = new PassThrough({ highWaterMark: options.pieceBytes });
    const command = new GetObjectCommand({
      Bucket: this.settings.bucket,
      Key: this.key(key),
      ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
    });
    // The body streams through with backpressure; destroying `out` aborts the GET.
    const abort = new AbortController();
    out.once('close', () => abort.abort());
    this.read((signal) => this.client.send(command, { abortSignal: signal }), key, abort.signal).then(
      (res) => {
        const body = res.Body as Readable;
        body.once('error', (err) => out.destroy(err));
        body.pipe(out);
      },
      (err: unknown) => out.destroy(err as Error),
    );
    return out;
  }

  async readRange(key: string, range: { start: number; end: number }): Promise<Buffer> {
    const command = new GetObjectCommand({ Bucket: this.settings.bucket, Key: this.key(key), Range: `bytes=${range.start}-${range.end}` });
    const res = await this.read((signal) => this.client.send(command, { abortSignal: signal }), key);
    const bytes = Buffer.from(await res.Body!.transformToByteArray());
    const length = range.end - range.start + 1;
    if (bytes.length === length) return bytes;
    // Some S3-compatible servers send more than was asked (s3rver turns "0-0" into the whole object): cut it to the range.
    const from = Number(/^bytes (\d+)-/.exec(res.ContentRange ?? '')?.[1] ?? 0);
    return bytes.subarray(range.start - from, range.start - from + length);
  }

  async size(key: string): Promise<number> {
    const command = new HeadObjectCommand({ Bucket: this.settings.bucket, Key: this.key(key) });
    const head = await this.read((signal) => this.client.send(command, { abortSignal: signal }), key);
    return head.ContentLength ?? 0;
  }

  async check(): Promise<void> {
    const command = new HeadBucketCommand({ Bucket: this.settings.bucket });
    await this.read((signal) => this.client.send(command, { abortSignal: signal }), '(the bucket)');
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.size(key);
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return false;
      throw err;
    }
  }

  async *list(folder: string): AsyncIterable<StoredObject> {
    const prefix = `${this.settings.prefix}${folder}/`;
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.settings.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const item of page.Contents ?? []) {
        const key = item.Key?.slice(this.settings.prefix.length);
        if (key && isStorageKey(key)) yield { key, sizeBytes: item.Size ?? 0, modifiedAt: item.LastModified ?? new Date(0) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** Signed here, with no request to the bucket: the bucket checks the signature and the expiry when the URL is used. */
  presignedGet(key: string, options: PresignedGet): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.settings.bucket,
      Key: this.key(key),
      ResponseContentType: options.contentType,
      ResponseContentDisposition: options.contentDisposition,
      ResponseCacheControl: options.cacheControl,
    });
    return getSignedUrl(this.client, command, { expiresIn: options.expiresInSeconds, signingDate: options.signedAt });
  }

  async remove(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.key(key) }));
  }
}
