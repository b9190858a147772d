// The core logs through an injected Logger; it never owns a default one.

export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export const discardLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
