// Entry point of `npm run sim`; the work is in sim-main.ts.
import { main } from './sim-main.ts';

process.exitCode = await main(process.argv.slice(2));
