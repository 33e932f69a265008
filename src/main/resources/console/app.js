// Placeholder: the console's front end replaces this module.
export const consoleVersion = 0;
