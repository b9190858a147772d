// Errors at the wire boundary. Each has a stable `code`; callers switch on the
// class or the code, never on the message text.

export type ProtoDecodeErrorCode =
  /** The bytes end in the middle of a field. */
  | 'truncated'
  /** The bytes are not a valid protobuf encoding (bad wire type, bad varint, ...). */
  | 'malformed'
  /** An enum field holds a value this version does not know. */
  | 'invalid-enum'
  /** A uint64 is 2^53 or larger, so it cannot be a JS number without losing precision. */
  | 'unsafe-integer'
  /** A field the shape requires is absent. */
  | 'missing-field'
  /** A field is present but its value is not acceptable. */
  | 'invalid-field';

/** Bytes from the network (or disk) that do not decode to a valid value. Never a bug on this side. */
export class ProtoDecodeError extends Error {
  readonly code: ProtoDecodeErrorCode;
  /** Dotted path of the offending field, e.g. `entries[2].term`; empty when the whole input is bad. */
  readonly field: string;
  constructor(code: ProtoDecodeErrorCode, field: string, message: string, options?: ErrorOptions) {
    super(field === '' ? message : `${field}: ${message}`, options);
    this.name = 'ProtoDecodeError';
    this.code = code;
    this.field = field;
  }
}

export type ProtoEncodeErrorCode =
  /** A local message type (MsgHup, MsgBeat, ...) has no wire form: it never leaves its member. */
  | 'local-message-type'
  /** A value outside a closed union (a bug on the encoding side). */
  | 'invalid-enum'
  /** A numeric field is negative, fractional or not a safe integer. */
  | 'invalid-integer';

/** A value this side built cannot be put on the wire. */
export class ProtoEncodeError extends Error {
  readonly code: ProtoEncodeErrorCode;
  readonly field: string;
  constructor(code: ProtoEncodeErrorCode, field: string, message: string, options?: ErrorOptions) {
    super(field === '' ? message : `${field}: ${message}`, options);
    this.name = 'ProtoEncodeError';
    this.code = code;
    this.field = field;
  }
}
