// kube-apiserver's --goaway-chance (filters.WithProbabilisticGoaway): HTTP/2
// clients multiplex every request over one long-lived connection, so behind a
// load balancer they stay pinned to whichever replica they reached first. With
// probability `chance` per HTTP/2 request the server sends GOAWAY on that
// request's connection: the streams already open there (this response, a
// watch) finish normally, and the client's next request opens a new
// connection, which the load balancer may send to another replica. Every
// HTTP/2 request is eligible, watches included, as upstream: GOAWAY never cuts
// a stream short. HTTP/1.1 is never affected (each connection carries one
// request at a time and clients already spread them).

/** A probability; the flag's own limit (kube's 0.02) is checked where flags are parsed. */
export function validGoawayChance(chance: number): boolean {
  return Number.isFinite(chance) && chance >= 0 && chance <= 1;
}

/** Draws for one request: true = send GOAWAY on its connection. Draws nothing when it cannot matter. */
export function decideGoaway(httpVersionMajor: number, chance: number, random: () => number): boolean {
  if (httpVersionMajor !== 2 || chance <= 0) return false;
  return random() < chance;
}

/** The part of an HTTP/2 session GOAWAY needs. */
export interface GoawaySession {
  readonly closed: boolean;
  readonly destroyed: boolean;
  /** Node's graceful close: sends GOAWAY, lets open streams finish, refuses new ones. */
  close(): void;
}

export function sendGoaway(session: GoawaySession | undefined): void {
  if (session === undefined || session.closed || session.destroyed) return;
  session.close();
}
