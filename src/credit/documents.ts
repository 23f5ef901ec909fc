/**
 * The documents governance adopts for the credit module (topics `credit/categories`,
 * `credit/model`, `credit/lists`), with the checks beyond their schemas.
 */
import { AppError } from '../errors.ts';
import type { DocumentRule, StateReader } from '../ledger/index.ts';
import { checkModel, ScoringModel } from './score.ts';
import { CategoriesDocument, ListsDocument, type Category } from './schema.ts';
import { categoriesOf, listRulesOf, modelOf } from './state.ts';

/**
 * Words (or phrases, hyphenated) no category id or name may contain: the registry has no data
 * type for biometrics, location, social relations or surveillance (DESIGN.md principle 5).
 * "Social insurance arrears" is a legal obligation and allowed; "social relations" is not.
 */
export const FORBIDDEN_CATEGORY_WORDS = [
  'biometric',
  'fingerprint',
  'face',
  'facial',
  'iris',
  'retina',
  'dna',
  'genetic',
  'voiceprint',
  'gait',
  'location',
  'geolocation',
  'gps',
  'whereabouts',
  'movement',
  'travel',
  'surveillance',
  'cctv',
  'camera',
  'tracking',
  'social-relation',
  'social-network',
  'social-graph',
  'social-media',
  'social-circle',
  'social-score',
  'relationship',
  'relative',
  'family',
  'friend',
  'contact',
] as const;

/** @throws ERR_CREDIT_FORBIDDEN_CATEGORY when `text` names a forbidden kind of data */
export function checkCategoryWords(text: string): void {
  const words = `-${text
    .toLowerCase()
    .split(/[^a-z]+/)
    .join('-')}-`;
  const hit = FORBIDDEN_CATEGORY_WORDS.find(
    (w) => words.includes(`-${w}-`) || words.includes(`-${w}s-`),
  );
  if (hit !== undefined)
    throw new AppError(
      'ERR_CREDIT_FORBIDDEN_CATEGORY',
      `"${text}" names ${hit} data, which the credit registry never holds`,
    );
}

function checkCategories(doc: unknown, state: StateReader): void {
  const { categories } = doc as CategoriesDocument;
  const ids = new Set<string>();
  for (const c of categories) {
    checkCategoryWords(c.id);
    checkCategoryWords(c.name);
    if (ids.has(c.id))
      throw new AppError('ERR_CREDIT_BAD_CATEGORIES', `category "${c.id}" appears twice`);
    ids.add(c.id);
    if (c.public && !c.subjects.includes('org'))
      throw new AppError(
        'ERR_CREDIT_BAD_CATEGORIES',
        `category "${c.id}" is public but takes no organizations (people's records are never public)`,
      );
  }
  for (const old of categoriesOf(state)) {
    const next = categories.find((c) => c.id === old.id);
    if (next === undefined)
      throw new AppError(
        'ERR_CREDIT_BAD_CATEGORIES',
        `category "${old.id}" cannot be removed (its records remain); empty its issuers to close it`,
      );
    if (next.polarity !== old.polarity)
      throw new AppError(
        'ERR_CREDIT_BAD_CATEGORIES',
        `category "${old.id}" cannot change polarity`,
      );
  }
  // The model and the lists in force must still fit the new categories (their scales, publicity).
  const model = modelOf(state);
  if (model !== undefined)
    checkModel(
      model,
      categories.map((c) => c.id),
      Object.fromEntries(categories.map((c) => [c.id, c.severities])),
    );
  listsAgainst(listRulesOf(state), categories);
}

function checkLists(doc: unknown, state: StateReader): void {
  listsAgainst((doc as ListsDocument).lists, categoriesOf(state));
}

/** @throws ERR_CREDIT_BAD_LIST when a rule names a category that is not (or no longer) public */
function listsAgainst(
  lists: Readonly<ListsDocument['lists']>,
  categories: readonly Category[],
): void {
  const ids = new Set<string>();
  for (const l of lists) {
    if (ids.has(l.id)) throw new AppError('ERR_CREDIT_BAD_LIST', `list "${l.id}" appears twice`);
    ids.add(l.id);
    for (const id of l.categories) {
      const c = categories.find((x) => x.id === id);
      if (c === undefined || !c.public)
        throw new AppError(
          'ERR_CREDIT_BAD_LIST',
          `list "${l.id}" names "${id}", which is not a public category`,
        );
    }
  }
}

/** The credit module's governance documents. */
export const CREDIT_DOCUMENTS: Readonly<Record<string, DocumentRule>> = {
  categories: {
    summary:
      'The closed list of record categories: polarity, severity scale, retention, publicity, issuers',
    schema: CategoriesDocument,
    check: checkCategories,
  },
  model: {
    summary: 'The scoring model: weights, severity multipliers, time decay, caps, grade bands',
    schema: ScoringModel,
    check: (doc, state) =>
      checkModel(
        doc,
        categoriesOf(state).map((c) => c.id),
        Object.fromEntries(categoriesOf(state).map((c) => [c.id, c.severities])),
      ),
  },
  lists: {
    summary: 'Lists of organizations and their entry rules over public records',
    schema: ListsDocument,
    check: checkLists,
  },
};
