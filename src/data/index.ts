/** `nb.data`: datasets and the DataLoader. Each line re-exports one file. */
export {};
