// Why an --authorization-mode configuration cannot be built (its own file:
// the chain and the mode factories both raise it).

export class AuthorizationConfigError extends Error {
  override readonly name = 'AuthorizationConfigError';
  readonly code: 'UnknownMode' | 'DuplicateMode' | 'Unsupported' | 'MissingDependency';
  constructor(code: AuthorizationConfigError['code'], message: string) {
    super(message);
    this.code = code;
  }
}
