/** The page's element with this id, or an error naming the page and the id (a page and its script out of step). */
export function el<T extends HTMLElement>(page: string, id: string): T {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`${page}: no element #${id}`);
  return e as T;
}
