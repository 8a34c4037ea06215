// Export buttons: PNG, SVG and Mermaid (copied and downloaded).
import type { ExportFormat } from './exporting';

const FORMATS: { format: ExportFormat; label: string; title: string }[] = [
  { format: 'png', label: 'PNG', title: 'Download the whole graph as a PNG image' },
  { format: 'svg', label: 'SVG', title: 'Download the whole graph as an SVG image' },
  { format: 'mermaid', label: 'Mermaid', title: 'Copy the graph as a Mermaid flowchart and download it' },
];

export function ExportMenu({ onExport }: { onExport: (format: ExportFormat) => void }) {
  return (
    <div className="graph-export" role="group" aria-label="Export graph">
      <span className="graph-export__label" aria-hidden>
        Export
      </span>
      {FORMATS.map(({ format, label, title }) => (
        <button
          key={format}
          type="button"
          className="button button--ghost"
          title={title}
          aria-label={`Export as ${label}`}
          onClick={() => onExport(format)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}
