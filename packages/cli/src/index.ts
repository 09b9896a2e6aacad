export { type CliIo, Exit } from './cli-io.ts';
export { main } from './main.ts';
