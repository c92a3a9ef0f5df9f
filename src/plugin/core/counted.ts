// Counts in log lines read as words: "1 node", "3 nodes", never "node(s)".

/** `count` with the singular or the plural noun: `counted(1, 'key', 'keys')` is "1 key". */
export function counted(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}
