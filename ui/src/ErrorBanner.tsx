import type { AppError } from './bindings/AppError';

interface Props {
  error: AppError;
  title: string;
  onDismiss: () => void;
}

export function ErrorBanner({ error, title, onDismiss }: Props) {
  return (
    <div className="error-banner" role="alert">
      <div className="error-banner__text">
        <strong>{title}</strong> {error.message}
        {error.code && <span className="error-banner__code">{error.code}</span>}
      </div>
      <button type="button" className="icon-button" aria-label="Dismiss error" onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}
