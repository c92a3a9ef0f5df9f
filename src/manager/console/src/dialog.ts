// Modal dialogs of the console: open one, and settle it by a request (close on success, the manager's message on failure).

/** Opens `dialog` modally; it removes itself when closed. */
export function openDialog(dialog: HTMLDialogElement): void {
  document.body.append(dialog);
  dialog.addEventListener('close', () => dialog.remove());
  dialog.showModal();
}

/** Closes `dialog` and calls `done` when `request` succeeds; otherwise shows the manager's message in `error`. */
export function settle(request: Promise<unknown>, dialog: HTMLDialogElement, error: HTMLElement, done: () => void): void {
  request.then(
    () => {
      dialog.close();
      done();
    },
    (err: unknown) => (error.textContent = err instanceof Error ? err.message : String(err)),
  );
}
