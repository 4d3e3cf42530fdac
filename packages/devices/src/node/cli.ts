import { hideBin } from 'yargs/helpers';
import { parseCommandLine, runCli, type FlagTable } from '@mnist-onnx/mnist/node';
import { formatSurvey } from './format-survey.js';
import { surveyDevices } from './survey.js';

interface DevicesOptions {
  json: boolean;
  browser: boolean;
}

const DEVICES_FLAGS: FlagTable<DevicesOptions> = {
  json: { type: 'boolean', default: false, describe: 'print the survey as one JSON object' },
  browser: { type: 'boolean', default: true, describe: 'check the page\'s providers in a local headless Chromium (--no-browser skips it)' },
};

/** `pnpm devices`: every training backend and execution provider, whether it can run here, and why not. */
async function main(): Promise<void> {
  const options = await parseCommandLine(hideBin(process.argv), {
    name: 'pnpm devices',
    summary: 'Lists every training backend and execution provider (Node and the page), whether it can run on this machine, why not, and what to do.',
    flags: DEVICES_FLAGS,
  });
  const survey = await surveyDevices({ browser: options.browser ?? true });
  process.stdout.write(options.json ? `${JSON.stringify(survey, null, 2)}\n` : formatSurvey(survey));
}

await runCli(main);
