// The secret name the Move dialog proposes for a finding: node name (or type) and property, in the manager's naming rule.
import { NAME_MAX_LENGTH, nameProblem } from '../../src/shared/names';

/** Words of `text`: camelCase and every run of characters outside letters and digits split them. */
function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w.toUpperCase());
}

/**
 * `MQTT_PROD_PASSWORD` for node "MQTT prod" and property `password`: the
 * node's words, then the property's words that do not already end the node's
 * ("DB password" + `password` stays `DB_PASSWORD`), joined with `_`, cut to
 * {@link NAME_MAX_LENGTH}. Always a valid name: `SECRET` when nothing is left.
 */
export function proposeName(nodeLabel: string, propertyLabel: string): string {
  const head = words(nodeLabel);
  const tail = words(propertyLabel);
  // Drop the property's words the node's name already ends with.
  let overlap = Math.min(head.length, tail.length);
  while (overlap > 0 && head.slice(head.length - overlap).join('_') !== tail.slice(0, overlap).join('_')) overlap--;
  const name = [...head, ...tail.slice(overlap)].join('_').slice(0, NAME_MAX_LENGTH).replace(/_+$/, '');
  return name === '' || nameProblem(name) !== undefined ? 'SECRET' : name;
}
