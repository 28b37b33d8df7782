import { EsError } from './errors';

/*
 * Elasticsearch's optimistic concurrency needs two numbers (`_seq_no`, `_primary_term`); callers
 * get one integer. Layout inside a JS safe integer (53 bits):
 *
 *   version = seqNo * 2^16 + primaryTerm
 *
 * - primaryTerm (low 16 bits): 1..65535. It grows by one each time a shard's primary is
 *   (re)assigned (fail-over, full restart), so 65535 is decades of daily restarts.
 * - seqNo (high 37 bits): 0..2^37-1 (about 137 billion writes to one shard).
 *
 * seqNo is the high part because it grows on every write to the shard, also across primary
 * changes, so a document's version strictly increases with each write. The first write of a
 * fresh index is version 1 (seqNo 0, term 1). Values out of range are refused, never wrapped.
 */

const PRIMARY_TERM_BITS = 16;
const PRIMARY_TERM_RANGE = 2 ** PRIMARY_TERM_BITS;
/** Largest primary term a version can carry (65535). */
export const MAX_PRIMARY_TERM = PRIMARY_TERM_RANGE - 1;
/** Largest sequence number a version can carry (2^37 - 1). */
export const MAX_SEQ_NO = Math.floor(Number.MAX_SAFE_INTEGER / PRIMARY_TERM_RANGE);

/** Elasticsearch's concurrency token for one document write. */
export interface SeqNoPrimaryTerm {
  seqNo: number;
  primaryTerm: number;
}

/** A version number that no document can have (out of range, not an integer, term 0). */
export class InvalidVersionError extends EsError {
  override readonly name = 'InvalidVersionError';
  readonly retryable = false;
}

/**
 * Packs `_seq_no` and `_primary_term` into one safe integer (see the layout above).
 *
 * @example encodeVersion({ seqNo: 0, primaryTerm: 1 }) // 1
 * @throws InvalidVersionError when either part is out of range.
 */
export function encodeVersion({ seqNo, primaryTerm }: SeqNoPrimaryTerm): number {
  if (!Number.isSafeInteger(seqNo) || seqNo < 0 || seqNo > MAX_SEQ_NO) {
    throw new InvalidVersionError(`seq_no ${seqNo} is outside 0..${MAX_SEQ_NO}`);
  }
  if (!Number.isSafeInteger(primaryTerm) || primaryTerm < 1 || primaryTerm > MAX_PRIMARY_TERM) {
    throw new InvalidVersionError(`primary_term ${primaryTerm} is outside 1..${MAX_PRIMARY_TERM}`);
  }
  return seqNo * PRIMARY_TERM_RANGE + primaryTerm;
}

/**
 * Unpacks a version made by {@link encodeVersion}.
 *
 * @example decodeVersion(65538) // { seqNo: 1, primaryTerm: 2 }
 * @throws InvalidVersionError for a value no document can have.
 */
export function decodeVersion(version: number): SeqNoPrimaryTerm {
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new InvalidVersionError(`version ${version} is not a positive safe integer`);
  }
  const primaryTerm = version % PRIMARY_TERM_RANGE;
  if (primaryTerm === 0) throw new InvalidVersionError(`version ${version} has no primary term`);
  return { seqNo: (version - primaryTerm) / PRIMARY_TERM_RANGE, primaryTerm };
}

/** Reads `_seq_no`/`_primary_term` from a write, get or search-hit response and encodes them. */
export function versionOf(response: { _seq_no?: number | null; _primary_term?: number | null }): number {
  const seqNo = response._seq_no;
  const primaryTerm = response._primary_term;
  if (typeof seqNo !== 'number' || typeof primaryTerm !== 'number') {
    throw new InvalidVersionError('the response carries no _seq_no/_primary_term');
  }
  return encodeVersion({ seqNo, primaryTerm });
}
