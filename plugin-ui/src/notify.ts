// The one caller of RED.notify: a notification's text and its buttons' labels reach the editor's DOM as text, never as HTML.
import type { Notification, NotifyOptions } from './red-editor';

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `text` with the five HTML-special characters as entities. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * `text` as the paragraph a notification shows. RED.notify sets a string
 * message as `innerHTML` (and the editor's `RED._` does not escape what it
 * interpolates), but appends an element as it is: so the text is an element's
 * text node, and a node name like `<img onerror=…>` stays those characters.
 */
export function plainText(text: string): JQuery {
  return $('<p>').text(text);
}

/**
 * Shows `text` (plain text: a translation, node names, a server's message) in
 * an editor notification. Button labels are escaped because RED.notify puts
 * them in with `.html()`; the catalog's labels contain no character that
 * escaping changes, so they read the same where Node-RED uses `.text()` (its
 * update of an open notification with the same id).
 */
export function notify(text: string, options: NotifyOptions = {}): Notification {
  const buttons = options.buttons?.map((button) => ({ ...button, text: escapeHtml(button.text) }));
  return RED.notify(plainText(text), buttons ? { ...options, buttons } : options);
}
