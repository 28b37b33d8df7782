import { cloudifyEventSchema, cloudifyLogSchema, eventTimestampToIso } from '@cfy/contracts';
import { buildEvent, buildLog } from '@cfy/contracts/testing';
import { z } from 'zod';
import { isoTimestampOf, validatedAgainst } from './intake-schema';

describe('validatedAgainst', () => {
  it('hands over the published JSON itself, unknown keys included, with its ISO timestamp', () => {
    let invalid = 0;
    const schema = validatedAgainst(cloudifyEventSchema, () => (invalid += 1));
    const published = { ...buildEvent(), '@extra': 1 };
    const result = schema.parse(published);
    expect(result.published).toBe(published);
    expect(result.isoTimestamp).toBe('2016-08-02T11:39:24.813Z');
    expect(invalid).toBe(0);
  });

  it('fails with the contract report (field paths included) and counts the failure', () => {
    let invalid = 0;
    const schema = validatedAgainst(cloudifyEventSchema, () => (invalid += 1));
    const result = schema.safeParse({ ...buildEvent(), timestamp: 'yesterday', event_type: 'made_up' });
    expect(result.success).toBe(false);
    const report = result.success ? '' : z.prettifyError(result.error);
    expect(report).toContain('at timestamp');
    expect(report).toContain('at event_type');
    expect(invalid).toBe(1);
  });

  it('holds a log to the log contract', () => {
    const schema = validatedAgainst(cloudifyLogSchema, () => undefined);
    expect(schema.safeParse(buildLog()).success).toBe(true);
    expect(schema.safeParse(buildEvent()).success).toBe(false);
  });
});

describe('isoTimestampOf', () => {
  it.each([
    '2016-08-02 11:39:24.813+0000',
    '2024-02-29 23:59:59.999+0000',
    '2016-08-02 01:30:00.000+0200',
    '2016-08-02 11:39:24+0000',
    '2016-08-02 11:39:24.5',
    '2016-08-02T11:39:24.813123Z',
  ])('converts %j as the contract reads it', (timestamp) => {
    expect(isoTimestampOf(timestamp)).toBe(eventTimestampToIso(timestamp));
    expect(isoTimestampOf(timestamp)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });
});
