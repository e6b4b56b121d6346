import { useState, type DragEvent, type ReactNode } from 'react';

/**
 * A drop target for files with a "choose files" button inside: both hand the chosen files to `onFiles`
 * (never an empty list). `disabled` turns both off.
 */
export function DropZone({
  onFiles,
  accept,
  buttonLabel,
  testId,
  disabled = false,
  children,
  after,
}: {
  onFiles: (files: File[]) => void;
  accept: string;
  buttonLabel: string;
  testId: string;
  disabled?: boolean;
  /** Shown before the button. */
  children?: ReactNode;
  /** Shown after the button (status, errors). */
  after?: ReactNode;
}) {
  const [dragging, setDragging] = useState(false);
  const take = (files: File[]) => {
    if (files.length > 0 && !disabled) onFiles(files);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    take(Array.from(e.dataTransfer.files));
  };
  return (
    <div
      className={`dropzone${dragging ? ' dragging' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      {children}
      <label className={`file-button${disabled ? ' disabled' : ''}`}>
        {buttonLabel}
        <input
          type="file"
          data-testid={testId}
          multiple
          accept={accept}
          disabled={disabled}
          onChange={(e) => {
            take(Array.from(e.target.files ?? []));
            e.target.value = '';
          }}
        />
      </label>
      {after}
    </div>
  );
}
