import type { LeakList } from '../shared/leaks.js';

/** The attachment a leaking test carries (JSON, a `LeakAttachment`), for the curfew reporter. */
export const ATTACHMENT = 'curfew-leaks';

export interface LeakAttachment {
  title: string;
  line: number;
  leaks: LeakList;
}
