// The `fairsend` command line: one program, whose sub-commands live next to what they drive
// (`sim/cli.ts` for planning, `runner/cli.ts` for sending). Exit codes: 0 ok, 1 an expectation
// (SLO) or a gate failed, 2 bad input (nothing written), 3 a command sent to a running runner is
// queued but not applied yet (see runner/cli.ts).
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
  .addHelpText('after', '\nExit codes: 0 ok, 1 an expectation (SLO) or a gate failed, 2 bad input (nothing written),\n3 a command sent to a running runner is queued but not applied yet.')
  .exitOverride((err) => {
    // commander's own usage errors (unknown option, missing argument) are bad input: exit 2.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') process.exit(0);
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

// A reader that stops early (`fairsend sim … | head`) closes the pipe: drop the rest of the output
// quietly and finish the work, so that the exit code still says how it went.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.stdout.write = (() => true) as typeof process.stdout.write;
});

registerSimCommands(program);
registerRunnerCommands(program);

await program.parseAsync(process.argv);
