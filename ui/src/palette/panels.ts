// The palette's entries that open the app's panels and drawers (each the
// same as its header button).
import { toggleCircuits } from '../circuits/store';
import { toggleConnections } from '../connection/store';
import { toggleDeadLetters } from '../deadletters/store';
import { toggleDemo } from '../demo/store';
import { toggleReplays } from '../replays/store';
import { toggleTasks } from '../tasks/store';
import type { PaletteCommand } from './commands';

export function panelCommands(): PaletteCommand[] {
  return [
    { id: 'panel:connections', label: 'Connections…', hint: 'Panel', run: toggleConnections },
    { id: 'panel:dead-letters', label: 'Dead letters', hint: 'Panel', run: toggleDeadLetters },
    { id: 'panel:replays', label: 'Archives and replays', hint: 'Panel', run: toggleReplays },
    { id: 'panel:tasks', label: 'Waiting tasks (task tokens)', hint: 'Panel', run: toggleTasks },
    { id: 'panel:circuits', label: 'Circuits', hint: 'Panel', run: toggleCircuits },
    { id: 'panel:demo', label: 'Demo controls (local mode)', hint: 'Panel', run: toggleDemo },
  ];
}
