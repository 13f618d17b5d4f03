import crypto from 'node:crypto';

/**
 * A software WebAuthn authenticator for server-side tests: real P-256 keys,
 * CBOR attestation objects ("none" format) and ECDSA assertions, with every
 * flag and the signature counter under the test's control. It stands in for
 * a hardware authenticator where a browser would refuse to misbehave (the
 * browser tests use Chromium's virtual authenticator instead).
 */

// Minimal CBOR (RFC 8949) encoding: unsigned/negative integers, byte and text strings, maps.
type Cbor = number | string | Buffer | Map<Cbor, Cbor>;
function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 256) return Buffer.from([(major << 5) | 24, n]);
  if (n < 65536) return Buffer.from([(major << 5) | 25, n >> 8, n & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(n, 1);
  return b;
}
function cbor(value: Cbor): Buffer {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (Buffer.isBuffer(value)) return Buffer.concat([head(2, value.length), value]);
  const parts = [head(5, value.size)];
  for (const [k, v] of value) parts.push(cbor(k), cbor(v));
  return Buffer.concat(parts);
}

const sha256 = (data: Buffer | string) => crypto.createHash('sha256').update(data).digest();
const b64url = (b: Buffer) => b.toString('base64url');

export const FLAG_UP = 0x01;
export const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

export class SoftAuthenticator {
  readonly credentialId = crypto.randomBytes(32);
  private readonly keys = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  signCount = 0;
  userHandle: string | undefined;

  constructor(
    private readonly rpId: string,
    private readonly origin: string,
  ) {}

  private authData(flags: number, attested?: Buffer): Buffer {
    const count = Buffer.alloc(4);
    count.writeUInt32BE(this.signCount);
    return Buffer.concat([sha256(this.rpId), Buffer.from([flags]), count, ...(attested ? [attested] : [])]);
  }

  private clientData(type: string, challenge: string, origin = this.origin): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  /** A registration response to options from the server (as navigator.credentials.create would give). */
  register(options: { challenge: string; user: { id: string } }, flags = FLAG_UP | FLAG_UV) {
    this.userHandle = options.user.id;
    const jwk = this.keys.publicKey.export({ format: 'jwk' });
    const coseKey = new Map<Cbor, Cbor>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, Buffer.from(jwk.x!, 'base64url')],
      [-3, Buffer.from(jwk.y!, 'base64url')],
    ]);
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.credentialId.length);
    const attested = Buffer.concat([Buffer.alloc(16), idLength, this.credentialId, cbor(coseKey)]);
    const attestationObject = cbor(
      new Map<Cbor, Cbor>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', this.authData(flags | FLAG_AT, attested)],
      ]),
    );
    return this.credential({
      clientDataJSON: b64url(this.clientData('webauthn.create', options.challenge)),
      attestationObject: b64url(attestationObject),
      transports: ['internal'],
    });
  }

  /** The credential JSON a browser hands the page, around an authenticator response. */
  private credential<R>(response: R) {
    return {
      id: b64url(this.credentialId),
      rawId: b64url(this.credentialId),
      type: 'public-key' as const,
      clientExtensionResults: {},
      response,
    };
  }

  /** An assertion for `challenge`; by default the counter rises first, as a real authenticator's does. */
  assert(challenge: string, opts: { flags?: number; bumpCounter?: boolean; origin?: string; userHandle?: string | null } = {}) {
    if (opts.bumpCounter !== false) this.signCount++;
    const authenticatorData = this.authData(opts.flags ?? FLAG_UP | FLAG_UV);
    const clientDataJSON = this.clientData('webauthn.get', challenge, opts.origin);
    const signature = crypto.sign('sha256', Buffer.concat([authenticatorData, sha256(clientDataJSON)]), this.keys.privateKey);
    const userHandle = opts.userHandle === undefined ? this.userHandle : (opts.userHandle ?? undefined);
    return this.credential({
      clientDataJSON: b64url(clientDataJSON),
      authenticatorData: b64url(authenticatorData),
      signature: b64url(signature),
      ...(userHandle ? { userHandle } : {}),
    });
  }
}
