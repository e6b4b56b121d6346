/**
 * Saves `data` as a file through the browser's download (Blob + a[download]); the object URL is
 * revoked once the download has taken it.
 */
export function downloadFile(filename: string, data: BlobPart, mime: string): void {
  const url = URL.createObjectURL(new Blob([data], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 2000);
}
