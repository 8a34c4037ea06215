// A queue's depth over time, small enough for its row in the queue list.
import { formatDuration } from '../events/storyFormat';
import { depthHistory, depthTrend, sparklinePoints } from './depthHistory';

const WIDTH = 96;
const HEIGHT = 20;

export function DepthSparkline({ queueArn }: { queueArn: string }) {
  const samples = depthHistory(queueArn);
  if (samples.length < 2) return null;
  const depths = samples.map((s) => s.depth);
  const span = samples[samples.length - 1]!.atMs - samples[0]!.atMs;
  const words = `Depth over the last ${formatDuration(span)}: from ${Math.min(...depths)} to ${Math.max(...depths)}, now ${depths[depths.length - 1]}`;
  return (
    <svg
      className={`dlq-sparkline dlq-sparkline--${depthTrend(samples)}`}
      data-trend={depthTrend(samples)}
      width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={words}>
      <title>{words}</title>
      <polyline points={sparklinePoints(samples, WIDTH, HEIGHT - 2)} fill="none" strokeWidth="1.5" transform="translate(0 1)" />
    </svg>
  );
}
