import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { prefetchTopology } from './api';
import { App } from './App';
import { markStartup } from './startupTimings';

markStartup('script');
/**
 * How long the first render waits for the topology. Locally it is in within
 * tens of milliseconds, and drawing the graph in the first render saves a
 * render and paint of the whole page in its loading state; a slow
 * connection (AWS) gets the loading state instead.
 */
const FIRST_RENDER_WAIT_MS = 200;

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
const mountAt = root;

// The graph's first read goes out now, not once React has mounted.
void Promise.race([prefetchTopology(), new Promise((resolve) => setTimeout(resolve, FIRST_RENDER_WAIT_MS))]).then(
  () =>
    createRoot(mountAt).render(
      <StrictMode>
        <App />
      </StrictMode>,
    ),
);
