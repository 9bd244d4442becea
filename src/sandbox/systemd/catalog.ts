// journalctl -x: the explanatory catalog text journald adds under systemd's own messages
// ("░░ Subject: A start job for unit etcd.service has begun execution" …), chosen from the
// message as systemd's message ids would choose it.
import type { JournalEntry } from './journal.ts';

const SUPPORT = 'https://www.debian.org/support';

function block(subject: string, body: string[]): string[] {
  return [`Subject: ${subject}`, 'Defined-By: systemd', `Support: ${SUPPORT}`, '', ...body];
}

/** Catalog lines for an entry (without the "░░ " prefix), or undefined when it has none. */
export function catalogFor(e: JournalEntry): string[] | undefined {
  if (e.ident !== 'systemd' || !e.unit) return undefined;
  const u = e.unit;
  const job = e.job;
  const jobLine = job !== undefined ? ['', `The job identifier is ${job}.`] : [];
  const m = e.message;
  if (/^Starting .*\.\.\.$/.test(m)) return block(`A start job for unit ${u} has begun execution`, [`A start job for unit ${u} has begun execution.`, ...jobLine]);
  if (/^Started /.test(m)) return block(`A start job for unit ${u} has finished successfully`, [`A start job for unit ${u} has finished successfully.`, ...jobLine]);
  if (/^Failed to start /.test(m)) return block(`A start job for unit ${u} has failed`, [`A start job for unit ${u} has finished with a failure.`, ...(job !== undefined ? ['', `The job identifier is ${job} and the job result is failed.`] : [])]);
  if (/^Stopping .*\.\.\.$/.test(m)) return block(`A stop job for unit ${u} has begun execution`, [`A stop job for unit ${u} has begun execution.`, ...jobLine]);
  if (/^Stopped /.test(m)) return block(`A stop job for unit ${u} has finished`, [`A stop job for unit ${u} has finished.`, ...(job !== undefined ? ['', `The job identifier is ${job} and the job result is done.`] : [])]);
  let x = /: Main process exited, code=(\w+), status=(\d+)/.exec(m);
  if (x) return block('Unit process exited', [`An ExecStart= process belonging to unit ${u} has exited.`, '', `The process' exit code is '${x[1]}' and its exit status is ${x[2]}.`]);
  x = /: Failed with result '([^']+)'\.$/.exec(m);
  if (x) return block('Unit failed', [`The unit ${u} has entered the 'failed' state with result '${x[1]}'.`]);
  if (/: Deactivated successfully\.$/.test(m)) return block('Unit succeeded', [`The unit ${u} has successfully entered the 'dead' state.`]);
  if (/: Scheduled restart job/.test(m)) {
    return block('Automatic restarting of a unit has been scheduled', [`Automatic restarting of the unit ${u} has been scheduled, as the result for`, 'the configured Restart= setting for the unit.']);
  }
  return undefined;
}
