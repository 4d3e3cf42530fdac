// One copy of the bench's tfjs training measurement in a process of its own: the parent starts
// several at once to see what the machine's cores give to independent copies (see ceiling.ts).
// Input: a TfjsTrainingRun as JSON in argv[2]. Output: the TfjsTraining measurement as JSON.
import { measureTfjsTraining, type TfjsTrainingRun } from './tfjs-training.js';

const run = JSON.parse(process.argv[2] ?? '') as TfjsTrainingRun;
process.stdout.write(`${JSON.stringify(await measureTfjsTraining(run))}\n`);
