import { createHash } from 'node:crypto';

/** A fingerprint for a secret shown in a message: equal for equal codes, and reveals nothing in a log. */
export function secretFingerprint(kind: string, secret: string): string {
  return `${kind}:${createHash('sha256').update(secret).digest('hex').slice(0, 16)}`;
}
