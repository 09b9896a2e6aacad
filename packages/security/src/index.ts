// Public door of the pure security core (HOUSE_STYLE rule 6: no I/O anywhere below this folder).
export * from './command/index.ts';
export * from './content/index.ts';
export * from './grant/index.ts';
