// Whether a row selection's ORDER BY … LIMIT n is cut to n rows in storage (a heap of n slots per node), or every kept row is returned.
import type { Plan } from './plan.js';
import { formatCount } from '../util/count.js';

/** TOP_N_LIMIT is the largest LIMIT the storage program keeps in its heap; every slot crosses the link, used or not. */
export const TOP_N_LIMIT = 1024;

/** TopN is the decision for one plan: keep the best `n` rows in storage, or return every kept row and say why. */
export type TopN = { readonly inStorage: true; readonly n: number } | { readonly inStorage: false; readonly why: string };

/**
 * storageTopN decides for a row selection with ORDER BY and LIMIT (undefined for any other plan). The
 * program keeps the best n rows by the ORDER BY keys and then by file position, so ties at the cut keep
 * the earliest rows, as the compute node's stable sort over every row does: the answers are the same.
 */
export function storageTopN(plan: Plan): TopN | undefined {
  if (plan.rows === undefined || plan.rows.order.length === 0 || plan.limit === undefined) return undefined;
  if (plan.limit === 0) return { inStorage: false, why: 'LIMIT 0 keeps no row' };
  if (plan.limit > TOP_N_LIMIT) {
    return { inStorage: false, why: `LIMIT ${plan.limit} is above ${formatCount(TOP_N_LIMIT)}, the most rows the storage program keeps in its heap` };
  }
  return { inStorage: true, n: plan.limit };
}
