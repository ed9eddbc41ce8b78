/** `nb.optim`: optimizers and learning-rate schedulers. Each line re-exports one file. */
export {};
