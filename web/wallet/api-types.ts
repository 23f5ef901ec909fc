/**
 * What the wallet server's API answers (src/cli/wallet-server/schemas.ts holds the JSON Schemas;
 * the page sees these shapes over HTTP and imports nothing of the server).
 */

/** `{code, message}`: an error, or why part of an answer is missing. */
export interface Reason {
  readonly code: string;
  readonly message: string;
}

/** A state proof the wallet checked: its key, the checkpoint height and the organizations that signed it. */
export interface Evidence {
  readonly key: string;
  readonly height: number;
  readonly signers: readonly string[];
}

export interface Status {
  readonly wallet: {
    readonly path: string;
    readonly did: string | null;
    readonly plannedDid: string;
    readonly authIndex: number;
    readonly recoveryIndex: number;
  };
  readonly node: {
    readonly url: string;
    readonly reachable: boolean;
    readonly chainId?: string;
    readonly genesisHash?: string;
    readonly height?: number;
    readonly time?: number;
    readonly error?: Reason;
  };
  readonly enrollment: {
    readonly status: 'active' | 'rebound' | 'revoked' | 'not-enrolled' | 'no-did' | 'unknown';
    readonly authority?: string;
    readonly authorityName?: string;
    readonly since?: number;
    readonly until?: number;
    readonly enrolled?: number;
    readonly rebinds?: number;
    readonly evidence?: Evidence;
    readonly error?: Reason;
  };
}

export interface Copy {
  readonly origin: string;
  readonly holder: string;
  readonly authority: string;
  readonly iat: number;
  readonly exp: number;
  readonly expired: boolean;
  readonly status: string;
  readonly claims: readonly string[];
}

export interface Credentials {
  readonly copies: readonly Copy[];
  readonly statusChecked: boolean;
  readonly error?: Reason;
}

export interface Site {
  readonly site: string;
  readonly name: string;
  readonly origin: string;
  readonly account: string;
  readonly lastLogin: number;
  readonly logins: number;
  readonly lastClaims: readonly string[];
  readonly claimsShown: readonly string[];
}

export interface Policy {
  readonly id: string;
  readonly description: string;
  readonly legalBasis: string;
  readonly condition: string;
  readonly claims: readonly string[];
}

/** A login opened and checked by the wallet, waiting for the person's decision. */
export interface Prompt {
  readonly id: string;
  readonly site: {
    readonly did: string;
    readonly name: string;
    readonly origins: readonly string[];
    readonly primaryOrigin: string;
  };
  readonly purpose: { readonly id: string; readonly description: string };
  readonly policy?: Policy;
  readonly claims: readonly string[];
  /** The pairwise DID the site will know the person by. */
  readonly account: string;
  readonly expires: number;
}

export interface Decision {
  readonly outcome: 'sent' | 'declined';
  readonly site: string;
  readonly name: string;
  readonly account: string;
  readonly disclosed?: readonly string[];
  readonly policy?: string;
  readonly receiptHash?: string;
  readonly presentationHash?: string;
  readonly redirectUri?: string;
}

export interface ActivityItem {
  readonly time: number;
  readonly kind:
    | 'enrollment'
    | 'rebinding'
    | 'revocation'
    | 'credential'
    | 'login'
    | 'disclosure'
    | 'lawful-request';
  readonly text: string;
  readonly details: Readonly<Record<string, unknown>>;
  readonly evidence?: Evidence;
}

export interface Receipt {
  readonly time: number;
  readonly site: string;
  readonly name: string;
  readonly origin: string;
  readonly account: string;
  readonly purpose: string;
  readonly claims: readonly string[];
  readonly policy: { readonly id: string; readonly legalBasis: string; readonly condition: string };
  readonly receipt: string;
  readonly receiptHash: string;
  readonly recorded: 'yes' | 'no' | 'unknown';
  readonly height?: number;
  readonly evidence?: Evidence;
  readonly error?: Reason;
}
