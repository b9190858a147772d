// Just enough of the container image reference grammar (distribution/reference)
// to tell the tag of an image, which decides the default imagePullPolicy.

const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE_RE = new RegExp(`^((?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const NAME_MAX_LENGTH = 255;
const DIGEST_HEX_LENGTHS: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

export interface ImageReference {
  readonly name: string;
  /** '' when the reference names no tag. */
  readonly tag: string;
  readonly digest: string;
}

/**
 * Parses an image reference the way kubelet's parsers.ParseImageName does:
 * undefined for a malformed one; a reference with neither tag nor digest
 * gets the tag `latest`.
 */
export function parseImageReference(image: string): ImageReference | undefined {
  const m = REFERENCE_RE.exec(image);
  if (m === null) return undefined;
  const name = m[1] ?? '';
  if (name.length > NAME_MAX_LENGTH) return undefined;
  const digest = m[3] ?? '';
  if (digest !== '') {
    const [algorithm = '', hex = ''] = digest.split(':');
    if (DIGEST_HEX_LENGTHS[algorithm] !== hex.length) return undefined;
  }
  let tag = m[2] ?? '';
  if (tag === '' && digest === '') tag = 'latest';
  return { name, tag, digest };
}

/** kube's default pull policy: Always for `latest` (or no tag, no digest), else IfNotPresent. */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  // A reference that does not parse yields no tag, hence IfNotPresent, as in kube.
  return parseImageReference(image)?.tag === 'latest' ? 'Always' : 'IfNotPresent';
}
