import type { Command } from 'commander';
import {
  authFragment,
  deriveMasterKey,
  methodsFor,
  parseVersionTime,
  planCreate,
  planDeactivate,
  planRecover,
  planRotate,
  planUpdate,
  recoveryCommitmentOf,
  type DidRecord,
  type Patch,
  type PlannedTx,
  type ResolveOptions,
} from '../../did/index.ts';
import { AppError, isAppError } from '../../errors.ts';
import { signTx, type SignedTxJson } from '../../ledger/index.ts';
import { RealdidClient, type Receipt } from '../../sdk/index.ts';
import { connect, nodeOptions, type NodeOpts } from '../connect.ts';
import { collect, output } from '../io.ts';
import { loadWallet, saveWalletState, walletPath, type UnlockedWallet } from '../wallet-file.ts';
import { fetchRecord, unlockWalletOpts, type WalletOpts } from './wallet.ts';

interface DidOpts extends WalletOpts, NodeOpts {}

/** An unlocked wallet with a DID, a client, and the DID's current (proof-checked, active) record. */
interface Session {
  readonly w: UnlockedWallet;
  readonly did: string;
  readonly client: RealdidClient;
  readonly record: DidRecord;
}

/**
 * Opens the wallet, and reads its DID's current record from the node (verified by its state proof).
 * @throws ERR_WALLET_NOT_FOUND, ERR_CRYPTO_WRONG_PASSPHRASE, ERR_DID_NOT_FOUND, ERR_DID_DEACTIVATED
 */
async function openSession(o: DidOpts): Promise<Session> {
  const w = await unlockWalletOpts(o);
  const did = w.file.did;
  if (did === undefined)
    throw new AppError(
      'ERR_DID_NOT_FOUND',
      `the wallet ${w.path} has no DID yet; run \`realdid did create\` (or \`realdid wallet sync\`)`,
    );
  const client = await connect(o);
  const record = await fetchRecord(client, did);
  if (record === undefined)
    throw new AppError(
      'ERR_DID_NOT_FOUND',
      `${did} is proven absent on the node at ${client.url} (another chain?)`,
    );
  if (record.deactivated)
    throw new AppError(
      'ERR_DID_DEACTIVATED',
      `${did} was deactivated at version ${record.version}; nothing can change it any more`,
    );
  return { w, did, client, record };
}

/** Checks that the wallet's auth key still controls the DID, so the ledger will accept its signature. */
function checkAuthKey(s: Session): void {
  const { authIndex } = s.w.file;
  const multikey = deriveMasterKey(s.w.seed, 'auth', authIndex).multikey;
  const ok = methodsFor(s.record.document, 'capabilityInvocation').some(
    (vm) => vm.id === authFragment(authIndex) && vm.publicKeyMultibase === multikey,
  );
  if (!ok) {
    throw new AppError(
      'ERR_LEDGER_BAD_SIGNER',
      `the wallet key ${s.did}#${authFragment(authIndex)} does not control ${s.did} at version ${s.record.version}; run \`realdid wallet sync\`, or \`realdid did recover\` if the key was taken over`,
    );
  }
}

/** The wallet's current recovery key must open the DID's recovery commitment. */
function checkRecoveryKey(s: Session): void {
  const { recoveryIndex } = s.w.file;
  if (
    recoveryCommitmentOf(deriveMasterKey(s.w.seed, 'recovery', recoveryIndex).multikey) !==
    s.record.recoveryCommitment
  ) {
    throw new AppError(
      'ERR_DID_BAD_RECOVERY',
      `recovery key ${recoveryIndex} of this wallet does not open the commitment of ${s.did}; run \`realdid wallet sync\``,
    );
  }
}

/** Signs a planned transaction with the signer's next nonce (from the node) and submits it; waits for the commit. */
export async function submitPlanned(
  client: RealdidClient,
  plan: PlannedTx<object>,
): Promise<Receipt> {
  const signerDid = plan.signer.slice(0, plan.signer.indexOf('#'));
  const nonce = await client.nextNonce(signerDid);
  const body = plan.body as SignedTxJson['body'];
  return client.submit(
    signTx(
      { kind: plan.kind, body, signer: plan.signer, nonce, created: Date.now() },
      plan.keyPair,
    ),
  );
}

const SERVICE_KEYS = ['id', 'type', 'endpoint'] as const;

