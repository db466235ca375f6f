import { parseCheckpoint } from './commands/audit-checkpoint.command';
import { usageExitCode } from './exit-codes';
import { CliError, failureMessage } from './ledger-admin.client';

describe('the CLI’s error output', () => {
  it('names every field a 400 refused, with its problems', () => {
    const message = failureMessage(400, 'Bad Request', {
      error: 'validation_failed',
      message: 'The request is invalid.',
      details: [
        { field: 'streamName', problems: ['streamName must look like <category>-<id>'] },
        { field: 'at', problems: ['at must be an RFC 3339 date', 'at is required'] },
      ],
    });
    expect(message).toBe(
      [
        '400 validation_failed: The request is invalid.',
        '  streamName: streamName must look like <category>-<id>',
        '  at: at must be an RFC 3339 date; at is required',
      ].join('\n'),
    );
  });

  it('is one line for an error without details, or without a body', () => {
    expect(failureMessage(404, 'Not Found', { error: 'not_found', message: 'No such transfer.' })).toBe(
      '404 not_found: No such transfer.',
    );
    expect(failureMessage(502, 'Bad Gateway', undefined)).toBe('502 error: Bad Gateway');
  });

  it('exits 2 for a usage error (1 is a discrepancy) and 0 for help', () => {
    expect(usageExitCode(Object.assign(new Error('unknown command'), { exitCode: 1 }))).toBe(2);
    expect(usageExitCode(Object.assign(new Error('(outputHelp)'), { exitCode: 0 }))).toBe(0);
  });

  it('names a checkpoint file that is not JSON', () => {
    expect(() => parseCheckpoint('cp.json', 'garbage')).toThrow(
      new CliError('cp.json is not JSON: give the file audit:checkpoint wrote.'),
    );
    expect(parseCheckpoint('cp.json', '{"id":"2"}')).toEqual({ id: '2' });
  });
});
