// The header's "Circuits" button: opens the panel, and shows how many
// circuits are OPEN, in red. It reads the circuits itself while the panel is
// closed (the panel reads them while open).
import { useConnectionInfo } from '../hooks/useConnectionInfo';
import { circuitsPollMs } from './polling';
import { toggleCircuits, useCircuitsUi } from './store';
import { openCount } from './timeline';
import { useCircuitsPolling } from './useCircuits';

export function CircuitsButton() {
  const { open, report } = useCircuitsUi();
  const { info } = useConnectionInfo();
  useCircuitsPolling(circuitsPollMs(false, info?.mode), !open);
  const known = report?.circuits.length ?? 0;
  const opened = report ? openCount(report.circuits) : 0;
  const title =
    known === 0
      ? 'Circuits: none has changed state yet'
      : `${known} circuit${known === 1 ? '' : 's'}, ${opened} open`;
  return (
    <button
      type="button"
      id="circuits-button"
      className={`button button--ghost circuits-button${opened > 0 ? ' circuits-button--open' : ''}`}
      onClick={toggleCircuits}
      aria-expanded={open}
      aria-controls={open ? 'circuits-panel' : undefined}
      aria-label={opened > 0 ? `Circuits, ${opened} open` : 'Circuits'}
      title={title}
    >
      Circuits
      {opened > 0 && <span className="circuits-button__open">{opened} open</span>}
    </button>
  );
}
