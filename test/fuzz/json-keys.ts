/**
 * Duplicate-key detection for JSON text. `JSON.parse` silently keeps the last of two equal keys;
 * a file format that must not be ambiguous (a safetensors header naming a tensor twice) needs to
 * know. The input must already be valid JSON (parse it first); this only scans its structure.
 */

/** The first key that occurs twice in one object, with the path of that object, or null. */
export function findDuplicateKey(text: string): { key: string; path: string } | null {
  // One frame per open container: the keys seen so far (objects) or null (arrays), and the path.
  const stack: { keys: Set<string> | null; path: string; lastKey: string }[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (expectKey && top !== undefined && top.keys !== null) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) return { key, path: top.path };
        top.keys.add(key);
        top.lastKey = key;
        expectKey = false;
      }
      i = j;
    } else if (c === '{' || c === '[') {
      const parent = stack[stack.length - 1];
      const path = parent === undefined ? '' : parent.keys !== null ? `${parent.path}/${parent.lastKey}` : `${parent.path}/[]`;
      stack.push({ keys: c === '{' ? new Set() : null, path, lastKey: '' });
      expectKey = c === '{';
    } else if (c === '}' || c === ']') {
      stack.pop();
      expectKey = false;
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      expectKey = top !== undefined && top.keys !== null;
    }
  }
  return null;
}