/** Parses `id=…,type=…,endpoint=https://…` (the endpoint may itself contain commas). @throws ERR_CLI_USAGE */
export function parseServiceSpec(text: string): Patch {
  const fields: Record<string, string> = {};
  for (const part of text.split(/,(?=(?:id|type|endpoint)=)/)) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq);
    if (
      eq < 0 ||
      !(SERVICE_KEYS as readonly string[]).includes(key) ||
      Object.hasOwn(fields, key)
    ) {
      throw new AppError(
        'ERR_CLI_USAGE',
        `--add-service expects id=<id>,type=<Type>,endpoint=https://…; bad part ${JSON.stringify(part)}`,
      );
    }
    fields[key] = part.slice(eq + 1);
  }
  const { id, type, endpoint } = fields;
  if (id === undefined || !/^[A-Za-z0-9_-]{1,32}$/.test(id))
    throw new AppError(
      'ERR_CLI_USAGE',
      `--add-service id must be 1-32 of [A-Za-z0-9_-], got ${JSON.stringify(id)}`,
    );
  if (type === undefined || !/^[A-Za-z][A-Za-z0-9]{0,63}$/.test(type))
    throw new AppError(
      'ERR_CLI_USAGE',
      `--add-service type must be alphanumeric (e.g. LinkedDomains), got ${JSON.stringify(type)}`,
    );
  if (
    endpoint === undefined ||
    !URL.canParse(endpoint) ||
    !endpoint.startsWith('https://') ||
    endpoint.length > 512
  ) {
    throw new AppError(
      'ERR_CLI_USAGE',
      `--add-service endpoint must be an https:// URL of at most 512 characters, got ${JSON.stringify(endpoint)}`,
    );
  }
  return { op: 'add-service', service: { id, type, serviceEndpoint: endpoint } };
}

function committed(r: Receipt): string {
  return `tx ${r.id} committed at height ${r.height}`;
}

