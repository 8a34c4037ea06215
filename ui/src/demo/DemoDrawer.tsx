// The demo drawer (local mode): a GraphQL client (place, watch, cancel an
// order), the partners' fault switches, the traffic rate, and the guided
// partner-outage scenario.
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { openPollMs } from '../circuits/polling';
import { useCircuitsUi } from '../circuits/store';
import { useCircuitsPolling } from '../circuits/useCircuits';
import './demo.css';
import { FaultSwitches } from './FaultSwitches';
import { OrderPanel } from './OrderPanel';
import { OutageScenario } from './OutageScenario';
import { partnerCircuit } from './scenario';
import { closeDemo, useDemoOpen } from './store';
import { TrafficControl } from './TrafficControl';
import { useDemoStatus } from './useDemoStatus';

export function DemoDrawer() {
  const open = useDemoOpen();
  if (!open) return null;
  return <Drawer />;
}

function Drawer() {
  const demo = useDemoStatus();
  const { report } = useCircuitsUi();
  useCircuitsPolling(openPollMs);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    const before = document.activeElement;
    heading.current?.focus();
    return () => {
      const button = document.getElementById('demo-button');
      if (button) button.focus();
      else if (before instanceof HTMLElement) before.focus();
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      closeDemo();
    }
  };

  return (
    <aside
      id="demo-drawer"
      className="demo-drawer"
      role="dialog"
      aria-modal="false"
      aria-labelledby="demo-title"
      onKeyDown={onKeyDown}
    >
      <header className="demo-drawer__header">
        <h2 id="demo-title" className="demo-drawer__title" tabIndex={-1} ref={heading}>
          Demo
        </h2>
        <button type="button" className="icon-button" aria-label="Close demo" onClick={closeDemo}>
          ×
        </button>
      </header>
      <div className="demo-drawer__body">
        {demo.error && (
          <p className="demo-error" role="alert">
            {demo.error.message}
          </p>
        )}
        <OutageScenario
          status={demo.status}
          circuit={partnerCircuit(report)}
          onFaults={demo.faultsChanged}
          onRate={demo.rateChanged}
        />
        <FaultSwitches faults={demo.status?.faults ?? null} onChanged={demo.faultsChanged} />
        <TrafficControl rate={demo.status?.ordersPerSec ?? null} onChanged={demo.rateChanged} />
        <OrderPanel />
      </div>
    </aside>
  );
}
