import { describe, expect, test } from '@jest/globals';
import { loadConfig } from '#config';
import { COMMANDS, runCli } from '../../apps/cli/src/cli.js';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t), isTTY: false },
    config: loadConfig({}),
  });
  return { code, out, err };
}

test('cli --help lists every command with its usage and exits 0', async () => {
  const { code, out } = await cli('--help');
  expect(code).toBe(0);
  for (const command of COMMANDS) expect(out).toContain(`  ${command.name} ${command.usage}`);
  expect(out).toContain('Every command takes --help');
});

test('with no command the CLI prints the list and exits 2', async () => {
  const { code, out } = await cli();
  expect(code).toBe(2);
  expect(out).toContain('Commands:');
});

describe.each(COMMANDS.map((c) => [c.name]))('%s', (name) => {
  test('--help prints its usage and options and runs nothing', async () => {
    for (const flag of ['--help', '-h']) {
      const { code, out, err } = await cli(name, flag);
      expect(code).toBe(0);
      expect(err).toBe('');
      expect(out).toMatch(new RegExp(`^Usage: npm run cli -- ${name} `));
      expect(out).toMatch(/\n {2}-h, --help +Show this help\.\n/);
    }
  });

  test('refuses an unknown option with exit code 2, naming it and showing the usage', async () => {
    const { code, out, err } = await cli(name, '--frobnicate');
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain("Unknown option '--frobnicate'");
    expect(err).toContain(`Usage: npm run cli -- ${name} `);
  });
});

test("each command's help names its own options", async () => {
  expect((await cli('export', '--help')).out).toMatch(/--stream <streamId> +Export this stream only/);
  expect((await cli('verify', '--help')).out).toMatch(/--receipt <receipt\.json> +A checkpoint receipt .*repeatable/);
  expect((await cli('token', '--help')).out).toMatch(/--force <slug> +The body an officer acts for/);
  expect((await cli('import', '--help')).out).toContain('[file]: the seed file to import');
});

test('a command that takes no operands refuses one; a missing option value is a usage error', async () => {
  const stray = await cli('verify', 'extra');
  expect(stray.code).toBe(2);
  expect(stray.err).toContain('Unexpected argument "extra": verify takes options only.');
  const missing = await cli('token', '--role');
  expect(missing.code).toBe(2);
  expect(missing.err).toContain("Option '--role <value>' argument missing");
  const importTwo = await cli('import', 'a.json', 'b.json');
  expect(importTwo.code).toBe(2);
  expect(importTwo.err).toContain('Give at most 1 operand(s), not 2: a.json b.json.');
});