/** Registers `realdid did create | update | rotate | recover | deactivate | resolve`. */
export function didCommands(program: Command): void {
  const did = program
    .command('did')
    .description(
      "the wallet's did:rdid: create, update services, rotate keys, recover, deactivate, resolve",
    );
  const common = (c: Command): Command =>
    nodeOptions(c)
      .option(
        '--wallet <file>',
        'wallet file (default $REALDID_WALLET, else $REALDID_HOME/wallet.json, else ~/.realdid/wallet.json)',
      )
      .option('--passphrase-file <file>', 'file holding the wallet passphrase')
      .option('--json', 'machine-readable output');

  common(did.command('create'))
    .description("register the wallet's DID (auth key 0, committing to recovery key 0)")
    .action(async (o: DidOpts) => {
      const w = await unlockWalletOpts(o);
      if (w.file.did !== undefined)
        throw new AppError('ERR_DID_ALREADY_EXISTS', `the wallet already has ${w.file.did}`);
      const plan = planCreate(w.seed, 0, 0);
      const client = await connect(o);
      let receipt: Receipt;
      try {
        receipt = await submitPlanned(client, plan);
      } catch (err) {
        if (!isAppError(err, 'ERR_DID_ALREADY_EXISTS')) throw err;
        throw new AppError(
          'ERR_DID_ALREADY_EXISTS',
          `${plan.did} is already registered; run \`realdid wallet sync\` to adopt it`,
          { cause: err },
        );
      }
      saveWalletState(w.path, w.file, { did: plan.did, authIndex: 0, recoveryIndex: 0 });
      output(
        o.json ?? false,
        { did: plan.did, version: 1, keyId: `${plan.did}#${authFragment(0)}`, ...receipt },
        () => `created ${plan.did}\n${committed(receipt)}`,
      );
    });

  common(did.command('update'))
    .description('add or remove services (signed by the current auth key)')
    .option('--add-service <spec>', 'id=<id>,type=<Type>,endpoint=https://… (repeatable)', collect)
    .option('--remove-service <id>', 'service id to remove (repeatable)', collect)
    .action(async (o: DidOpts & { addService?: string[]; removeService?: string[] }) => {
      const patches: Patch[] = [
        ...(o.addService ?? []).map(parseServiceSpec),
        ...(o.removeService ?? []).map((id): Patch => ({ op: 'remove-service', id })),
      ];
      if (patches.length === 0)
        throw new AppError('ERR_CLI_USAGE', 'give --add-service and/or --remove-service');
      const s = await openSession(o);
      checkAuthKey(s);
      const receipt = await submitPlanned(
        s.client,
        planUpdate(s.w.seed, s.record, s.w.file.authIndex, patches),
      );
      output(
        o.json ?? false,
        { did: s.did, version: s.record.version + 1, ...receipt },
        () => `updated ${s.did} to version ${s.record.version + 1}\n${committed(receipt)}`,
      );
    });

  common(did.command('rotate'))
    .description('replace the auth key by the next one (auth index + 1), signed by the current key')
    .action(async (o: DidOpts) => {
      const s = await openSession(o);
      checkAuthKey(s);
      const from = s.w.file.authIndex;
      const receipt = await submitPlanned(s.client, planRotate(s.w.seed, s.record, from, from + 1));
      saveWalletState(s.w.path, s.w.file, { authIndex: from + 1 }); // only once committed
      const keyId = `${s.did}#${authFragment(from + 1)}`;
      output(
        o.json ?? false,
        { did: s.did, version: s.record.version + 1, keyId, authIndex: from + 1, ...receipt },
        () =>
          `rotated ${s.did}: ${authFragment(from)} → ${authFragment(from + 1)} (version ${s.record.version + 1})\n${committed(receipt)}`,
      );
    });

  common(did.command('recover'))
    .description(
      'take the DID back with the recovery key: a fresh document with auth key index + 1, committing to the next recovery key',
    )
    .action(async (o: DidOpts) => {
      const s = await openSession(o);
      const { authIndex, recoveryIndex } = s.w.file;
      checkRecoveryKey(s);
      const receipt = await submitPlanned(
        s.client,
        planRecover(s.w.seed, s.record, recoveryIndex, authIndex + 1),
      );
      saveWalletState(s.w.path, s.w.file, {
        authIndex: authIndex + 1,
        recoveryIndex: recoveryIndex + 1,
      });
      const keyId = `${s.did}#${authFragment(authIndex + 1)}`;
      output(
        o.json ?? false,
        {
          did: s.did,
          version: s.record.version + 1,
          keyId,
          authIndex: authIndex + 1,
          recoveryIndex: recoveryIndex + 1,
          ...receipt,
        },
        () =>
          `recovered ${s.did}: new auth key ${authFragment(authIndex + 1)}, next recovery key ${recoveryIndex + 1} (version ${s.record.version + 1})\n${committed(receipt)}`,
      );
    });

  common(did.command('deactivate'))
    .description(
      'deactivate the DID for good (signed by the recovery key: a stolen auth key cannot do this)',
    )
    .option('--yes', 'confirm: deactivation is final and cannot be undone')
    .action(async (o: DidOpts & { yes?: boolean }) => {
      if (!o.yes)
        throw new AppError(
          'ERR_CLI_USAGE',
          'deactivation is final: nothing can update or recover the DID afterwards; pass --yes to confirm',
        );
      const s = await openSession(o);
      checkRecoveryKey(s);
      const receipt = await submitPlanned(
        s.client,
        planDeactivate(s.w.seed, s.record, s.w.file.recoveryIndex),
      );
      output(
        o.json ?? false,
        { did: s.did, version: s.record.version + 1, deactivated: true, ...receipt },
        () => `deactivated ${s.did} (version ${s.record.version + 1})\n${committed(receipt)}`,
      );
    });

  nodeOptions(did.command('resolve'))
    .description(
      'resolve a DID, checking the ledger proofs against a signed checkpoint (default: the wallet DID)',
    )
    .argument('[did]', 'did:rdid or did:key (default: the wallet DID)')
    .option('--version-id <n>', 'resolve this version')
    .option(
      '--version-time <iso>',
      'resolve the version in force at this UTC time, e.g. 2026-01-01T00:00:00Z',
    )
    .option('--wallet <file>', 'wallet whose DID to resolve when none is given')
    .option('--json', 'machine-readable output')
    .action(
      async (
        didArg: string | undefined,
        o: NodeOpts & { versionId?: string; versionTime?: string; wallet?: string; json?: boolean },
      ) => {
        const options: { -readonly [K in keyof ResolveOptions]: ResolveOptions[K] } = {};
        if (o.versionId !== undefined) {
          if (!/^[1-9][0-9]{0,14}$/.test(o.versionId))
            throw new AppError(
              'ERR_CLI_USAGE',
              `--version-id must be a positive integer, got ${JSON.stringify(o.versionId)}`,
            );
          options.versionId = o.versionId;
        }
        if (o.versionTime !== undefined) {
          parseVersionTime(o.versionTime);
          options.versionTime = o.versionTime;
        }
        const target = didArg ?? loadWallet(walletPath(o.wallet)).did;
        if (target === undefined)
          throw new AppError('ERR_CLI_USAGE', 'give a DID, or create the wallet DID first');
        // did:key is computed locally: no node, no trust file.
        const client = target.startsWith('did:key:')
          ? new RealdidClient({ url: 'http://did-key.invalid' })
          : await connect(o);
        const r = await client.resolveDid(target, options);
        const verified =
          r.checkpoint === undefined
            ? 'did:key: computed locally'
            : `ledger proofs verified against checkpoint ${r.checkpoint.height}`;
        output(
          o.json ?? false,
          {
            didDocument: r.didDocument,
            didDocumentMetadata: r.didDocumentMetadata,
            verified: r.checkpoint === undefined ? 'local' : { checkpoint: r.checkpoint },
          },
          () =>
            `${JSON.stringify(r.didDocument, null, 2)}\nmetadata ${JSON.stringify(r.didDocumentMetadata)}\n${verified}`,
        );
      },
    );
}
