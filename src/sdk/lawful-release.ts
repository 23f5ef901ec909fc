/**
 * The requester's side of a lawful release: the pairwise DID goes to the identity authority with
 * a key made for this one release; the answer is decrypted and checked against the outcome the
 * authority committed on the ledger.
 */
import { decryptCompactJwe, generateX25519, sha256, toHex, utf8 } from '../crypto/index.ts';
import { signRequest } from '../did/index.ts';
import { AppError } from '../errors.ts';
import type { RealdidClient } from './client.ts';
import type { RequestKey } from './identity.ts';
import { lawfulRequest, type LawfulRequestRecord, type Proven } from './lawful.ts';

/** What the authority releases: the person behind the pseudonym, encrypted to the requester. */
export interface ReleasedIdentity {
  readonly familyName: string;
  readonly givenName: string;
  readonly idNumber: string;
  readonly birthdate: string;
  readonly nationality: string;
  readonly region: string;
  readonly masterDid: string;
}

/** What a release gives the requester. */
export interface LawfulRelease {
  readonly result: 'released' | 'not-found';
  /** The person (only when released). */
  readonly identity?: ReleasedIdentity;
  /** The compact JWE the authority sent; its SHA-256 is the outcome's `releaseHash` on the ledger. */
  readonly jwe: string;
  readonly outcomeTx: { readonly id: string; readonly height: number };
  /** The request after the outcome, proven. */
  readonly request: Proven<LawfulRequestRecord>;
}

/**
 * Obtains an approved request's identity from the authority (the client's node must serve it):
 * sends the pairwise DID and a fresh X25519 key in a request signed by the requester, decrypts the
 * answer and checks that the ledger's outcome commits to exactly what was received.
 * @throws ERR_IDENTITY_LAWFUL_NOT_APPROVED, ERR_IDENTITY_LAWFUL_CLOSED,
 *   ERR_IDENTITY_LAWFUL_SUBJECT_MISMATCH, ERR_IDENTITY_LAWFUL_UNKNOWN, ERR_DID_AUTH_*,
 *   ERR_SDK_BAD_RESPONSE when the answer does not decrypt or does not match the ledger
 */
export async function releaseLawful(
  client: RealdidClient,
  requester: RequestKey,
  id: string,
  pairwiseDid: string,
): Promise<LawfulRelease> {
  const before = await lawfulRequest(client, id);
  const key = generateX25519();
  const envelope = signRequest(
    'identity.lawful-release',
    before.value.authority,
    { request: id, pairwiseDid, encryptionKey: { ...key.publicJwk } },
    requester,
  );
  const answer = await client.request<{
    result: 'released' | 'not-found';
    jwe: string;
    outcomeTx: { id: string; height: number };
  }>('POST', '/v1/identity/lawful-releases', envelope);
  const bad = (why: string): never => {
    throw new AppError('ERR_SDK_BAD_RESPONSE', `lawful release of ${id}: ${why}`);
  };
  const plain = decryptCompactJwe(answer.jwe, key);
  if (plain === undefined) bad('the answer does not decrypt with the key sent');
  let body: ReleasedIdentity & { result: string; requestId: string };
  try {
    body = JSON.parse(Buffer.from(plain!).toString('utf8')) as typeof body;
  } catch (err) {
    throw new AppError('ERR_SDK_BAD_RESPONSE', `lawful release of ${id}: the answer is not JSON`, {
      cause: err,
    });
  }
  if (body.requestId !== id || body.result !== answer.result)
    bad(`the encrypted answer is for ${body.requestId} (${body.result})`);
  const request = await lawfulRequest(client, id);
  const outcome = request.value.outcome;
  if (outcome?.releaseHash !== toHex(sha256(utf8(answer.jwe))) || outcome.result !== answer.result)
    bad('the outcome on the ledger does not commit to this answer');
  const identity: ReleasedIdentity | undefined =
    answer.result === 'released'
      ? {
          familyName: body.familyName,
          givenName: body.givenName,
          idNumber: body.idNumber,
          birthdate: body.birthdate,
          nationality: body.nationality,
          region: body.region,
          masterDid: body.masterDid,
        }
      : undefined;
  return {
    result: answer.result,
    ...(identity === undefined ? {} : { identity }),
    jwe: answer.jwe,
    outcomeTx: answer.outcomeTx,
    request,
  };
}
