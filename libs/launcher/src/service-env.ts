/**
 * A service's environment with event-loop admission off: both of its checks at 0, which
 * docs/contract.md's config table defines as off. For a run that measures capacity (the lab) or
 * counts every answer (a test about another limit, or about no limit at all): on a machine whose
 * cores are contended — CI runs every suite at once — a process descheduled for 110 ms sees its
 * loop that late, and admission then rightly answers the next request 503. Admission keeps the
 * defaults where it is what is tested: the contract's loop-admission part and `npm run chaos`.
 */
export const ADMISSION_OFF = Object.freeze({
  MAX_EVENT_LOOP_DELAY_MS: '0',
  MAX_EVENT_LOOP_UTILIZATION: '0',
} as const);
