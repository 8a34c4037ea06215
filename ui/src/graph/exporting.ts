// Saving the graph: a Blob handed to an <a download> link (what the Tauri
// webview supports without a save dialog) and text copied to the clipboard.
// Each returns the message to show the user, success or not.
import type { Topology } from '../bindings/Topology';
import { toMermaid } from './mermaid';
import type { GraphRenderer } from './renderer';

export type ExportFormat = 'png' | 'svg' | 'mermaid';

/** `choreoscope-graph-2026-11-22T19-56.png`: sortable, and valid on every file system. */
export function exportFileName(extension: string, now: Date = new Date()): string {
  const stamp = now.toISOString().slice(0, 16).replace(/:/g, '-');
  return `choreoscope-graph-${stamp}.${extension}`;
}

/** Starts a download of the blob; throws when the webview cannot. */
export function downloadBlob(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    link.rel = 'noopener';
    link.style.display = 'none';
    document.body.appendChild(link);
    link.click();
    link.remove();
  } finally {
    // Revoked after the click has been handled, not before it.
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
}

export async function copyText(text: string) {
  if (!navigator.clipboard?.writeText) throw new Error('the clipboard is not available');
  await navigator.clipboard.writeText(text);
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Exports the graph in `format`; resolves to what to tell the user. */
export async function exportGraph(format: ExportFormat, renderer: GraphRenderer, topology: Topology): Promise<string> {
  try {
    switch (format) {
      case 'png': {
        const fileName = exportFileName('png');
        downloadBlob(renderer.png(), fileName);
        return `Saved ${fileName}`;
      }
      case 'svg': {
        const fileName = exportFileName('svg');
        downloadBlob(new Blob([renderer.svg()], { type: 'image/svg+xml' }), fileName);
        return `Saved ${fileName}`;
      }
      case 'mermaid': {
        const text = toMermaid(topology);
        const fileName = exportFileName('mmd');
        // Both, so one failing still leaves the other.
        const copied = await copyText(text).then(
          () => true,
          () => false,
        );
        let saved = true;
        try {
          downloadBlob(new Blob([text], { type: 'text/plain' }), fileName);
        } catch {
          saved = false;
        }
        if (copied && saved) return `Mermaid copied to the clipboard and saved as ${fileName}`;
        if (copied) return 'Mermaid copied to the clipboard (could not save the file)';
        if (saved) return `Mermaid saved as ${fileName} (could not copy to the clipboard)`;
        throw new Error('neither the clipboard nor downloads are available');
      }
    }
  } catch (error) {
    return `Could not export ${format === 'mermaid' ? 'Mermaid' : format.toUpperCase()}: ${reason(error)}`;
  }
}
