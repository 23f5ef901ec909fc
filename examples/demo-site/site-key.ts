/**
 * The demo site's identity, read from a demo node's data folder: its signing key
 * (`keys/demo-site.json`, written by `realdid node init --demo`) and, from `genesis.json`, the
 * did:rdid whose `site` key it is, the origins it registered and the genesis hash to pin the
 * node to.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../src/errors.ts';
import { DEMO_SITE_KEY_FILE, DEMO_SITE_KEY_ID } from '../../src/identity/index.ts';
import { DEMO_PASSPHRASE, loadKeyFile } from '../../src/node/index.ts';
import { hashGenesis, type SiteSigner } from '../../src/sdk/index.ts';

interface GenesisView {
  modules?: {
    did?: {
      documents?: {
        did: string;
        document: { verificationMethod?: { id: string; publicKeyMultibase?: string }[] };
      }[];
    };
    gov?: { roles?: { role: string; subject: string; site?: { origins: string[] } }[] };
  };
}

/** The site's signer, registered origins and genesis hash. */
export interface LoadedSite {
  readonly signer: SiteSigner;
  readonly origins: readonly string[];
  readonly genesisHash: string;
}

/**
 * Loads the demo site's key from `dataDir` (passphrase: `passphrase`, else REALDID_PASSPHRASE,
 * else the demo passphrase) and finds its DID and registration in the folder's genesis.
 * @throws ERR_CLI_DATA_DIR when the folder has no registered demo site,
 *   ERR_CRYPTO_WRONG_PASSPHRASE, ERR_CRYPTO_BAD_KEYSTORE
 */
export function loadDemoSiteSigner(dataDir: string, passphrase?: string): LoadedSite {
  const pass = passphrase ?? process.env.REALDID_PASSPHRASE ?? DEMO_PASSPHRASE;
  const keyPath = join(dataDir, 'keys', `${DEMO_SITE_KEY_FILE}.json`);
  let genesis: GenesisView;
  try {
    genesis = JSON.parse(readFileSync(join(dataDir, 'genesis.json'), 'utf8')) as GenesisView;
  } catch (err) {
    throw new AppError(
      'ERR_CLI_DATA_DIR',
      `cannot read ${dataDir}/genesis.json: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const { multikey, keyPair } = loadKeyFile(keyPath, pass);
  const entry = genesis.modules?.did?.documents?.find((d) =>
    d.document.verificationMethod?.some(
      (m) => m.id === DEMO_SITE_KEY_ID && m.publicKeyMultibase === multikey,
    ),
  );
  const role = genesis.modules?.gov?.roles?.find(
    (r) => r.role === 'relying-party' && r.subject === entry?.did,
  );
  if (entry === undefined || role?.site === undefined)
    throw new AppError(
      'ERR_CLI_DATA_DIR',
      `${dataDir} registers no demo site with the key of ${keyPath}; create the folder with \`realdid node init --demo\``,
    );
  return {
    signer: { did: entry.did, kid: `${entry.did}#${DEMO_SITE_KEY_ID}`, keyPair },
    origins: role.site.origins,
    genesisHash: hashGenesis(genesis),
  };
}
