// The header's "Demo" button, in local mode only: opens the demo drawer.
import { useConnectionInfo } from '../hooks/useConnectionInfo';
import { toggleDemo, useDemoOpen } from './store';

export function DemoButton() {
  const { info } = useConnectionInfo();
  const open = useDemoOpen();
  if (info?.mode !== 'local') return null;
  return (
    <button
      type="button"
      id="demo-button"
      className="button button--ghost"
      onClick={toggleDemo}
      aria-expanded={open}
      aria-controls={open ? 'demo-drawer' : undefined}
      title="Demo controls: orders, faults, traffic and the partner-outage scenario"
    >
      Demo
    </button>
  );
}
