// How Go's fmt renders the values kube embeds in authorization messages:
// `%q` of a []string (built on apimachinery's `%q` of a string), `%v` of a
// []string, and utilerrors.NewAggregate's text.
// Clients and tests compare these strings byte for byte.

import { goQuote } from '@logbook/apimachinery';

export { goQuote };

/** Go's `%q` for a []string: `["a" "b"]`. */
export function goQuoteList(list: readonly string[]): string {
  return `[${list.map(goQuote).join(' ')}]`;
}

/** Go's `%v` for a []string: `[a b]`. */
export function goList(list: readonly string[]): string {
  return `[${list.join(' ')}]`;
}

/**
 * utilerrors.NewAggregate(errs).Error(): one message bare, several
 * de-duplicated inside `[a, b]`; undefined when there are none.
 */
export function aggregateErrors(messages: readonly string[]): string | undefined {
  if (messages.length === 0) return undefined;
  if (messages.length === 1) return messages[0];
  const seen = [...new Set(messages)];
  return seen.length === 1 ? seen[0] : `[${seen.join(', ')}]`;
}
