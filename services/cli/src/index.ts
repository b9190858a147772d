// @logbook/cli: the `logbook` command.
export { main, helpText } from './main.ts';
export { demoMain } from './demo.ts';
