import fc from 'fast-check';
import type { RegisterRequest } from '../index.js';
import { systemInfoArbitrary } from './hardware-arbitraries.js';
import { hexText } from './unicode-text.js';

/** Hardware fingerprints as agents compute them: a prefixed or bare SHA-256 hex digest, or base64 of one. */
const fingerprintArbitrary: fc.Arbitrary<string> = fc.oneof(
  hexText(64).map((h) => `sha256:${h}`),
  hexText(64),
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes).toString('base64')),
  // The contract's minimum: 16 characters, so a fingerprint is never guessable (limits.fingerprintMin).
  hexText(16),
);

/** A valid registration request (REG-1): a fingerprint, the hostname and, usually, the agent version and platform. */
export function registerRequestArbitrary(): fc.Arbitrary<RegisterRequest> {
  return fc
    .record(
      {
        hardware_fingerprint: fingerprintArbitrary,
        system: systemInfoArbitrary(false),
        agent_version: fc.constantFrom('1.0.0', '1.1.0', '1.2.3-beta.1+build.42', '2.0.0'),
        withPlatform: fc.boolean(),
      },
      { requiredKeys: ['hardware_fingerprint', 'system', 'withPlatform'], noNullPrototype: true },
    )
    .map(({ hardware_fingerprint, system, agent_version, withPlatform }) => {
      const request: RegisterRequest = { hardware_fingerprint, hostname: system.hostname };
      if (agent_version !== undefined) request.agent_version = agent_version;
      if (withPlatform) request.platform = system.platform;
      return request;
    });
}
