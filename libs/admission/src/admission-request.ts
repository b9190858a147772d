// The admission/v1 AdmissionRequest's building blocks, shared by the webhook
// plugins (which send it) and CEL (which exposes it as `request`).

export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export interface GroupVersionResource {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
}

/** authentication.k8s.io/v1 UserInfo as the AdmissionReview carries it. */
export interface AdmissionUserInfo {
  readonly username?: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}
