import { RecordingLogger } from './recording-logger';

describe('RecordingLogger', () => {
  it('records every level with its fields, in order', () => {
    const logger = new RecordingLogger();
    logger.error('e', { a: 1 });
    logger.warn('w');
    logger.info('i');
    logger.debug('d');
    expect(logger.entries).toEqual([
      { level: 'error', message: 'e', fields: { a: 1 } },
      { level: 'warn', message: 'w', fields: {} },
      { level: 'info', message: 'i', fields: {} },
      { level: 'debug', message: 'd', fields: {} },
    ]);
  });

  it('merges child bindings into the fields and shares the entries with the parent', () => {
    const logger = new RecordingLogger();
    logger.child({ queue: 'q' }).child({ attempt: 2 }).warn('redelivered', { attempt: 3 });
    expect(logger.find('redelivered')).toEqual([{ level: 'warn', message: 'redelivered', fields: { queue: 'q', attempt: 3 } }]);
    expect(logger.find('missing')).toEqual([]);
  });
});
