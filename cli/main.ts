// The `fairsend` command line: one program, whose sub-commands live next to what they drive
// (`sim/cli.ts` for planning, `runner/cli.ts` for sending). Exit codes: 0 ok, 1 an expectation
// (SLO) or a gate failed, 2 bad input (nothing written).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerSimCommands } from '../sim/cli.ts';
import { registerRunnerCommands } from '../runner/cli.ts';

const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '../package.json'), 'utf8')) as { version: string };

const program = new Command();
program
  .name('fairsend')
  .version(version, '-V, --version', 'print the version')
  .description('Fair, rate-limited, quota-safe email dispatch: simulate, plan and send.')
  .showHelpAfterError()
  .exitOverride((err) => {
    // commander's own usage errors (unknown option, missing argument) are bad input: exit 2.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') process.exit(0);
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

registerSimCommands(program);
registerRunnerCommands(program);

await program.parseAsync(process.argv);
