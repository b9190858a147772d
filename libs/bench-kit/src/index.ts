// @logbook/bench-kit: what every benchmark shares — a closed-loop load
// generator and nearest-rank statistics over bounded latency samples.

export { closedLoop, cpuShare, type LoadResult } from './closed-loop.ts';
export { percentile, median, LatencySamples, summarize, medianOfRuns, type RunSummary } from './stats.ts';
