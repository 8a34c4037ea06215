// Pretty JSON that folds: objects and arrays open and close one by one (or
// all at once), and the whole value copies to the clipboard, with a way to
// copy by hand where the clipboard is not available.
import { useRef, useState } from 'react';

interface Props {
  value: unknown;
  /** What the value is, for the tree's accessible name. */
  label: string;
  /** Levels open at first. */
  openDepth?: number;
}

type CopyState = { status: 'idle' } | { status: 'copied' } | { status: 'failed'; text: string };

export function JsonTree({ value, label, openDepth = 2 }: Props) {
  // Expand all / collapse all remount the tree with another open depth.
  const [layout, setLayout] = useState({ depth: openDepth, generation: 0 });
  const [copy, setCopy] = useState<CopyState>({ status: 'idle' });
  const fallback = useRef<HTMLTextAreaElement>(null);

  const copyText = () => {
    const text = JSON.stringify(value, null, 2);
    const failed = () => {
      setCopy({ status: 'failed', text });
      // Select it so that Ctrl+C is all that is left to do.
      setTimeout(() => fallback.current?.select(), 0);
    };
    // The clipboard API is missing outside secure contexts (and in old webviews).
    const clipboard = typeof navigator === 'undefined' ? undefined : (navigator.clipboard as Clipboard | undefined);
    if (!clipboard?.writeText) {
      failed();
      return;
    }
    clipboard.writeText(text).then(() => setCopy({ status: 'copied' }), failed);
  };

  return (
    <div className="json">
      <div className="json__tools">
        <button type="button" onClick={copyText}>
          Copy JSON
        </button>
        <button type="button" onClick={() => setLayout((l) => ({ depth: Infinity, generation: l.generation + 1 }))}>
          Expand all
        </button>
        <button type="button" onClick={() => setLayout((l) => ({ depth: 0, generation: l.generation + 1 }))}>
          Collapse all
        </button>
        {copy.status === 'copied' && (
          <span className="json__note" role="status">
            Copied
          </span>
        )}
      </div>
      {copy.status === 'failed' && (
        <div className="json__fallback">
          <p className="json__note" role="alert">
            Could not use the clipboard: the JSON is selected below, press Ctrl+C (⌘C) to copy it.
          </p>
          <textarea ref={fallback} readOnly value={copy.text} aria-label="JSON to copy" rows={6} />
        </div>
      )}
      <ul className="json__tree" role="tree" aria-label={label} key={layout.generation}>
        <JsonNode name={null} value={value} depth={0} openDepth={layout.depth} last />
      </ul>
    </div>
  );
}

interface NodeProps {
  name: string | number | null;
  value: unknown;
  depth: number;
  openDepth: number;
  last: boolean;
}

function JsonNode({ name, value, depth, openDepth, last }: NodeProps) {
  const [open, setOpen] = useState(depth < openDepth);
  const key =
    name === null ? null : (
      <span className="json__key">{typeof name === 'number' ? `${name}: ` : `${JSON.stringify(name)}: `}</span>
    );
  const comma = last ? '' : ',';

  if (typeof value !== 'object' || value === null) {
    return (
      <li role="treeitem" aria-selected={false} className="json__leaf">
        {key}
        <span className={`json__${value === null ? 'null' : typeof value}`}>{JSON.stringify(value) ?? 'undefined'}</span>
        {comma}
      </li>
    );
  }

  const isArray = Array.isArray(value);
  const entries: [string | number, unknown][] = isArray
    ? (value as unknown[]).map((item, i) => [i, item])
    : Object.entries(value as Record<string, unknown>);
  const [openBracket, closeBracket] = isArray ? ['[', ']'] : ['{', '}'];
  const what = name === null ? 'the event' : String(name);
  if (entries.length === 0) {
    return (
      <li role="treeitem" aria-selected={false} className="json__leaf">
        {key}
        {openBracket}
        {closeBracket}
        {comma}
      </li>
    );
  }
  const size = isArray ? `${entries.length} item${entries.length === 1 ? '' : 's'}` : `${entries.length} key${entries.length === 1 ? '' : 's'}`;
  return (
    <li role="treeitem" aria-selected={false} aria-expanded={open} className="json__branch">
      <button
        type="button"
        className="json__toggle"
        aria-label={`${open ? 'Fold' : 'Unfold'} ${what}`}
        onClick={() => setOpen((o) => !o)}
      >
        {open ? '▾' : '▸'}
      </button>
      {key}
      {open ? (
        <>
          {openBracket}
          <ul role="group" className="json__children">
            {entries.map(([childName, child], i) => (
              <JsonNode
                key={childName}
                name={childName}
                value={child}
                depth={depth + 1}
                openDepth={openDepth}
                last={i === entries.length - 1}
              />
            ))}
          </ul>
          {closeBracket}
          {comma}
        </>
      ) : (
        <>
          <span className="json__folded">
            {openBracket}…{closeBracket}
          </span>
          <span className="json__size"> {size}</span>
          {comma}
        </>
      )}
    </li>
  );
}
