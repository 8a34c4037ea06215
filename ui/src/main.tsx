import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { prefetchTopology } from './api';
import { App } from './App';
import { markStartup } from './startupTimings';

markStartup('script');
// The graph's first read goes out now, not once React has mounted.
prefetchTopology();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
