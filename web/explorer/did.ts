/**
 * `#/did/<did>`: a DID resolved like a light client. did:rdid through the node's resolver
 * (`/1.0/identifiers/<did>`), its answer accepted only when the checkpoint of its ledger proof
 * verifies and its state proofs establish exactly the returned document and metadata (the SDK's
 * `verifyRdidResolution`; a proven absence is an answer too). did:key is resolved in this
 * browser from the key itself, with no request.
 */
import { proofOf, resolveDidKeyLocally, verifyRdidResolution } from '../../src/sdk/index.ts';
import { ApiError } from '../shared/api.ts';
import { check, failedCheck } from '../shared/checks.ts';
import { facts, h, type Child } from '../shared/dom.ts';
import { abbreviate, didRoute, jsonBlock, link, text } from './format.ts';
import { errorView, pageHeading, section, verdictOf, type View } from './ui.ts';
import { Verifier, type When } from './verifier.ts';
import { t } from './words.ts';

type Result = Parameters<typeof verifyRdidResolution>[2];
type Document = ReturnType<typeof resolveDidKeyLocally>['didDocument'];

const NOT_FOUND = 'https://www.w3.org/ns/did#NOT_FOUND';

/** The DID page. @throws ApiError when the resolver cannot be reached */
export async function didPage(view: View, arg: string): Promise<Child> {
  const did = decodeURIComponent(arg);
  const v = new Verifier();
  const heading = pageHeading(t('did.title'), ' ', h('code', { class: 'mono' }, did));
  if (did.startsWith('did:key:')) {
    let doc: Document | undefined;
    v.checks.push(
      await check(t('check.didKey', { did: abbreviate(did, 12) }), () => {
        doc = resolveDidKeyLocally(did).didDocument;
      }),
    );
    return [
      heading,
      h('p', null, t('did.keyNote')),
      doc === undefined ? null : documentView(doc, {}),
      verdictOf(v),
    ];
  }
  view.progress(t('progress.did'));
  const when = v.head(); // the resolution is of the DID as it is now: no rollback
  const { status, body } = await resolve(did);
  const metadata = body?.didResolutionMetadata;
  const proven =
    status === 200 ||
    status === 410 ||
    (status === 404 && metadata?.error?.type === NOT_FOUND && metadata.proof !== undefined);
  if (body === undefined || !proven) {
    const e = metadata?.error;
    const code = typeof e?.code === 'string' ? e.code : `HTTP_${status}`;
    return [
      heading,
      errorView(new ApiError(status, code, text(e?.detail) || text(e?.title) || `HTTP ${status}`)),
    ];
  }
  return [heading, ...(await verified(v, when, did, body)), verdictOf(v)];
}

/** Checks the answer's ledger proof and shows what it established. */
async function verified(v: Verifier, when: When, did: string, body: Result): Promise<Child[]> {
  let proof: ReturnType<typeof proofOf>;
  try {
    proof = proofOf(body.didResolutionMetadata);
  } catch (err) {
    v.checks.push(failedCheck(t('check.didProof'), err));
    return [];
  }
  const accepted = await v.accepted(proof.checkpoint, when);
  const { checkpoint } = accepted;
  const keys = proof.stateProofs.map((p) => p.key).join(', ');
  const { height, stateRoot } = checkpoint;
  let absent = false;
  const c = await check(t('check.did', { keys, root: abbreviate(stateRoot), height }), () => {
    try {
      verifyRdidResolution(did, {}, body, checkpoint);
    } catch (err) {
      if ((err as { code?: string }).code !== 'ERR_DID_NOT_FOUND') throw err;
      absent = true; // proven: the state proof shows no record under the DID's key
    }
  });
  v.checks.push(c);
  const ok = c.ok && accepted.ok;
  if (absent && ok)
    return [h('p', { class: 'panel', 'data-did': 'absent' }, t('did.absent', { height }))];
  if (absent) return [h('p', { class: 'error' }, t('did.absentUnverified'))];
  const doc = body.didDocument;
  return [
    ok ? null : h('p', { class: 'error' }, t('did.unverified')),
    doc === null || doc === undefined ? null : documentView(doc, body.didDocumentMetadata ?? {}),
  ];
}

/** The document, its metadata, and each key as a did:key (resolvable in this browser). */
function documentView(doc: object, metadata: Record<string, unknown>): HTMLElement {
  const methods = ((doc as { verificationMethod?: unknown }).verificationMethod ?? []) as {
    id: string;
    publicKeyMultibase?: string;
  }[];
  return section(
    'did-document',
    t('did.document'),
    facts([
      [t('field.status'), metadata.deactivated === true ? t('did.deactivated') : t('did.active')],
      [t('field.version'), text(metadata.versionId) || '—'],
      [t('field.created'), text(metadata.created) || '—'],
      [t('field.updated'), text(metadata.updated) || '—'],
    ]),
    h('h4', null, t('did.keys')),
    h(
      'ul',
      { class: 'plain' },
      methods.map((m) =>
        h(
          'li',
          null,
          h('code', { class: 'mono' }, m.id),
          m.publicKeyMultibase === undefined
            ? null
            : [' → ', link(didRoute(`did:key:${m.publicKeyMultibase}`), t('did.asKey'))],
        ),
      ),
    ),
    h('h4', null, t('did.documentJson')),
    jsonBlock(doc, t('did.documentJson')),
    h('h4', null, t('did.metadata')),
    jsonBlock(metadata, t('did.metadata')),
  );
}

/** One resolver exchange: the status and the parsed body, whatever the status. */
async function resolve(did: string): Promise<{ status: number; body: Result | undefined }> {
  let res: Response;
  let text: string;
  try {
    res = await fetch(`/1.0/identifiers/${encodeURIComponent(did)}`, {
      headers: { accept: 'application/did-resolution' },
      credentials: 'same-origin',
    });
    text = await res.text();
  } catch (err) {
    throw new ApiError(0, 'ERR_SDK_HTTP', err instanceof Error ? err.message : String(err));
  }
  try {
    return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as Result) };
  } catch (err) {
    throw new ApiError(res.status, 'ERR_SDK_BAD_RESPONSE', `not JSON: ${String(err)}`);
  }
}
