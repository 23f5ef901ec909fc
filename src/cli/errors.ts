import { defineErrors } from '../errors.ts';

/** Error codes of the command line (exit codes are mapped in cli/io.ts). */
export const CLI_ERRORS = defineErrors({
  ERR_CLI_USAGE: { meaning: 'A command-line argument is missing or invalid.' },
  ERR_CLI_DATA_DIR: {
    meaning: 'The data folder is missing, not initialized, or already initialized.',
  },
  ERR_CLI_DATA_DIR_LOCKED: { meaning: 'The data folder is held by another running node process.' },
  ERR_CLI_TRUST_FILE: {
    meaning:
      'The trust file (pinned genesis hashes, last verified checkpoints) cannot be read, is malformed, or is writable by others.',
  },
  ERR_CLI_INSECURE_PASSPHRASE: {
    meaning: 'A wallet or key file would be encrypted under the public demo passphrase.',
  },
  ERR_CLI_SYSTEM: {
    meaning:
      'An operating-system call failed (port in use, permission denied, disk full, missing file…).',
  },
  ERR_CLI_DEMO_FAILED: {
    meaning:
      'A step of `realdid demo` did not behave as it should (the message names the step and what happened).',
  },
  ERR_CLI_INTERNAL: { meaning: 'An unexpected error in the command line (a bug).' },
  ERR_CLI_WALLET_HOST: {
    meaning:
      "A request to the wallet page's server named a host other than its own 127.0.0.1 or localhost address and port.",
  },
  ERR_CLI_WALLET_SESSION: {
    meaning:
      "The wallet page was opened without its token or with a wrong one, its API was called without the session the token sets, or the page's tab holds no key of that session.",
  },
  ERR_CLI_WALLET_HEADER: {
    meaning:
      "A call to the wallet page's API lacks the header x-realdid-wallet with the key of its session, or carries another key.",
  },
  ERR_CLI_WALLET_CROSS_ORIGIN: {
    meaning:
      "A call to the wallet page's API came from another origin (its Origin or Sec-Fetch-Site header says so).",
  },
  ERR_CLI_WALLET_LOGIN_UNKNOWN: {
    meaning:
      'The wallet page has no pending login with this id: it was decided, it expired, or it was never opened.',
  },
});
