import { z } from 'zod';
import { decodeMessage } from './decode';

const schema = z.object({ id: z.number().int(), name: z.string() });

describe('decodeMessage', () => {
  it('returns the typed value of a valid message', () => {
    const result = decodeMessage(Buffer.from('{"id":1,"name":"a","extra":true}'), schema);
    expect(result).toEqual({ ok: true, value: { id: 1, name: 'a' } });
  });

  it('rejects a body that is not JSON, with the parser message as reason', () => {
    const result = decodeMessage(Buffer.from('{"id": 1,'), schema);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^invalid JSON: /);
  });

  it('rejects an empty body as invalid JSON', () => {
    const result = decodeMessage(Buffer.alloc(0), schema);
    expect(!result.ok && result.reason).toMatch(/^invalid JSON/);
  });

  it('rejects JSON that breaks the schema, naming the offending field', () => {
    const result = decodeMessage(Buffer.from('{"id":"seven","name":"a"}'), schema);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^schema validation failed: /);
    expect(!result.ok && result.reason).toContain('id');
  });

  it('turns a schema that cannot validate synchronously into a reason instead of a crash', () => {
    const asyncSchema = z.object({ id: z.number() }).refine(async () => true);
    const result = decodeMessage(Buffer.from('{"id":1}'), asyncSchema);
    expect(!result.ok && result.reason).toMatch(/^schema could not validate/);
  });
});
