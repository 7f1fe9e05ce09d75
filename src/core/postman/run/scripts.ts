/**
 * Runs the scripts of one event through the run's sandbox. Normally all of them go in one execution (the
 * sandbox keeps going after a script error, as Newman does). With `--bail` (Newman's `stopOnFailure`)
 * the first script that errors or fails a test ends the event, so each script is run on its own and the
 * outcomes are merged.
 */
import type { ScriptInput, ScriptOutput, ScriptSandbox } from '../sandbox/index.ts';

export interface EventOutcome {
  output: ScriptOutput;
  /** Scripts that ran, for Newman's `scripts` counters. */
  ran: number;
}

export function hasCode(scripts: readonly string[]): boolean {
  return scripts.some((script) => script.trim() !== '');
}

export async function runEvent(
  sandbox: ScriptSandbox,
  input: ScriptInput,
  options: { stopOnFailure: boolean },
): Promise<EventOutcome> {
  if (!hasCode(input.scripts)) return { output: idle(input), ran: input.scripts.length };
  if (!options.stopOnFailure) return { output: await sandbox.execute(input), ran: input.scripts.length };

  let current = input;
  let merged: ScriptOutput | undefined;
  let ran = 0;
  for (let index = 0; index < input.scripts.length; index++) {
    ran++;
    // Blank the others so that script indexes in errors and tests stay those of the whole list.
    const scripts = input.scripts.map((script, i) => (i === index ? script : ''));
    if (!hasCode(scripts)) continue;
    const output = await sandbox.execute({ ...current, scripts, stopOnScriptError: true });
    merged = merged === undefined ? output : mergeOutputs(merged, output);
    current = { ...current, variables: output.variables, request: output.request };
    const failed = output.scriptErrors.length > 0 || output.tests.some((t) => !t.passed && !t.skipped);
    if (failed || output.skipRequest) break;
  }
  return { output: merged ?? idle(input), ran };
}

function mergeOutputs(before: ScriptOutput, after: ScriptOutput): ScriptOutput {
  const merged: ScriptOutput = {
    tests: [...before.tests, ...after.tests],
    scriptErrors: [...before.scriptErrors, ...after.scriptErrors],
    variables: after.variables,
    request: after.request,
    skipRequest: before.skipRequest || after.skipRequest,
    console: [...before.console, ...after.console],
  };
  if ('nextRequest' in after) merged.nextRequest = after.nextRequest;
  else if ('nextRequest' in before) merged.nextRequest = before.nextRequest;
  return merged;
}

/** What an event without code produces: nothing changes. */
function idle(input: ScriptInput): ScriptOutput {
  return {
    tests: [],
    scriptErrors: [],
    variables: input.variables,
    request: input.request,
    skipRequest: false,
    console: [],
  };
}
