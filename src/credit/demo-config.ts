/**
 * The credit documents of the demo consortium (and of tests): record categories modelled on
 * China's public credit information catalogue, a scoring model and the list of seriously
 * untrustworthy organizations. A real consortium adopts its own through governance.
 */
import type { CategoriesDocument, ListsDocument } from './schema.ts';
import type { ScoringModel } from './score.ts';

/** Five years, the default retention of negative records. */
export const NEGATIVE_RETENTION_DAYS = 1826;

/** Who writes what in the demo: DIDs by role. */
export interface DemoCreditIssuers {
  /** A tax office: tax arrears, A-grade taxpayer awards. */
  readonly tax: string;
  /** A market regulator: administrative penalties. */
  readonly regulator: string;
  /** A court: judgment defaults (dishonest judgment debtors). */
  readonly court: string;
  /** A bank: loan defaults and on-time repayment. */
  readonly bank: string;
}

export function demoCategories(i: DemoCreditIssuers): CategoriesDocument {
  return {
    categories: [
      {
        id: 'tax-arrears',
        name: 'Tax arrears',
        description: 'Taxes due and unpaid after the final collection notice.',
        polarity: 'negative',
        severities: 3,
        retentionDays: NEGATIVE_RETENTION_DAYS,
        public: true,
        subjects: ['org', 'person'],
        issuers: [i.tax],
      },
      {
        id: 'administrative-penalty',
        name: 'Administrative penalty',
        description: 'A final administrative penalty decision (fine, licence suspension).',
        polarity: 'negative',
        severities: 5,
        retentionDays: NEGATIVE_RETENTION_DAYS,
        public: true,
        subjects: ['org'],
        issuers: [i.regulator],
      },
      {
        id: 'judgment-default',
        name: 'Judgment default',
        description: 'A judgment debtor who has the means and does not perform a final judgment.',
        polarity: 'negative',
        severities: 3,
        retentionDays: NEGATIVE_RETENTION_DAYS,
        public: true,
        subjects: ['org', 'person'],
        issuers: [i.court],
      },
      {
        id: 'loan-default',
        name: 'Loan default',
        description: 'A loan more than 90 days past due.',
        polarity: 'negative',
        severities: 3,
        retentionDays: NEGATIVE_RETENTION_DAYS,
        public: false,
        subjects: ['org', 'person'],
        issuers: [i.bank],
      },
      {
        id: 'a-grade-taxpayer',
        name: 'A-grade taxpayer',
        description: 'Rated A in the annual tax credit evaluation.',
        polarity: 'positive',
        severities: 1,
        retentionDays: 730,
        public: true,
        subjects: ['org'],
        issuers: [i.tax],
      },
      {
        id: 'on-time-repayment',
        name: 'On-time repayment',
        description: 'A loan repaid in full and on time.',
        polarity: 'positive',
        severities: 1,
        retentionDays: 730,
        public: false,
        subjects: ['org', 'person'],
        issuers: [i.bank],
      },
    ],
  };
}

export const DEMO_MODEL: ScoringModel = {
  version: 'demo-1',
  base: 700,
  min: 300,
  max: 900,
  weights: {
    'tax-arrears': 60,
    'administrative-penalty': 40,
    'judgment-default': 120,
    'loan-default': 80,
    'a-grade-taxpayer': 30,
    'on-time-repayment': 15,
  },
  severityMultipliers: [1000, 1500, 2500, 3500, 5000],
  halfLifeDays: 365,
  caps: {
    'tax-arrears': 250,
    'administrative-penalty': 250,
    'judgment-default': 350,
    'loan-default': 300,
    'a-grade-taxpayer': 60,
    'on-time-repayment': 60,
  },
  bands: [
    { grade: 'A', min: 800 },
    { grade: 'B', min: 700 },
    { grade: 'C', min: 600 },
    { grade: 'D', min: 450 },
    { grade: 'M', min: 300 },
  ],
};

export const DEMO_LISTS: ListsDocument = {
  lists: [
    {
      id: 'seriously-untrustworthy',
      name: 'Seriously untrustworthy entities',
      description:
        'Organizations with at least two final, undisputed serious public records (severity 2 or more) of administrative penalties or judgment defaults.',
      categories: ['administrative-penalty', 'judgment-default'],
      threshold: 2,
      minSeverity: 2,
    },
  ],
};

/** The three documents as genesis `gov.documents` entries. */
export function demoCreditDocuments(
  issuers: DemoCreditIssuers,
): { topic: string; document: CategoriesDocument | ScoringModel | ListsDocument }[] {
  return [
    { topic: 'credit/categories', document: demoCategories(issuers) },
    { topic: 'credit/model', document: DEMO_MODEL },
    { topic: 'credit/lists', document: DEMO_LISTS },
  ];
}
